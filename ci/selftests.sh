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
# The programs are compiled from inside the tree: no relative paths.
case "$tree" in /*) ;; *) tree=$PWD/$tree ;; esac
case "$out" in /*) ;; *) out=$PWD/$out ;; esac
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
# What the selftests' check_config.sh would generate: liburing is there.
# (v7.3 calls the header local_config.h_gen, older trees local_config.h.)
for h in local_config.h local_config.h_gen; do
	echo '#define LOCAL_CONFIG_HAVE_LIBURING 1' >"$out/gen/$h"
done

cflags=(-static -Wall -O2 -U_FORTIFY_SOURCE -isystem "$out/usr/include"
	-isystem "$tree/tools/include/uapi" -I "$out/gen"
	-I "$tree/tools/testing/selftests/mm" -I "$tree/tools/testing/selftests"
	-I "$tree")
libs=(-luring -lrt -lpthread -lm)
# The helpers the mm selftests link with (v7.3 renamed thp_settings.c to
# hugepage_settings.c).
helpers=(vm_util.c)
for h in hugepage_settings.c thp_settings.c; do
	if [ -f "$mmdir/$h" ]; then
		helpers+=("$h")
		break
	fi
done

# In-tree programs: the distinct basenames of the lists' mm entries.
for prog in $(awk '!/^#/ && $2 == "mm" { sub("^\\./", "", $3); print $3 }' \
	"${lists[@]}" | sort -u); do
	[ -f "$mmdir/$prog.c" ] || die "a test list names mm/$prog, but $mmdir/$prog.c does not exist"
	(cd "$mmdir" && gcc "${cflags[@]}" "$prog.c" "${helpers[@]}" "${libs[@]}" \
		-o "$out/mm/$prog") || die "building mm/$prog failed"
done

# The in-tree iommufd selftests (tools/testing/selftests/iommu, for a
# kernel with CONFIG_IOMMUFD_TEST), built as its Makefile builds them:
# _GNU_SOURCE, as lib.mk sets it, and libcap.  A list may name NAME.sh
# instead of NAME: the project's wrapper selftests/NAME.sh, installed
# beside the in-tree program NAME, which it runs.
iommudir=$tree/tools/testing/selftests/iommu
for prog in $(awk '!/^#/ && $2 == "iommu" { sub("^\\./", "", $3); print $3 }' \
	"${lists[@]}" | sort -u); do
	mkdir -p "$out/iommu"
	case $prog in
	*.sh)
		[ -f "$PROJECT/selftests/$prog" ] ||
			die "a test list names iommu/$prog, but selftests/$prog does not exist"
		install -m 0755 "$PROJECT/selftests/$prog" "$out/iommu/"
		prog=${prog%.sh}
		;;
	esac
	[ -f "$iommudir/$prog.c" ] || die "a test list names iommu/$prog, but $iommudir/$prog.c does not exist"
	[ -f /usr/include/sys/capability.h ] ||
		die "iommu/$prog needs libcap's headers and static library: run 'make setup' (libcap-dev)"
	(cd "$iommudir" && gcc "${cflags[@]}" -D_GNU_SOURCE= -Wno-unused-function \
		"$prog.c" -lcap -o "$out/iommu/$prog") || die "building iommu/$prog failed"
done

# The RDMA clients link rdma-core statically: libibverbs finds no
# provider plugin in a static program, so the rxe provider is linked in
# whole (its constructor registers it), with libnl that libibverbs uses.
verbs_libs=()
verbs_provider() {
	local a
	for a in /usr/lib/*/librxe-rdmav*.a /usr/lib/librxe-rdmav*.a; do
		[ -f "$a" ] && { basename "$a" .a | sed 's/^lib//'; return 0; }
	done
	return 1
}
for src in "$PROJECT"/selftests/*.c; do
	[ -e "$src" ] || continue
	prog=$(basename "$src" .c)
	extra=()
	if grep -q '^#include <infiniband/verbs.h>' "$src"; then
		if [ ${#verbs_libs[@]} = 0 ]; then
			p=$(verbs_provider) ||
				die "selftests/$prog.c needs rdma-core's static libraries (librxe-rdmav*.a): run 'make setup' (libibverbs-dev)"
			verbs_libs=(-Wl,--whole-archive "-l$p" -Wl,--no-whole-archive
				-libverbs -lnl-route-3 -lnl-3)
		fi
		extra=("${verbs_libs[@]}")
	fi
	# libnl's static archive warns that getaddrinfo() in a static
	# program needs the shared libc at run time: not used here.
	(cd "$mmdir" && gcc "${cflags[@]}" "$src" "${helpers[@]}" "${extra[@]}" \
		"${libs[@]}" -o "$out/project/$prog" 2>&1 |
		grep -v 'libnl[^:]*: in function\|in statically linked applications requires at runtime' >&2
		exit "${PIPESTATUS[0]}") || die "building selftests/$prog.c failed"
done
# Scripts that drive programs of the guest's Debian root (selftests/*.sh).
for src in "$PROJECT"/selftests/*.sh; do
	[ -e "$src" ] || continue
	install -m 0755 "$src" "$out/project/"
done
log "test programs: $(ls "$out/mm" "$out/project" | grep -vc ':$\|^$')"
