// SPDX-License-Identifier: GPL-2.0
/*
 * A MSG_ZEROCOPY send on an RDS socket keeps the sender's pages in the
 * message until the message is freed.  They must be pinned (FOLL_PIN) for
 * that time, so that folio_maybe_dma_pinned() sees them, and unpinned
 * when the message goes (Documentation/core-api/pin_user_pages.rst).
 *
 * Two RDS sockets on 127.0.0.1 with the TCP transport (a local destination
 * takes RDS's loopback path, which queues the sender's message itself on
 * the receiving socket):
 *   - after sendmsg(MSG_ZEROCOPY) and before the receiver reads, the pins
 *     outstanding (nr_foll_pin_acquired - nr_foll_pin_released) have grown
 *     by at least the pages sent;
 *   - the message can wait for the peer's acknowledgment for as long as
 *     the peer takes, so the pin is long-term (FOLL_LONGTERM): the pages
 *     of the buffer that were in ZONE_MOVABLE (the guest boots with
 *     movablecore=) have been migrated out of it while the message is
 *     queued (their pfns, from /proc/self/pagemap, as root);
 *   - the receiver gets the data; once it has, the sender gets the
 *     completion of its cookie and no pin is left outstanding.
 * The send only reads the pages, so there is no fork() case to test here:
 * with MSG_ZEROCOPY the sender must not change the buffer before the
 * completion, in the parent or anywhere else.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/rds.h>

#include "../kselftest.h"
#include "pin_counters.h"

#ifndef AF_RDS
#define AF_RDS		21
#endif
#ifndef SOL_RDS
#define SOL_RDS		276
#endif
#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY	60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY	0x4000000
#endif

#define NR_PAGES	4
#define COOKIE		0x5eed
#define SEND_PORT	4000
#define RECV_PORT	4001

static long pagesize;

/* The pfn range of ZONE_MOVABLE (node 0) from /proc/zoneinfo; 0 if none. */
static int movable_zone(unsigned long long *start, unsigned long long *end)
{
	unsigned long long spanned = 0, pfn = 0;
	int in_movable = 0;
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Node ", 5)) {
			in_movable = !!strstr(line, "zone  Movable");
			continue;
		}
		if (!in_movable)
			continue;
		sscanf(line, " spanned %llu", &spanned);
		sscanf(line, " start_pfn: %llu", &pfn);
	}
	fclose(f);
	*start = pfn;
	*end = pfn + spanned;
	return spanned != 0;
}

/* How many of the @nr pages at @addr are in [@start, @end); -1 if unknown. */
static int pages_in(const char *addr, int nr, unsigned long long start,
		    unsigned long long end)
{
	int fd = open("/proc/self/pagemap", O_RDONLY), i, in = 0, any = 0;

	if (fd < 0)
		return -1;
	for (i = 0; i < nr; i++) {
		off_t off = ((uintptr_t)addr / pagesize + i) * sizeof(uint64_t);
		unsigned long long pfn;
		uint64_t e;

		if (pread(fd, &e, sizeof(e), off) != sizeof(e)) {
			close(fd);
			return -1;
		}
		pfn = (e >> 63) ? (e & ((1ULL << 55) - 1)) : 0;
		any |= pfn != 0;
		in += pfn >= start && pfn < end;
	}
	close(fd);
	return any ? in : -1;
}

static int rds_socket(int port, int zerocopy)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int trans = RDS_TRANS_TCP, one = 1;
	int fd = socket(AF_RDS, SOCK_SEQPACKET, 0);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_RDS, SO_RDS_TRANSPORT, &trans, sizeof(trans)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    (zerocopy && setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)))) {
		int err = errno;

		close(fd);
		errno = err;
		return -2;
	}
	return fd;
}

static ssize_t send_zerocopy(int fd, const char *buf, size_t len)
{
	char control[CMSG_SPACE(sizeof(uint32_t))] = { 0 };
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(RECV_PORT),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	uint32_t cookie = COOKIE;

	cmsg->cmsg_level = SOL_RDS;
	cmsg->cmsg_type = RDS_CMSG_ZCOPY_COOKIE;
	cmsg->cmsg_len = CMSG_LEN(sizeof(cookie));
	memcpy(CMSG_DATA(cmsg), &cookie, sizeof(cookie));
	return sendmsg(fd, &msg, MSG_ZEROCOPY);
}

