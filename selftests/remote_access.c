// SPDX-License-Identifier: GPL-2.0
/*
 * __access_remote_vm() (ptrace PEEKDATA/POKEDATA, /proc/pid/mem) copies
 * through a kernel mapping of each page of the target.  A write to the data
 * within the page is Case 5 of Documentation/core-api/pin_user_pages.rst:
 * the page must be pinned with FOLL_PIN for the copy and unpinned after it.
 * A read must not pin: FOLL_PIN without FOLL_WRITE makes gup_must_unshare()
 * unshare an anonymous page that is not exclusive to the target, so every
 * read of /proc/pid/cmdline or PEEKDATA would unmerge KSM pages and give a
 * forked child private copies of the pages it shares with its parent.
 *
 *   - reading NR_PAGES pages of this process through /proc/self/mem takes
 *     no pin; writing them takes exactly one pin per page and leaves none
 *     outstanding; the data read or written is right;
 *   - reading an unmapped page through /proc/self/mem fails with EIO and
 *     leaves no pin outstanding;
 *   - PEEKDATA of one word in each of NR_PAGES pages of a stopped child
 *     takes no pin, POKEDATA exactly one per word, none outstanding, and
 *     the child sees the words poked;
 *   - pages merged by KSM stay merged (same pfn, read from
 *     /proc/self/pagemap) when read through /proc/self/mem, with no pin;
 *     a write to one of them pins it once and unshares that page only;
 *   - pages a forked child shares with its parent stay shared (the
 *     child's pfns, from /proc/pid/pagemap, stay those of the parent) when
 *     the parent reads them through /proc/pid/mem and PEEKDATA, with no
 *     pin.
 *
 * The guest runs nothing else that takes pins while this runs, so the pin
 * counts are exact.  The KSM and fork cases need root (the pfns of
 * pagemap) and are skipped without it; KSM is skipped without
 * /sys/kernel/mm/ksm.
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
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "pin_counters.h"

#define NR_PAGES	64
#define NR_KSM		16
#define KSM		"/sys/kernel/mm/ksm/"

static unsigned long pagesize;

static unsigned char pattern(unsigned long i, unsigned int seed)
{
	return (unsigned char)(i * 7 + seed);
}

static char *map_pages(unsigned long nr)
{
	char *p = mmap(NULL, nr * pagesize, PROT_READ | PROT_WRITE,
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
 * Report the pins taken and left since @before; pass if exactly @want were
 * acquired and none is outstanding.
 */
static int pins_ok(const char *what, const struct pin_stats *before,
		   unsigned long long want)
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
	ksft_print_msg("%s: pins acquired %llu (want %llu), outstanding %lld\n",
		       what, acquired, want, left);
	return acquired == want && left == 0;
}

static void get_pin_stats(struct pin_stats *s)
{
	if (read_pin_stats(s))
		ksft_exit_fail_msg("cannot read the FOLL_PIN counters\n");
}

/*
 * The pfn of each of @nr pages at @addr in process @pid, from its pagemap;
 * 0 for a page that is not present.  Returns -1 if the pfns cannot be read
 * (they read as 0 without CAP_SYS_ADMIN).
 */
static int read_pfns(pid_t pid, const char *addr, unsigned long nr,
		     uint64_t *pfns)
{
	char path[64];
	unsigned long i;
	int fd, any = 0;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	for (i = 0; i < nr; i++) {
		off_t off = ((uintptr_t)addr / pagesize + i) * sizeof(uint64_t);
		uint64_t e;

		if (pread(fd, &e, sizeof(e), off) != sizeof(e)) {
			close(fd);
			return -1;
		}
		pfns[i] = (e >> 63) ? (e & ((1ULL << 55) - 1)) : 0;
		any |= pfns[i] != 0;
	}
	close(fd);
	return any ? 0 : -1;
}

/*
 * pread() @target, or pwrite() it, through /proc/self/mem (@fd), from or
 * into @buf; then check the bytes that arrived against @seed, and the pins:
 * one per page for a write, none for a read.
 */
