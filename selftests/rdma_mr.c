// SPDX-License-Identifier: GPL-2.0
/*
 * RDMA memory regions (ibv_reg_mr(): ib_umem_get() in
 * drivers/infiniband/core/umem.c) on 4 KiB pages, PMD-mapped THP and
 * 2 MiB hugetlb pages, each checked through the data the device moves and
 * through the FOLL_PIN counters of /proc/vmstat:
 *
 *   - the MR starts and ends inside a page (inside a huge page for THP
 *     and hugetlb); while it exists, its pages are pinned: at least one
 *     pin per folio, no more than one per page;
 *   - a fourth MR starts on 256 4 KiB pages and goes on into two THPs:
 *     ib_umem_get() pins it first as folio segments, then (single pages)
 *     through a page array, then (a THP again) as segments, and the
 *     scatterlist entry of one THP continues across those calls;
 *   - an RDMA WRITE from a source MR into it, then an RDMA READ from it
 *     into a third MR, between two RC QPs of one device (rdma_rxe loops
 *     the packets back to itself), every byte checked, and the bytes of
 *     the mapping just outside the MR left alone;
 *   - ibv_dereg_mr() releases every pin it took;
 *   - an MR over a PROT_NONE page is refused with EFAULT and pins nothing.
 *
 * It needs an RDMA device with an active port and a RoCE v2 GID, such as
 * rdma_rxe on a veth device (selftests/rdma_mr.sh makes one); RDMA_DEV
 * names the device, the first one is taken otherwise.
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
#include <infiniband/verbs.h>

#include "../kselftest.h"
#include "pin_counters.h"
#include "vm_util.h"

#define HPAGE		(2UL << 20)
#define MAP_LEN		(4 * HPAGE)
#define CHUNK		(256UL << 10)	/* bytes per work request */

static size_t pagesize;

static const char *const kind_name[] = {
	"4 KiB pages", "THP", "2 MiB hugetlb", "4 KiB pages, then THP",
};
#define NR_KINDS	4

struct verbs {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_qp *qp[2];
	union ibv_gid gid;
	int gid_index;
	uint8_t port;
};

static inline uint8_t pattern(size_t o, unsigned int seed)
{
	return (uint8_t)((o ^ (o >> 9) ^ (o >> 17)) * 31 + seed * 101 + 7);
}

/* The first RoCE v2 GID of @v->port: the one for the netdev's address. */
static int find_gid(struct verbs *v, int tbl_len)
{
	struct ibv_gid_entry e;
	int i;

	for (i = 0; i < tbl_len; i++) {
		if (ibv_query_gid_ex(v->ctx, v->port, i, &e, 0))
			continue;
		if (e.gid_type == IBV_GID_TYPE_ROCE_V2) {
			memcpy(&v->gid, &e.gid, sizeof(v->gid));
			v->gid_index = i;
			return 0;
		}
	}
	return -1;
}

static int qp_connect(struct verbs *v, struct ibv_qp *qp, uint32_t dest)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.port_num = v->port,
		.qp_access_flags = IBV_ACCESS_LOCAL_WRITE |
				   IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ,
	};

	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_ACCESS_FLAGS))
		return -1;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_4096;
	a.dest_qp_num = dest;
	a.max_dest_rd_atomic = 1;
	a.min_rnr_timer = 12;
	a.ah_attr.is_global = 1;
	a.ah_attr.grh.dgid = v->gid;
	a.ah_attr.grh.sgid_index = v->gid_index;
	a.ah_attr.grh.hop_limit = 1;
	a.ah_attr.port_num = v->port;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER))
		return -1;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = 1;
	return ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT |
			     IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
			     IBV_QP_SQ_PSN | IBV_QP_MAX_QP_RD_ATOMIC) ? -1 : 0;
}

