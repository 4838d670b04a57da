// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring regions in user memory, which io_uring/memmap.c pins long-term
 * and maps for the kernel (the page itself where the region is in one
 * folio, vmap() otherwise):
 *
 *   - the SQ/CQ rings and the SQE array of an IORING_SETUP_NO_MMAP ring,
 *     placed inside a 2 MiB hugetlb page, inside a PMD-mapped THP, across
 *     the boundary between two huge pages of each kind, and in 4 KiB
 *     pages;
 *   - a provided buffer ring (IORING_REGISTER_PBUF_RING without
 *     IOU_PBUF_RING_MMAP) in the same memory.
 *
 * Each ring runs 600 IORING_OP_NOPs through the user's SQEs and CQEs (the
 * kernel reads the SQEs and writes the CQEs through its own mapping of the
 * pinned pages; the user_data of every CQE is checked), then eight
 * IORING_OP_READs of a file with IOSQE_BUFFER_SELECT, whose buffers the
 * kernel takes from the user's buffer ring (data and buffer ids checked).
 * While the ring exists exactly one FOLL_PIN pin per page of its regions
 * is held (nr_foll_pin_acquired - nr_foll_pin_released), on v7.3 and with
 * the series alike; once it is closed, none.  And exactly the regions of
 * more than one page that are not in one folio are vmap()ed: the vmap
 * areas of /proc/vmallocinfo grow by that many while the ring exists.
 *
 * Bad regions are refused and leave no pin: rings at an address that is
 * not page aligned (EINVAL), and rings over a PROT_NONE page (EFAULT).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/io_uring.h>

#include "../kselftest.h"
#include "pin_counters.h"
#include "vm_util.h"

#define HPAGE		(2UL << 20)
#define PAGE		4096UL
#define ENTRIES		256
#define NR_NOPS		600
#define NR_BUFS		8
#define BGID		7

static int filefd;

/* The vmap() areas in /proc/vmallocinfo, or -1 if it cannot be read. */
static int count_vmaps(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/vmallocinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " vmap"))
			n++;
	fclose(f);
	return n;
}

static int sys_setup(unsigned int entries, struct io_uring_params *p)
{
	return syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned int submit, unsigned int wait)
{
	return syscall(__NR_io_uring_enter, fd, submit, wait,
		       IORING_ENTER_GETEVENTS, NULL, 0);
}

static int sys_register(int fd, unsigned int op, void *arg, unsigned int nr)
{
	return syscall(__NR_io_uring_register, fd, op, arg, nr);
}

static uint8_t pattern(size_t o)
{
	return (uint8_t)(o * 7 + (o >> 8) * 13 + 3);
}

struct ring {
	int fd;
	char *rings;
	struct io_uring_sqe *sqes;
	struct io_uring_params p;
	unsigned int sq_tail, cq_head;
};

/* The pages of the rings region and of the SQE region, as the kernel counts. */
static unsigned long region_pages(const struct io_uring_params *p)
{
	size_t rings = p->cq_off.cqes +
		       (size_t)p->cq_entries * sizeof(struct io_uring_cqe);
	size_t sqes = (size_t)p->sq_entries * sizeof(struct io_uring_sqe);

	return (rings + PAGE - 1) / PAGE + (sqes + PAGE - 1) / PAGE;
}

static int ring_setup(struct ring *r, void *rings, void *sqes)
{
	memset(r, 0, sizeof(*r));
	r->p.flags = IORING_SETUP_NO_MMAP | IORING_SETUP_NO_SQARRAY;
	r->p.cq_off.user_addr = (uintptr_t)rings;
	r->p.sq_off.user_addr = (uintptr_t)sqes;
	r->fd = sys_setup(ENTRIES, &r->p);
	if (r->fd < 0)
		return -errno;
	r->rings = rings;
	r->sqes = sqes;
	return 0;
}

static unsigned int *ring_u32(struct ring *r, unsigned int off)
{
	return (unsigned int *)(r->rings + off);
}

static struct io_uring_sqe *get_sqe(struct ring *r)
{
	struct io_uring_sqe *sqe;

	sqe = &r->sqes[r->sq_tail & *ring_u32(r, r->p.sq_off.ring_mask)];
	memset(sqe, 0, sizeof(*sqe));
	r->sq_tail++;
	return sqe;
}

/* Submit what get_sqe() queued and wait for all of it; 0 or -errno. */
static int submit_wait(struct ring *r, unsigned int n)
{
	int ret;

	__atomic_store_n(ring_u32(r, r->p.sq_off.tail), r->sq_tail,
			 __ATOMIC_RELEASE);
	ret = sys_enter(r->fd, n, n);
	if (ret < 0)
		return -errno;
	return ret == (int)n ? 0 : -EAGAIN;
}

static struct io_uring_cqe *next_cqe(struct ring *r)
{
	unsigned int tail = __atomic_load_n(ring_u32(r, r->p.cq_off.tail),
					    __ATOMIC_ACQUIRE);
	struct io_uring_cqe *cqes = (void *)(r->rings + r->p.cq_off.cqes);