static void test_transfer(int fd, int write, char *buf, char *target,
			  unsigned int seed)
{
	size_t len = NR_PAGES * pagesize;
	struct pin_stats before;
	ssize_t n;
	int ok;

	get_pin_stats(&before);
	if (write)
		n = pwrite(fd, buf, len, (off_t)(uintptr_t)target);
	else
		n = pread(fd, buf, len, (off_t)(uintptr_t)target);
	ok = n == (ssize_t)len && !check(write ? target : buf, seed);
	if (n != (ssize_t)len)
		ksft_print_msg("%s %zd of %zu bytes: %s\n",
			       write ? "wrote" : "read", n, len,
			       strerror(errno));
	ok = pins_ok(write ? "write" : "read", &before,
		     write ? NR_PAGES : 0) && ok;
	if (write)
		ksft_test_result(ok, "/proc/self/mem write of %d pages pins each page once\n",
				 NR_PAGES);
	else
		ksft_test_result(ok, "/proc/self/mem read of %d pages takes no pin\n",
				 NR_PAGES);
}

/* /proc/self/mem: read one buffer page by page, write another. */
static void test_proc_mem(void)
{
	char *src = map_pages(NR_PAGES), *dst = map_pages(NR_PAGES);
	size_t len = NR_PAGES * pagesize;
	struct pin_stats before;
	char *copy = malloc(len);
	ssize_t n;
	int fd, ok;

	fd = open("/proc/self/mem", O_RDWR);
	if (fd < 0 || !copy)
		ksft_exit_fail_msg("open /proc/self/mem: %s\n", strerror(errno));
	fill(src, 1);
	fill(copy, 2);
	memset(dst, 0, len);
	test_transfer(fd, 0, copy, src, 1);
	fill(copy, 3);
	test_transfer(fd, 1, copy, dst, 3);

	/* An unmapped page: EIO, nothing pinned. */
	munmap(src, pagesize);
	get_pin_stats(&before);
	n = pread(fd, copy, pagesize, (off_t)(uintptr_t)src);
	ok = n == -1 && errno == EIO;
	if (!ok)
		ksft_print_msg("read of an unmapped page returned %zd (%s)\n",
			       n, n < 0 ? strerror(errno) : "no error");
	ok = pins_ok("unmapped", &before, 0) && ok;
	ksft_test_result(ok, "/proc/self/mem read of an unmapped page: EIO, no pin left\n");

	close(fd);
	free(copy);
	munmap(src + pagesize, len - pagesize);
	munmap(dst, len);
}

/*
 * Fork a child that shares @buf, traces itself and stops; it exits 0 once
 * resumed if the first word of each page is what @poked says (0 for the
 * data of @seed, else 0x5a5a0000 + page index).
 */
static pid_t fork_stopped_child(char *buf, unsigned int seed, int poked)
{
	int status, i;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!pid) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(1);
		raise(SIGSTOP);
		for (i = 0; i < NR_PAGES; i++) {
			long *w = (long *)(buf + i * pagesize);
			unsigned char b[sizeof(long)];
			long want;
			unsigned int k;

			for (k = 0; k < sizeof(b); k++)
				b[k] = pattern(i * pagesize + k, seed);
			memcpy(&want, b, sizeof(want));
			if (poked)
				want = 0x5a5a0000L + i;
			if (*w != want)
				_exit(2);
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		ksft_exit_fail_msg("child did not stop\n");
	return pid;
}

static int resume_child(pid_t pid)
{
	int status;

	ptrace(PTRACE_CONT, pid, NULL, NULL);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		ksft_print_msg("child saw wrong words (status 0x%x)\n", status);
		return 0;
	}
	return 1;
}

/* PEEKDATA one word in each page of the child at @buf; check it. */
static int peek_pages(pid_t pid, char *buf)
{
	int i;

	for (i = 0; i < NR_PAGES; i++) {
		char *addr = buf + i * pagesize;
		long want, got;

		memcpy(&want, addr, sizeof(want));
		errno = 0;
		got = ptrace(PTRACE_PEEKDATA, pid, addr, NULL);
		if (errno || got != want) {
			ksft_print_msg("PEEKDATA of page %d: %lx, want %lx (%s)\n",
				       i, got, want, strerror(errno));
			return 0;
		}
	}
	return 1;
}

