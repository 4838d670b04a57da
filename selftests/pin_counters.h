/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The FOLL_PIN counters of /proc/vmstat, for the project's selftests.
 * Include after kselftest.h.
 */
#ifndef FOLL_PIN_SELFTESTS_PIN_COUNTERS_H
#define FOLL_PIN_SELFTESTS_PIN_COUNTERS_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct pin_stats {
	unsigned long long acquired;
	unsigned long long released;
};

/* Fold the per-cpu vmstat deltas, then read the two FOLL_PIN counters. */
static inline int read_pin_stats(struct pin_stats *s)
{
	char line[128];
	int found = 0;
	FILE *f;
	int fd;

	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			ksft_print_msg("stat_refresh: %s\n", strerror(errno));
		close(fd);
	}
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "nr_foll_pin_acquired %llu", &s->acquired) == 1)
			found |= 1;
		else if (sscanf(line, "nr_foll_pin_released %llu", &s->released) == 1)
			found |= 2;
	}
	fclose(f);
	return found == 3 ? 0 : -1;
}

/* Pins taken and not released between two readings. */
static inline long long outstanding(const struct pin_stats *now,
				    const struct pin_stats *then)
{
	return (long long)(now->acquired - then->acquired) -
	       (long long)(now->released - then->released);
}

/*
 * Pins still held since @then once the I/O's asynchronous completion has
 * had two seconds to run: netfs (9p) and NFS drop the last pins of a
 * direct I/O from a work item, after the system call has returned.  A
 * pin that is leaked stays outstanding; -1 if the counters cannot be read.
 */
static inline long long pins_settle(const struct pin_stats *then)
{
	struct pin_stats now;
	int i;

	for (i = 0; i < 100; i++) {
		if (read_pin_stats(&now))
			return -1;
		if (!outstanding(&now, then))
			return 0;
		usleep(20000);
	}
	return outstanding(&now, then);
}

#endif
