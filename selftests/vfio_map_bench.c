// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`: the time VFIO type1 takes to map one buffer of MB megabytes
 * for a device (VFIO_IOMMU_MAP_DMA, which pins it long-term through
 * vfio_pin_pages_remote() and maps it into the IOMMU domain) and to unmap
 * it (VFIO_IOMMU_UNMAP_DMA, which unmaps and unpins it), REPS times, on
 * 4 KiB pages (-T), PMD-mapped THP (-t), 2 MiB hugetlb (-H) or 1 GiB
 * hugetlb (-G):
 *
 *   vfio_map_bench -T|-t|-H|-G [-m MB] [-r REPS]
 *
 * The device is QEMU's edu behind QEMU's intel-iommu (vfio_lib.h); it does
 * no DMA here.  reg_bench.h has the frame: the buffer, the timing, the pin
 * checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest.h"
#include "pin_counters.h"
#include "reg_bench.h"
#include "vfio_lib.h"

#define IOVA	0x1000000UL

static int vfio_map(struct reg_bench *b)
{
	return dma_map(b->priv, b->buf, IOVA, b->size);
}

static int vfio_unmap(struct reg_bench *b)
{
	return dma_unmap(b->priv, IOVA, b->size);
}

int main(int argc, char **argv)
{
	struct reg_bench b = { .reg = vfio_map, .unreg = vfio_unmap };
	struct edu e;
	int ret;

	reg_bench_args(&b, argc, argv);
	memset(&e, 0, sizeof(e));
	ret = edu_open(&e);
	if (ret > 0)
		ksft_exit_skip("no edu device on vfio-pci behind an IOMMU\n");
	if (ret < 0)
		ksft_exit_fail_msg("vfio setup: %s\n", strerror(errno));
	reg_bench_map(&b);
	b.priv = &e;
	reg_bench_run(&b, "VFIO_IOMMU_MAP_DMA");
	ksft_finished();
}
