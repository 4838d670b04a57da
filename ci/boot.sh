#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a built kernel in QEMU with the test initramfs and turn what the
# guest reports into TAP lines for the summary.
#
#   ci/boot.sh LABEL ARCH KOUT INITRAMFS LOGDIR [EXTRA_CMDLINE]
#
# LABEL names the results ($BUILD/results/LABEL.tap).  ROOT_IMAGE=FILE
# attaches that ext4 image (ci/debian-root.sh) as a virtio-blk disk, with
# a throw-away overlay so that the image itself is never written, and the
# guest's /init runs the tests chrooted into it; a blank 512 MiB disk with
# serial number "scratch" comes with it, for the tests' block I/O.  The accelerator is
# TCG unless a short KVM probe boot reaches userspace (ACCEL=tcg|kvm|auto,
# default auto; the probe's verdict is kept in $BUILD/accel for the run).
#
# VFIO=1: QEMU's intel-iommu and edu devices, and intel_iommu=on, for the
# vfio programs (selftests/vfio_lib.h): edu, bound to vfio-pci in the
# guest, DMAs through the emulated IOMMU into what VFIO maps for it.
#
# ICOUNT=1: instruction counting instead of wall time (for `make bench`).
# One vCPU under single-threaded TCG with `-icount shift=0,sleep=off`: the
# guest's clock advances by 1 ns per instruction executed (shift=0), and
# jumps over idle time instead of waiting for it (sleep=off), so a time
# the guest measures is a count of guest instructions, the same from boot
# to boot, whatever the host is doing.  KVM is not used.
. "$(dirname "$0")/lib.sh"

[ $# -ge 5 ] || die "usage: ci/boot.sh LABEL ARCH KOUT INITRAMFS LOGDIR [EXTRA_CMDLINE]"
label=$1 arch=$2 kout=$3 initrd=$4 logdir=$5 extra=${6:-}
conf=$PROJECT/ci/qemu/$arch.conf
[ -f "$conf" ] || die "no QEMU settings for arch '$arch' ($conf): it is build-only"
# shellcheck source=ci/qemu/x86_64.conf
. "$conf"
need "$QEMU_BIN" timeout
if [ "${GIGANTIC:-0}" = 1 ]; then
	QEMU_CPU_TCG=$GIGANTIC_CPU_TCG QEMU_CPU_KVM=$GIGANTIC_CPU_KVM
	QEMU_MEM=$GIGANTIC_MEM KERNEL_CMDLINE="$KERNEL_CMDLINE $GIGANTIC_CMDLINE"
	MOVABLECORE=$GIGANTIC_MOVABLECORE
fi
KERNEL_CMDLINE="$KERNEL_CMDLINE movablecore=$MOVABLECORE"
kernel=$kout/$KERNEL_IMAGE
[ -f "$kernel" ] || die "boot: no kernel image at $kernel (build it first)"
[ -f "$initrd" ] || die "boot: no initramfs at $initrd"
mkdir -p "$logdir"

# The 9p share: a file whose 32-bit little-endian word at byte offset o is
# o / 4, which selftests/dio_fork.c reads with O_DIRECT and checks.  The
# guest mounts it when the command line names the tag (ninep=).
share_args=()
if [ -n "${QEMU_9P_TAG:-}" ]; then
	share=$logdir/9p-share
	mkdir -p "$share"
	perl -e 'print pack("V*", 0 .. 3 * (1 << 18) - 1)' >"$share/dio_fork.data"
	share_args=(-virtfs "local,path=$share,mount_tag=$QEMU_9P_TAG,security_model=none,readonly=on")
	KERNEL_CMDLINE="$KERNEL_CMDLINE ninep=$QEMU_9P_TAG"
fi

# The vIOMMU goes first: QEMU wants it before the PCI devices behind it.
viommu_args=()
if [ "${VFIO:-0}" = 1 ]; then
	viommu_args=(-device intel-iommu,intremap=off -device edu)
	# Without interrupt remapping, type1 refuses to attach a group
	# unless told that the platform's MSIs may be trusted: edu's are.
	KERNEL_CMDLINE="$KERNEL_CMDLINE intel_iommu=on vfio_iommu_type1.allow_unsafe_interrupts=1"
fi

disk_args=()
if [ -n "${ROOT_IMAGE:-}" ]; then
	[ -f "$ROOT_IMAGE" ] || die "boot: no root image at $ROOT_IMAGE"
	disk_args=(-drive "file=$ROOT_IMAGE,if=none,id=root,format=raw,snapshot=on,cache=unsafe"
		-device "virtio-blk-pci,drive=root")
	KERNEL_CMDLINE="$KERNEL_CMDLINE droot=vda"
	# A blank disk for the tests' block I/O (selftests/uring_fio.sh),
	# found by its serial number; sparse, removed after the boot.  Both
	# are -device, so that the root comes first (vda).
	scratch=$logdir/scratch.img
	rm -f "$scratch"
	truncate -s 512M "$scratch"
	disk_args+=(-drive "file=$scratch,if=none,id=scratch,format=raw,cache=unsafe"
		-device "virtio-blk-pci,drive=scratch,serial=scratch")
fi

# qemu ACCEL LOGDIR TIMEOUT CMDLINE: one boot, serial ports to files.
# ACCEL is kvm, tcg or tcg-icount.  printk.devkmsg=on: the marks that the
# guest's /init writes to the kernel log before and after each test are
# not rate limited away.
qemu() {
	local accel=$1 dir=$2 limit=$3 cmdline=$4 cpu smp=$QEMU_SMP
	case $accel in
	kvm) accel="-accel kvm" cpu=$QEMU_CPU_KVM ;;
	tcg-icount) accel="-accel tcg,thread=single -icount shift=0,sleep=off" cpu=$QEMU_CPU_TCG smp=1 ;;
	*) accel="-accel tcg,thread=multi" cpu=$QEMU_CPU_TCG ;;
	esac
	: >"$dir/console.log"
	: >"$dir/results.log"
	# shellcheck disable=SC2086
	machine_lock timeout -s KILL "$limit" "$QEMU_BIN" $QEMU_MACHINE $accel $cpu \
		-smp "$smp" -m "$QEMU_MEM" -nodefaults -display none \
		-no-reboot -kernel "$kernel" -initrd "$initrd" "${viommu_args[@]}" \
		"${share_args[@]}" "${disk_args[@]}" \
		-append "console=$CONSOLE results=$RESULTS_TTY panic=-1 printk.devkmsg=on $cmdline" \
		-serial "file:$dir/console.log" -serial "file:$dir/results.log" \
		</dev/null >"$dir/qemu.log" 2>&1
}

