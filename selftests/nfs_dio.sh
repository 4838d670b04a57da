#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# NFS direct I/O against knfsd in the same guest, with Debian's programs:
# rpcbind, rpc.mountd, exportfs and rpc.nfsd serve a directory of the root
# (ext4 on virtio-blk) to 127.0.0.1, mounted with NFSv3 and NFSv4.1.  On
# each mount:
#
#   - dio_buffers: O_DIRECT writes and reads from 4 KiB, THP and hugetlb
#     buffers, unaligned and from mixed iovecs (ITER_UBUF and ITER_IOVEC in
#     fs/nfs/direct.c), checked against the server's file; the user pages
#     must be pinned (FOLL_PIN) and released;
#   - fio, psync, direct=1, verify=crc32c, from malloc() and from hugetlbfs
#     buffers;
#   - fio, io_uring with registered buffers and files (fixedbufs=1,
#     registerfiles=1): the buffers are pinned once by io_uring and NFS
#     sees ITER_BVEC iterators;
#   - a loop device with direct I/O backed by a file on the mount
#     (ITER_BVEC again, from the loop driver), written and verified
#     through /dev/loopN with fio, then compared with the server's file.
#
# Every case also checks that the FOLL_PIN counters of /proc/vmstat are
# back in balance once its I/O is done.  Runs as root in the Debian root
# (ci/guest/tests-debian); output is TAP, one case a line.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
here=$(cd "$(dirname "$0")" && pwd)

export_dir=/srv/nfs_dio
mnt_base=/mnt/nfs_dio
limit=600		# seconds for any one command
size=16M		# per fio job
n=0
failed=0
mountd_pid=
rpcbind_pid=

# pass, fail, note, check, pins, held_since, run_case
. "$here/pins_lib.sh"

# fio's options for every job: write the file with O_DIRECT, then read
# every block back and check its crc32c.
fio_opts="--size=$size --rw=write --direct=1 --verify=crc32c --do_verify=1 --verify_fatal=1 --minimal --warnings-fatal"

# The TAP of dio_buffers, numbered into ours.
dio_buffers() {
	out=$(timeout -s KILL "$limit" "$here/dio_buffers" "$@" 2>&1)
	rc=$?
	before=$failed
	tmp=$(mktemp)
	printf '%s\n' "$out" >"$tmp"
	while IFS= read -r line; do
		case "$line" in
		"not ok "*) fail "$(echo "$line" | sed 's/^not ok [0-9]* //')" ;;
		"ok "*) pass "$(echo "$line" | sed 's/^ok [0-9]* //')" ;;
		"Bail out!"*) fail "$1: dio_buffers: $line" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$tmp"
	rm -f "$tmp"
	if [ $rc != 0 ] && [ $failed = "$before" ]; then
		fail "$1: dio_buffers exited with status $rc"
	fi
}

