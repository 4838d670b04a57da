// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`: the time io_uring takes to register one buffer of MB
 * megabytes (IORING_REGISTER_BUFFERS, which pins it) and to unregister it
 * (which unpins it), REPS times, on 4 KiB pages (-T), PMD-mapped THP
 * (-t), 2 MiB hugetlb (-H) or 1 GiB hugetlb (-G):
 *
 *   uring_reg_bench -T|-t|-H|-G [-m MB] [-r REPS]
 *
 * Each repetition prints "Time: get:REGISTER put:UNREGISTER us", the
 * format of gup_test's, which ci/bench.sh collects.  The memory is
 * populated first; every registration must hold pins while registered
 * and release them all when unregistered, or the program fails.
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
#include <liburing.h>

#include "../kselftest.h"
#include "pin_counters.h"

#define HPAGE		(2UL << 20)
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	size_t size = 1024UL << 20, maplen, i;
	int reps = 10, kind = 0, opt, r, ret;
	struct pin_stats before, mid, after;
	struct io_uring ring;
	struct iovec iov;
	char *map, *p;

	while ((opt = getopt(argc, argv, "tTHGm:r:")) != -1) {
		switch (opt) {
		case 't': case 'T': case 'H': case 'G':
			kind = opt;
			break;
		case 'm':
			size = strtoul(optarg, NULL, 0) << 20;
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		default:
			ksft_exit_fail_msg("usage: %s -T|-t|-H|-G [-m MB] [-r REPS]\n", argv[0]);
		}
	}
	if (!kind || !size || reps < 1)
		ksft_exit_fail_msg("usage: %s -T|-t|-H|-G [-m MB] [-r REPS]\n", argv[0]);

	ksft_print_header();
	ksft_set_plan(1);
	if (kind == 'H' || kind == 'G') {
		int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB;

		if (kind == 'G')
			flags |= 30 << MAP_HUGE_SHIFT;
		maplen = size;
		map = mmap(NULL, maplen, PROT_READ | PROT_WRITE, flags, -1, 0);
		if (map == MAP_FAILED)
			ksft_exit_skip("no %s hugetlb pages for %zu MiB\n",
				       kind == 'G' ? "1 GiB" : "2 MiB", size >> 20);
		p = map;
	} else {
		maplen = size + HPAGE;
		map = mmap(NULL, maplen, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map == MAP_FAILED)
			ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
		p = (char *)(((uintptr_t)map + HPAGE - 1) & ~(HPAGE - 1));
		madvise(p, size, kind == 't' ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	}
	for (i = 0; i < size; i += getpagesize())
		p[i] = 1;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret)
		ksft_exit_fail_msg("io_uring_queue_init: %s\n", strerror(-ret));
	iov.iov_base = p;
	iov.iov_len = size;
	for (r = 0; r < reps; r++) {
		long long t0, t1, t2;

		if (read_pin_stats(&before))
			ksft_exit_fail_msg("no FOLL_PIN counters in /proc/vmstat\n");
		t0 = now_us();
		ret = io_uring_register_buffers(&ring, &iov, 1);
		t1 = now_us();
		if (ret)
			ksft_exit_fail_msg("IORING_REGISTER_BUFFERS: %s\n", strerror(-ret));
		read_pin_stats(&mid);
		t2 = now_us();
		ret = io_uring_unregister_buffers(&ring);
		t2 = now_us() - t2;
		if (ret)
			ksft_exit_fail_msg("IORING_UNREGISTER_BUFFERS: %s\n", strerror(-ret));
		read_pin_stats(&after);
		if (outstanding(&mid, &before) <= 0 || outstanding(&after, &before))
			ksft_exit_fail_msg("pins: %lld held while registered, %lld after\n",
					   outstanding(&mid, &before),
					   outstanding(&after, &before));
		printf("Time: get:%lld put:%lld us (%lld pins while registered)\n",
		       t1 - t0, t2, outstanding(&mid, &before));
	}
	io_uring_queue_exit(&ring);
	munmap(map, maplen);
	ksft_test_result_pass("%d registrations of %zu MiB\n", reps, size >> 20);
	ksft_finished();
}