accel=${ACCEL:-auto}
if [ "${ICOUNT:-0}" = 1 ]; then
	[ "$accel" != kvm ] || die "ICOUNT=1 counts instructions under TCG: it cannot use ACCEL=kvm"
	accel=tcg-icount
elif [ "$accel" = auto ]; then
	if [ -f "$BUILD/accel" ]; then
		accel=$(cat "$BUILD/accel")
	else
		accel=tcg
		if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
			log "probing KVM with a 20 s boot"
			mkdir -p "$logdir/kvm-probe"
			# (QEMU aborts on KVM here; keep the shell's notice quiet.)
			(qemu kvm "$logdir/kvm-probe" 20 "probe") 2>/dev/null || true
			if grep -q 'guest: probe boot reached userspace' "$logdir/kvm-probe/console.log"; then
				accel=kvm
			else
				log "KVM probe boot did not reach userspace: using TCG"
			fi
		fi
		echo "$accel" >"$BUILD/accel"
	fi
fi
limit=${BOOT_TIMEOUT:-1200}
log "booting $label ($accel, limit ${limit}s)"
t0=$(date +%s)
rc=0
qemu "$accel" "$logdir" "$limit" "$KERNEL_CMDLINE $extra" || rc=$?
echo "$label	$accel	$(($(date +%s) - t0))s	qemu rc=$rc" >>"$BOOTS"
[ -z "${scratch:-}" ] || rm -f "$scratch"
[ $rc = 137 ] && warn "$label: QEMU killed after ${limit}s"

mkdir -p "$RESULTS"
"$PROJECT/ci/parse-guest.sh" "$label" "$logdir" >"$RESULTS/$label.tap"
grep -q '^not ok' "$RESULTS/$label.tap" && exit 1
exit 0
