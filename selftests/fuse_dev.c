// SPDX-License-Identifier: GPL-2.0
/*
 * A FUSE server reads requests from /dev/fuse into its buffer and writes
 * replies from it; the kernel copies through each page of that buffer
 * with a kernel mapping (fuse_copy_fill()).  When the kernel writes a
 * request into the buffer, that is Case 5 of
 * Documentation/core-api/pin_user_pages.rst: each page must be pinned
 * with FOLL_PIN for the copy and unpinned after it.  When it reads a
 * reply from the buffer it must not pin: FOLL_PIN without FOLL_WRITE
 * would unshare the server's pages that are not exclusive to it.
 *
 * This program is a minimal server for a file system with one regular
 * file, and a client (a child process) that reads the file through the
 * page cache, so that the only user pages pinned are those of the
 * server's buffer:
 *   - the client reads back what the server sent, byte for byte;
 *   - each read() of /dev/fuse took exactly one pin per page of the
 *     buffer it copied a request into (the buffer is page aligned), each
 *     write() of a reply took none, and no pin is outstanding once the
 *     file system is unmounted;
 *   - a write() of a reply with a bad unique ID fails with ENOENT and
 *     takes no pin.
 *
 * There is no fork() case: the server's buffer is only used during the
 * read() or write() that copies it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/fuse.h>

#include "../kselftest.h"
#include "pin_counters.h"

#define MNT		"/mnt/fuse_dev"
#define FILE_NAME	"data"
#define FILE_INO	2
#define FILE_SIZE	(256 * 1024)
#define BUF_SIZE	(FUSE_MIN_READ_BUFFER + 256 * 1024)

static unsigned long pagesize;
/*
 * Counts of the session; pages_read: pages of the buffer that read()s of
 * /dev/fuse copied requests into; read_pins, write_pins: the pins taken by
 * the read()s and by the write()s of /dev/fuse.
 */
static unsigned long nr_reads, nr_writes, data_pages, pages_read;
static unsigned long long read_pins, write_pins;

/* Pins acquired since @before, and @before set to now. */
static unsigned long long pins_since(struct pin_stats *before)
{
	struct pin_stats now;
	unsigned long long n;

	if (read_pin_stats(&now))
		ksft_exit_fail_msg("cannot read the FOLL_PIN counters\n");
	n = now.acquired - before->acquired;
	*before = now;
	return n;
}

static unsigned char pattern(unsigned long off)
{
	return (unsigned char)(off * 13 + (off >> 12));
}

static void fill_attr(struct fuse_attr *a, uint64_t ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->nlink = 1;
	a->blksize = pagesize;
	if (ino == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 0444;
		a->size = FILE_SIZE;
		a->blocks = FILE_SIZE / 512;
	}
}

/* Write a reply: the header, then @len bytes at @arg, from @buf. */
static int reply(int fd, char *buf, uint64_t unique, int error,
		 const void *arg, size_t len)
{
	struct fuse_out_header *out = (struct fuse_out_header *)buf;
	struct pin_stats before;
	ssize_t n;

	out->len = sizeof(*out) + len;
	out->error = error;
	out->unique = unique;
	if (len && arg != buf + sizeof(*out))
		memmove(buf + sizeof(*out), arg, len);
	pins_since(&before);
	n = write(fd, buf, out->len);
	write_pins += pins_since(&before);
	if (n != (ssize_t)out->len) {
		ksft_print_msg("write of a reply (%u bytes): %s\n", out->len,
			       n < 0 ? strerror(errno) : "short");
		return -1;
	}
	nr_writes++;
	return 0;
}

