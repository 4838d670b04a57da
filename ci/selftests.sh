#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest's test programs, statically linked, for one kernel tree.
#
#   ci/selftests.sh TREE OUTDIR [LIST...]
#
# The tree's UAPI headers are installed with `make headers_install` into
# OUTDIR/usr; the in-tree mm selftests named in ci/guest/tests are compiled
# from their own directory with relative file names (gup_longterm creates
# files next to __FILE__), and selftests/*.c of this project against the
# same headers and helpers.  Binaries land in OUTDIR/mm and OUTDIR/project.
# The LISTs (default: the lists of ci/guest/runs) name the mm programs.
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: ci/selftests.sh TREE OUTDIR [LIST...]"
tree=$1 out=$2
shift 2
lists=("$@")
if [ ${#lists[@]} = 0 ]; then
	mapfile -t lists < <(guest_runs | awk -v d="$PROJECT/ci/guest" '{ print d "/" $2 }')
fi
need gcc make
mmdir=$tree/tools/testing/selftests/mm
[ -d "$mmdir" ] || die "selftests: $mmdir does not exist"
printf '#include <liburing.h>\n' | gcc -E -x c - >/dev/null 2>&1 ||
	die "liburing headers missing (cow and gup_longterm need them): run 'make setup'"

mkdir -p "$out/mm" "$out/project" "$out/gen"
make -s -C "$tree" O="$out/hdr" ARCH=x86_64 headers_install \
	INSTALL_HDR_PATH="$out/usr" >"$out/headers.log" 2>&1 ||
	die "headers_install failed (log: $out/headers.log)"
# The configuration header check_config.sh would generate: local_config.h
# up to v6.x, local_config.h_gen since.
echo '#define LOCAL_CONFIG_HAVE_LIBURING 1' >"$out/gen/local_config.h"
cp "$out/gen/local_config.h" "$out/gen/local_config.h_gen"

# kselftest.h is in tools/testing/selftests, which the mm programs reach
# as ../ up to v6.x and through the include path since.
cflags=(-static -Wall -O2 -U_FORTIFY_SOURCE -isystem "$out/usr/include"
	-I "$out/gen" -I "$tree/tools/testing/selftests/mm"
	-I "$tree/tools/testing/selftests" -I "$tree")
libs=(-luring -lrt -lpthread -lm)
# The THP/hugetlb settings helper: thp_settings.c up to v6.x,
# hugepage_settings.c since.
helpers=(vm_util.c)
for h in thp_settings.c hugepage_settings.c; do
	[ -f "$mmdir/$h" ] && helpers+=("$h")
done

# In-tree programs: the distinct basenames of the lists' mm entries.
for prog in $(awk '!/^#/ && $2 == "mm" { sub("^\\./", "", $3); print $3 }' \
	"${lists[@]}" | sort -u); do
	[ -f "$mmdir/$prog.c" ] || die "a test list names mm/$prog, but $mmdir/$prog.c does not exist"
	(cd "$mmdir" && gcc "${cflags[@]}" "$prog.c" "${helpers[@]}" "${libs[@]}" \
		-o "$out/mm/$prog") || die "building mm/$prog failed"
done

for src in "$PROJECT"/selftests/*.c; do
	[ -e "$src" ] || continue
	prog=$(basename "$src" .c)
	(cd "$mmdir" && gcc "${cflags[@]}" "$src" "${helpers[@]}" "${libs[@]}" \
		-o "$out/project/$prog") || die "building selftests/$prog.c failed"
done
log "test programs: $(ls "$out/mm" "$out/project" | grep -vc ':$\|^$')"
