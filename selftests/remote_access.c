// SPDX-License-Identifier: GPL-2.0
/*
 * __access_remote_vm() (ptrace PEEKDATA/POKEDATA, /proc/pid/mem) copies
 * through a kernel mapping of each page of the target: Case 5 of
 * Documentation/core-api/pin_user_pages.rst, so each page must be pinned
 * with FOLL_PIN for the copy and unpinned after it.
 *
 *   - reading and writing NR_PAGES pages of this process through
 *     /proc/self/mem takes at least one pin per page, leaves none
 *     outstanding, and the data read or written is right;
 *   - PEEKDATA and POKEDATA of one word in each of NR_PAGES pages of a
 *     stopped child take at least one pin per word, leave none
 *     outstanding, and the child sees the words poked;
 *   - reading an unmapped page through /proc/self/mem fails with EIO and
 *     leaves no pin outstanding.
 *
 * Other pins taken in the guest meanwhile can only raise the numbers of
 * pins acquired, so "at least" is the right test; the guest runs nothing
 * else that holds pins, so "none outstanding" is exact.
 *
 * There is no fork() case: whether a fork() that races with a POKE should
 * give the child the old or the new word cannot be told from user space.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"
#include "pin_counters.h"

#define NR_PAGES	64

static unsigned long pagesize;

static unsigned char pattern(unsigned long i, unsigned int seed)
{
	return (unsigned char)(i * 7 + seed);
}

static char *map_pages(void)
{
	char *p = mmap(NULL, NR_PAGES * pagesize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	return p;
}

static void fill(char *p, unsigned int seed)
{
	unsigned long i;

	for (i = 0; i < NR_PAGES * pagesize; i++)
		p[i] = pattern(i, seed);
}

static int check(const char *p, unsigned int seed)
{
	unsigned long i;

	for (i = 0; i < NR_PAGES * pagesize; i++) {
		if ((unsigned char)p[i] != pattern(i, seed)) {
			ksft_print_msg("byte %lu: 0x%02x, want 0x%02x\n", i,
				       (unsigned char)p[i], pattern(i, seed));
			return -1;
		}
	}
	return 0;
}

/*
 * Report the pins taken and left since @before; pass if at least @want
 * were acquired and none is outstanding.
 */
static int pins_ok(const struct pin_stats *before, unsigned long long want)
{
	struct pin_stats after;
	unsigned long long acquired;
	long long left;

	if (read_pin_stats(&after)) {
		ksft_print_msg("cannot read the FOLL_PIN counters\n");
		return 0;
	}
	acquired = after.acquired - before->acquired;
	left = outstanding(&after, before);
	ksft_print_msg("pins acquired %llu (want >= %llu), outstanding %lld\n",
		       acquired, want, left);
	return acquired >= want && left == 0;
}

/*
 * pread() @target, or pwrite() it, through /proc/self/mem (@fd), from or
 * into @buf; then check the bytes that arrived against @seed, and the pins.
 */
static void test_transfer(int fd, int write, char *buf, char *target,
			  unsigned int seed)
{
	size_t len = NR_PAGES * pagesize;
	struct pin_stats before;
	ssize_t n;
	int ok;

	if (read_pin_stats(&before))
		ksft_exit_fail_msg("cannot read the FOLL_PIN counters\n");
	if (write)
		n = pwrite(fd, buf, len, (off_t)(uintptr_t)target);
	else
		n = pread(fd, buf, len, (off_t)(uintptr_t)target);
	ok = n == (ssize_t)len && !check(write ? target : buf, seed);
	if (n != (ssize_t)len)
		ksft_print_msg("%s %zd of %zu bytes: %s\n",
			       write ? "wrote" : "read", n, len,
			       strerror(errno));
	ok = pins_ok(&before, NR_PAGES) && ok;
	ksft_test_result(ok, "/proc/self/mem %s of %d pages pins each page\n",
			 write ? "write" : "read", NR_PAGES);
}

