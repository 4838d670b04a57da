// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring registered buffers of every layout that the folio-segment
 * registration (io_uring/rsrc.c) has to get right, each checked through
 * the data that IORING_OP_READ_FIXED, IORING_OP_WRITE_FIXED and
 * IORING_OP_READV_FIXED move at many offsets, and through the FOLL_PIN
 * counters of /proc/vmstat:
 *
 *   - 4 KiB pages, PMD-mapped THP and 2 MiB hugetlb pages, the buffer
 *     starting and ending inside a page (inside a huge page for THP and
 *     hugetlb);
 *   - THP and 4 KiB pages mixed in one VMA;
 *   - one buffer across three VMAs: hugetlb, 4 KiB pages and THP;
 *   - the same memory registered twice in one ring (a huge page charged
 *     once) and a buffer replaced by IORING_REGISTER_BUFFERS_UPDATE;
 *   - a buffer of 4 KiB pages or THP with a PROT_NONE page near its end,
 *     refused with EFAULT without leaving a pin.
 *
 * While a buffer is registered, its pages are pinned: at least one pin
 * per folio and no more than one per page (io_uring holds one per folio
 * where it can; where every page is in a folio of its own, one per page),
 * and fork() copies them for the child rather than sharing them
 * (folio_maybe_dma_pinned(), seen by pfn in /proc/self/pagemap).  Once
 * the ring is gone, every pin is released and fork() shares the pages.
 *
 * The transfers go to and from a file on the initramfs (tmpfs), which
 * copies through the registered bvecs, so a byte landing at the wrong
 * address fails the data check.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <liburing.h>

#include "../kselftest.h"
#include "pin_counters.h"
#include "vm_util.h"

#define HPAGE		(2UL << 20)
#define OP_READV_FIXED	60	/* IORING_OP_READV_FIXED, v6.15 */

static size_t pagesize;
static int filefd;
static size_t filelen = 16UL << 20;
static int have_readv_fixed;

static inline uint8_t pattern(size_t o, unsigned int seed)
{
	return (uint8_t)((o ^ (o >> 9) ^ (o >> 17)) * 31 + seed * 101 + 7);
}

/* The file holds pattern(offset, 1). */
static int make_file(void)
{
	char tmpl[] = "/tmp/uring_bufs.XXXXXX";
	size_t chunk = 1UL << 20, o, i;
	char *b = malloc(chunk);

	filefd = mkstemp(tmpl);
	if (filefd < 0 || !b)
		return -1;
	unlink(tmpl);
	for (o = 0; o < filelen; o += chunk) {
		for (i = 0; i < chunk; i++)
			b[i] = pattern(o + i, 1);
		if (pwrite(filefd, b, chunk, o) != (ssize_t)chunk)
			return -1;
	}
	free(b);
	return 0;
}

static int submit_wait(struct io_uring *ring, int expect)
{
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_submit(ring);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (ret != expect) {
		ksft_print_msg("cqe res %d, expected %d\n", ret, expect);
		return ret < 0 ? ret : -EIO;
	}
	return 0;
}

/*
 * Read file bytes [foff, foff + len) into buf + off with READ_FIXED of
 * buffer @idx, check them and the canaries around them; then write
 * len bytes of a new pattern from there with WRITE_FIXED and check the
 * file.  Restores the file.
 */
