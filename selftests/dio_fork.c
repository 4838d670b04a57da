// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT reads into user memory must pin it (FOLL_PIN), and a fork()
 * while such a read is in flight must leave the data in the parent's
 * buffer: the pinned page stays with the parent and the child gets a copy
 * (Documentation/core-api/pin_user_pages.rst, folio_maybe_dma_pinned()).
 * With FOLL_GET references instead, the parent's next write to the page
 * after fork() copies the page for the parent, and the data lands in the
 * page the child now owns.
 *
 * For every file system the guest mounts (9p over virtio with cache=none,
 * which reads through the virtio transport; ext2 on a RAM disk, the
 * block layer's direct I/O), two tests:
 *   - one 1 MiB O_DIRECT read: nr_foll_pin_acquired rises by at least the
 *     pages read, the pins are all released afterwards, the data is right;
 *   - O_DIRECT reads racing fork(): a second thread forks while the read
 *     is in flight and writes to the first page of the buffer right after
 *     the fork (the child keeps the page shared until it exits); every
 *     byte read must land in the parent's buffer.  The test fails if no
 *     fork ever happened during a read, as it would then prove nothing.
 *
 * The files (3 MiB: the guest's RAM disk is 4 MiB) hold the pattern "the
 * 32-bit little-endian word at byte offset o is o / 4".  The 9p one is
 * made by the host (ci/boot.sh); the ext2 one is written here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "pin_counters.h"

#define FILE_SIZE	(3UL << 20)
#define READ_SIZE	(1UL << 20)
/*
 * The read starts inside the first page, next to the byte the parent writes,
 * aligned for block-device direct I/O (512-byte logical blocks).
 */
#define READ_OFFSET	512
#define RACE_ROUNDS	48

static size_t pagesize;

struct fs {
	const char *name;	/* also the type in /proc/mounts */
	const char *dir;
	const char *path;
	int create;
};

static struct fs filesystems[] = {
	{ "9p", "/mnt/9p", "/mnt/9p/dio_fork.data", 0 },
	{ "ext2", "/mnt/ext2", "/mnt/ext2/dio_fork.data", 1 },
};

/* Index of the first word of buf (read from file offset off) that is wrong. */
static long check_pattern(const char *buf, size_t len, off_t off)
{
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		uint32_t w;

		memcpy(&w, buf + i, 4);
		if (w != (uint32_t)((off + i) / 4))
			return i;
	}
	return -1;
}

static int write_pattern(const char *path)
{
	uint32_t *words;
	size_t i, n = FILE_SIZE / 4;
	ssize_t ret;
	int fd;

	words = malloc(FILE_SIZE);
	if (!words)
		return -1;
	for (i = 0; i < n; i++)
		words[i] = i;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		free(words);
		return -1;
	}
	ret = write(fd, words, FILE_SIZE);
	free(words);
	if (ret != (ssize_t)FILE_SIZE || fsync(fd)) {
		if (ret >= 0 && ret != (ssize_t)FILE_SIZE)
			errno = ENOSPC;
		close(fd);
		return -1;
	}
	return close(fd);
}

/* Is a file system of type fs->name mounted at fs->dir? */
static int mounted(const struct fs *fs)
{
	char dev[256], dir[256], type[64];
	int found = 0;
	FILE *f = fopen("/proc/mounts", "r");

	if (!f)
		return 0;
	while (fscanf(f, "%255s %255s %63s %*[^\n]", dev, dir, type) == 3)
		if (!strcmp(dir, fs->dir) && !strcmp(type, fs->name))
			found = 1;
	fclose(f);
	return found;
}

/* Open the test file of fs with O_DIRECT, or say why it cannot be tested. */
static int open_fs(struct fs *fs, char *why, size_t whylen)
{
	int fd;

	if (!mounted(fs)) {
		snprintf(why, whylen, "no %s file system mounted at %s", fs->name, fs->dir);
		return -1;
	}
	if (fs->create && write_pattern(fs->path)) {
		snprintf(why, whylen, "writing %s: %s", fs->path, strerror(errno));
		return -2;
	}
	fd = open(fs->path, O_RDONLY | O_DIRECT);
	if (fd < 0) {
		snprintf(why, whylen, "open(%s, O_DIRECT): %s", fs->path, strerror(errno));
		return -2;
	}
	return fd;
}

