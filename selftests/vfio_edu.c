// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO type1 maps of user memory (VFIO_IOMMU_MAP_DMA: vfio_pin_pages_remote()
 * in drivers/vfio/vfio_iommu_type1.c), checked through the DMA of a device:
 * QEMU's edu device, bound to vfio-pci, behind QEMU's intel-iommu.  On 4 KiB
 * pages, PMD-mapped THP, 2 MiB hugetlb pages, and 2 MiB of 4 KiB pages
 * followed by a THP (vfio pins small folios as pages, large ones as
 * segments, and switches between the two within one map):
 *
 *   - a 4 MiB buffer is mapped as two mappings, the second starting inside
 *     a huge page; while mapped, each of its pages holds one pin;
 *   - edu copies from one IOVA into its 4 KiB buffer and from there to
 *     another IOVA, at offsets that cross page and huge page boundaries and
 *     the boundary of the two mappings; the CPU checks every byte it wrote
 *     and the bytes around them;
 *   - unmapping the first mapping releases exactly its pins; DMA to it then
 *     changes nothing, DMA within the second still works;
 *   - unmapping the second releases the rest.
 *
 * And a map over a PROT_NONE page fails with EFAULT and leaves no pin.
 *
 * vfio_lib.h says what it needs (ci/boot.sh with VFIO=1); it binds the
 * device to vfio-pci itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "pin_counters.h"
#include "vfio_lib.h"
#include "vm_util.h"
#include "test_mem.h"

#define HPAGE		(2UL << 20)
#define MAP_LEN		(2 * HPAGE)
#define SPLIT		(HPAGE + HPAGE / 2)	/* the second mapping's start */
#define IOVA		0x1000000UL	/* edu masks DMA addresses to 28 bits */

static size_t pagesize;


static inline uint8_t pattern(size_t o, unsigned int seed)
{
	return (uint8_t)((o ^ (o >> 9) ^ (o >> 17)) * 31 + seed * 101 + 7);
}

static void reg_write(struct edu *e, unsigned long off, uint64_t v)
{
	*(volatile uint64_t *)(e->bar0 + off) = v;
}

/*
 * One DMA of @len bytes: from the IOVA @iova into edu's buffer, or
 * (@to_ram) from edu's buffer to @iova.  edu takes 100 ms of virtual time
 * for a transfer; -1 if it is not done within 20 s.
 */
static int edu_dma(struct edu *e, uint64_t iova, size_t len, int to_ram)
{
	struct timespec t0, t;

	if (len > EDU_XFER_MAX)
		return -1;
	reg_write(e, to_ram ? EDU_DMA_SRC : EDU_DMA_DST, EDU_BUF);
	reg_write(e, to_ram ? EDU_DMA_DST : EDU_DMA_SRC, iova);
	reg_write(e, EDU_DMA_CNT, len);
	reg_write(e, EDU_DMA_CMD, EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (*(volatile uint64_t *)(e->bar0 + EDU_DMA_CMD) & EDU_DMA_RUN) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 20)
			return -1;
		usleep(1000);
	}
	return 0;
}

/*
 * Copy @len bytes from buffer offset @from to @to through edu (two DMAs)
 * and check them, and the 64 bytes on each side of @to.  0 if right.
 */
static int copy_check(struct edu *e, const char *name, char *p, size_t from,
		      size_t to, size_t len)
{
	uint8_t before[64], after[64];
	size_t i;

	memcpy(before, p + to - 64, 64);
	memcpy(after, p + to + len, 64);
	if (edu_dma(e, IOVA + from, len, 0) || edu_dma(e, IOVA + to, len, 1)) {
		ksft_print_msg("%s: edu DMA did not finish\n", name);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (p[to + i] != p[from + i]) {
			ksft_print_msg("%s: copy %#zx -> %#zx: byte %zu is %#x, expected %#x\n",
				       name, from, to, i, (uint8_t)p[to + i],
				       (uint8_t)p[from + i]);
			return -1;
		}
	}
	if (memcmp(before, p + to - 64, 64) || memcmp(after, p + to + len, 64)) {
		ksft_print_msg("%s: copy %#zx -> %#zx wrote outside it\n", name,
			       from, to);
		return -1;
	}
	return 0;
}

