// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`: the time an RDMA memory registration of one buffer of MB
 * megabytes takes (ibv_reg_mr(), which pins it through ib_umem_get()) and
 * its deregistration (ibv_dereg_mr(), which unpins it), REPS times, on
 * 4 KiB pages (-T), PMD-mapped THP (-t), 2 MiB hugetlb (-H) or 1 GiB
 * hugetlb (-G):
 *
 *   rdma_reg_bench -T|-t|-H|-G [-m MB] [-r REPS]
 *
 * on the RDMA device RDMA_DEV, or the first one (selftests/rdma_mr.sh
 * bench makes an rdma_rxe device and runs this).  reg_bench.h has the
 * frame: the buffer, the timing, the pin checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <infiniband/verbs.h>

#include "../kselftest.h"
#include "pin_counters.h"
#include "reg_bench.h"

struct rdma_bench {
	struct ibv_pd *pd;
	struct ibv_mr *mr;
};

static int rdma_reg(struct reg_bench *b)
{
	struct rdma_bench *r = b->priv;

	r->mr = ibv_reg_mr(r->pd, b->buf, b->size, IBV_ACCESS_LOCAL_WRITE |
			   IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ);
	return r->mr ? 0 : -errno;
}

static int rdma_unreg(struct reg_bench *b)
{
	struct rdma_bench *r = b->priv;
	int ret = ibv_dereg_mr(r->mr);

	r->mr = NULL;
	/* ibv_dereg_mr() returns an errno value, not -1 */
	return ret > 0 ? -ret : ret;
}

int main(int argc, char **argv)
{
	struct reg_bench b = { .reg = rdma_reg, .unreg = rdma_unreg };
	const char *want = getenv("RDMA_DEV");
	struct ibv_device **list;
	struct ibv_context *ctx;
	struct rdma_bench r;
	int n, i;

	reg_bench_args(&b, argc, argv);
	list = ibv_get_device_list(&n);
	if (!list || !n)
		ksft_exit_skip("no RDMA device\n");
	for (i = 0; i < n; i++)
		if (!want || !strcmp(ibv_get_device_name(list[i]), want))
			break;
	if (i == n)
		ksft_exit_skip("no RDMA device %s\n", want);
	ctx = ibv_open_device(list[i]);
	ibv_free_device_list(list);
	if (!ctx)
		ksft_exit_fail_msg("ibv_open_device: %s\n", strerror(errno));
	r.pd = ibv_alloc_pd(ctx);
	if (!r.pd)
		ksft_exit_fail_msg("ibv_alloc_pd: %s\n", strerror(errno));
	reg_bench_map(&b);
	b.priv = &r;
	reg_bench_run(&b, "ibv_reg_mr");
	ibv_dealloc_pd(r.pd);
	ibv_close_device(ctx);
	ksft_finished();
}
