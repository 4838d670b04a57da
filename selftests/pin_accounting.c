// SPDX-License-Identifier: GPL-2.0
/*
 * FOLL_PIN accounting and data checks through gup_test's long-term pin
 * ioctls (PIN_LONGTERM_TEST_START/READ/STOP).
 *
 * For 4 KiB anonymous pages, PMD-mapped THP, 2 MiB hugetlb and shmem, with
 * pin_user_pages() and pin_user_pages_fast():
 *  - while the range is pinned, exactly one pin per page is outstanding
 *    (nr_foll_pin_acquired - nr_foll_pin_released), and none after the
 *    unpin;
 *  - the pinned pages are the mapped pages: data written through the
 *    mapping after the pin is what the kernel reads through the pins;
 *  - after fork() the parent keeps the pinned pages: the child's writes to
 *    its copy do not reach them, the parent's writes do.
 * And the error paths: zero length, unaligned start, unknown flags, a hole
 * in the range, a read-only mapping pinned for write, a second START and a
 * READ without START fail with the documented errno and leave nothing
 * pinned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "../../../../mm/gup_test.h"
#include "../kselftest.h"
#include "pin_counters.h"
#include "vm_util.h"
#include "hugepage_settings.h"

#define GUP_TEST_FILE "/sys/kernel/debug/gup_test"
#define SZ_2M (2UL << 20)

static int gup_fd;
static size_t pagesize;

/*
 * Earlier tests may still be releasing pins asynchronously (io_uring ring
 * teardown); wait for the counters to balance so deltas are exact.
 */
static bool wait_balanced(struct pin_stats *s)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (read_pin_stats(s))
			return false;
		if (s->acquired == s->released)
			return true;
		usleep(50000);
	}
	ksft_print_msg("pins outstanding before the test: acquired %llu released %llu\n",
		       s->acquired, s->released);
	return false;
}

static int pin_start(void *addr, size_t size, unsigned int flags)
{
	struct pin_longterm_test args = {
		.addr = (uintptr_t)addr,
		.size = size,
		.flags = flags,
	};

	return ioctl(gup_fd, PIN_LONGTERM_TEST_START, &args) ? -errno : 0;
}

static int pin_read(void *dst)
{
	uint64_t addr = (uintptr_t)dst;

	return ioctl(gup_fd, PIN_LONGTERM_TEST_READ, &addr) ? -errno : 0;
}

static void pin_stop(void)
{
	if (ioctl(gup_fd, PIN_LONGTERM_TEST_STOP))
		ksft_print_msg("PIN_LONGTERM_TEST_STOP: %s\n", strerror(errno));
}

static void fill(char *p, size_t size, unsigned char seed)
{
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = (char)(seed + i * 7 + i / 4096);
}

static bool check(const char *p, size_t size, unsigned char seed)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (p[i] != (char)(seed + i * 7 + i / 4096)) {
			ksft_print_msg("data mismatch at offset %zu\n", i);
			return false;
		}
	}
	return true;
}

enum mem_type { MEM_4K, MEM_THP, MEM_HUGETLB, MEM_SHMEM, NR_MEM_TYPES };

static const char * const mem_name[] = {
	[MEM_4K] = "4 KiB anonymous pages",
	[MEM_THP] = "PMD-mapped THP",
	[MEM_HUGETLB] = "2 MiB hugetlb",
	[MEM_SHMEM] = "shmem",
};

/*
 * Map SIZE bytes of the given type, populated.  Returns NULL with *why set
 * when the type is not available on this kernel.
 */
static char *map_mem(enum mem_type type, size_t size, const char **why)
{
	char *raw, *p;
	int fd;

	*why = NULL;
	switch (type) {
	case MEM_4K:
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		madvise(p, size, MADV_NOHUGEPAGE);
		memset(p, 1, size);
		return p;
	case MEM_THP:
		if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK)) {
			*why = "transparent huge pages not configured";
			return NULL;
		}
		raw = mmap(NULL, size + SZ_2M, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (raw == MAP_FAILED)
			return NULL;
		p = (char *)(((uintptr_t)raw + SZ_2M - 1) & ~(SZ_2M - 1));
		if (madvise(p, size, MADV_HUGEPAGE)) {
			munmap(raw, size + SZ_2M);
			return NULL;
		}
		memset(p, 1, size);
		if (!check_huge_anon(p, size, size / SZ_2M, SZ_2M)) {
			ksft_print_msg("THP: the range is not PMD-mapped\n");
			munmap(raw, size + SZ_2M);
			return NULL;
		}
		return p;
	case MEM_HUGETLB:
		if (default_huge_page_size() != SZ_2M) {
			*why = "2 MiB hugetlb pages not configured";
			return NULL;
		}
		if (hugetlb_free_default_pages() < size / SZ_2M) {
			*why = "not enough free 2 MiB hugetlb pages (boot with hugepages=)";
			return NULL;
		}
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		memset(p, 1, size);
		return p;
	case MEM_SHMEM:
		fd = memfd_create("pin_accounting", 0);
		if (fd < 0)
			return NULL;
		if (ftruncate(fd, size)) {
			close(fd);
			return NULL;
		}
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED)
			return NULL;
		memset(p, 1, size);
		return p;
	default:
		return NULL;
	}
}

