// SPDX-License-Identifier: GPL-2.0
/*
 * videobuf2 USERPTR buffers (get_vaddr_frames() in
 * drivers/media/common/videobuf2/frame_vector.c), checked through vivid's
 * capture device, whose vmalloc memops write each frame through a
 * vm_map_ram() of the pinned pages.  On 4 KiB pages, PMD-mapped THP, 2 MiB
 * hugetlb pages, and 4 KiB pages followed by a THP:
 *
 *   - two buffers, each starting 256 bytes into a page and crossing a huge
 *     page boundary (for the last kind, the first one from 4 KiB pages into
 *     a THP), are queued and streamed; while queued, each page
 *     they span holds one pin;
 *   - every frame dequeued is byte for byte the reference frame captured
 *     with read() before (vivid's test pattern with its text overlay off
 *     is the same in every frame), and the 64 bytes on each side of each
 *     buffer are untouched;
 *   - freeing the buffers (VIDIOC_REQBUFS of 0) releases every pin.
 *
 * And a buffer over a PROT_NONE page is refused with EFAULT, leaving no
 * pin.  Needs CONFIG_VIDEO_VIVID with its default vmalloc allocator, and
 * 2 MiB hugetlb pages for that case.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include "../kselftest.h"
#include "pin_counters.h"
#include "vm_util.h"
#include "test_mem.h"

#define HPAGE		(2UL << 20)
#define GUARD		64
#define START_OFF	256	/* where a buffer starts in its page */
#define NR_BUFS		2
#define NR_FRAMES	6	/* dequeued per kind */

static size_t pagesize;
static char devname[32];
static size_t frame_size;
static uint8_t *ref;


static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

/* The first vivid video capture node, single-planar, with streaming. */
static int find_vivid(void)
{
	struct v4l2_capability cap;
	int i, fd;

	for (i = 0; i < 64; i++) {
		snprintf(devname, sizeof(devname), "/dev/video%d", i);
		fd = open(devname, O_RDWR);
		if (fd < 0)
			continue;
		memset(&cap, 0, sizeof(cap));
		if (!xioctl(fd, VIDIOC_QUERYCAP, &cap) &&
		    !strcmp((char *)cap.driver, "vivid") &&
		    (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) &&
		    (cap.device_caps & V4L2_CAP_STREAMING) &&
		    (cap.device_caps & V4L2_CAP_READWRITE))
			return fd;
		close(fd);
	}
	return -1;
}

/* Set the vivid control called @name to @value; 0 if done. */
static int set_ctrl(int fd, const char *name, int value)
{
	struct v4l2_queryctrl qc = { .id = V4L2_CTRL_FLAG_NEXT_CTRL };
	struct v4l2_control c;

	while (!xioctl(fd, VIDIOC_QUERYCTRL, &qc)) {
		if (!strcmp((char *)qc.name, name)) {
			c.id = qc.id;
			c.value = value;
			return xioctl(fd, VIDIOC_S_CTRL, &c);
		}
		qc.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	return -ENOENT;
}

/*
 * 1280x720 YUYV with vivid's text overlay off, so that every frame is the
 * same; the frame size in frame_size.
 */
static int setup(int fd)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	int err;

	fmt.fmt.pix.width = 1280;
	fmt.fmt.pix.height = 720;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	err = xioctl(fd, VIDIOC_S_FMT, &fmt);
	if (err) {
		ksft_print_msg("VIDIOC_S_FMT: %s\n", strerror(-err));
		return err;
	}
	frame_size = fmt.fmt.pix.sizeimage;
	err = set_ctrl(fd, "OSD Text Mode", 2);	/* "None" */
	if (err)
		ksft_print_msg("vivid's OSD Text Mode control: %s\n",
			       strerror(-err));
	return err;
}

