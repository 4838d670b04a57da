#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Block direct I/O and io_uring registered buffers with Debian's fio, on
# the blank virtio-blk disk that ci/boot.sh attaches with serial number
# "scratch", its requests limited to 128 KiB (queue/max_sectors_kb) so
# that the block layer splits every 1 MiB I/O; first on the raw device,
# then on a file of an ext4 made on it.
#
# For each target, fio writes with O_DIRECT, reads every block back and
# checks its crc32c (verify=crc32c):
#
#   - ioengine=io_uring, fixedbufs=1, registerfiles=1: the buffers are
#     pinned once at IORING_REGISTER_BUFFERS and the I/O sees ITER_BVEC
#     iterators; from 4 KiB pages (iomem=malloc with THP off), PMD-mapped
#     THP (iomem=mmap with THP always; AnonHugePages must grow) and 2 MiB
#     hugetlb (iomem=mmaphuge, and iomem=shmhuge: SysV shared memory);
#   - ioengine=io_uring, psync and libaio from THP and from hugetlb: the
#     user pages are pinned for each I/O by the block layer.
#
# Every case checks that nr_foll_pin_acquired grew and that every pin is
# released once fio is done.  Runs as root in the Debian root
# (ci/guest/tests-debian); output is TAP, one case a line.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
here=$(cd "$(dirname "$0")" && pwd)

dev=
mnt=/mnt/uring_fio
thp=/sys/kernel/mm/transparent_hugepage/enabled
limit=600		# seconds for any one command
size=16M		# per fio job
n=0
failed=0
thp_saved=

# pass, fail, note, check, pins, held_since, run_case
. "$here/pins_lib.sh"

fio_opts="--size=$size --rw=write --direct=1 --verify=crc32c --do_verify=1 --verify_fatal=1 --minimal --warnings-fatal --bs=1M"

cleanup() {
	mountpoint -q "$mnt" && umount "$mnt"
	[ -n "$thp_saved" ] && echo "$thp_saved" >"$thp"
	rm -f /dev/hugepages/uring_fio.*
}

bail() {
	echo "Bail out! $*"
	cleanup
	exit 1
}

# THP mode for the next cases: always, never (no-op without THP).
thp_mode() {
	[ -w "$thp" ] && echo "$1" >"$thp"
}

# thp_watch_start, thp_watch_stop: the most AnonHugePages (kB) that
# /proc/meminfo showed in between, in $thp_kb (the configs have no
# VM_EVENT_COUNTERS, so no thp_fault_alloc to count).
thp_watch_start() {
	thp_file=$(mktemp)
	(
		m=0
		while :; do
			a=$(awk '$1 == "AnonHugePages:" { print $2 }' /proc/meminfo)
			[ "$a" -gt "$m" ] && m=$a && echo "$m" >"$thp_file"
			sleep 0.1
		done
	) &
	thp_watch=$!
}
thp_watch_stop() {
	kill "$thp_watch"
	wait "$thp_watch" 2>/dev/null
	thp_kb=$(cat "$thp_file")
	rm -f "$thp_file"
}

# cases TARGET LABEL: every fio case on one target.
cases() {
	target=$1 label=$2

	thp_mode never
	# 4 x 1 MiB registered buffers of 4 KiB pages: 1024 pins.
	run_case "$label: fio io_uring fixedbufs, 4 KiB pages" 1024 \
		fio $fio_opts --name=u4k --filename="$target" --ioengine=io_uring \
		--fixedbufs=1 --registerfiles=1 --iodepth=4 --iomem=malloc
	run_case "$label: fio io_uring fixedbufs, 2 MiB hugetlb" 2 \
		fio $fio_opts --name=uhuge --filename="$target" --ioengine=io_uring \
		--fixedbufs=1 --registerfiles=1 --iodepth=4 \
		--iomem=mmaphuge:/dev/hugepages/uring_fio.u
	run_case "$label: fio io_uring, 2 MiB hugetlb" 2 \
		fio $fio_opts --name=ahuge --filename="$target" --ioengine=io_uring \
		--iodepth=4 --iomem=mmaphuge:/dev/hugepages/uring_fio.a
	run_case "$label: fio io_uring fixedbufs, 2 MiB hugetlb SysV shm" 2 \
		fio $fio_opts --name=ushm --filename="$target" --ioengine=io_uring \
		--fixedbufs=1 --registerfiles=1 --iodepth=4 --iomem=shmhuge
	if [ "$has_thp" = 1 ]; then
		thp_mode always
		# iomem_align=2M: fio's buffers start on a huge page boundary.
		for e in io_uring-fixedbufs io_uring psync libaio; do
			opts="--ioengine=${e%-fixedbufs} --iodepth=4"
			[ "$e" = io_uring-fixedbufs ] &&
				opts="$opts --fixedbufs=1 --registerfiles=1"
			thp_watch_start
			run_case "$label: fio $e, THP" 2 \
				fio $fio_opts --name=thp --filename="$target" $opts \
				--iomem=mmap --iomem_align=2M
			thp_watch_stop
			check "$label: fio $e, THP: the buffers were THP (AnonHugePages up to $thp_kb kB)" \
				[ "${thp_kb:-0}" -ge 2048 ]
		done
		thp_mode never
	fi
	run_case "$label: fio psync, 2 MiB hugetlb" 2 \
		fio $fio_opts --name=phuge --filename="$target" --ioengine=psync \
		--iomem=mmaphuge:/dev/hugepages/uring_fio.p
	run_case "$label: fio libaio, 2 MiB hugetlb" 2 \
		fio $fio_opts --name=lhuge --filename="$target" --ioengine=libaio \
		--iodepth=4 --iomem=mmaphuge:/dev/hugepages/uring_fio.l
}

echo "TAP version 13"
for c in fio mke2fs; do
	command -v "$c" >/dev/null || bail "$c is not installed in the guest's root"
done
for s in /sys/block/*/serial; do
	[ "$(cat "$s" 2>/dev/null)" = scratch ] || continue
	dev=${s%/serial}
	dev=/dev/${dev##*/}
done
[ -b "$dev" ] || bail "no disk with serial number 'scratch' (ci/boot.sh attaches it with ROOT_IMAGE)"
note "$(dpkg-query -W -f '${Package} ${Version}, ' fio e2fsprogs 2>/dev/null)"
q=/sys/block/${dev#/dev/}/queue
echo 128 >"$q/max_sectors_kb"
check "$dev splits 1 MiB I/Os (max_sectors_kb $(cat "$q/max_sectors_kb"))" \
	[ "$(cat "$q/max_sectors_kb")" = 128 ]
has_thp=0
if [ -w "$thp" ]; then
	has_thp=1
	thp_saved=$(sed 's/.*\[\(.*\)\].*/\1/' "$thp")
else
	note "no THP in this kernel: the THP cases are left out"
	echo "ok $((n + 1)) # SKIP THP cases: no THP in this kernel"
	n=$((n + 1))
fi
cases "$dev" "raw $dev"

mkdir -p "$mnt"
if mke2fs -q -F -t ext4 "$dev" && mount -t ext4 "$dev" "$mnt"; then
	pass "ext4 on $dev mounted on $mnt"
	cases "$mnt/fio.dat" "ext4 file"
	before=$(pins)
	check "umount $mnt" umount "$mnt"
	# shellcheck disable=SC2046 # "held acquired"
	set -- $(held_since "$before")
	check "pins balanced after umount ($1 outstanding)" [ "$1" = 0 ]
else
	fail "ext4 on $dev mounted on $mnt"
fi

cleanup
echo "1..$n"
[ $failed = 0 ]
