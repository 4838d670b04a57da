/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's edu device on vfio-pci, in a VFIO type1 container, for the
 * project's vfio programs (vfio_edu, vfio_map_bench): find it, bind it,
 * open it, and map and unmap user memory for it (VFIO_IOMMU_MAP_DMA and
 * VFIO_IOMMU_UNMAP_DMA).  It needs the edu device (PCI 1234:11e8) in an
 * IOMMU group: QEMU with -device intel-iommu and -device edu, the kernel
 * with intel_iommu=on (ci/boot.sh with VFIO=1).  Include after kselftest.h.
 */
#ifndef FOLL_PIN_SELFTESTS_VFIO_LIB_H
#define FOLL_PIN_SELFTESTS_VFIO_LIB_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

/* edu's registers (QEMU's docs/specs/edu.rst) */
#define EDU_ID		0x00
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x1
#define EDU_DMA_TO_RAM	0x2
#define EDU_BUF		0x40000UL	/* its 4 KiB buffer, on its side */
/*
 * edu's buffer is 4 KiB, but QEMU 7.2's edu takes a transfer that ends at
 * its end for one beyond it, and stops QEMU with a hardware error: stay
 * below it.
 */
#define EDU_XFER_MAX	4000UL

struct edu {
	int container, group, device;
	volatile uint8_t *bar0;
	size_t bar0_len;
};

static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static inline int read_hex(const char *dir, const char *name, unsigned long *v)
{
	char path[512], buf[32];
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	*v = strtoul(buf, NULL, 16);
	return 0;
}

/* The PCI address of the first edu device, in @bdf; -1 if there is none. */
static inline int find_edu(char *bdf, size_t len)
{
	const char *base = "/sys/bus/pci/devices";
	unsigned long vendor, device;
	char dir[300];
	struct dirent *d;
	DIR *dp;
	int ret = -1;

	dp = opendir(base);
	if (!dp)
		return -1;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", base, d->d_name);
		if (read_hex(dir, "vendor", &vendor) ||
		    read_hex(dir, "device", &device))
			continue;
		if (vendor == 0x1234 && device == 0x11e8) {
			snprintf(bdf, len, "%s", d->d_name);
			ret = 0;
			break;
		}
	}
	closedir(dp);
	return ret;
}

/*
 * Bind the device to vfio-pci and open it through a type1 container.
 * 0 with @e ready, 1 if that is not possible here (the reason printed),
 * -1 on an error.
 */
static inline int edu_open(struct edu *e)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_region_info reg = { .argsz = sizeof(reg) };
	char bdf[256], path[512], link[512];
	uint16_t cmd;
	ssize_t n;
	char *g;

	if (find_edu(bdf, sizeof(bdf))) {
		ksft_print_msg("no edu device (QEMU -device edu)\n");
		return 1;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		ksft_print_msg("%s is in no IOMMU group (QEMU -device intel-iommu, intel_iommu=on)\n",
			       bdf);
		return 1;
	}
	link[n] = 0;
	g = strrchr(link, '/');
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	if (access(path, F_OK)) {
		if (access("/sys/bus/pci/drivers/vfio-pci", F_OK)) {
			ksft_print_msg("no vfio-pci driver (CONFIG_VFIO_PCI)\n");
			return 1;
		}
		/* new_id probes the unbound device with vfio-pci */
		if (write_str("/sys/bus/pci/drivers/vfio-pci/new_id", "1234 11e8") &&
		    errno != EEXIST)
			return -1;
	}
	e->container = open("/dev/vfio/vfio", O_RDWR);
	if (e->container < 0) {
		ksft_print_msg("/dev/vfio/vfio: %s\n", strerror(errno));
		return errno == ENOENT ? 1 : -1;
	}
	if (ioctl(e->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(e->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1) {
		ksft_print_msg("no VFIO type1 v2 IOMMU\n");
		return 1;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%s", g + 1);
	e->group = open(path, O_RDWR);
	if (e->group < 0) {
		ksft_print_msg("%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (ioctl(e->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		ksft_print_msg("IOMMU group %s is not viable\n", g + 1);
		return -1;
	}
	if (ioctl(e->group, VFIO_GROUP_SET_CONTAINER, &e->container) ||
	    ioctl(e->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -1;
	e->device = ioctl(e->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (e->device < 0)
		return -1;

	reg.index = VFIO_PCI_BAR0_REGION_INDEX;
	if (ioctl(e->device, VFIO_DEVICE_GET_REGION_INFO, &reg) ||
	    !(reg.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -1;
	e->bar0_len = reg.size;
	e->bar0 = mmap(NULL, reg.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       e->device, reg.offset);
	if (e->bar0 == MAP_FAILED)
		return -1;
	if ((*(volatile uint32_t *)(e->bar0 + EDU_ID) & 0xffff) != 0x00ed) {
		ksft_print_msg("BAR0 of %s does not identify as edu\n", bdf);
		return -1;
	}
	/* Let it master the bus: its DMA goes through the IOMMU. */
	reg.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(e->device, VFIO_DEVICE_GET_REGION_INFO, &reg) ||
	    pread(e->device, &cmd, 2, reg.offset + PCI_COMMAND) != 2)
		return -1;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(e->device, &cmd, 2, reg.offset + PCI_COMMAND) != 2)
		return -1;
	ksft_print_msg("edu at %s, IOMMU group %s, on vfio-pci\n", bdf, g + 1);
	return 0;
}

static inline int dma_map(struct edu *e, void *vaddr, uint64_t iova, size_t len)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = len,
	};

	return ioctl(e->container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
}

static inline int dma_unmap(struct edu *e, uint64_t iova, size_t len)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = len,
	};

	if (ioctl(e->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	return unmap.size == len ? 0 : -EIO;
}

#endif