static void test_pin_read_unpin(enum mem_type type, bool fast)
{
	const size_t size = 4 * SZ_2M;
	const unsigned long long nr_pages = size / pagesize;
	const char *desc = fast ? "pin_user_pages_fast" : "pin_user_pages";
	struct pin_stats s0, s1, s2;
	char *mem, *copy;
	const char *why;
	bool ok = true;
	int ret;

	mem = map_mem(type, size, &why);
	if (!mem) {
		if (why)
			ksft_test_result_skip("%s, %s: %s\n", mem_name[type], desc, why);
		else
			ksft_test_result_fail("%s, %s: mapping failed: %s\n",
					      mem_name[type], desc, strerror(errno));
		return;
	}
	copy = malloc(size);
	if (!copy)
		ksft_exit_fail_msg("malloc failed\n");

	fill(mem, size, 0x11);
	if (!wait_balanced(&s0)) {
		ksft_test_result_fail("%s, %s: counters unbalanced before pinning\n",
				      mem_name[type], desc);
		goto out;
	}
	ret = pin_start(mem, size, PIN_LONGTERM_TEST_FLAG_USE_WRITE |
			(fast ? PIN_LONGTERM_TEST_FLAG_USE_FAST : 0));
	if (ret) {
		ksft_test_result_fail("%s, %s: PIN_LONGTERM_TEST_START: %s\n",
				      mem_name[type], desc, strerror(-ret));
		goto out;
	}
	/*
	 * A FOLL_LONGTERM pin that finds pages in ZONE_MOVABLE drops its pins,
	 * migrates the pages and pins again: both counters move, but exactly
	 * one pin per page stays outstanding.
	 */
	if (read_pin_stats(&s1))
		ok = false;
	if (outstanding(&s1, &s0) != (long long)nr_pages) {
		ksft_print_msg("while pinned: acquired +%llu released +%llu, %lld outstanding, expected %llu\n",
			       s1.acquired - s0.acquired, s1.released - s0.released,
			       outstanding(&s1, &s0), nr_pages);
		ok = false;
	}

	/* Written after the pin: must be visible through the pinned pages. */
	fill(mem, size, 0x5a);
	memset(copy, 0, size);
	ret = pin_read(copy);
	if (ret) {
		ksft_print_msg("PIN_LONGTERM_TEST_READ: %s\n", strerror(-ret));
		ok = false;
	} else if (!check(copy, size, 0x5a)) {
		ok = false;
	}
	pin_stop();

	if (read_pin_stats(&s2))
		ok = false;
	if (outstanding(&s2, &s0) || s2.acquired != s1.acquired ||
	    s2.released - s1.released != nr_pages) {
		ksft_print_msg("after unpin: acquired +%llu released +%llu since the pin, expected +0 +%llu\n",
			       s2.acquired - s1.acquired, s2.released - s1.released,
			       nr_pages);
		ok = false;
	}
	ksft_test_result(ok, "%s, %s: %llu pages pinned, read back and released\n",
			 mem_name[type], desc, nr_pages);
out:
	free(copy);
	munmap(mem, size);
}

/*
 * A private anonymous range pinned for write, then fork(): the pinned pages
 * stay with the parent (the child gets copies at fork time), so the parent's
 * later writes are what the pins see and the child's never are.
 */