/* PEEKDATA and POKEDATA, one word in each page of a stopped child. */
static void test_ptrace(void)
{
	char *buf = map_pages(NR_PAGES);
	struct pin_stats before;
	int i, ok;
	pid_t pid;

	fill(buf, 4);
	pid = fork_stopped_child(buf, 4, 1);

	get_pin_stats(&before);
	ok = peek_pages(pid, buf);
	ok = pins_ok("PEEKDATA", &before, 0) && ok;
	ksft_test_result(ok, "PEEKDATA of %d pages takes no pin\n", NR_PAGES);

	get_pin_stats(&before);
	ok = 1;
	for (i = 0; i < NR_PAGES; i++) {
		if (ptrace(PTRACE_POKEDATA, pid, buf + i * pagesize,
			   (void *)(0x5a5a0000L + i))) {
			ksft_print_msg("POKEDATA of page %d: %s\n", i,
				       strerror(errno));
			ok = 0;
			break;
		}
	}
	ok = pins_ok("POKEDATA", &before, NR_PAGES) && ok;
	ok = resume_child(pid) && ok;
	/* The parent's copy is its own. */
	ok = !check(buf, 4) && ok;
	ksft_test_result(ok, "POKEDATA of %d pages pins each page once\n",
			 NR_PAGES);
	munmap(buf, NR_PAGES * pagesize);
}

/*
 * Pages shared with a forked child stay shared when the parent reads them
 * through /proc/pid/mem and PEEKDATA: a read-only pin would unshare them
 * in the child.
 */
static void test_fork_shared(void)
{
	uint64_t ppfn[NR_PAGES], cpfn[NR_PAGES];
	char *buf = map_pages(NR_PAGES);
	size_t len = NR_PAGES * pagesize;
	char *copy = malloc(len), path[64];
	struct pin_stats before;
	int fd, i, ok = 1;
	pid_t pid;

	fill(buf, 5);
	if (read_pfns(getpid(), buf, NR_PAGES, ppfn)) {
		ksft_test_result_skip("fork-shared pages: no pfns in /proc/self/pagemap (not root)\n");
		return;
	}
	pid = fork_stopped_child(buf, 5, 0);
	if (read_pfns(pid, buf, NR_PAGES, cpfn) ||
	    memcmp(ppfn, cpfn, sizeof(ppfn))) {
		ksft_print_msg("the child does not share the parent's pages\n");
		ok = 0;
	}

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || !copy)
		ksft_exit_fail_msg("open %s: %s\n", path, strerror(errno));
	get_pin_stats(&before);
	if (pread(fd, copy, len, (off_t)(uintptr_t)buf) != (ssize_t)len ||
	    check(copy, 5)) {
		ksft_print_msg("read of the child's pages: %s\n",
			       strerror(errno));
		ok = 0;
	}
	ok = peek_pages(pid, buf) && ok;
	ok = pins_ok("fork-shared read", &before, 0) && ok;
	close(fd);

	if (read_pfns(pid, buf, NR_PAGES, cpfn))
		ok = 0;
	for (i = 0; i < NR_PAGES; i++) {
		if (cpfn[i] != ppfn[i]) {
			ksft_print_msg("page %d of the child: pfn %#llx, the parent's %#llx: unshared\n",
				       i, (unsigned long long)cpfn[i],
				       (unsigned long long)ppfn[i]);
			ok = 0;
			break;
		}
	}
	ok = resume_child(pid) && ok;
	ksft_test_result(ok, "pages shared with a child stay shared when /proc/pid/mem and PEEKDATA read them, no pin\n");
	free(copy);
	munmap(buf, len);
}

static int ksm_read(const char *name, char *val, size_t size)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), KSM "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, val, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	val[n] = '\0';
	val[strcspn(val, "\n")] = '\0';
	return 0;
}