/* 0 with @v ready, 1 if there is no usable device (a skip), -1 on error. */
static int verbs_open(struct verbs *v)
{
	const char *want = getenv("RDMA_DEV");
	struct ibv_qp_init_attr qa = {
		.qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 4, .max_recv_wr = 1,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct ibv_port_attr pa;
	struct ibv_device **list;
	int n, i;

	memset(v, 0, sizeof(*v));
	list = ibv_get_device_list(&n);
	if (!list || !n) {
		ksft_print_msg("no RDMA device\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (!want || !strcmp(ibv_get_device_name(list[i]), want))
			break;
	if (i == n) {
		ksft_print_msg("no RDMA device %s\n", want);
		ibv_free_device_list(list);
		return 1;
	}
	v->ctx = ibv_open_device(list[i]);
	ibv_free_device_list(list);
	if (!v->ctx)
		return -1;
	v->port = 1;
	if (ibv_query_port(v->ctx, v->port, &pa) ||
	    pa.state != IBV_PORT_ACTIVE || find_gid(v, pa.gid_tbl_len)) {
		ksft_print_msg("port 1 is not active or has no RoCE v2 GID\n");
		return 1;
	}
	v->pd = ibv_alloc_pd(v->ctx);
	v->cq = v->pd ? ibv_create_cq(v->ctx, 8, NULL, NULL, 0) : NULL;
	if (!v->cq)
		return -1;
	qa.send_cq = qa.recv_cq = v->cq;
	v->qp[0] = ibv_create_qp(v->pd, &qa);
	v->qp[1] = ibv_create_qp(v->pd, &qa);
	if (!v->qp[0] || !v->qp[1] ||
	    qp_connect(v, v->qp[0], v->qp[1]->qp_num) ||
	    qp_connect(v, v->qp[1], v->qp[0]->qp_num))
		return -1;
	return 0;
}

/* One signalled RDMA @op of @len bytes on QP 0; waits up to 30 s. */
static int rdma_op(struct verbs *v, enum ibv_wr_opcode op, struct ibv_mr *local,
		   char *laddr, struct ibv_mr *remote, char *raddr, size_t len)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)laddr, .length = len, .lkey = local->lkey,
	};
	struct ibv_send_wr wr = {
		.sg_list = &sge, .num_sge = 1, .opcode = op,
		.send_flags = IBV_SEND_SIGNALED,
		.wr.rdma = { .remote_addr = (uintptr_t)raddr,
			     .rkey = remote->rkey },
	}, *bad;
	struct timespec t0, t;
	struct ibv_wc wc;
	int n;

	if (ibv_post_send(v->qp[0], &wr, &bad))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		n = ibv_poll_cq(v->cq, 1, &wc);
		if (n < 0)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 30) {
			ksft_print_msg("no completion after 30 s\n");
			return -1;
		}
	} while (!n);
	if (wc.status != IBV_WC_SUCCESS) {
		ksft_print_msg("completion: %s\n", ibv_wc_status_str(wc.status));
		return -1;
	}
	return 0;
}

static int move(struct verbs *v, enum ibv_wr_opcode op, struct ibv_mr *local,
		char *laddr, struct ibv_mr *remote, char *raddr, size_t len)
{
	size_t o, n;

	for (o = 0; o < len; o += n) {
		n = len - o < CHUNK ? len - o : CHUNK;
		if (rdma_op(v, op, local, laddr + o, remote, raddr + o, n))
			return -1;
	}
	return 0;
}

static size_t first_bad(const char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((uint8_t)p[i] != pattern(i, seed))
			return i;
	return len;
}

struct layout {
	const char *name;
	char *map;		/* what to munmap() */
	size_t maplen;
	char *buf;		/* the MR */
	size_t len;
	unsigned long folios;	/* folios it spans */
	unsigned long pages;	/* pages it spans */
};

