// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU cost of O_DIRECT reads of 1 MiB from a block device into a user
 * buffer, for `make bench`: a loop device on a file in /tmp, read with
 * pread() into a 1 MiB buffer of 4 KiB pages (-T), inside a PMD-mapped THP
 * (-t) or inside a 2 MiB hugetlb page (-H).  The reading process's CPU
 * time covers pinning the buffer, building the bio, submitting it and,
 * once the loop device's worker has copied the data, dirtying and
 * unpinning the pages; the copy itself is the worker's.
 *
 *   dio_bench -T|-t|-H [-n READS] [-r REPS]
 *
 * Prints, per repetition of READS reads (default 100, 10 repetitions),
 * "Time: get:G put:0 us ..." where G is the process CPU time of 1000 reads
 * in microseconds, so nanoseconds per read: under QEMU with -icount
 * shift=0, thousands of guest instructions per 1000 reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "loop_dev.h"
#include "pin_counters.h"
#include "vm_util.h"

#define HPAGE		(2UL << 20)
#define IO_LEN		(1UL << 20)
#define DEV_LEN		(64UL << 20)

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int opt, kind = 0, reads = 100, reps = 10, r, i;
	struct pin_stats before;
	struct loop_dev dev;
	char *map, *buf;
	long long held;

	while ((opt = getopt(argc, argv, "TtHn:r:")) != -1) {
		switch (opt) {
		case 'T': case 't': case 'H':
			kind = opt;
			break;
		case 'n':
			reads = atoi(optarg);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		default:
			kind = 0;
			optind = argc;
		}
	}
	ksft_print_header();
	if (!kind || reads < 1 || reps < 1 || optind != argc)
		ksft_exit_fail_msg("usage: dio_bench -T|-t|-H [-n READS] [-r REPS]\n");
	ksft_set_plan(1);

	if (kind == 'H')
		map = mmap(NULL, HPAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	else
		map = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	buf = kind == 'H' ? map :
	      (char *)(((uintptr_t)map + HPAGE - 1) & ~(HPAGE - 1));
	if (kind != 'H' &&
	    madvise(buf, HPAGE, kind == 't' ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		ksft_exit_fail_msg("madvise: %s\n", strerror(errno));
	memset(buf, 1, HPAGE);
	if (kind == 't' && !check_huge_anon(buf, HPAGE, 1, HPAGE))
		ksft_exit_fail_msg("the buffer is not in a PMD-mapped THP\n");

	loop_dev_setup(&dev, DEV_LEN, 512, NULL);
	if (read_pin_stats(&before))
		ksft_exit_fail_msg("no FOLL_PIN counters in /proc/vmstat\n");
	for (r = 0; r < reps; r++) {
		long long t0 = cpu_ns();

		for (i = 0; i < reads; i++) {
			off_t pos = (off_t)((r * reads + i) % (DEV_LEN / IO_LEN)) * IO_LEN;
			ssize_t n = pread(dev.fd, buf + HPAGE / 4, IO_LEN, pos);

			if (n != (ssize_t)IO_LEN)
				ksft_exit_fail_msg("pread: %zd (%s)\n", n,
						   n < 0 ? strerror(errno) : "short");
		}
		printf("Time: get:%lld put:0 us of process CPU per 1000 O_DIRECT reads of 1 MiB\n",
		       (cpu_ns() - t0) / reads);
	}
	if (buf[HPAGE / 4] || buf[HPAGE / 4 + IO_LEN - 1])
		ksft_exit_fail_msg("the reads did not bring the device's zeroes\n");
	held = pins_settle(&before);
	loop_dev_teardown(&dev);
	ksft_test_result(!held, "%d x %d O_DIRECT reads of 1 MiB, pins balanced (%lld left)\n",
			 reps, reads, held);
	ksft_finished();
}