/* /proc/self/mem: read one buffer page by page, write another. */
static void test_proc_mem(void)
{
	char *src = map_pages(), *dst = map_pages();
	size_t len = NR_PAGES * pagesize;
	struct pin_stats before;
	char *copy = malloc(len);
	ssize_t n;
	int fd, ok;

	fd = open("/proc/self/mem", O_RDWR);
	if (fd < 0 || !copy) {
		ksft_test_result_fail("open /proc/self/mem: %s\n",
				      strerror(errno));
		return;
	}
	fill(src, 1);
	fill(copy, 2);
	memset(dst, 0, len);
	test_transfer(fd, 0, copy, src, 1);
	fill(copy, 3);
	test_transfer(fd, 1, copy, dst, 3);

	/* An unmapped page: EIO, nothing pinned. */
	munmap(src, pagesize);
	if (read_pin_stats(&before))
		ksft_exit_fail_msg("cannot read the FOLL_PIN counters\n");
	n = pread(fd, copy, pagesize, (off_t)(uintptr_t)src);
	ok = n == -1 && errno == EIO;
	if (!ok)
		ksft_print_msg("read of an unmapped page returned %zd (%s)\n",
			       n, n < 0 ? strerror(errno) : "no error");
	ok = pins_ok(&before, 0) && ok;
	ksft_test_result(ok, "/proc/self/mem read of an unmapped page: EIO, no pin left\n");

	close(fd);
	free(copy);
	munmap(src + pagesize, len - pagesize);
	munmap(dst, len);
}

/* PEEKDATA and POKEDATA, one word in each page of a stopped child. */
static void test_ptrace(void)
{
	char *buf = map_pages();
	struct pin_stats before;
	int status, i, ok = 1;
	pid_t pid;

	fill(buf, 4);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!pid) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(1);
		raise(SIGSTOP);
		/* Resumed: check what the parent poked. */
		for (i = 0; i < NR_PAGES; i++) {
			long *w = (long *)(buf + i * pagesize);

			if (*w != 0x5a5a0000L + i)
				_exit(2);
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		ksft_exit_fail_msg("child did not stop\n");

	if (read_pin_stats(&before))
		ksft_exit_fail_msg("cannot read the FOLL_PIN counters\n");
	for (i = 0; i < NR_PAGES; i++) {
		char *addr = buf + i * pagesize;
		long want, got;

		memcpy(&want, addr, sizeof(want));
		errno = 0;
		got = ptrace(PTRACE_PEEKDATA, pid, addr, NULL);
		if (errno || got != want) {
			ksft_print_msg("PEEKDATA of page %d: %lx, want %lx (%s)\n",
				       i, got, want, strerror(errno));
			ok = 0;
			break;
		}
		if (ptrace(PTRACE_POKEDATA, pid, addr,
			   (void *)(0x5a5a0000L + i))) {
			ksft_print_msg("POKEDATA of page %d: %s\n", i,
				       strerror(errno));
			ok = 0;
			break;
		}
	}
	ok = pins_ok(&before, 2 * NR_PAGES) && ok;

	ptrace(PTRACE_CONT, pid, NULL, NULL);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		ksft_print_msg("child did not see the words poked (status 0x%x)\n",
			       status);
		ok = 0;
	}
	/* The parent's copy is its own. */
	if (check(buf, 4))
		ok = 0;
	ksft_test_result(ok, "PEEKDATA/POKEDATA of %d pages pin each page\n",
			 NR_PAGES);
	munmap(buf, NR_PAGES * pagesize);
}

int main(void)
{
	struct pin_stats s;

	ksft_print_header();
	pagesize = sysconf(_SC_PAGESIZE);
	if (read_pin_stats(&s))
		ksft_exit_skip("no FOLL_PIN counters in /proc/vmstat\n");
	ksft_set_plan(4);
	test_proc_mem();
	test_ptrace();
	ksft_finished();
}