static int rw_check(struct io_uring *ring, int idx, char *buf, size_t buflen,
		    size_t off, size_t len, size_t foff, const char **what)
{
	struct io_uring_sqe *sqe;
	size_t i, lo = off > 64 ? off - 64 : 0;
	size_t hi = off + len + 64 < buflen ? off + len + 64 : buflen;
	char *back = malloc(len);

	if (!back) {
		*what = "malloc";
		return -1;
	}
	memset(buf + lo, 0x5a, hi - lo);
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_read_fixed(sqe, filefd, buf + off, len, foff, idx);
	if (submit_wait(ring, len)) {
		*what = "READ_FIXED failed";
		goto fail;
	}
	for (i = lo; i < hi; i++) {
		uint8_t want = (i >= off && i < off + len) ?
			pattern(foff + i - off, 1) : 0x5a;

		if ((uint8_t)buf[i] != want) {
			ksft_print_msg("byte %zu of the buffer: %#x, expected %#x\n",
				       i, (uint8_t)buf[i], want);
			*what = "READ_FIXED data";
			goto fail;
		}
	}
	for (i = 0; i < len; i++)
		buf[off + i] = pattern(foff + i, 2);
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_write_fixed(sqe, filefd, buf + off, len, foff, idx);
	if (submit_wait(ring, len)) {
		*what = "WRITE_FIXED failed";
		goto fail;
	}
	if (pread(filefd, back, len, foff) != (ssize_t)len) {
		*what = "pread";
		goto fail;
	}
	for (i = 0; i < len; i++) {
		if ((uint8_t)back[i] != pattern(foff + i, 2)) {
			ksft_print_msg("file byte %zu: %#x, expected %#x\n",
				       foff + i, (uint8_t)back[i],
				       pattern(foff + i, 2));
			*what = "WRITE_FIXED data";
			goto fail;
		}
		back[i] = pattern(foff + i, 1);
	}
	if (pwrite(filefd, back, len, foff) != (ssize_t)len) {
		*what = "pwrite";
		goto fail;
	}
	free(back);
	return 0;
fail:
	free(back);
	return -1;
}

/* READV_FIXED of three pieces of buffer @idx, scattered, then checked. */
static int readv_check(struct io_uring *ring, int idx, char *buf,
		       size_t buflen, const char **what)
{
	struct iovec iov[3];
	struct io_uring_sqe *sqe;
	size_t total = 0, i, k, foff = 4096 + 17;

	iov[0].iov_base = buf + buflen - 3 * pagesize - 5;
	iov[0].iov_len = 3 * pagesize;
	iov[1].iov_base = buf + 1;
	iov[1].iov_len = buflen / 2;
	iov[2].iov_base = buf + buflen / 2 + 8192 + 3;
	iov[2].iov_len = pagesize + 77;
	memset(buf, 0x5a, buflen);
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_rw(OP_READV_FIXED, sqe, filefd, iov, 3, foff);
	sqe->buf_index = idx;
	for (k = 0; k < 3; k++)
		total += iov[k].iov_len;
	if (submit_wait(ring, total)) {
		*what = "READV_FIXED failed";
		return -1;
	}
	for (k = 0; k < 3; k++) {
		for (i = 0; i < iov[k].iov_len; i++) {
			uint8_t got = ((uint8_t *)iov[k].iov_base)[i];

			if (got != pattern(foff + i, 1)) {
				ksft_print_msg("iovec %zu byte %zu: %#x, expected %#x\n",
					       k, i, got, pattern(foff + i, 1));
				*what = "READV_FIXED data";
				return -1;
			}
		}
		foff += iov[k].iov_len;
	}
	return 0;
}

struct layout {
	const char *name;
	char *map;		/* what to munmap, maplen bytes */
	size_t maplen;
	char *buf;		/* the registered buffer */
	size_t len;
	unsigned long min_folios;	/* folios it spans, at least */
	unsigned long pages;		/* pages it spans */
	int exact;	/* every folio in one segment: pins == min_folios */
};

/* 2 MiB-aligned anonymous memory, @len bytes. */
static char *map_aligned(size_t len, char **map, size_t *maplen)
{
	char *p;

	*maplen = len + HPAGE;
	*map = mmap(NULL, *maplen, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*map == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)*map + HPAGE - 1) & ~(HPAGE - 1));
	return p;
}

static void touch(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += pagesize)
		p[i] = 1;
}

/*
 * Is every 2 MiB of [p, p + len) one THP?  Its pages are 512 consecutive
 * pfns from a 2 MiB-aligned one, flagged THP in /proc/kpageflags.
 */
