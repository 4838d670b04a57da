#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# RDMA memory regions on rdma_rxe, with Debian's rdma-core: a veth pair
# carries a soft-RoCE device, rxe0, whose packets to its own GID loop
# back inside the kernel.  Memory registration (ibv_reg_mr(), then
# ib_umem_get()) pins the pages long-term; deregistration unpins them.
#
#   - ibv_rc_pingpong (ibverbs-utils), server and client on rxe0 with its
#     buffer check (-c), messages of 4 KiB, 64 KiB and 1 MiB;
#   - rdma_mr (selftests/rdma_mr.c, rdma-core's libibverbs): MRs on 4 KiB
#     pages, THP and 2 MiB hugetlb pages, RDMA WRITE and READ through
#     them, every byte checked, pins per MR counted.
#
# Every case checks that the pins taken are all released at the end.
# Runs as root in the Debian root (ci/guest/tests-debian); TAP output.
#
#   rdma_mr.sh bench ARGS...   makes the same device and runs
#                              rdma_reg_bench ARGS on it (`make bench`)
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
here=$(cd "$(dirname "$0")" && pwd)

limit=300		# seconds for any one command
n=0
failed=0
veth=rxeveth0
dev=rxe0

# pass, fail, note, check, pins, held_since, run_case
. "$here/pins_lib.sh"

cleanup() {
	rdma link delete "$dev" 2>/dev/null
	ip link delete "$veth" 2>/dev/null
}

bail() {
	echo "Bail out! $*"
	cleanup
	exit 1
}

# The index of the first RoCE v2 GID of port 1 that is set.
roce_v2_gid() {
	p=/sys/class/infiniband/$dev/ports/1
	for t in "$p"/gid_attrs/types/*; do
		i=${t##*/}
		[ "$(cat "$t" 2>/dev/null)" = "RoCE v2" ] || continue
		case $(cat "$p/gids/$i") in
		0000:0000:0000:0000:0000:0000:0000:0000) ;;
		*) echo "$i"; return 0 ;;
		esac
	done
	return 1
}

# $0 pingpong GID SIZE ITERS: an ibv_rc_pingpong server in the
# background, a client against it (run_case runs it under timeout).
if [ "${1:-}" = pingpong ]; then
	ibv_rc_pingpong -d "$dev" -g "$2" -s "$3" -n "$4" -c >/tmp/pp.srv 2>&1 &
	srv=$!
	sleep 1
	ibv_rc_pingpong -d "$dev" -g "$2" -s "$3" -n "$4" -c 127.0.0.1
	rc=$?
	wait "$srv" || rc=1
	[ $rc = 0 ] || sed 's/^/server: /' /tmp/pp.srv
	exit $rc
fi

[ -d /sys/module/rdma_rxe ] || [ -d /sys/class/infiniband ] ||
	{ echo "1..0 # SKIP no RDMA (rdma_rxe) in this kernel"; exit 0; }
command -v rdma >/dev/null || bail "rdma (iproute2) missing from the root"
command -v ibv_rc_pingpong >/dev/null || bail "ibv_rc_pingpong missing from the root"

ip link set lo up
ip link add "$veth" type veth peer name "${veth}p" || bail "cannot make a veth pair"
ip link set "$veth" mtu 9000 up && ip link set "${veth}p" mtu 9000 up ||
	bail "cannot bring $veth up"
ip addr add 192.168.77.1/24 dev "$veth" || bail "cannot address $veth"
rdma link add "$dev" type rxe netdev "$veth" || bail "rdma link add $dev failed"
i=0
while ! gid=$(roce_v2_gid); do
	i=$((i + 1))
	[ $i -lt 50 ] || bail "$dev has no RoCE v2 GID"
	sleep 0.1
done

if [ "${1:-}" = bench ]; then
	shift
	RDMA_DEV=$dev "$here/rdma_reg_bench" "$@"
	rc=$?
	cleanup
	exit $rc
fi
note "$dev on $veth, RoCE v2 GID index $gid"

echo "TAP version 13"
for s in 4096 65536 1048576; do
	run_case "ibv_rc_pingpong -c, $s-byte messages" 2 "$0" pingpong "$gid" "$s" 20
done

before=$(pins)
out=$(RDMA_DEV=$dev timeout -s KILL "$limit" "$here/rdma_mr" 2>&1)
rc=$?
printf '%s\n' "$out" | grep '^#' | grep -v '^# \(Totals\|Planned\)'
# rdma_mr's own results, renumbered into this script's.
printf '%s\n' "$out" | grep -E '^(not )?ok [0-9]+ ' >/tmp/rdma_mr.tap
while IFS= read -r line; do
	case $line in
	"not ok "*) fail "rdma_mr: ${line#not ok * }" ;;
	*) pass "rdma_mr: ${line#ok * }" ;;
	esac
done </tmp/rdma_mr.tap
[ $rc = 0 ] || fail "rdma_mr exited with $rc"
# shellcheck disable=SC2046 # "held acquired"
set -- $(held_since "$before")
check "rdma_mr: every pin released ($2 taken)" [ "$1" = 0 ]

cleanup
echo "1..$n"
[ $failed = 0 ]