static char *map_buffer(void)
{
	char *buf = mmap(NULL, READ_SIZE + pagesize, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return buf == MAP_FAILED ? NULL : buf;
}

static void test_pins(struct fs *fs, int fd)
{
	unsigned long long pages = READ_SIZE / pagesize;
	struct pin_stats before, after;
	char *buf = map_buffer();
	long long held;
	ssize_t got;
	long bad;

	if (!buf) {
		ksft_test_result_fail("%s: O_DIRECT read: mmap: %s\n", fs->name, strerror(errno));
		return;
	}
	memset(buf, 0xff, READ_SIZE + pagesize);
	if (read_pin_stats(&before)) {
		ksft_test_result_fail("%s: O_DIRECT read: no FOLL_PIN counters in /proc/vmstat\n",
				      fs->name);
		goto out;
	}
	got = pread(fd, buf + READ_OFFSET, READ_SIZE, pagesize);
	if (got != (ssize_t)READ_SIZE) {
		ksft_test_result_fail("%s: O_DIRECT read: pread returned %zd (%s)\n",
				      fs->name, got, got < 0 ? strerror(errno) : "short");
		goto out;
	}
	read_pin_stats(&after);
	held = pins_settle(&before);
	bad = check_pattern(buf + READ_OFFSET, READ_SIZE, pagesize);
	ksft_print_msg("%s: %llu pins acquired, %llu released during a %llu-page read\n",
		       fs->name, after.acquired - before.acquired,
		       after.released - before.released, pages);
	if (bad >= 0)
		ksft_test_result_fail("%s: O_DIRECT read: wrong data at byte %ld\n", fs->name, bad);
	else if (after.acquired - before.acquired < pages)
		ksft_test_result_fail("%s: O_DIRECT read: %llu FOLL_PIN pins for %llu pages: the pages were not pinned\n",
				      fs->name, after.acquired - before.acquired, pages);
	else if (held)
		ksft_test_result_fail("%s: O_DIRECT read: %lld pins outstanding afterwards\n",
				      fs->name, held);
	else
		ksft_test_result_pass("%s: O_DIRECT read pins its pages, releases them, data read back\n",
				      fs->name);
out:
	munmap(buf, READ_SIZE + pagesize);
}

struct race {
	int fd;
	char *buf;
	off_t off;
	ssize_t got;
	int err;
	atomic_int started;
	atomic_int done;
};

static void *reader(void *arg)
{
	struct race *r = arg;

	atomic_store(&r->started, 1);
	r->got = pread(r->fd, r->buf + READ_OFFSET, READ_SIZE, r->off);
	r->err = errno;
	atomic_store(&r->done, 1);
	return NULL;
}

static void spin_us(long us)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000L + (t.tv_nsec - t0.tv_nsec) / 1000 < us);
}

static void test_fork_race(struct fs *fs, int fd)
{
	int round, raced = 0, lost = 0, errors = 0;
	char *buf = map_buffer();
	long delay_us = 0;

	if (!buf) {
		ksft_test_result_fail("%s: fork() during O_DIRECT reads: mmap: %s\n",
				      fs->name, strerror(errno));
		return;
	}
	for (round = 0; round < RACE_ROUNDS; round++) {
		struct race r = { .fd = fd, .buf = buf };
		pthread_t t;
		int during;
		pid_t pid;
		long bad;

		r.off = (off_t)(round % 2) * READ_SIZE;
		memset(buf, 0, READ_SIZE + pagesize);
		if (pthread_create(&t, NULL, reader, &r)) {
			errors++;
			break;
		}
		while (!atomic_load(&r.started))
			;
		/* Vary where in the read the fork lands. */
		spin_us(delay_us);
		delay_us = (delay_us + 150) % 1500;
		pid = fork();
		if (pid == 0) {
			/* Keep the buffer shared until the parent wrote to it. */
			usleep(20000);
			_exit(0);
		}
		/* The write that breaks COW in the parent, next to the data. */
		buf[0] = 1;
		during = !atomic_load(&r.done);
		pthread_join(t, NULL);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		else
			errors++;
		if (r.got != (ssize_t)READ_SIZE) {
			ksft_print_msg("%s: round %d: pread returned %zd (%s)\n", fs->name,
				       round, r.got, r.got < 0 ? strerror(r.err) : "short");
			errors++;
			continue;
		}
		raced += during;
		bad = check_pattern(buf + READ_OFFSET, READ_SIZE, r.off);
		if (bad >= 0) {
			if (!lost)
				ksft_print_msg("%s: round %d: data missing from the parent's buffer at byte %ld\n",
					       fs->name, round, bad);
			lost++;
		}
	}
	munmap(buf, READ_SIZE + pagesize);
	ksft_print_msg("%s: %d rounds, fork() during the read in %d, data lost in %d\n",
		       fs->name, RACE_ROUNDS, raced, lost);
	if (errors)
		ksft_test_result_fail("%s: fork() during O_DIRECT reads: %d rounds failed to run\n",
				      fs->name, errors);
	else if (lost)
		ksft_test_result_fail("%s: fork() during O_DIRECT reads: data landed in the child's page in %d of %d rounds\n",
				      fs->name, lost, raced);
	else if (!raced)
		ksft_test_result_fail("%s: fork() during O_DIRECT reads: no fork() happened during a read, nothing was tested\n",
				      fs->name);
	else
		ksft_test_result_pass("%s: fork() during O_DIRECT reads: data in the parent's buffer (%d races)\n",
				      fs->name, raced);
}

int main(void)
{
	unsigned int i;

	pagesize = getpagesize();
	ksft_print_header();
	ksft_set_plan(2 * sizeof(filesystems) / sizeof(filesystems[0]));
	for (i = 0; i < sizeof(filesystems) / sizeof(filesystems[0]); i++) {
		struct fs *fs = &filesystems[i];
		char why[160];
		int fd = open_fs(fs, why, sizeof(why));

		if (fd == -1) {
			ksft_test_result_skip("%s: O_DIRECT read: %s\n", fs->name, why);
			ksft_test_result_skip("%s: fork() during O_DIRECT reads: %s\n", fs->name, why);
			continue;
		}
		if (fd < 0) {
			ksft_test_result_fail("%s: O_DIRECT read: %s\n", fs->name, why);
			ksft_test_result_fail("%s: fork() during O_DIRECT reads: %s\n", fs->name, why);
			continue;
		}
		test_pins(fs, fd);
		test_fork_race(fs, fd);
		close(fd);
	}
	ksft_finished();
}