static int all_thp(char *p, size_t len)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);
	int kpf = open("/proc/kpageflags", O_RDONLY);
	unsigned long pfn;
	uint64_t flags;
	int ret = pm >= 0 && kpf >= 0;
	size_t i;

	for (i = 0; ret && i < len; i += HPAGE) {
		pfn = pagemap_get_pfn(pm, p + i);
		ret = pfn && !(pfn & (HPAGE / pagesize - 1)) &&
		      pagemap_get_pfn(pm, p + i + HPAGE - pagesize) ==
		      pfn + HPAGE / pagesize - 1 &&
		      !pageflags_get(pfn, kpf, &flags) &&
		      (flags & (1ULL << 22));	/* KPF_THP */
	}
	if (pm >= 0)
		close(pm);
	if (kpf >= 0)
		close(kpf);
	return ret;
}

static int thp_ok(void)
{
	return access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;
}

static char *map_hugetlb(size_t len, char *at)
{
	char *p = mmap(at, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
		       (at ? MAP_FIXED : 0), -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Make layout @l; returns 0, or 1 with l->name's reason to skip printed.
 */
static int make_layout(int kind, struct layout *l)
{
	char *p;

	memset(l, 0, sizeof(*l));
	switch (kind) {
	case 0:	/* 4 KiB pages, unaligned ends */
		l->name = "4 KiB pages";
		p = map_aligned(8 * HPAGE, &l->map, &l->maplen);
		if (!p)
			return -1;
		madvise(p, 8 * HPAGE, MADV_NOHUGEPAGE);
		touch(p, 8 * HPAGE);
		l->buf = p + 100;
		l->len = 8 * HPAGE - 100 - 300;
		l->pages = 8 * HPAGE / pagesize;
		l->min_folios = l->pages;
		l->exact = 1;
		return 0;
	case 1:	/* THP, starting and ending inside a huge page */
		l->name = "THP";
		if (!thp_ok()) {
			ksft_test_result_skip("%s: no THP in this kernel\n", l->name);
			return 1;
		}
		p = map_aligned(8 * HPAGE, &l->map, &l->maplen);
		if (!p)
			return -1;
		madvise(p, 8 * HPAGE, MADV_HUGEPAGE);
		touch(p, 8 * HPAGE);
		if (!all_thp(p, 8 * HPAGE)) {
			munmap(l->map, l->maplen);
			ksft_test_result_skip("%s: no THP for the buffer\n", l->name);
			return 1;
		}
		l->buf = p + HPAGE / 2 + 123;
		l->len = 7 * HPAGE - 4321;
		l->pages = 7 * HPAGE / pagesize + 1;
		l->min_folios = 8;
		l->exact = 1;
		return 0;
	case 2:	/* 2 MiB hugetlb, starting and ending inside a huge page */
		l->name = "2 MiB hugetlb";
		p = map_hugetlb(8 * HPAGE, NULL);
		if (!p) {
			ksft_test_result_skip("%s: no free 2 MiB hugetlb pages\n", l->name);
			return 1;
		}
		l->map = p;
		l->maplen = 8 * HPAGE;
		touch(p, 8 * HPAGE);
		l->buf = p + HPAGE + 512 * 1024 + 7;
		l->len = 6 * HPAGE - 1024 * 1024;
		l->pages = 6 * HPAGE / pagesize;
		l->min_folios = 6;
		l->exact = 1;
		return 0;
	case 3:	/* THP and 4 KiB pages in one VMA */
		l->name = "THP and 4 KiB pages in one VMA";
		if (!thp_ok()) {
			ksft_test_result_skip("%s: no THP in this kernel\n", l->name);
			return 1;
		}
		p = map_aligned(6 * HPAGE, &l->map, &l->maplen);
		if (!p)
			return -1;
		madvise(p, 6 * HPAGE, MADV_NOHUGEPAGE);
		touch(p + 2 * HPAGE, 2 * HPAGE);
		madvise(p, 6 * HPAGE, MADV_HUGEPAGE);
		touch(p, 2 * HPAGE);
		touch(p + 4 * HPAGE, 2 * HPAGE);
		if (!all_thp(p, 2 * HPAGE) || !all_thp(p + 4 * HPAGE, 2 * HPAGE) ||
		    all_thp(p + 2 * HPAGE, HPAGE)) {
			munmap(l->map, l->maplen);
			ksft_test_result_skip("%s: not the mix asked for\n", l->name);
			return 1;
		}
		l->buf = p + HPAGE + 5;
		l->len = 4 * HPAGE;
		l->pages = 4 * HPAGE / pagesize + 1;
		l->min_folios = 1 + 2 * HPAGE / pagesize + 2;
		return 0;
	case 4:	/* hugetlb, 4 KiB and THP VMAs back to back */
		l->name = "hugetlb, 4 KiB and THP VMAs in one buffer";
		if (!thp_ok()) {
			ksft_test_result_skip("%s: no THP in this kernel\n", l->name);
			return 1;
		}
		p = map_aligned(6 * HPAGE, &l->map, &l->maplen);
		if (!p)
			return -1;
		if (!map_hugetlb(2 * HPAGE, p)) {
			munmap(l->map, l->maplen);
			ksft_test_result_skip("%s: no free 2 MiB hugetlb pages\n", l->name);
			return 1;
		}
		madvise(p + 2 * HPAGE, 2 * HPAGE, MADV_NOHUGEPAGE);
		madvise(p + 4 * HPAGE, 2 * HPAGE, MADV_HUGEPAGE);
		touch(p, 6 * HPAGE);
		if (!all_thp(p + 4 * HPAGE, 2 * HPAGE)) {
			munmap(l->map, l->maplen);
			ksft_test_result_skip("%s: no THP for the buffer\n", l->name);
			return 1;
		}
		l->buf = p + HPAGE + 4095;
		l->len = 4 * HPAGE;
		l->pages = 4 * HPAGE / pagesize + 1;
		l->min_folios = 1 + 2 * HPAGE / pagesize + 2;
		return 0;
	}
	return -1;
}

/*
 * Does fork() copy the page at @addr for the child instead of sharing it?
 * It does for an anonymous page that may be pinned for DMA
 * (folio_maybe_dma_pinned(), see page_needs_cow_for_dma()), which is how a
 * registered buffer's pins show from user space: the child's pfn differs
 * from the parent's.  1 copied, 0 shared, -1 if it cannot be told.
 */
static int copied_at_fork(char *addr)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);
	unsigned long mine, childs = 0;
	int fds[2];
	pid_t pid;
	int ret = -1;

	if (pm < 0)
		return -1;
	mine = pagemap_get_pfn(pm, addr);
	if (!mine || pipe(fds))
		goto out;
	pid = fork();
	if (pid < 0)
		goto out_pipe;
	if (!pid) {
		/* its own pagemap: pm is the parent's */
		int cpm = open("/proc/self/pagemap", O_RDONLY);
		unsigned long pfn = cpm < 0 ? 0 : pagemap_get_pfn(cpm, addr);

		_exit(write(fds[1], &pfn, sizeof(pfn)) == sizeof(pfn) ? 0 : 1);
	}
	if (read(fds[0], &childs, sizeof(childs)) == sizeof(childs) && childs)
		ret = childs != mine;
	waitpid(pid, NULL, 0);
out_pipe:
	close(fds[0]);
	close(fds[1]);
out:
	close(pm);
	return ret;
}

