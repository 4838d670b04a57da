/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Buffers of the kinds of memory the project's device tests pin: 4 KiB
 * pages, PMD-mapped THP, 2 MiB hugetlb pages, and 2 MiB of 4 KiB pages
 * followed by THPs.  Include after kselftest.h and vm_util.h.
 */
#ifndef FOLL_PIN_SELFTESTS_TEST_MEM_H
#define FOLL_PIN_SELFTESTS_TEST_MEM_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define TEST_HPAGE	(2UL << 20)

static const char *const test_mem_name[] = {
	"4 KiB pages", "THP", "2 MiB hugetlb", "4 KiB pages then THP",
};
#define TEST_MEM_KINDS	4

/*
 * @len bytes (a multiple of 2 MiB) of memory of @kind, 2 MiB aligned and
 * written; *@map and *@maplen are what to munmap().  NULL, with the test
 * result reported as a skip or a failure, if there is none.
 */
static inline char *test_mem(int kind, size_t len, char **map, size_t *maplen)
{
	const char *name = test_mem_name[kind];
	char *p;

	if (kind == 2) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (p == MAP_FAILED) {
			ksft_test_result_skip("%s: no free 2 MiB hugetlb pages\n",
					      name);
			return NULL;
		}
		*map = p;
		*maplen = len;
		memset(p, 0x5a, len);
		return p;
	}
	if ((kind == 1 || kind == 3) &&
	    access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK)) {
		ksft_test_result_skip("%s: no THP in this kernel\n", name);
		return NULL;
	}
	*maplen = len + TEST_HPAGE;
	*map = mmap(NULL, *maplen, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*map == MAP_FAILED) {
		ksft_test_result_fail("%s: mmap: %s\n", name, strerror(errno));
		return NULL;
	}
	p = (char *)(((uintptr_t)*map + TEST_HPAGE - 1) & ~(TEST_HPAGE - 1));
	if (kind == 3) {
		madvise(p, TEST_HPAGE, MADV_NOHUGEPAGE);
		madvise(p + TEST_HPAGE, len - TEST_HPAGE, MADV_HUGEPAGE);
	} else {
		madvise(p, len, kind ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	}
	memset(p, 0x5a, len);
	if ((kind == 1 &&
	     !check_huge_anon(p, len, len / TEST_HPAGE, TEST_HPAGE)) ||
	    (kind == 3 &&
	     !check_huge_anon(p + TEST_HPAGE, len - TEST_HPAGE,
			      (len - TEST_HPAGE) / TEST_HPAGE, TEST_HPAGE))) {
		munmap(*map, *maplen);
		ksft_test_result_skip("%s: no THP for the buffer\n", name);
		return NULL;
	}
	return p;
}

#endif
