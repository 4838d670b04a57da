// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`: the time iommufd takes to map one buffer of MB megabytes
 * into an IOAS that has a domain attached (IOMMU_IOAS_MAP, which pins it
 * long-term through drivers/iommu/iommufd/pages.c and maps it into the
 * domain) and to unmap it (IOMMU_IOAS_UNMAP, which unmaps and unpins it),
 * REPS times, on 4 KiB pages (-T), PMD-mapped THP (-t), 2 MiB hugetlb (-H)
 * or 1 GiB hugetlb (-G):
 *
 *   iommufd_map_bench -T|-t|-H|-G [-m MB] [-r REPS]
 *
 * The domain is CONFIG_IOMMUFD_TEST's mock domain (IOMMU_TEST_OP_MOCK_DOMAIN),
 * whose AMDv1 page table takes every power-of-two page size: the map costs
 * what pinning costs plus one page table entry per aligned run.
 * reg_bench.h has the frame: the buffer, the timing, the pin checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/iommufd.h>

#include "../kselftest.h"
#include "pin_counters.h"
#include "reg_bench.h"
#include "drivers/iommu/iommufd/iommufd_test.h"

struct iommufd_bench {
	int fd;
	__u32 ioas_id;
	__u64 iova;
};

static int ioas_map(struct reg_bench *b)
{
	struct iommufd_bench *m = b->priv;
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE,
		.ioas_id = m->ioas_id,
		.user_va = (uintptr_t)b->buf,
		.length = b->size,
	};

	if (ioctl(m->fd, IOMMU_IOAS_MAP, &cmd))
		return -errno;
	m->iova = cmd.iova;
	return 0;
}

static int ioas_unmap(struct reg_bench *b)
{
	struct iommufd_bench *m = b->priv;
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = m->ioas_id,
		.iova = m->iova,
		.length = b->size,
	};

	if (ioctl(m->fd, IOMMU_IOAS_UNMAP, &cmd))
		return -errno;
	return cmd.length == b->size ? 0 : -EIO;
}

int main(int argc, char **argv)
{
	struct reg_bench b = { .reg = ioas_map, .unreg = ioas_unmap };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_test_cmd mock = {
		.size = sizeof(mock),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
	};
	struct iommufd_bench m;

	reg_bench_args(&b, argc, argv);
	m.fd = open("/dev/iommu", O_RDWR);
	if (m.fd < 0)
		ksft_exit_skip("/dev/iommu: %s\n", strerror(errno));
	if (ioctl(m.fd, IOMMU_IOAS_ALLOC, &alloc))
		ksft_exit_fail_msg("IOMMU_IOAS_ALLOC: %s\n", strerror(errno));
	m.ioas_id = alloc.out_ioas_id;
	mock.id = m.ioas_id;
	if (ioctl(m.fd, IOMMU_TEST_CMD, &mock))
		ksft_exit_skip("no mock domain (CONFIG_IOMMUFD_TEST): %s\n",
			       strerror(errno));
	reg_bench_map(&b);
	b.priv = &m;
	reg_bench_run(&b, "IOMMU_IOAS_MAP");
	close(m.fd);
	ksft_finished();
}