/* copied_at_fork() of the first, middle and last byte of @l must be @want. */
static int fork_check(const struct layout *l, int want, const char **what)
{
	char *at[3] = { l->buf, l->buf + l->len / 2, l->buf + l->len - 1 };
	int k, c;

	for (k = 0; k < 3; k++) {
		c = copied_at_fork(at[k]);
		if (c != want) {
			ksft_print_msg("%s: byte %td: fork() %s the page\n", l->name,
				       at[k] - l->buf, c < 0 ? "?" : c ? "copied" : "shared");
			*what = want ? "pages pinned while registered (copied at fork)" :
				       "pages unpinned after (shared at fork)";
			return -1;
		}
	}
	return 0;
}

static long long held_now(const struct pin_stats *then)
{
	struct pin_stats now;

	if (read_pin_stats(&now))
		return -1;
	return outstanding(&now, then);
}

static void run_layout(int kind)
{
	size_t offs[] = { 0, 1, 4095, 4096, HPAGE - 1, HPAGE, HPAGE + 4096 - 7,
			  3 * HPAGE - 5, 0 };
	size_t lens[] = { 1, 4096, 3 * 4096 + 9, HPAGE + 1, 3 * HPAGE };
	struct io_uring ring;
	struct pin_stats before;
	struct layout l;
	struct iovec iov[2];
	const char *what = NULL;
	long long held, held_reg;
	unsigned int i, j;
	int ret, nr_checks = 0;

	ret = make_layout(kind, &l);
	if (ret > 0)
		return;
	if (ret < 0) {
		ksft_test_result_fail("layout %d: mmap: %s\n", kind, strerror(errno));
		return;
	}
	if (read_pin_stats(&before)) {
		ksft_test_result_fail("%s: no pin counters\n", l.name);
		goto out_unmap;
	}
	ret = io_uring_queue_init(8, &ring, 0);
	if (ret) {
		ksft_test_result_fail("%s: io_uring_queue_init: %s\n", l.name, strerror(-ret));
		goto out_unmap;
	}
	/* buffer 0: the layout; buffer 1: the same memory again */
	iov[0].iov_base = l.buf;
	iov[0].iov_len = l.len;
	iov[1] = iov[0];
	held_reg = 0;
	ret = io_uring_register_buffers(&ring, iov, 2);
	if (ret) {
		ksft_print_msg("%s: IORING_REGISTER_BUFFERS: %s\n", l.name, strerror(-ret));
		what = "IORING_REGISTER_BUFFERS failed";
		goto out_ring;
	}

	held = held_reg = held_now(&before);
	if (held < 2 * (long long)l.min_folios || held > 2 * (long long)l.pages ||
	    (l.exact && held != 2 * (long long)l.min_folios)) {
		ksft_print_msg("%s: %lld pins held for two registrations of %lu pages in >= %lu folios\n",
			       l.name, held, l.pages, l.min_folios);
		what = "pins while registered";
	}

	/* the whole buffer, then pieces at boundaries of every page size */
	if (!what && rw_check(&ring, 0, l.buf, l.len, 0, l.len,
			      (size_t)(uintptr_t)l.buf & 4095, &what) == 0)
		nr_checks++;
	offs[sizeof(offs) / sizeof(offs[0]) - 1] = l.len - 1;
	for (i = 0; !what && i < sizeof(offs) / sizeof(offs[0]); i++) {
		for (j = 0; !what && j < sizeof(lens) / sizeof(lens[0]); j++) {
			size_t len = lens[j];

			if (offs[i] >= l.len)
				continue;
			if (len > l.len - offs[i])
				len = l.len - offs[i];
			if (rw_check(&ring, i & 1, l.buf, l.len, offs[i], len,
				     (i * 7 + j) * 8192 + j, &what) == 0)
				nr_checks++;
		}
	}
	if (!what && have_readv_fixed && readv_check(&ring, 1, l.buf, l.len, &what) == 0)
		nr_checks++;

	/* fork() copies the pinned pages of the buffer */
	if (!what && fork_check(&l, 1, &what) == 0)
		nr_checks++;

	/* replace buffer 1 by its second half: pins move with it */
	if (!what) {
		iov[1].iov_base = l.buf + l.len / 2;
		iov[1].iov_len = l.len - l.len / 2;
		ret = io_uring_register_buffers_update_tag(&ring, 1, &iov[1], NULL, 1);
		if (ret != 1) {
			ksft_print_msg("update: %d\n", ret);
			what = "IORING_REGISTER_BUFFERS_UPDATE";
		} else if (rw_check(&ring, 1, iov[1].iov_base, iov[1].iov_len,
				    iov[1].iov_len / 3, iov[1].iov_len / 2,
				    12345, &what) == 0) {
			nr_checks++;
		}
	}

out_ring:
	io_uring_queue_exit(&ring);
	held = pins_settle(&before);
	if (held) {
		ksft_print_msg("%s: %lld pins outstanding after the ring is gone\n",
			       l.name, held);
		if (!what)
			what = "pins released";
	}
	/* and shares them again once the pins are gone */
	if (!what && fork_check(&l, 0, &what) == 0)
		nr_checks++;
	if (what)
		ksft_test_result_fail("%s: %s\n", l.name, what);
	else
		ksft_test_result_pass("%s: %d transfers checked, %lld pins for two registrations of %lu pages, balanced\n",
				      l.name, nr_checks, held_reg, l.pages);
out_unmap:
	munmap(l.map, l.maplen);
}

