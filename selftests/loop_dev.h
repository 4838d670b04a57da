/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A loop device on a new, unlinked file in /tmp, for the project's block
 * direct I/O selftests.  Include after kselftest.h.
 */
#ifndef FOLL_PIN_SELFTESTS_LOOP_DEV_H
#define FOLL_PIN_SELFTESTS_LOOP_DEV_H

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct loop_dev {
	int back_fd;	/* the backing file */
	int loop_fd;	/* /dev/loopN, as configured */
	int fd;		/* /dev/loopN opened with O_DIRECT */
	char name[32];
};

/*
 * Set up @ld: a backing file of @len bytes (zeroes, or what @fill writes
 * into it), attached to a free loop device with @block_size-byte logical
 * blocks.  Skips the test where the kernel has no loop devices; any other
 * failure fails it.
 */
static inline void loop_dev_setup(struct loop_dev *ld, size_t len,
				  unsigned int block_size,
				  void (*fill)(int fd, size_t len))
{
	struct loop_config cfg = { .block_size = block_size };
	char backing[] = "/tmp/loop_dev.XXXXXX";
	int ctl, nr, ssz = 0;

	ld->back_fd = mkstemp(backing);
	if (ld->back_fd < 0)
		ksft_exit_fail_msg("mkstemp: %s\n", strerror(errno));
	unlink(backing);
	if (ftruncate(ld->back_fd, len))
		ksft_exit_fail_msg("ftruncate: %s\n", strerror(errno));
	if (fill)
		fill(ld->back_fd, len);

	ctl = open("/dev/loop-control", O_RDWR);
	if (ctl < 0)
		ksft_exit_skip("no /dev/loop-control (CONFIG_BLK_DEV_LOOP): %s\n",
			       strerror(errno));
	nr = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	if (nr < 0)
		ksft_exit_fail_msg("LOOP_CTL_GET_FREE: %s\n", strerror(errno));
	snprintf(ld->name, sizeof(ld->name), "/dev/loop%d", nr);
	ld->loop_fd = open(ld->name, O_RDWR);
	if (ld->loop_fd < 0)
		ksft_exit_fail_msg("%s: %s\n", ld->name, strerror(errno));
	cfg.fd = ld->back_fd;
	if (ioctl(ld->loop_fd, LOOP_CONFIGURE, &cfg))
		ksft_exit_fail_msg("LOOP_CONFIGURE: %s\n", strerror(errno));
	if (ioctl(ld->loop_fd, BLKSSZGET, &ssz) || ssz != (int)block_size)
		ksft_exit_fail_msg("%s: logical block size %d, not %u\n",
				   ld->name, ssz, block_size);
	ld->fd = open(ld->name, O_RDWR | O_DIRECT);
	if (ld->fd < 0)
		ksft_exit_fail_msg("%s O_DIRECT: %s\n", ld->name, strerror(errno));
}

static inline void loop_dev_teardown(struct loop_dev *ld)
{
	close(ld->fd);
	if (ioctl(ld->loop_fd, LOOP_CLR_FD))
		ksft_print_msg("LOOP_CLR_FD: %s\n", strerror(errno));
	close(ld->loop_fd);
	close(ld->back_fd);
}

#endif