/* MAP_LEN of 2 MiB-aligned anonymous memory. */
static char *map_aligned(struct layout *l)
{
	l->maplen = MAP_LEN + HPAGE;
	l->map = mmap(NULL, l->maplen, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (l->map == MAP_FAILED)
		return NULL;
	return (char *)(((uintptr_t)l->map + HPAGE - 1) & ~(HPAGE - 1));
}

/* 0 with @l made, 1 if the kind is not available here (reported), -1. */
static int make_layout(int kind, struct layout *l)
{
	char *p;

	memset(l, 0, sizeof(*l));
	switch (kind) {
	case 0:
		l->name = kind_name[kind];
		p = map_aligned(l);
		if (!p)
			return -1;
		madvise(p, MAP_LEN, MADV_NOHUGEPAGE);
		l->buf = p + 3 * pagesize + 100;
		l->len = 2 * HPAGE - 300;
		break;
	case 1:
	case 3:
		l->name = kind_name[kind];
		if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK)) {
			ksft_test_result_skip("%s: no THP in this kernel\n", l->name);
			return 1;
		}
		p = map_aligned(l);
		if (!p)
			return -1;
		if (kind == 1) {
			madvise(p, MAP_LEN, MADV_HUGEPAGE);
			l->buf = p + HPAGE / 2 + 123;
			l->len = 2 * HPAGE + HPAGE / 4;
			break;
		}
		/* 1 MiB of 4 KiB pages, then two THPs */
		madvise(p, HPAGE, MADV_NOHUGEPAGE);
		madvise(p + HPAGE, 2 * HPAGE, MADV_HUGEPAGE);
		l->buf = p + HPAGE / 2 + 77;
		l->len = HPAGE / 2 - 77 + 2 * HPAGE - 300;
		break;
	default:
		l->name = kind_name[kind];
		p = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (p == MAP_FAILED) {
			ksft_test_result_skip("%s: no free 2 MiB hugetlb pages\n",
					      l->name);
			return 1;
		}
		l->map = p;
		l->maplen = MAP_LEN;
		l->buf = p + HPAGE - 5 * pagesize - 7;
		l->len = 2 * HPAGE + 1000;
		break;
	}
	memset(p, 0x5a, MAP_LEN);
	if ((kind == 1 && !check_huge_anon(p, MAP_LEN, MAP_LEN / HPAGE, HPAGE)) ||
	    (kind == 3 && !check_huge_anon(p + HPAGE, 2 * HPAGE, 2, HPAGE))) {
		munmap(l->map, l->maplen);
		ksft_test_result_skip("%s: no THP for the buffer\n", l->name);
		return 1;
	}
	{
		uintptr_t s = (uintptr_t)l->buf, e = s + l->len;
		size_t unit = kind ? HPAGE : pagesize;

		l->pages = ((e + pagesize - 1) & ~(pagesize - 1)) / pagesize -
			   (s & ~(pagesize - 1)) / pagesize;
		l->folios = ((e + unit - 1) & ~(unit - 1)) / unit -
			    (s & ~(unit - 1)) / unit;
		if (kind == 3)	/* the 4 KiB pages before the THPs, and those */
			l->folios = (uintptr_t)(p + HPAGE) / pagesize -
				    (s & ~(pagesize - 1)) / pagesize + 2;
	}
	return 0;
}

static void test_layout(struct verbs *v, int kind, char *src,
			struct ibv_mr *src_mr, char *back, struct ibv_mr *back_mr)
{
	struct pin_stats before, now;
	long long held, left;
	struct layout l;
	struct ibv_mr *mr;
	size_t bad, i;
	int ret;

	ret = make_layout(kind, &l);
	if (ret > 0)
		return;
	if (ret < 0) {
		ksft_test_result_fail("%s: mmap: %s\n", kind_name[kind],
				      strerror(errno));
		return;
	}
	if (read_pin_stats(&before)) {
		ksft_test_result_fail("%s: no FOLL_PIN counters\n", l.name);
		goto out;
	}
	mr = ibv_reg_mr(v->pd, l.buf, l.len, IBV_ACCESS_LOCAL_WRITE |
			IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ);
	if (!mr) {
		ksft_test_result_fail("%s: ibv_reg_mr: %s\n", l.name,
				      strerror(errno));
		goto out;
	}
	if (read_pin_stats(&now)) {
		ibv_dereg_mr(mr);
		ksft_test_result_fail("%s: no FOLL_PIN counters\n", l.name);
		goto out;
	}
	held = outstanding(&now, &before);
	ksft_print_msg("%s: %zu bytes, %lu pages in %lu folios, %lld pins held\n",
		       l.name, l.len, l.pages, l.folios, held);
	ret = held >= (long long)l.folios && held <= (long long)l.pages;
	if (!ret)
		ksft_print_msg("%s: pins held not within [%lu, %lu]\n",
			       l.name, l.folios, l.pages);