/* The reference frame, read() twice to see that frames repeat. */
static int read_reference(int fd)
{
	uint8_t *again = malloc(frame_size);
	ssize_t n;
	int i;

	ref = malloc(frame_size);
	if (!ref || !again)
		return -ENOMEM;
	/* The first frames may predate the control change. */
	for (i = 0; i < 3; i++) {
		n = read(fd, i == 2 ? again : ref, frame_size);
		if (n != (ssize_t)frame_size) {
			ksft_print_msg("read() of a frame: %zd (%s)\n", n,
				       strerror(errno));
			free(again);
			return -EIO;
		}
	}
	n = memcmp(ref, again, frame_size);
	free(again);
	if (n) {
		ksft_print_msg("two frames read() differ: the pattern moves\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * Buffer i starts at i * buf_stride() + BUF_OFF of the memory: in the middle
 * of a huge page, so that it crosses into the next one.
 */
#define BUF_OFF		(HPAGE / 2 + START_OFF)

static size_t buf_stride(void)
{
	return (BUF_OFF + frame_size + GUARD + HPAGE - 1) & ~(HPAGE - 1);
}

static size_t pages_spanned(const char *b, size_t len)
{
	uintptr_t first = (uintptr_t)b & ~(pagesize - 1);
	uintptr_t end = ((uintptr_t)b + len + pagesize - 1) & ~(pagesize - 1);

	return (end - first) / pagesize;
}

static int qbuf(int fd, int i, char *b)
{
	struct v4l2_buffer vb = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_USERPTR,
		.index = i,
		.m.userptr = (unsigned long)b,
		.length = frame_size,
	};

	return xioctl(fd, VIDIOC_QBUF, &vb);
}

static int reqbufs(int fd, unsigned int count)
{
	struct v4l2_requestbuffers rb = {
		.count = count,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_USERPTR,
	};
	int err = xioctl(fd, VIDIOC_REQBUFS, &rb);

	if (!err && count && rb.count != count)
		return -ENOBUFS;
	return err;
}

/* 0 if buffer @b holds the reference frame and its guards are intact. */
static int check_frame(const char *name, const char *b, int n)
{
	size_t i;

	for (i = 1; i <= GUARD; i++) {
		if ((uint8_t)b[-(long)i] != 0xa5 ||
		    (uint8_t)b[frame_size + i - 1] != 0xa5) {
			ksft_print_msg("%s: frame %d: a guard byte changed\n",
				       name, n);
			return -1;
		}
	}
	for (i = 0; i < frame_size; i++) {
		if ((uint8_t)b[i] != ref[i]) {
			ksft_print_msg("%s: frame %d: byte %zu is %#x, expected %#x\n",
				       name, n, i, (uint8_t)b[i], ref[i]);
			return -1;
		}
	}
	return 0;
}

static void test_kind(int fd, int kind)
{
	const char *name = test_mem_name[kind];
	size_t len = NR_BUFS * buf_stride(), maplen, expect = 0;
	struct pin_stats before, now;
	char *mem, *map, *b[NR_BUFS];
	int i, n, err, ok = 1, streaming = 0;
	long long held, left;

	mem = test_mem(kind, len, &map, &maplen);
	if (!mem)
		return;
	for (i = 0; i < NR_BUFS; i++) {
		b[i] = mem + i * buf_stride() + BUF_OFF;
		memset(b[i] - GUARD, 0xa5, frame_size + 2 * GUARD);
		memset(b[i], 0x5a, frame_size);
		expect += pages_spanned(b[i], frame_size);
	}
	if (read_pin_stats(&before)) {
		ksft_test_result_fail("%s: no FOLL_PIN counters\n", name);
		goto out;
	}
	err = reqbufs(fd, NR_BUFS);
	for (i = 0; !err && i < NR_BUFS; i++)
		err = qbuf(fd, i, b[i]);
	if (err) {
		ksft_test_result_fail("%s: USERPTR buffers: %s\n", name,
				      strerror(-err));
		goto free;
	}
	read_pin_stats(&now);
	held = outstanding(&now, &before);
	ksft_print_msg("%s: %zu pages in the buffers, %lld pins held\n", name,
		       expect, held);
	if (held != (long long)expect) {
		ksft_print_msg("%s: expected one pin per page\n", name);
		ok = 0;
	}
	err = xioctl(fd, VIDIOC_STREAMON, &(int){ V4L2_BUF_TYPE_VIDEO_CAPTURE });
	if (err) {
		ksft_print_msg("%s: VIDIOC_STREAMON: %s\n", name, strerror(-err));
		ok = 0;
	}
	streaming = !err;
	for (n = 0; ok && n < NR_FRAMES; n++) {
		struct v4l2_buffer vb = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_USERPTR,
		};
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 20000) != 1) {
			ksft_print_msg("%s: no frame in 20 s\n", name);
			ok = 0;
			break;
		}
		err = xioctl(fd, VIDIOC_DQBUF, &vb);
		if (err || vb.index >= NR_BUFS ||
		    vb.m.userptr != (unsigned long)b[vb.index] ||
		    vb.bytesused != frame_size) {
			ksft_print_msg("%s: VIDIOC_DQBUF: %s, index %u, %u bytes\n",
				       name, strerror(-err), vb.index,
				       vb.bytesused);
			ok = 0;
			break;
		}
		if (check_frame(name, b[vb.index], n))
			ok = 0;
		memset(b[vb.index], 0x5a, frame_size);
		err = qbuf(fd, vb.index, b[vb.index]);
		if (err) {
			ksft_print_msg("%s: requeue: %s\n", name,
				       strerror(-err));
			ok = 0;
		}
	}
	if (streaming)
		xioctl(fd, VIDIOC_STREAMOFF,
		       &(int){ V4L2_BUF_TYPE_VIDEO_CAPTURE });