/* Serve one request from @buf, the reply is built in @out. */
static int serve(int fd, char *buf, char *outbuf)
{
	struct fuse_in_header *in = (struct fuse_in_header *)buf;
	void *arg = buf + sizeof(*in);
	char *payload = outbuf + sizeof(struct fuse_out_header);

	switch (in->opcode) {
	case FUSE_INIT: {
		struct fuse_init_in *init = arg;
		struct fuse_init_out *o = (void *)payload;

		memset(o, 0, sizeof(*o));
		o->major = FUSE_KERNEL_VERSION;
		o->minor = FUSE_KERNEL_MINOR_VERSION;
		o->max_readahead = init->max_readahead;
		o->max_write = 64 * 1024;
		o->time_gran = 1;
		return reply(fd, outbuf, in->unique, 0, o, sizeof(*o));
	}
	case FUSE_GETATTR: {
		struct fuse_attr_out *o = (void *)payload;

		memset(o, 0, sizeof(*o));
		fill_attr(&o->attr, in->nodeid);
		return reply(fd, outbuf, in->unique, 0, o, sizeof(*o));
	}
	case FUSE_LOOKUP: {
		struct fuse_entry_out *o = (void *)payload;

		if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, FILE_NAME))
			return reply(fd, outbuf, in->unique, -ENOENT, NULL, 0);
		memset(o, 0, sizeof(*o));
		o->nodeid = FILE_INO;
		o->entry_valid = 60;
		o->attr_valid = 60;
		fill_attr(&o->attr, FILE_INO);
		return reply(fd, outbuf, in->unique, 0, o, sizeof(*o));
	}
	case FUSE_OPEN: {
		struct fuse_open_out *o = (void *)payload;

		memset(o, 0, sizeof(*o));
		o->fh = 1;
		return reply(fd, outbuf, in->unique, 0, o, sizeof(*o));
	}
	case FUSE_READ: {
		struct fuse_read_in *r = arg;
		unsigned long i, len = 0;

		if (r->offset < FILE_SIZE)
			len = FILE_SIZE - r->offset;
		if (len > r->size)
			len = r->size;
		for (i = 0; i < len; i++)
			payload[i] = pattern(r->offset + i);
		data_pages += (len + pagesize - 1) / pagesize;
		return reply(fd, outbuf, in->unique, 0, payload, len);
	}
	case FUSE_FLUSH:
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
		return reply(fd, outbuf, in->unique, 0, NULL, 0);
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_INTERRUPT:
		return 0;
	default:
		return reply(fd, outbuf, in->unique, -ENOSYS, NULL, 0);
	}
}

/* The client: read the whole file through the page cache and check it. */
static int client(void)
{
	unsigned char *data = malloc(FILE_SIZE);
	size_t done = 0;
	unsigned long i;
	int fd;

	fd = open(MNT "/" FILE_NAME, O_RDONLY);
	if (fd < 0 || !data)
		return 1;
	while (done < FILE_SIZE) {
		ssize_t n = read(fd, data + done, FILE_SIZE - done);

		if (n <= 0)
			return 2;
		done += n;
	}
	for (i = 0; i < FILE_SIZE; i++) {
		if (data[i] != pattern(i))
			return 3;
	}
	close(fd);
	return 0;
}