/*
 * A buffer with an inaccessible (PROT_NONE) page in it is refused with
 * EFAULT, after the pages before the hole were pinned (past the first 512 of them, so that
 * more than one batch of segments was taken): every pin is dropped, and
 * the ring registers a good buffer afterwards.
 */
static void run_hole(int thp)
{
	const char *name = thp ? "THP buffer with a hole" : "4 KiB buffer with a hole";
	size_t len = 8 * HPAGE, hole = 6 * HPAGE + 5 * 4096;
	struct pin_stats before;
	struct io_uring ring;
	struct iovec iov;
	char *map, *p;
	size_t maplen;
	long long held;
	int ret;

	if (thp && !thp_ok()) {
		ksft_test_result_skip("%s: no THP in this kernel\n", name);
		return;
	}
	p = map_aligned(len, &map, &maplen);
	if (!p) {
		ksft_test_result_fail("%s: mmap: %s\n", name, strerror(errno));
		return;
	}
	if (read_pin_stats(&before) || io_uring_queue_init(4, &ring, 0)) {
		ksft_test_result_fail("%s: no pin counters or no ring\n", name);
		munmap(map, maplen);
		return;
	}
	madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	touch(p, len);
	/*
	 * Not munmap(): a later mapping (the ring's, say) could fill a
	 * hole.  A PROT_NONE page cannot be pinned either.
	 */
	if (mprotect(p + hole, pagesize, PROT_NONE)) {
		ksft_test_result_fail("%s: mprotect: %s\n", name, strerror(errno));
		goto out;
	}
	iov.iov_base = p + 3;
	iov.iov_len = len - 3;
	ret = io_uring_register_buffers(&ring, &iov, 1);
	held = pins_settle(&before);
	if (ret != -EFAULT || held) {
		ksft_test_result_fail("%s: register returned %d (%s), %lld pins left\n",
				      name, ret, ret ? strerror(-ret) : "no error", held);
		goto out;
	}
	iov.iov_len = hole - 3;
	ret = io_uring_register_buffers(&ring, &iov, 1);
	if (ret) {
		ksft_test_result_fail("%s: the part before the hole: %s\n",
				      name, strerror(-ret));
		goto out;
	}
	io_uring_unregister_buffers(&ring);
	held = pins_settle(&before);
	if (held)
		ksft_test_result_fail("%s: %lld pins left after unregistering\n", name, held);
	else
		ksft_test_result_pass("%s: EFAULT, no pin left; the part before it registers\n",
				      name);
out:
	io_uring_queue_exit(&ring);
	munmap(map, maplen);
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_probe *probe;
	int k;

	pagesize = getpagesize();
	ksft_print_header();
	ksft_set_plan(7);
	if (make_file())
		ksft_exit_fail_msg("test file: %s\n", strerror(errno));
	if (io_uring_queue_init(4, &ring, 0))
		ksft_exit_fail_msg("io_uring_queue_init failed\n");
	probe = io_uring_get_probe_ring(&ring);
	have_readv_fixed = probe && io_uring_opcode_supported(probe, OP_READV_FIXED);
	if (!have_readv_fixed)
		ksft_print_msg("no IORING_OP_READV_FIXED: the vectored case is left out\n");
	io_uring_free_probe(probe);
	io_uring_queue_exit(&ring);
	for (k = 0; k < 5; k++)
		run_layout(k);
	run_hole(0);
	run_hole(1);
	ksft_finished();
}