free:
	err = reqbufs(fd, 0);
	if (err) {
		ksft_print_msg("%s: freeing the buffers: %s\n", name,
			       strerror(-err));
		ok = 0;
	}
	left = pins_settle(&before);
	if (left) {
		ksft_print_msg("%s: %lld pins left after the buffers are freed\n",
			       name, left);
		ok = 0;
	}
	ksft_test_result(ok, "%s: %d frames into USERPTR buffers checked, pins released\n",
			 name, NR_FRAMES);
out:
	munmap(map, maplen);
}

/* A buffer over a PROT_NONE page: EFAULT, nothing pinned. */
static void test_hole(int fd)
{
	size_t len = frame_size + 2 * pagesize;
	struct pin_stats before;
	long long left;
	char *p;
	int err;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		ksft_test_result_fail("hole: mmap: %s\n", strerror(errno));
		return;
	}
	memset(p, 1, len);
	mprotect(p + (frame_size / 2 & ~(pagesize - 1)), pagesize, PROT_NONE);
	read_pin_stats(&before);
	err = reqbufs(fd, NR_BUFS);
	if (!err)
		err = qbuf(fd, 0, p + START_OFF);
	reqbufs(fd, 0);
	left = pins_settle(&before);
	ksft_test_result(err == -EFAULT && !left,
			 "hole: a buffer over a PROT_NONE page: %s (EFAULT expected), %lld pins left\n",
			 strerror(-err), left);
	munmap(p, len);
}

int main(void)
{
	int fd, kind;

	ksft_print_header();
	pagesize = getpagesize();
	fd = find_vivid();
	if (fd < 0)
		ksft_exit_skip("no vivid capture device (CONFIG_VIDEO_VIVID)\n");
	ksft_print_msg("vivid capture: %s\n", devname);
	if (setup(fd) || read_reference(fd))
		ksft_exit_fail_msg("cannot capture a reference frame\n");
	/* The queue that read() set up belongs to this open file: reopen. */
	close(fd);
	fd = open(devname, O_RDWR);
	if (fd < 0)
		ksft_exit_fail_msg("reopen %s: %s\n", devname, strerror(errno));
	ksft_set_plan(TEST_MEM_KINDS + 1);
	for (kind = 0; kind < TEST_MEM_KINDS; kind++)
		test_kind(fd, kind);
	test_hole(fd);
	close(fd);
	ksft_finished();
}
