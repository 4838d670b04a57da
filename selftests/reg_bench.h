/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frame of the `make bench` registration programs (uring_reg_bench,
 * rdma_reg_bench): one buffer of MB megabytes on 4 KiB pages (-T),
 * PMD-mapped THP (-t), 2 MiB hugetlb (-H) or 1 GiB hugetlb (-G),
 * populated, then registered and unregistered REPS times:
 *
 *   PROG -T|-t|-H|-G [-m MB] [-r REPS]
 *
 * Each repetition prints "Time: get:REGISTER put:UNREGISTER us", the
 * format of gup_test's, which ci/bench.sh collects.  Every registration
 * must hold pins while registered and release them all when unregistered,
 * or the program fails.  Include after kselftest.h and pin_counters.h.
 */
#ifndef FOLL_PIN_SELFTESTS_REG_BENCH_H
#define FOLL_PIN_SELFTESTS_REG_BENCH_H

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define REG_BENCH_HPAGE	(2UL << 20)
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif

struct reg_bench {
	int kind;		/* 'T', 't', 'H' or 'G' */
	size_t size;
	int reps;
	char *map;		/* what to munmap() */
	size_t maplen;
	char *buf;		/* the buffer, aligned to its page size */
	/* register and unregister the buffer: 0 or a negative errno */
	int (*reg)(struct reg_bench *b);
	int (*unreg)(struct reg_bench *b);
	void *priv;
};

static inline long long reg_bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Parse the command line; prints the TAP header and plan. */
static inline void reg_bench_args(struct reg_bench *b, int argc, char **argv)
{
	int opt;

	b->size = 1024UL << 20;
	b->reps = 10;
	b->kind = 0;
	while ((opt = getopt(argc, argv, "tTHGm:r:")) != -1) {
		switch (opt) {
		case 't': case 'T': case 'H': case 'G':
			b->kind = opt;
			break;
		case 'm':
			b->size = strtoul(optarg, NULL, 0) << 20;
			break;
		case 'r':
			b->reps = atoi(optarg);
			break;
		default:
			b->kind = 0;
			optind = argc;
			break;
		}
	}
	if (!b->kind || !b->size || b->reps < 1)
		ksft_exit_fail_msg("usage: %s -T|-t|-H|-G [-m MB] [-r REPS]\n",
				   argv[0]);
	ksft_print_header();
	ksft_set_plan(1);
}

/* Map and populate the buffer; skips the test without hugetlb pages. */
static inline void reg_bench_map(struct reg_bench *b)
{
	size_t i;

	if (b->kind == 'H' || b->kind == 'G') {
		int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB;

		if (b->kind == 'G')
			flags |= 30 << MAP_HUGE_SHIFT;
		b->maplen = b->size;
		b->map = mmap(NULL, b->maplen, PROT_READ | PROT_WRITE, flags,
			      -1, 0);
		if (b->map == MAP_FAILED)
			ksft_exit_skip("no %s hugetlb pages for %zu MiB\n",
				       b->kind == 'G' ? "1 GiB" : "2 MiB",
				       b->size >> 20);
		b->buf = b->map;
	} else {
		b->maplen = b->size + REG_BENCH_HPAGE;
		b->map = mmap(NULL, b->maplen, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (b->map == MAP_FAILED)
			ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
		b->buf = (char *)(((uintptr_t)b->map + REG_BENCH_HPAGE - 1) &
				  ~(REG_BENCH_HPAGE - 1));
		madvise(b->buf, b->size, b->kind == 't' ? MADV_HUGEPAGE :
			MADV_NOHUGEPAGE);
	}
	for (i = 0; i < b->size; i += getpagesize())
		b->buf[i] = 1;
}

/* The REPS registrations, timed and checked; ends the test. */
static inline void reg_bench_run(struct reg_bench *b, const char *what)
{
	struct pin_stats before, mid, after;
	int r, ret;

	for (r = 0; r < b->reps; r++) {
		long long t0, t1, t2;

		if (read_pin_stats(&before))
			ksft_exit_fail_msg("no FOLL_PIN counters in /proc/vmstat\n");
		t0 = reg_bench_now_us();
		ret = b->reg(b);
		t1 = reg_bench_now_us();
		if (ret)
			ksft_exit_fail_msg("%s: register: %s\n", what,
					   strerror(-ret));
		read_pin_stats(&mid);
		t2 = reg_bench_now_us();
		ret = b->unreg(b);
		t2 = reg_bench_now_us() - t2;
		if (ret)
			ksft_exit_fail_msg("%s: unregister: %s\n", what,
					   strerror(-ret));
		read_pin_stats(&after);
		if (outstanding(&mid, &before) <= 0 ||
		    outstanding(&after, &before))
			ksft_exit_fail_msg("pins: %lld held while registered, %lld after\n",
					   outstanding(&mid, &before),
					   outstanding(&after, &before));
		printf("Time: get:%lld put:%lld us (%lld pins while registered)\n",
		       t1 - t0, t2, outstanding(&mid, &before));
	}
	munmap(b->map, b->maplen);
	ksft_test_result_pass("%d registrations of %zu MiB (%s)\n", b->reps,
			      b->size >> 20, what);
}

#endif