	if (tail == r->cq_head)
		return NULL;
	return &cqes[r->cq_head & *ring_u32(r, r->p.cq_off.ring_mask)];
}

static void cqe_seen(struct ring *r)
{
	r->cq_head++;
	__atomic_store_n(ring_u32(r, r->p.cq_off.head), r->cq_head,
			 __ATOMIC_RELEASE);
}

/* NR_NOPS no-ops in batches of 100: every CQE's user_data and result. */
static int run_nops(struct ring *r)
{
	unsigned int i = 0, b, j;
	struct io_uring_cqe *cqe;

	while (i < NR_NOPS) {
		b = NR_NOPS - i < 100 ? NR_NOPS - i : 100;
		for (j = 0; j < b; j++) {
			struct io_uring_sqe *sqe = get_sqe(r);

			sqe->opcode = IORING_OP_NOP;
			sqe->user_data = 0x5a000000ULL + i + j;
		}
		if (submit_wait(r, b))
			return -1;
		for (j = 0; j < b; j++) {
			cqe = next_cqe(r);
			if (!cqe || cqe->res || cqe->user_data != 0x5a000000ULL + i + j)
				return -1;
			cqe_seen(r);
		}
		i += b;
	}
	return next_cqe(r) ? -1 : 0;
}

/*
 * A provided buffer ring at @br with NR_BUFS buffers of PAGE bytes from
 * @bufs; NR_BUFS reads of the file take them, each must land in the buffer
 * its CQE names.  0, or a negative errno from the registration, or -EIO.
 */
static int run_buf_ring(struct ring *r, struct io_uring_buf_ring *br, char *bufs)
{
	struct io_uring_buf_reg reg = {
		.ring_addr = (uintptr_t)br,
		.ring_entries = NR_BUFS,
		.bgid = BGID,
	};
	unsigned int i, k;

	memset(br, 0, NR_BUFS * sizeof(struct io_uring_buf));
	if (sys_register(r->fd, IORING_REGISTER_PBUF_RING, &reg, 1))
		return -errno;
	memset(bufs, 0, NR_BUFS * PAGE);
	for (i = 0; i < NR_BUFS; i++) {
		br->bufs[i].addr = (uintptr_t)(bufs + i * PAGE);
		br->bufs[i].len = PAGE;
		br->bufs[i].bid = i;
	}
	__atomic_store_n(&br->tail, NR_BUFS, __ATOMIC_RELEASE);

	for (i = 0; i < NR_BUFS; i++) {
		struct io_uring_sqe *sqe = get_sqe(r);

		sqe->opcode = IORING_OP_READ;
		sqe->fd = filefd;
		sqe->off = i * PAGE;
		sqe->len = PAGE;
		sqe->flags = IOSQE_BUFFER_SELECT;
		sqe->buf_group = BGID;
		sqe->user_data = i;
	}
	if (submit_wait(r, NR_BUFS))
		return -EIO;
	for (i = 0; i < NR_BUFS; i++) {
		struct io_uring_cqe *cqe = next_cqe(r);
		unsigned int bid;
		char *b;

		if (!cqe || cqe->res != (int)PAGE || !(cqe->flags & IORING_CQE_F_BUFFER))
			return -EIO;
		bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		if (bid >= NR_BUFS)
			return -EIO;
		b = bufs + bid * PAGE;
		for (k = 0; k < PAGE; k++)
			if ((uint8_t)b[k] != pattern(cqe->user_data * PAGE + k))
				return -EIO;
		cqe_seen(r);
	}
	return 0;
}

enum kind { SMALL, THP, HUGETLB };
static const char *const kind_name[] = { "4 KiB pages", "THP", "2 MiB hugetlb" };

static int thp_ok(void)
{
	return access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;
}

/*
 * Two huge pages' worth of memory of @k, aligned to HPAGE, populated.  A
 * kernel without THP has no MADV_NOHUGEPAGE to give: 4 KiB pages anyway.
 */
