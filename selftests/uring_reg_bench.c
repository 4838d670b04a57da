// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`: the time io_uring takes to register one buffer of MB
 * megabytes (IORING_REGISTER_BUFFERS, which pins it) and to unregister it
 * (which unpins it), REPS times, on 4 KiB pages (-T), PMD-mapped THP
 * (-t), 2 MiB hugetlb (-H) or 1 GiB hugetlb (-G):
 *
 *   uring_reg_bench -T|-t|-H|-G [-m MB] [-r REPS]
 *
 * reg_bench.h has the frame: the buffer, the timing, the pin checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <liburing.h>

#include "../kselftest.h"
#include "pin_counters.h"
#include "reg_bench.h"

static int uring_reg(struct reg_bench *b)
{
	struct iovec iov = { .iov_base = b->buf, .iov_len = b->size };

	return io_uring_register_buffers(b->priv, &iov, 1);
}

static int uring_unreg(struct reg_bench *b)
{
	return io_uring_unregister_buffers(b->priv);
}

int main(int argc, char **argv)
{
	struct reg_bench b = { .reg = uring_reg, .unreg = uring_unreg };
	struct io_uring ring;
	int ret;

	reg_bench_args(&b, argc, argv);
	reg_bench_map(&b);
	ret = io_uring_queue_init(4, &ring, 0);
	if (ret)
		ksft_exit_fail_msg("io_uring_queue_init: %s\n", strerror(-ret));
	b.priv = &ring;
	reg_bench_run(&b, "IORING_REGISTER_BUFFERS");
	io_uring_queue_exit(&ring);
	ksft_finished();
}
