// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT writes and reads of a file from user buffers of every kind of
 * anonymous memory: 4 KiB pages, a PMD-mapped THP and a 2 MiB hugetlb
 * page; an unaligned transfer; and one preadv()/pwritev() whose iovecs
 * come from all three.  Run by nfs_dio.sh on an NFS mount, for any file
 * system that does direct I/O from user memory:
 *
 *   dio_buffers LABEL FILE SERVERFILE
 *
 * FILE is opened with O_DIRECT; SERVERFILE is the same file seen without
 * the file system under test (the NFS server's export on ext4), used with
 * buffered I/O to check what a write stored and to store what a read must
 * return, so neither direction can pass by reading back its own cache.
 *
 * For each transfer: the data is right, nr_foll_pin_acquired grew by at
 * least the number of user pages it covers (the user pages of direct I/O
 * are pinned: Case 2 of Documentation/core-api/pin_user_pages.rst; a
 * kernel that takes FOLL_GET references fails these), and every pin is
 * released once the I/O is done.
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
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "pin_counters.h"
#include "vm_util.h"

#define HPAGE		(2UL << 20)
#define IOV_CHUNK	(96UL << 10)

static const char *label, *path, *server_path;
static size_t pagesize;

enum kind { SMALL, THP, HUGETLB, NR_KINDS };
static const char *const kind_name[NR_KINDS] = { "4k", "thp", "hugetlb" };

struct buffer {
	char *map;	/* what to munmap */
	size_t maplen;
	char *buf;	/* HPAGE bytes of the kind */
	char why[128];	/* why there is none */
};

/* The byte at file offset o of a transfer marked with seed. */
static inline uint8_t pattern(off_t o, unsigned int seed)
{
	return (uint8_t)((o ^ (o >> 9) ^ (o >> 17)) * 31 + seed * 101 + 7);
}

static void fill(char *p, size_t len, off_t off, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern(off + i, seed);
}

/* Offset of the first wrong byte, or -1. */
static long verify(const char *p, size_t len, off_t off, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((uint8_t)p[i] != pattern(off + i, seed))
			return i;
	return -1;
}

static int thp_enabled(char *why, size_t whylen)
{
	char mode[128];
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f) {
		snprintf(why, whylen, "the kernel has no THP");
		return 0;
	}
	if (!fgets(mode, sizeof(mode), f))
		mode[0] = 0;
	fclose(f);
	if (strstr(mode, "[never]")) {
		snprintf(why, whylen, "THP is disabled ([never])");
		return 0;
	}
	return 1;
}