static void test_fork_after_pin(enum mem_type type)
{
	const size_t size = 2 * SZ_2M;
	char *mem, *copy;
	const char *why;
	bool ok = true;
	int status, ret;
	pid_t pid;

	mem = map_mem(type, size, &why);
	if (!mem) {
		if (why)
			ksft_test_result_skip("%s: fork after pin: %s\n", mem_name[type], why);
		else
			ksft_test_result_fail("%s: fork after pin: mapping failed\n",
					      mem_name[type]);
		return;
	}
	copy = malloc(size);
	if (!copy)
		ksft_exit_fail_msg("malloc failed\n");
	fill(mem, size, 0x22);
	ret = pin_start(mem, size, PIN_LONGTERM_TEST_FLAG_USE_WRITE |
			PIN_LONGTERM_TEST_FLAG_USE_FAST);
	if (ret) {
		ksft_test_result_fail("%s: fork after pin: START: %s\n",
				      mem_name[type], strerror(-ret));
		goto out;
	}

	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!pid) {
		fill(mem, size, 0x77);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		ksft_print_msg("child did not exit cleanly\n");
		ok = false;
	}
	fill(mem, size, 0x33);
	ret = pin_read(copy);
	if (ret) {
		ksft_print_msg("PIN_LONGTERM_TEST_READ: %s\n", strerror(-ret));
		ok = false;
	} else if (!check(copy, size, 0x33)) {
		ksft_print_msg("the pinned pages do not hold the parent's data\n");
		ok = false;
	}
	pin_stop();
	ksft_test_result(ok, "%s: fork after pin keeps the pinned pages with the parent\n",
			 mem_name[type]);
out:
	free(copy);
	munmap(mem, size);
}

/* An ioctl that must fail with EXPECT and leave the counters balanced. */
static void expect_error(const char *what, int ret, int expect)
{
	struct pin_stats s;
	bool balanced = wait_balanced(&s);

	if (!ret)
		pin_stop();
	ksft_test_result(ret == -expect && balanced,
			 "%s: %s (expected %s), %s\n", what,
			 ret ? strerror(-ret) : "success", strerror(expect),
			 balanced ? "nothing left pinned" : "pins left behind");
}

static void test_errors(void)
{
	size_t size = 3 * pagesize;
	char buf[8];
	char *mem;
	int ret;

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	memset(mem, 1, size);

	expect_error("zero length", pin_start(mem, 0, 0), EINVAL);
	expect_error("unaligned start", pin_start(mem + 1, pagesize, 0), EINVAL);
	expect_error("unaligned length", pin_start(mem, pagesize + 1, 0), EINVAL);
	expect_error("unknown flags", pin_start(mem, pagesize, 0x80), EINVAL);
	expect_error("READ without START", pin_read(buf), EINVAL);

	ret = pin_start(mem, pagesize, 0);
	if (ret) {
		ksft_test_result_fail("second START: first START failed: %s\n",
				      strerror(-ret));
	} else {
		ret = pin_start(mem + pagesize, pagesize, 0);
		ksft_test_result(ret == -EINVAL, "second START while pinned: %s (expected %s)\n",
				 ret ? strerror(-ret) : "success", strerror(EINVAL));
		if (!ret)
			ksft_print_msg("second START unexpectedly succeeded\n");
		pin_stop();
	}

	/* A hole in the middle: the first page is pinned, then -EFAULT. */
	munmap(mem + pagesize, pagesize);
	expect_error("hole in the range", pin_start(mem, size, 0), EFAULT);
	expect_error("hole in the range, fast", pin_start(mem, size,
			PIN_LONGTERM_TEST_FLAG_USE_FAST), EFAULT);
	munmap(mem, size);

	mem = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	expect_error("read-only mapping pinned for write",
		     pin_start(mem, size, PIN_LONGTERM_TEST_FLAG_USE_WRITE), EFAULT);
	munmap(mem, size);
}

int main(void)
{
	int type;

	pagesize = getpagesize();
	ksft_print_header();

	gup_fd = open(GUP_TEST_FILE, O_RDWR);
	if (gup_fd < 0)
		ksft_exit_skip("%s: %s (CONFIG_GUP_TEST and debugfs needed)\n",
			       GUP_TEST_FILE, strerror(errno));

	ksft_set_plan(NR_MEM_TYPES * 2 + 3 + 9);
	for (type = 0; type < NR_MEM_TYPES; type++) {
		test_pin_read_unpin(type, false);
		test_pin_read_unpin(type, true);
	}
	test_fork_after_pin(MEM_4K);
	test_fork_after_pin(MEM_THP);
	test_fork_after_pin(MEM_HUGETLB);
	test_errors();

	close(gup_fd);
	ksft_finished();
}