int main(void)
{
	struct pin_stats before, after, mid, rd;
	int fd, status, ok, idle, served = 0;
	char *buf, *outbuf, opts[128];
	unsigned long long acquired, want;
	pid_t pid = -1;
	ssize_t n;

	ksft_print_header();
	pagesize = sysconf(_SC_PAGESIZE);
	fd = open("/dev/fuse", O_RDWR);
	if (fd < 0 && errno == ENOENT)
		ksft_exit_skip("no /dev/fuse (CONFIG_FUSE_FS)\n");
	if (fd < 0)
		ksft_exit_fail_msg("open /dev/fuse: %s\n", strerror(errno));
	ksft_set_plan(3);

	buf = mmap(NULL, 2 * BUF_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	outbuf = buf + BUF_SIZE;
	memset(buf, 0, 2 * BUF_SIZE);

	if (mkdir(MNT, 0755) && errno != EEXIST)
		ksft_exit_fail_msg("mkdir %s: %s\n", MNT, strerror(errno));
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0",
		 fd);
	if (read_pin_stats(&before))
		ksft_exit_fail_msg("cannot read the FOLL_PIN counters\n");
	if (mount("foll_pin_fuse", MNT, "fuse", MS_NOSUID | MS_NODEV, opts))
		ksft_exit_fail_msg("mount fuse: %s\n", strerror(errno));

	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!pid)
		_exit(client());

	/*
	 * Serve until the client is done and the requests it leaves behind
	 * (FLUSH, RELEASE) have been answered; give up after 60 s without a
	 * request.
	 */
	status = -1;
	for (idle = 0; idle < 60;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, status == -1 ? 1000 : 200);

		if (r < 0)
			ksft_exit_fail_msg("poll: %s\n", strerror(errno));
		if (status == -1 && waitpid(pid, &status, WNOHANG) != pid)
			status = -1;
		if (r == 0) {
			if (status != -1)
				break;
			idle++;
			continue;
		}
		idle = 0;
		pins_since(&rd);
		n = read(fd, buf, BUF_SIZE);
		if (n < 0)
			ksft_exit_fail_msg("read /dev/fuse: %s\n", strerror(errno));
		read_pins += pins_since(&rd);
		nr_reads++;
		pages_read += (n + pagesize - 1) / pagesize;
		if (serve(fd, buf, outbuf))
			break;
		served++;
	}
	if (status == -1) {
		/* Closing the device aborts the connection and frees the client. */
		ksft_print_msg("the session did not end: aborting it\n");
		kill(pid, SIGKILL);
		close(fd);
		waitpid(pid, &status, 0);
		umount2(MNT, MNT_DETACH);
		ksft_exit_fail_msg("FUSE session failed\n");
	}
	ksft_print_msg("served %d requests, %lu pages of file data\n", served,
		       data_pages);
	ksft_test_result(WIFEXITED(status) && !WEXITSTATUS(status),
			 "the client read the file back (status 0x%x)\n",
			 status);

	/* A reply to no request: ENOENT, nothing left pinned. */
	if (read_pin_stats(&mid))
		ksft_exit_fail_msg("cannot read the FOLL_PIN counters\n");
	((struct fuse_out_header *)outbuf)->len = sizeof(struct fuse_out_header);
	((struct fuse_out_header *)outbuf)->error = 0;
	((struct fuse_out_header *)outbuf)->unique = 0xdead0000;
	n = write(fd, outbuf, sizeof(struct fuse_out_header));
	ok = n == -1 && errno == ENOENT;
	if (!ok)
		ksft_print_msg("reply to no request: %zd (%s)\n", n,
			       n < 0 ? strerror(errno) : "accepted");
	if (read_pin_stats(&after))
		ksft_exit_fail_msg("cannot read the FOLL_PIN counters\n");
	ok = ok && after.acquired == mid.acquired &&
	     outstanding(&after, &mid) == 0;
	ksft_test_result(ok, "a reply to no request fails with ENOENT, takes no pin\n");

	if (umount2(MNT, MNT_DETACH))
		ksft_print_msg("umount %s: %s\n", MNT, strerror(errno));
	close(fd);

	if (read_pin_stats(&after))
		ksft_exit_fail_msg("cannot read the FOLL_PIN counters\n");
	acquired = after.acquired - before.acquired;
	want = pages_read;
	ksft_print_msg("%lu reads of /dev/fuse: pins %llu (want %llu); %lu writes: pins %llu (want 0); in all: acquired %llu, outstanding %lld\n",
		       nr_reads, read_pins, want, nr_writes, write_pins,
		       acquired, outstanding(&after, &before));
	ksft_test_result(read_pins == want && write_pins == 0 &&
			 outstanding(&after, &before) == 0,
			 "/dev/fuse reads pin the pages of the server's buffer they fill, writes take no pin\n");
	ksft_finished();
}