static char *map_kind(enum kind k, char **map, size_t *maplen)
{
	char *buf;

	if (k == HUGETLB) {
		*maplen = 2 * HPAGE;
		*map = mmap(NULL, *maplen, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (*map == MAP_FAILED)
			return NULL;
		buf = *map;
	} else {
		*maplen = 3 * HPAGE;
		*map = mmap(NULL, *maplen, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (*map == MAP_FAILED)
			return NULL;
		buf = (char *)(((uintptr_t)*map + HPAGE - 1) & ~(HPAGE - 1));
		if (thp_ok() &&
		    madvise(buf, 2 * HPAGE, k == THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
			return NULL;
	}
	memset(buf, 0, 2 * HPAGE);
	return buf;
}

/*
 * Rings at @buf + @roff, SQEs at @buf + @soff, the buffer ring at @buf +
 * @boff and its buffers at @buf + @doff, of which @vmaps regions must be
 * vmap()ed: one test result.
 */
static void one_case(const char *desc, char *buf, size_t roff, size_t soff,
		     size_t boff, size_t doff, int vmaps)
{
	struct pin_stats before, now;
	long long held, want;
	int ret, v0, v1;
	struct ring r;

	v0 = count_vmaps();
	if (read_pin_stats(&before)) {
		ksft_test_result_fail("%s: no FOLL_PIN counters\n", desc);
		return;
	}
	ret = ring_setup(&r, buf + roff, buf + soff);
	if (ret) {
		ksft_test_result_fail("%s: io_uring_setup: %s\n", desc, strerror(-ret));
		return;
	}
	want = region_pages(&r.p) + 1;
	ret = run_nops(&r);
	if (!ret)
		ret = run_buf_ring(&r, (void *)(buf + boff), buf + doff);
	read_pin_stats(&now);
	held = outstanding(&now, &before);
	v1 = count_vmaps();
	close(r.fd);
	if (ret) {
		ksft_test_result_fail("%s: %s\n", desc, ret == -1 ? "a NOP's CQE is wrong" :
				      ret == -EIO ? "a buffer-select read is wrong" :
				      strerror(-ret));
		return;
	}
	if (held != want) {
		ksft_test_result_fail("%s: %lld pins held while the ring exists, want %lld (one per region page)\n",
				      desc, held, want);
		return;
	}
	if (v0 >= 0 && v1 - v0 != vmaps) {
		ksft_test_result_fail("%s: %d regions vmap()ed, want %d\n",
				      desc, v1 - v0, vmaps);
		return;
	}
	held = pins_settle(&before);
	ksft_test_result(!held, "%s: NOPs and buffer-select reads right, %lld pins held, %d vmap()ed, %lld left after close\n",
			 desc, want, v1 - v0, held);
}

/* A region that must be refused with @err, leaving no pin behind. */
static void bad_case(const char *desc, void *rings, void *sqes, int err)
{
	struct pin_stats before;
	struct ring r;
	long long held;
	int ret;

	read_pin_stats(&before);
	ret = ring_setup(&r, rings, sqes);
	if (!ret)
		close(r.fd);
	held = pins_settle(&before);
	ksft_test_result(ret == -err && !held, "%s: %s (want %s), %lld pins left\n",
			 desc, ret ? strerror(-ret) : "accepted", strerror(err), held);
}

int main(void)
{
	char name[] = "/tmp/uring_region.XXXXXX";
	enum kind k;
	size_t i;

	ksft_print_header();
	ksft_set_plan(3 * 2 + 2);

	filefd = mkstemp(name);
	if (filefd < 0)
		ksft_exit_fail_msg("mkstemp: %s\n", strerror(errno));
	unlink(name);
	for (i = 0; i < NR_BUFS * PAGE; i++) {
		uint8_t c = pattern(i);

		if (write(filefd, &c, 1) != 1)
			ksft_exit_fail_msg("write: %s\n", strerror(errno));
	}

	for (k = SMALL; k <= HUGETLB; k++) {
		char desc[128], *map, *buf;
		size_t maplen;

		if (k == THP && !thp_ok()) {
			ksft_test_result_skip("THP: no THP in this kernel\n");
			ksft_test_result_skip("THP: no THP in this kernel\n");
			continue;
		}
		buf = map_kind(k, &map, &maplen);
		if (!buf) {
			if (k == HUGETLB && errno == ENOMEM) {
				ksft_test_result_skip("%s: no free 2 MiB hugetlb pages\n", kind_name[k]);
				ksft_test_result_skip("%s: no free 2 MiB hugetlb pages\n", kind_name[k]);
				continue;
			}
			ksft_exit_fail_msg("%s: mmap/madvise: %s\n", kind_name[k], strerror(errno));
		}
		if (k == THP && !check_huge_anon(buf, 2 * HPAGE, 2, HPAGE))
			ksft_exit_fail_msg("THP: the buffer is not in PMD-mapped THPs\n");
		/*
		 * Inside the first 2 MiB: one folio per region for huge
		 * pages; in 4 KiB pages the rings (3 pages) and the SQEs (4)
		 * are vmap()ed, the one-page buffer ring is not.
		 */
		snprintf(desc, sizeof(desc), "%s: regions inside 2 MiB", kind_name[k]);
		one_case(desc, buf, 64 * PAGE, 256 * PAGE, 300 * PAGE, 320 * PAGE,
			 k == SMALL ? 2 : 0);
		/* The rings across the boundary of two huge pages: vmap(). */
		snprintf(desc, sizeof(desc), "%s: rings across a 2 MiB boundary", kind_name[k]);
		one_case(desc, buf, HPAGE - PAGE, HPAGE - 2 * PAGE - 16 * PAGE,
			 HPAGE + 8 * PAGE, HPAGE + 16 * PAGE, k == SMALL ? 2 : 1);
		munmap(map, maplen);
	}

	{
		char *m = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		if (m == MAP_FAILED)
			ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
		bad_case("rings not page aligned", m + 64, m + 32 * PAGE, EINVAL);
		if (mprotect(m + 2 * PAGE, PAGE, PROT_NONE))
			ksft_exit_fail_msg("mprotect: %s\n", strerror(errno));
		bad_case("rings over a PROT_NONE page", m, m + 32 * PAGE, EFAULT);
		munmap(m, 64 * PAGE);
	}
	close(filefd);
	ksft_finished();
}