	if (ret && move(v, IBV_WR_RDMA_WRITE, src_mr, src, mr, l.buf, l.len)) {
		ksft_print_msg("%s: RDMA WRITE failed\n", l.name);
		ret = 0;
	}
	if (ret && (bad = first_bad(l.buf, l.len, 1)) < l.len) {
		ksft_print_msg("%s: MR byte %zu: %#x after the WRITE, expected %#x\n",
			       l.name, bad, (uint8_t)l.buf[bad], pattern(bad, 1));
		ret = 0;
	}
	for (i = 1; ret && i <= 64; i++) {
		if ((uint8_t)l.buf[-(ssize_t)i] != 0x5a ||
		    (uint8_t)l.buf[l.len + i - 1] != 0x5a) {
			ksft_print_msg("%s: a byte outside the MR was written\n",
				       l.name);
			ret = 0;
		}
	}
	memset(back, 0, l.len);
	if (ret && move(v, IBV_WR_RDMA_READ, back_mr, back, mr, l.buf, l.len)) {
		ksft_print_msg("%s: RDMA READ failed\n", l.name);
		ret = 0;
	}
	if (ret && (bad = first_bad(back, l.len, 1)) < l.len) {
		ksft_print_msg("%s: byte %zu read back: %#x, expected %#x\n",
			       l.name, bad, (uint8_t)back[bad], pattern(bad, 1));
		ret = 0;
	}
	if (ibv_dereg_mr(mr)) {
		ksft_print_msg("%s: ibv_dereg_mr: %s\n", l.name, strerror(errno));
		ret = 0;
	}
	left = pins_settle(&before);
	if (left) {
		ksft_print_msg("%s: %lld pins left after ibv_dereg_mr()\n",
			       l.name, left);
		ret = 0;
	}
	ksft_test_result(ret, "%s: MR pinned, RDMA WRITE and READ, pins released\n",
			 l.name);
out:
	munmap(l.map, l.maplen);
}

/* An MR over a PROT_NONE page: EFAULT, and no pin left behind. */
static void test_hole(struct verbs *v)
{
	struct pin_stats before;
	struct ibv_mr *mr;
	long long left;
	char *p;
	int err;

	p = mmap(NULL, 64 * pagesize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || read_pin_stats(&before)) {
		ksft_test_result_fail("hole: setup\n");
		return;
	}
	memset(p, 1, 64 * pagesize);
	mprotect(p + 40 * pagesize, pagesize, PROT_NONE);
	mr = ibv_reg_mr(v->pd, p, 64 * pagesize, IBV_ACCESS_LOCAL_WRITE |
			IBV_ACCESS_REMOTE_WRITE);
	err = errno;
	if (mr)
		ibv_dereg_mr(mr);
	left = pins_settle(&before);
	ksft_print_msg("hole: ibv_reg_mr: %s, %lld pins left\n",
		       mr ? "registered" : strerror(err), left);
	ksft_test_result(!mr && err == EFAULT && !left,
			 "hole: an MR over a PROT_NONE page is refused with EFAULT, no pin left\n");
	munmap(p, 64 * pagesize);
}

int main(void)
{
	struct ibv_mr *src_mr, *back_mr;
	struct verbs v;
	char *src, *back;
	size_t i, len = 3 * HPAGE;
	int kind, ret;

	pagesize = getpagesize();
	ksft_print_header();
	ret = verbs_open(&v);
	if (ret > 0)
		ksft_exit_skip("no RDMA device with an active RoCE v2 port\n");
	if (ret < 0)
		ksft_exit_fail_msg("verbs setup: %s\n", strerror(errno));
	ksft_set_plan(NR_KINDS + 1);

	src = aligned_alloc(pagesize, len);
	back = aligned_alloc(pagesize, len);
	if (!src || !back)
		ksft_exit_fail_msg("malloc\n");
	for (i = 0; i < len; i++)
		src[i] = pattern(i, 1);
	memset(back, 0, len);
	src_mr = ibv_reg_mr(v.pd, src, len, IBV_ACCESS_LOCAL_WRITE);
	back_mr = ibv_reg_mr(v.pd, back, len, IBV_ACCESS_LOCAL_WRITE);
	if (!src_mr || !back_mr)
		ksft_exit_fail_msg("ibv_reg_mr of the source: %s\n",
				   strerror(errno));

	for (kind = 0; kind < NR_KINDS; kind++)
		test_layout(&v, kind, src, src_mr, back, back_mr);
	test_hole(&v);

	ibv_dereg_mr(src_mr);
	ibv_dereg_mr(back_mr);
	ibv_destroy_qp(v.qp[0]);
	ibv_destroy_qp(v.qp[1]);
	ibv_destroy_cq(v.cq);
	ibv_dealloc_pd(v.pd);
	ibv_close_device(v.ctx);
	ksft_finished();
}