static int ksm_write(const char *name, const char *val)
{
	char path[128];
	int fd, ok;

	snprintf(path, sizeof(path), KSM "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/*
 * Pages merged by KSM stay merged when read through /proc/self/mem; a write
 * to one pins it once and gives that page alone a copy of its own.
 */
static void test_ksm(void)
{
	char run[16], scan[16], sleep_ms[16];
	uint64_t pfns[NR_KSM], ksm_pfn = 0;
	char *buf = map_pages(NR_KSM), *copy;
	size_t len = NR_KSM * pagesize;
	struct pin_stats before;
	int fd, i, tries, merged = 0, ok = 1;
	char word[8] = "written";

	if (ksm_read("run", run, sizeof(run)) ||
	    ksm_read("pages_to_scan", scan, sizeof(scan)) ||
	    ksm_read("sleep_millisecs", sleep_ms, sizeof(sleep_ms))) {
		ksft_test_result_skip("KSM: no " KSM " (CONFIG_KSM)\n");
		ksft_test_result_skip("KSM: no " KSM " (CONFIG_KSM)\n");
		return;
	}
	/* Identical pages, not zero (KSM may map zero pages differently). */
	memset(buf, 0x5c, len);
	if (read_pfns(getpid(), buf, NR_KSM, pfns)) {
		ksft_test_result_skip("KSM: no pfns in /proc/self/pagemap (not root)\n");
		ksft_test_result_skip("KSM: no pfns in /proc/self/pagemap (not root)\n");
		return;
	}
	if (madvise(buf, len, MADV_MERGEABLE))
		ksft_exit_fail_msg("MADV_MERGEABLE: %s\n", strerror(errno));
	if (ksm_write("pages_to_scan", "1000") ||
	    ksm_write("sleep_millisecs", "10") || ksm_write("run", "1"))
		ksft_exit_fail_msg("cannot start ksmd: %s\n", strerror(errno));
	/* Wait up to 60 s for all the pages to map one KSM page. */
	for (tries = 0; tries < 600 && !merged; tries++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		if (read_pfns(getpid(), buf, NR_KSM, pfns))
			continue;
		merged = 1;
		for (i = 1; i < NR_KSM; i++)
			merged &= pfns[i] && pfns[i] == pfns[0];
	}
	/* Stop ksmd, so that it cannot merge again what a read unshared. */
	ksm_write("run", "0");
	ksm_write("pages_to_scan", scan);
	ksm_write("sleep_millisecs", sleep_ms);
	if (!merged) {
		ksft_test_result_fail("KSM did not merge %d identical pages in 60 s\n",
				      NR_KSM);
		ksft_test_result_fail("KSM: no merged page to write\n");
		goto out;
	}
	ksm_pfn = pfns[0];
	ksft_print_msg("KSM merged %d pages into pfn %#llx\n", NR_KSM,
		       (unsigned long long)ksm_pfn);

	fd = open("/proc/self/mem", O_RDWR);
	copy = malloc(len);
	if (fd < 0 || !copy)
		ksft_exit_fail_msg("open /proc/self/mem: %s\n", strerror(errno));
	get_pin_stats(&before);
	if (pread(fd, copy, len, (off_t)(uintptr_t)buf) != (ssize_t)len) {
		ksft_print_msg("read of the merged pages: %s\n",
			       strerror(errno));
		ok = 0;
	}
	for (i = 0; ok && i < (int)len; i++) {
		if (copy[i] != 0x5c) {
			ksft_print_msg("merged pages: byte %d is 0x%02x\n", i,
				       (unsigned char)copy[i]);
			ok = 0;
		}
	}
	ok = pins_ok("KSM read", &before, 0) && ok;
	if (read_pfns(getpid(), buf, NR_KSM, pfns))
		ok = 0;
	for (i = 0; i < NR_KSM; i++) {
		if (pfns[i] != ksm_pfn) {
			ksft_print_msg("page %d: pfn %#llx after the read, was %#llx: unmerged\n",
				       i, (unsigned long long)pfns[i],
				       (unsigned long long)ksm_pfn);
			ok = 0;
			break;
		}
	}
	ksft_test_result(ok, "KSM pages read through /proc/self/mem stay merged, no pin\n");

	/* A write to the first page: one pin, that page alone unshared. */
	ok = 1;
	get_pin_stats(&before);
	if (pwrite(fd, word, sizeof(word), (off_t)(uintptr_t)buf) !=
	    sizeof(word) || memcmp(buf, word, sizeof(word))) {
		ksft_print_msg("write to a merged page: %s\n", strerror(errno));
		ok = 0;
	}
	ok = pins_ok("KSM write", &before, 1) && ok;
	if (read_pfns(getpid(), buf, NR_KSM, pfns))
		ok = 0;
	if (pfns[0] == ksm_pfn) {
		ksft_print_msg("the page written still maps the KSM page\n");
		ok = 0;
	}
	for (i = 1; i < NR_KSM; i++) {
		if (pfns[i] != ksm_pfn) {
			ksft_print_msg("page %d: unmerged by a write to page 0\n",
				       i);
			ok = 0;
			break;
		}
	}
	ksft_test_result(ok, "a write to a KSM page through /proc/self/mem pins it once and unshares it alone\n");
	close(fd);
	free(copy);
out:
	ksm_write("run", run);
	munmap(buf, len);
}

int main(void)
{
	struct pin_stats s;

	ksft_print_header();
	pagesize = sysconf(_SC_PAGESIZE);
	if (read_pin_stats(&s))
		ksft_exit_skip("no FOLL_PIN counters in /proc/vmstat\n");
	ksft_set_plan(8);
	test_proc_mem();
	test_ptrace();
	test_fork_shared();
	test_ksm();
	ksft_finished();
}