/* Returns 0 with b->buf set, 1 to skip (b->why), -1 to fail (b->why). */
static int get_buffer(struct buffer *b, enum kind kind)
{
	char num[32];

	memset(b, 0, sizeof(*b));
	switch (kind) {
	case SMALL:
		b->maplen = HPAGE;
		b->map = mmap(NULL, b->maplen, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (b->map == MAP_FAILED)
			break;
		/* Keep it in small pages even with THP "always". */
		madvise(b->map, b->maplen, MADV_NOHUGEPAGE);
		b->buf = b->map;
		memset(b->buf, 0, HPAGE);
		return 0;
	case THP:
		if (!thp_enabled(b->why, sizeof(b->why)))
			return 1;
		b->maplen = 2 * HPAGE;
		b->map = mmap(NULL, b->maplen, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (b->map == MAP_FAILED)
			break;
		b->buf = (char *)(((uintptr_t)b->map + HPAGE - 1) & ~(HPAGE - 1));
		if (madvise(b->buf, HPAGE, MADV_HUGEPAGE))
			break;
		memset(b->buf, 0, HPAGE);
		if (!check_huge_anon(b->buf, HPAGE, 1, HPAGE)) {
			snprintf(b->why, sizeof(b->why), "the buffer did not get a THP");
			munmap(b->map, b->maplen);
			return -1;
		}
		return 0;
	case HUGETLB:
		if (!read_file("/proc/sys/vm/nr_hugepages", num, sizeof(num)) ||
		    !strtoul(num, NULL, 10)) {
			snprintf(b->why, sizeof(b->why), "no 2 MiB hugetlb pages reserved");
			return 1;
		}
		b->maplen = HPAGE;
		b->map = mmap(NULL, b->maplen, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (b->map == MAP_FAILED)
			break;
		b->buf = b->map;
		memset(b->buf, 0, HPAGE);
		return 0;
	default:
		break;
	}
	snprintf(b->why, sizeof(b->why), "allocating the buffer: %s", strerror(errno));
	if (b->map && b->map != MAP_FAILED)
		munmap(b->map, b->maplen);
	return -1;
}

/* User pages the iovecs cover. */
static unsigned long pages_of(const struct iovec *iov, int n)
{
	unsigned long pages = 0;
	int i;

	for (i = 0; i < n; i++) {
		uintptr_t s = (uintptr_t)iov[i].iov_base & ~(pagesize - 1);
		uintptr_t e = (uintptr_t)iov[i].iov_base + iov[i].iov_len;

		pages += (e - s + pagesize - 1) / pagesize;
	}
	return pages;
}

static size_t total_of(const struct iovec *iov, int n)
{
	size_t len = 0;
	int i;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

/* Buffered I/O on the server's copy of the file. */
static int server_io(int write, char *p, size_t len, off_t off)
{
	int fd = open(server_path, write ? O_WRONLY : O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write ? pwrite(fd, p, len, off) : pread(fd, p, len, off);
	if (n != (ssize_t)len || (write && fsync(fd))) {
		if (n >= 0 && n != (ssize_t)len)
			errno = EIO;
		close(fd);
		return -1;
	}
	return close(fd);
}

/*
 * One O_DIRECT transfer of iov at file offset off, then its three
 * results: data, pinned, released.
 */
static void transfer(const char *name, int write, int fd, struct iovec *iov,
		     int n, off_t off, unsigned int seed)
{
	const char *dir = write ? "write" : "read";
	unsigned long pages = pages_of(iov, n);
	size_t len = total_of(iov, n), done;
	struct pin_stats before, after;
	unsigned long long acquired;
	long long held;
	char *check;
	ssize_t got;
	long bad = -1;
	int i;

	check = malloc(len);
	if (!check) {
		ksft_exit_fail_msg("malloc: %s\n", strerror(errno));
		return;
	}
	if (write) {
		for (i = 0, done = 0; i < n; done += iov[i].iov_len, i++)
			fill(iov[i].iov_base, iov[i].iov_len, off + done, seed);
	} else {
		fill(check, len, off, seed);
		if (server_io(1, check, len, off)) {
			ksft_test_result_fail("%s: %s: O_DIRECT %s: writing %s: %s\n", label,
					      name, dir, server_path, strerror(errno));
			ksft_test_result_fail("%s: %s: O_DIRECT %s pins the buffer: no I/O\n",
					      label, name, dir);
			ksft_test_result_fail("%s: %s: O_DIRECT %s releases its pins: no I/O\n",
					      label, name, dir);
			free(check);
			return;
		}
		for (i = 0; i < n; i++)
			memset(iov[i].iov_base, 0, iov[i].iov_len);
	}

	if (read_pin_stats(&before))
		ksft_exit_fail_msg("no FOLL_PIN counters in /proc/vmstat\n");
	if (write)
		got = pwritev(fd, iov, n, off);
	else
		got = preadv(fd, iov, n, off);
	read_pin_stats(&after);
	acquired = after.acquired - before.acquired;
	held = pins_settle(&before);

	if (got != (ssize_t)len) {
		ksft_test_result_fail("%s: %s: O_DIRECT %s of %zu bytes returned %zd (%s)\n",
				      label, name, dir, len, got,
				      got < 0 ? strerror(errno) : "short");
	} else if (write && server_io(0, check, len, off)) {
		ksft_test_result_fail("%s: %s: O_DIRECT write: reading %s: %s\n", label,
				      name, server_path, strerror(errno));
	} else {
		if (write) {
			bad = verify(check, len, off, seed);
		} else {
			for (i = 0, done = 0; i < n && bad < 0; done += iov[i].iov_len, i++) {
				bad = verify(iov[i].iov_base, iov[i].iov_len, off + done, seed);
				if (bad >= 0)
					bad += done;
			}
		}
		if (bad >= 0)
			ksft_test_result_fail("%s: %s: O_DIRECT %s of %zu bytes: wrong data at byte %ld%s\n",
					      label, name, dir, len, bad,
					      write ? " of the server's file" : "");
		else
			ksft_test_result_pass("%s: %s: O_DIRECT %s of %zu bytes: %s\n",
					      label, name, dir, len,
					      write ? "the server's file has the data" :
					      "the server's data read back");
	}
	ksft_print_msg("%s: %s: %s: %llu pins acquired for %lu user pages, %lld outstanding\n",
		       label, name, dir, acquired, pages, held);
	ksft_test_result(got > 0 && acquired >= pages,
			 "%s: %s: O_DIRECT %s pins the buffer (%llu FOLL_PIN pins for %lu pages)\n",
			 label, name, dir, acquired, pages);
	ksft_test_result(held == 0, "%s: %s: O_DIRECT %s releases its pins (%lld outstanding)\n",
			 label, name, dir, held);
	free(check);
}

static void skip_transfers(const char *name, const char *why)
{
	static const char *const what[] = {
		"write", "write pins the buffer", "write releases its pins",
		"read", "read pins the buffer", "read releases its pins",
	};
	unsigned int i;

	for (i = 0; i < sizeof(what) / sizeof(what[0]); i++)
		ksft_test_result_skip("%s: %s: O_DIRECT %s: %s\n", label, name, what[i], why);
}

static void fail_transfers(const char *name, const char *why)
{
	unsigned int i;

	for (i = 0; i < 6; i++)
		ksft_test_result_fail("%s: %s: %s\n", label, name, why);
}

int main(int argc, char **argv)
{
	struct buffer bufs[NR_KINDS];
	struct iovec iov[NR_KINDS];
	unsigned int seed = time(NULL);
	int fd, k, n = 0, ret;

	if (argc != 4) {
		fprintf(stderr, "usage: %s LABEL FILE SERVERFILE\n", argv[0]);
		return KSFT_FAIL;
	}
	label = argv[1];
	path = argv[2];
	server_path = argv[3];
	pagesize = getpagesize();

	ksft_print_header();
	ksft_print_msg("%s: pattern seed %u\n", label, seed);
	/* Per kind, then unaligned and mixed: write and read, three results each. */
	ksft_set_plan((NR_KINDS + 2) * 6);
	fd = open(path, O_RDWR | O_CREAT | O_DIRECT, 0644);
	if (fd < 0)
		ksft_exit_fail_msg("open(%s, O_DIRECT): %s\n", path, strerror(errno));
	/* The server's copy must be there for the reads. */
	if (ftruncate(fd, 4 * HPAGE))
		ksft_exit_fail_msg("ftruncate(%s): %s\n", path, strerror(errno));

	for (k = 0; k < NR_KINDS; k++) {
		struct iovec one;

		ret = get_buffer(&bufs[k], k);
		if (ret > 0) {
			skip_transfers(kind_name[k], bufs[k].why);
			continue;
		}
		if (ret < 0) {
			fail_transfers(kind_name[k], bufs[k].why);
			continue;
		}
		one.iov_base = bufs[k].buf;
		one.iov_len = HPAGE;
		transfer(kind_name[k], 1, fd, &one, 1, HPAGE, seed + 2 * k);
		transfer(kind_name[k], 0, fd, &one, 1, HPAGE, seed + 2 * k + 1);
	}

	/*
	 * Byte-aligned user memory and file offset: NFS takes any alignment,
	 * and the first and last pages are partly covered.
	 */
	if (bufs[SMALL].buf) {
		struct iovec odd = { bufs[SMALL].buf + 100, 300001 };

		transfer("unaligned", 1, fd, &odd, 1, 4097, seed + 10);
		transfer("unaligned", 0, fd, &odd, 1, 4097, seed + 11);
	} else {
		fail_transfers("unaligned", "no 4 KiB buffer");
	}

	/* One iovec from each kind there is, in one call. */
	for (k = 0; k < NR_KINDS; k++) {
		if (!bufs[k].buf)
			continue;
		iov[n].iov_base = bufs[k].buf + pagesize * (k + 1) + 512 * k;
		iov[n].iov_len = IOV_CHUNK + 1000 * k;
		n++;
	}
	transfer("mixed iovecs", 1, fd, iov, n, 3 * HPAGE + 512, seed + 20);
	transfer("mixed iovecs", 0, fd, iov, n, 3 * HPAGE + 512, seed + 21);

	close(fd);
	for (k = 0; k < NR_KINDS; k++)
		if (bufs[k].buf)
			munmap(bufs[k].map, bufs[k].maplen);
	ksft_finished();
}