cleanup() {
	for m in "$mnt_base"/*; do
		mountpoint -q "$m" && umount -f "$m"
	done
	rpc.nfsd 0 2>/dev/null
	exportfs -ua 2>/dev/null
	[ -n "$mountd_pid" ] && kill "$mountd_pid" 2>/dev/null
	[ -n "$rpcbind_pid" ] && kill "$rpcbind_pid" 2>/dev/null
	wait 2>/dev/null
	mountpoint -q /proc/fs/nfsd && umount /proc/fs/nfsd
}

bail() {
	echo "Bail out! $*"
	[ -s "${daemon_log:-}" ] && sed 's/^/#   /' "$daemon_log"
	cleanup
	exit 1
}

# Wait up to 10 s for CMD to succeed.
wait_for() {
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 100 ] || return 1
		sleep 0.1
	done
}

echo "TAP version 13"
for c in rpcbind rpcinfo rpc.mountd rpc.nfsd exportfs mount.nfs fio losetup; do
	command -v "$c" >/dev/null || bail "$c is not installed in the guest's root"
done
grep -qw nfsd /proc/filesystems || bail "the kernel has no knfsd (CONFIG_NFSD)"
grep -qw nfs /proc/filesystems || bail "the kernel has no NFS client (CONFIG_NFS_FS)"
[ -e /dev/loop-control ] || bail "the kernel has no loop devices (CONFIG_BLK_DEV_LOOP)"
note "$(dpkg-query -W -f '${Package} ${Version}, ' nfs-kernel-server rpcbind fio mount 2>/dev/null)"

# The server: rpcbind, the export table, mountd, then the nfsd threads.
mkdir -p "$export_dir" /run/rpcbind /var/lib/nfs
mountpoint -q /proc/fs/nfsd || mount -t nfsd nfsd /proc/fs/nfsd || bail "cannot mount the nfsd file system"
daemon_log=$(mktemp)
rpcbind -f 2>>"$daemon_log" &
rpcbind_pid=$!
wait_for rpcinfo -p 127.0.0.1 || bail "rpcbind does not answer on 127.0.0.1"
echo "$export_dir 127.0.0.1(rw,sync,no_subtree_check,no_root_squash,insecure)" >/etc/exports
exportfs -ra || bail "exportfs -ra failed"
rpc.mountd -F 2>>"$daemon_log" &
mountd_pid=$!
wait_for sh -c 'rpcinfo -p 127.0.0.1 | grep -qw mountd' || bail "rpc.mountd did not register"
# Short grace and lease periods: NFSv4 OPENs wait out the grace period.
rpc.nfsd -G 10 -L 10 4 || bail "rpc.nfsd failed"
wait_for sh -c 'rpcinfo -p 127.0.0.1 | grep -qw nfs' || bail "nfsd did not register"
note "$(exportfs -v | tr '\n\t' '  ')"

data=$(mktemp)
head -c 16M /dev/urandom >"$data"

for vers in 3 4.1; do
	m=$mnt_base/v$vers
	mkdir -p "$m"
	opts=vers=$vers,proto=tcp
	# No rpc.statd: NLM locks are not what is tested.
	[ "$vers" = 3 ] && opts=$opts,nolock
	t0=$(date +%s)
	if ! out=$(timeout -s KILL 180 mount -t nfs -o "$opts" "127.0.0.1:$export_dir" "$m" 2>&1); then
		fail "v$vers: mount -t nfs -o $opts 127.0.0.1:$export_dir"
		printf '%s\n' "$out" | sed 's/^/#   /'
		continue
	fi
	pass "v$vers: mount -t nfs -o $opts 127.0.0.1:$export_dir ($(($(date +%s) - t0)) s)"
	note "$(grep " $m " /proc/mounts)"

	dio_buffers "v$vers" "$m/buffers.dat" "$export_dir/buffers.dat"

	run_case "v$vers: fio psync direct=1 verify=crc32c" 0 \
		fio $fio_opts --name=psync --filename="$m/psync.dat" --ioengine=psync --bs=128k
	run_case "v$vers: fio psync direct=1 verify=crc32c, hugetlbfs buffers" 0 \
		fio $fio_opts --name=psync-huge --filename="$m/psync-huge.dat" --ioengine=psync \
		--bs=256k --iomem=mmaphuge:/dev/hugepages/nfs_dio.fio
	# io_uring pins the 8 registered 64 KiB buffers: 128 pages.
	run_case "v$vers: fio io_uring fixedbufs=1 registerfiles=1 direct=1 verify=crc32c" 128 \
		fio $fio_opts --name=uring --filename="$m/uring.dat" --ioengine=io_uring \
		--fixedbufs=1 --registerfiles=1 --iodepth=8 --bs=64k

	# A loop device in direct I/O mode on a file of the mount.
	img=$m/loop.img
	rm -f "$img"
	truncate -s 32M "$img"
	if ! dev=$(losetup --direct-io=on --show -f "$img" 2>&1); then
		fail "v$vers: losetup --direct-io=on on a file of the mount: $dev"
		continue
	fi
	dio=$(cat "/sys/block/${dev#/dev/}/loop/dio" 2>/dev/null)
	check "v$vers: $dev does direct I/O to $img (loop/dio is '$dio')" [ "$dio" = 1 ]
	run_case "v$vers: fio psync direct=1 verify=crc32c on $dev" 0 \
		fio $fio_opts --name=loop --filename="$dev" --ioengine=psync --bs=64k
	# Random data written through the loop device must be in the
	# server's file and read back through the device.
	run_case "v$vers: 16 MiB of random data written to $dev with O_DIRECT" 0 \
		dd if="$data" of="$dev" bs=1M oflag=direct status=none
	check "v$vers: the server's file holds the data written through $dev" \
		cmp -n $((16 << 20)) "$data" "$export_dir/loop.img"
	readback() {
		dd if="$dev" iflag=direct bs=1M count=16 status=none | cmp - "$data"
	}
	check "v$vers: the data reads back through $dev with O_DIRECT" readback
	check "v$vers: losetup -d $dev" losetup -d "$dev"
	rm -f "$m"/*.dat "$img"

	before=$(pins)
	check "v$vers: umount" umount "$m"
	# shellcheck disable=SC2046 # "held acquired"
	set -- $(held_since "$before")
	check "v$vers: pins balanced after umount ($1 outstanding)" [ "$1" = 0 ]
done

cleanup
rm -f "$data"
if [ $failed != 0 ]; then
	note "rpcbind and rpc.mountd said:"
	sed 's/^/#   /' "$daemon_log"
fi
echo "1..$n"
[ $failed = 0 ]