static void test_kind(struct edu *e, int kind)
{
	/* source, destination and length of each copy through edu */
	static const size_t copies[][3] = {
		{ 0, 3 * 4096 + 100, 4000 },		/* across a page */
		{ HPAGE - 2048, 5 * 4096, 4000 },	/* across a huge page */
		{ SPLIT - 1000, HPAGE - 1500, 3000 },	/* across both */
		{ 7 * 4096 + 8, SPLIT - 2000, 4000 },	/* into both maps */
		{ MAP_LEN - 4096, HPAGE + 4096 + 1, 2048 },
	};
	const char *name = test_mem_name[kind];
	struct pin_stats before, now;
	long long held, left;
	size_t maplen, i;
	char *map, *p;
	int ok = 1, err;

	p = test_mem(kind, MAP_LEN, &map, &maplen);
	if (!p)
		return;
	for (i = 0; i < MAP_LEN; i++)
		p[i] = pattern(i, kind + 1);
	if (read_pin_stats(&before)) {
		ksft_test_result_fail("%s: no FOLL_PIN counters\n", name);
		goto out;
	}
	err = dma_map(e, p, IOVA, SPLIT);
	if (!err)
		err = dma_map(e, p + SPLIT, IOVA + SPLIT, MAP_LEN - SPLIT);
	if (err) {
		ksft_test_result_fail("%s: VFIO_IOMMU_MAP_DMA: %s\n", name,
				      strerror(-err));
		dma_unmap(e, IOVA, SPLIT);
		goto out;
	}
	read_pin_stats(&now);
	held = outstanding(&now, &before);
	ksft_print_msg("%s: %lu pages mapped, %lld pins held\n", name,
		       MAP_LEN / pagesize, held);
	if (held != (long long)(MAP_LEN / pagesize)) {
		ksft_print_msg("%s: expected one pin per page\n", name);
		ok = 0;
	}
	for (i = 0; ok && i < sizeof(copies) / sizeof(copies[0]); i++)
		if (copy_check(e, name, p, copies[i][0], copies[i][1],
			       copies[i][2]))
			ok = 0;

	/* Unmap the first mapping: its pins go, DMA to it goes nowhere. */
	err = dma_unmap(e, IOVA, SPLIT);
	if (err) {
		ksft_print_msg("%s: unmap of the first mapping: %s\n", name,
			       strerror(-err));
		ok = 0;
	}
	read_pin_stats(&now);
	held = outstanding(&now, &before);
	if (held != (long long)((MAP_LEN - SPLIT) / pagesize)) {
		ksft_print_msg("%s: %lld pins held after the first unmap, expected %lu\n",
			       name, held, (MAP_LEN - SPLIT) / pagesize);
		ok = 0;
	}
	if (ok) {
		char old[256];

		memcpy(old, p + 4096, sizeof(old));
		if (edu_dma(e, IOVA + 4096, sizeof(old), 1) ||
		    memcmp(old, p + 4096, sizeof(old))) {
			ksft_print_msg("%s: DMA to an unmapped IOVA changed the buffer\n",
				       name);
			ok = 0;
		}
		if (copy_check(e, name, p, SPLIT + 100, MAP_LEN - 8192, 4000))
			ok = 0;
	}
	err = dma_unmap(e, IOVA + SPLIT, MAP_LEN - SPLIT);
	if (err) {
		ksft_print_msg("%s: unmap of the second mapping: %s\n", name,
			       strerror(-err));
		ok = 0;
	}
	left = pins_settle(&before);
	if (left) {
		ksft_print_msg("%s: %lld pins left after the unmaps\n", name,
			       left);
		ok = 0;
	}
	ksft_test_result(ok, "%s: two maps, edu DMA in and out checked, unmaps release the pins\n",
			 name);
out:
	munmap(map, maplen);
}

/* A map over a PROT_NONE page: EFAULT, nothing mapped, no pin left. */
static void test_hole(struct edu *e)
{
	struct pin_stats before;
	long long left;
	int err;
	char *p;

	p = mmap(NULL, 64 * pagesize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || read_pin_stats(&before)) {
		ksft_test_result_fail("hole: setup\n");
		return;
	}
	memset(p, 1, 64 * pagesize);
	mprotect(p + 40 * pagesize, pagesize, PROT_NONE);
	err = dma_map(e, p, IOVA, 64 * pagesize);
	if (!err)
		dma_unmap(e, IOVA, 64 * pagesize);
	left = pins_settle(&before);
	ksft_print_msg("hole: VFIO_IOMMU_MAP_DMA: %s, %lld pins left\n",
		       err ? strerror(-err) : "mapped", left);
	ksft_test_result(err == -EFAULT && !left,
			 "hole: a map over a PROT_NONE page fails with EFAULT, no pin left\n");
	munmap(p, 64 * pagesize);
}

int main(void)
{
	struct edu e;
	int kind, ret;

	pagesize = getpagesize();
	ksft_print_header();
	memset(&e, 0, sizeof(e));
	ret = edu_open(&e);
	if (ret > 0)
		ksft_exit_skip("no edu device on vfio-pci behind an IOMMU\n");
	if (ret < 0)
		ksft_exit_fail_msg("vfio setup: %s\n", strerror(errno));
	ksft_set_plan(TEST_MEM_KINDS + 1);
	for (kind = 0; kind < TEST_MEM_KINDS; kind++)
		test_kind(&e, kind);
	test_hole(&e);
	ksft_finished();
}
