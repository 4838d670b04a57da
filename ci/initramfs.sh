#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Pack the guest's initramfs: static busybox, ci/guest/init, the test
# list (default ci/guest/tests) and the programs built by ci/selftests.sh.
#
#   ci/initramfs.sh PROGDIR OUTFILE [LIST]
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || [ $# = 3 ] || die "usage: ci/initramfs.sh PROGDIR OUTFILE [LIST]"
progs=$1 outfile=$2 list=${3:-$PROJECT/ci/guest/tests}
[ -f "$list" ] || die "initramfs: no test list $list"
need cpio gzip
bb=$(command -v busybox) || die "busybox not found: run 'make setup' (busybox-static)"
if ldd "$bb" >/dev/null 2>&1; then
	die "$bb is dynamically linked; the initramfs needs busybox-static"
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,tests}
cp "$bb" "$root/bin/busybox"
install -m 0755 "$PROJECT/ci/guest/init" "$root/init"
cp "$list" "$root/tests/list"
cp -r "$progs/mm" "$progs/project" "$root/tests/"
# The in-tree selftests of other directories, where the lists name some.
[ ! -d "$progs/iommu" ] || cp -r "$progs/iommu" "$root/tests/"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -1 >"$outfile.tmp"
mv "$outfile.tmp" "$outfile"