/* Wait for the completion of COOKIE on the sender: 1 found, 0 not, -1 error. */
static int zerocopy_completed(int fd)
{
	char control[CMSG_SPACE(sizeof(struct rds_zcopy_cookies))];
	struct msghdr msg = {
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct rds_zcopy_cookies ck;
	struct cmsghdr *cmsg;
	int i;

	if (poll(&pfd, 1, 5000) <= 0)
		return 0;
	if (recvmsg(fd, &msg, MSG_DONTWAIT) < 0)
		return -1;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_RDS ||
		    cmsg->cmsg_type != RDS_CMSG_ZCOPY_COMPLETION)
			continue;
		memcpy(&ck, CMSG_DATA(cmsg), sizeof(ck));
		for (i = 0; i < ck.num && i < RDS_MAX_ZCOOKIES; i++)
			if (ck.cookies[i] == COOKIE)
				return 1;
	}
	return 0;
}

int main(void)
{
	struct pin_stats before, queued, after;
	unsigned long long mstart, mend;
	int s, r, ok, movable = -1;
	size_t len, i;
	char *buf, *rbuf;
	ssize_t n;

	pagesize = sysconf(_SC_PAGESIZE);
	len = NR_PAGES * pagesize;
	ksft_print_header();
	ksft_set_plan(3);

	s = rds_socket(SEND_PORT, 1);
	if (s == -1 && (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) {
		ksft_test_result_skip("RDS zero-copy send pins its pages: no RDS in the kernel\n");
		ksft_test_result_skip("RDS zero-copy send pins long-term: no RDS in the kernel\n");
		ksft_test_result_skip("RDS zero-copy send: data received, pins released: no RDS in the kernel\n");
		ksft_finished();
	}
	if (s < 0)
		ksft_exit_fail_msg("RDS socket on 127.0.0.1:%d over TCP: %s\n", SEND_PORT,
				   strerror(errno));
	r = rds_socket(RECV_PORT, 0);
	if (r < 0)
		ksft_exit_fail_msg("RDS socket on 127.0.0.1:%d: %s\n", RECV_PORT, strerror(errno));

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rbuf = malloc(len);
	if (buf == MAP_FAILED || !rbuf)
		ksft_exit_fail_msg("buffers: %s\n", strerror(errno));
	for (i = 0; i < len; i++)
		buf[i] = (char)(i * 7 + 3);
	if (movable_zone(&mstart, &mend))
		movable = pages_in(buf, NR_PAGES, mstart, mend);
	if (read_pin_stats(&before))
		ksft_exit_fail_msg("no FOLL_PIN counters in /proc/vmstat\n");

	n = send_zerocopy(s, buf, len);
	if (n != (ssize_t)len)
		ksft_exit_fail_msg("sendmsg(MSG_ZEROCOPY) of %zu bytes: %zd (%s)\n", len, n,
				   n < 0 ? strerror(errno) : "short");
	read_pin_stats(&queued);
	ksft_print_msg("pins outstanding: %lld more with the message queued\n",
		       outstanding(&queued, &before));
	ksft_test_result(outstanding(&queued, &before) >= NR_PAGES,
			 "RDS zero-copy send pins its %d pages while the message is queued\n",
			 NR_PAGES);
	if (movable < 0) {
		ksft_test_result_skip("RDS zero-copy send pins long-term: no ZONE_MOVABLE, or no pfns in pagemap (not root)\n");
	} else if (movable == 0) {
		ksft_test_result_skip("RDS zero-copy send pins long-term: no page of the buffer was in ZONE_MOVABLE\n");
	} else {
		int left = pages_in(buf, NR_PAGES, mstart, mend);

		ksft_print_msg("pages in ZONE_MOVABLE [%#llx, %#llx): %d before the send, %d with the message queued\n",
			       mstart, mend, movable, left);
		ksft_test_result(left == 0,
				 "RDS zero-copy send pins long-term: its pages left ZONE_MOVABLE\n");
	}

	n = recv(r, rbuf, len, 0);
	ok = n == (ssize_t)len && !memcmp(buf, rbuf, len);
	if (!ok)
		ksft_print_msg("recv: %zd bytes (%s), data %s\n", n,
			       n < 0 ? strerror(errno) : "ok",
			       n == (ssize_t)len ? "differs" : "-");
	if (zerocopy_completed(s) != 1) {
		ksft_print_msg("no completion for the zero-copy cookie\n");
		ok = 0;
	}
	read_pin_stats(&after);
	ksft_print_msg("pins outstanding after the receive: %lld more than before the send\n",
		       outstanding(&after, &before));
	if (outstanding(&after, &before))
		ok = 0;
	ksft_test_result(ok, "RDS zero-copy send: data received, completion reported, pins released\n");
	close(r);
	close(s);
	ksft_finished();
}
