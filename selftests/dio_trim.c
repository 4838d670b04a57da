// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT preadv()/pwritev() on a block device with 4 KiB logical blocks
 * (a loop device this test sets up on a file in /tmp) from iovecs that are
 * 512-byte aligned but not block aligned, each straddling two pages of a
 * huge page: the block layer ends a bio at a block boundary by trimming
 * its last bvecs (bio_iov_iter_align_down()), and a bvec it drops or
 * shortens spans two pinned pages, one pin each.  The data must be right
 * and every pin taken for the I/O released once it is done (Case 1 of
 * Documentation/core-api/pin_user_pages.rst: the pages are DMA'd).
 *
 * Buffers: a 2 MiB hugetlb page and a PMD-mapped THP, each skipped (and
 * counted as skipped) only where the kernel or the machine has none; and
 * 4 KiB pages, where no bvec spans two pages.
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
#include <unistd.h>

#include "../kselftest.h"
#include "loop_dev.h"
#include "pin_counters.h"
#include "vm_util.h"

#define HPAGE		(2UL << 20)
#define BUF_LEN		(2 * HPAGE)
#define LBS		4096
#define DEV_LEN		(4UL << 20)
/* 3072 bytes, then NR_STRADDLE x 1024 bytes across page boundaries. */
#define NR_STRADDLE	509
#define NR_IOV		(1 + NR_STRADDLE)
#define IO_LEN		(3072 + NR_STRADDLE * 1024)

static struct loop_dev dev;
/* The mapping map_buf() made, to unmap it whole. */
static void *map_base;
static size_t map_len;

static unsigned char pattern(unsigned long off, unsigned int seed)
{
	return (unsigned char)(off * 7 + (off >> 12) * 13 + seed);
}

/* The device's bytes: pattern(offset, 1). */
static void fill_pattern(int fd, size_t len)
{
	unsigned char *chunk = malloc(HPAGE);
	unsigned long off, i;

	if (!chunk)
		ksft_exit_fail_msg("malloc\n");
	for (off = 0; off < len; off += HPAGE) {
		for (i = 0; i < HPAGE; i++)
			chunk[i] = pattern(off + i, 1);
		if (pwrite(fd, chunk, HPAGE, off) != (ssize_t)HPAGE)
			ksft_exit_fail_msg("pwrite backing: %s\n", strerror(errno));
	}
	free(chunk);
}

/* The iovecs: 3072 bytes in page 0, then 1024 bytes across each boundary. */
static void make_iov(struct iovec *iov, char *buf)
{
	int j;

	iov[0].iov_base = buf;
	iov[0].iov_len = 3072;
	for (j = 0; j < NR_STRADDLE; j++) {
		iov[1 + j].iov_base = buf + 4096UL * (1 + j) + 3584;
		iov[1 + j].iov_len = 1024;
	}
}

/* The bytes the iovecs read are those of the device from @pos on. */
static int check_read(const struct iovec *iov, unsigned long pos,
		      unsigned int seed, const char *what)
{
	unsigned long k = 0;
	int j;
	size_t b;

	for (j = 0; j < NR_IOV; j++) {
		const unsigned char *p = iov[j].iov_base;

		for (b = 0; b < iov[j].iov_len; b++, k++) {
			if (p[b] != pattern(pos + k, seed)) {
				ksft_print_msg("%s: byte %lu of the read is %#x, not %#x\n",
					       what, k, p[b], pattern(pos + k, seed));
				return -1;
			}
		}
	}
	return 0;
}

static char *map_buf(const char *kind)
{
	char *map, *buf;

	if (!strcmp(kind, "hugetlb")) {
		buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (buf == MAP_FAILED)
			return NULL;
		map_base = buf;
		map_len = BUF_LEN;
		return buf;
	}
	map = mmap(NULL, BUF_LEN + HPAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	map_base = map;
	map_len = BUF_LEN + HPAGE;
	buf = (char *)(((uintptr_t)map + HPAGE - 1) & ~(HPAGE - 1));
	if (!strcmp(kind, "THP") && madvise(buf, BUF_LEN, MADV_HUGEPAGE)) {
		munmap(map, map_len);
		return NULL;
	}
	if (!strcmp(kind, "4 KiB pages"))
		madvise(buf, BUF_LEN, MADV_NOHUGEPAGE);
	return buf;
}

static void run(const char *kind)
{
	struct iovec iov[NR_IOV];
	struct pin_stats before, mid;
	unsigned long pos = HPAGE, k = 0;
	long long held;
	unsigned char *back;
	ssize_t n;
	char *buf;
	int j, ok = 1;
	size_t b;

	buf = map_buf(kind);
	if (!buf) {
		ksft_test_result_skip("%s: cannot map the buffer: %s\n", kind,
				      strerror(errno));
		return;
	}
	memset(buf, 0x5a, BUF_LEN);
	if (!strcmp(kind, "THP") && !check_huge_anon(buf, BUF_LEN, BUF_LEN / HPAGE, HPAGE)) {
		ksft_test_result_skip("%s: the buffer is not backed by THPs\n", kind);
		munmap(map_base, map_len);
		return;
	}
	make_iov(iov, buf);

	/* Read: the device into the user pages (they are written). */
	if (read_pin_stats(&before))
		ksft_exit_fail_msg("no FOLL_PIN counters in /proc/vmstat\n");
	n = preadv(dev.fd, iov, NR_IOV, pos);
	if (n != IO_LEN) {
		ksft_print_msg("%s: preadv: %zd (%s), not %d\n", kind, n,
			       n < 0 ? strerror(errno) : "short", IO_LEN);
		ok = 0;
	} else if (check_read(iov, pos, 1, kind)) {
		ok = 0;
	}
	read_pin_stats(&mid);
	if (mid.acquired - before.acquired < (unsigned long long)NR_IOV) {
		ksft_print_msg("%s: preadv took %llu pins for %d iovecs\n", kind,
			       mid.acquired - before.acquired, NR_IOV);
		ok = 0;
	}
	held = pins_settle(&before);
	if (held) {
		ksft_print_msg("%s: %lld pins left after preadv\n", kind, held);
		ok = 0;
	}

	/* Write: the user pages to the device, checked in the backing file. */
	for (j = 0; j < NR_IOV; j++)
		for (b = 0; b < iov[j].iov_len; b++, k++)
			((unsigned char *)iov[j].iov_base)[b] = pattern(pos + k, 2);
	read_pin_stats(&before);
	n = pwritev(dev.fd, iov, NR_IOV, pos);
	if (n != IO_LEN) {
		ksft_print_msg("%s: pwritev: %zd (%s), not %d\n", kind, n,
			       n < 0 ? strerror(errno) : "short", IO_LEN);
		ok = 0;
	}
	held = pins_settle(&before);
	if (held) {
		ksft_print_msg("%s: %lld pins left after pwritev\n", kind, held);
		ok = 0;
	}
	if (fsync(dev.fd))
		ksft_print_msg("fsync: %s\n", strerror(errno));
	back = malloc(IO_LEN);
	if (!back || pread(dev.back_fd, back, IO_LEN, pos) != IO_LEN) {
		ksft_print_msg("%s: reading the backing file failed\n", kind);
		ok = 0;
	} else {
		for (k = 0; k < IO_LEN; k++) {
			if (back[k] != pattern(pos + k, 2)) {
				ksft_print_msg("%s: byte %lu written as %#x, not %#x\n",
					       kind, k, back[k], pattern(pos + k, 2));
				ok = 0;
				break;
			}
		}
	}
	free(back);
	/* Put the device back as it was for the next buffer. */
	for (k = 0; k < IO_LEN; k++)
		buf[k] = pattern(pos + k, 1);
	if (pwrite(dev.back_fd, buf, IO_LEN, pos) != IO_LEN)
		ksft_print_msg("restoring the backing file failed\n");

	ksft_test_result(ok, "%s: %d iovecs, 512-byte aligned, across page boundaries, on %d-byte blocks: data right, pins released\n",
			 kind, NR_IOV, LBS);
	munmap(map_base, map_len);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(3);
	loop_dev_setup(&dev, DEV_LEN, LBS, fill_pattern);
	ksft_print_msg("%s: %lu MiB, %d-byte blocks\n", dev.name, DEV_LEN >> 20,
		       LBS);
	run("hugetlb");
	run("THP");
	run("4 KiB pages");
	loop_dev_teardown(&dev);
	ksft_finished();
}
