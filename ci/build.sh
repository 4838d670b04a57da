#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build one (config, arch) row of ci/matrix from a kernel tree.
#
#   ci/build.sh [-c] NAME ARCH TREE OUTDIR
#
# tinyconfig, then the row's fragments merged with
# scripts/kconfig/merge_config.sh, then olddefconfig; every option the
# fragments request is checked to be really set (merge_config.sh only
# warns), then the image is built with ccache.  Rows whose run is
# "objects" compile only the objects ci/objects lists for them, and fail
# on any compiler warning in those.  -c: configure OUTDIR only (the same
# .config, checked the same way), build nothing.
. "$(dirname "$0")/lib.sh"

config_only=0
if [ "${1:-}" = -c ]; then
	config_only=1
	shift
fi
[ $# = 4 ] || die "usage: ci/build.sh [-c] NAME ARCH TREE OUTDIR"
name=$1 arch=$2 tree=$3 out=$4
[ -f "$tree/Makefile" ] || die "build: $tree is not a kernel tree"
# make -C changes directory: O= and the tree must not be relative.
case "$tree" in /*) ;; *) tree=$PWD/$tree ;; esac
case "$out" in /*) ;; *) out=$PWD/$out ;; esac

row=$(matrix_row "$name" "$arch") || exit
read -r _ _ frags run _ <<<"$row"
kmake_vars "$arch"
makevars=("${KMAKEVARS[@]}")

files=()
IFS=, read -r -a fraglist <<<"$frags"
for f in "${fraglist[@]}"; do
	case "$f" in
	tree:*) p=$tree/${f#tree:} ;;
	*) p=$PROJECT/configs/$f.config ;;
	esac
	[ -f "$p" ] || die "config '$name/$arch': fragment '$f' not found ($p)"
	files+=("$p")
done

mkdir -p "$out"
blog=$out/build.log
: >"$blog"
kmake() { machine_lock make -C "$tree" O="$out" "${makevars[@]}" "$@" >>"$blog" 2>&1; }

kmake tinyconfig || { tail -n 30 "$blog" >&2; die "tinyconfig failed for $name/$arch (log: $blog)"; }
"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${files[@]}" >>"$blog" 2>&1 ||
	die "merge_config.sh failed for $name/$arch (log: $blog)"
kmake olddefconfig || die "olddefconfig failed for $name/$arch (log: $blog)"

# Every option requested by the fragments (the last fragment wins) must
# be in .config with the requested value; "is not set" / =n must be unset.
awk '
	FNR == 1 { fileno++ }
	fileno <= nfrag {
		if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) {
			sym = substr($0, 1, RLENGTH - 1); want[sym] = substr($0, RLENGTH + 1); src[sym] = FILENAME
		} else if (match($0, /^# CONFIG_[A-Za-z0-9_]+ is not set/)) {
			sym = $2; want[sym] = "n"; src[sym] = FILENAME
		}
		next
	}
	/^CONFIG_/ { i = index($0, "="); have[substr($0, 1, i - 1)] = substr($0, i + 1) }
	END {
		for (sym in want) {
			w = want[sym]; h = (sym in have) ? have[sym] : "n"
			if (w == "n" && h == "n") continue
			if (w != h) {
				printf "  %s: requested %s (%s), got %s\n", sym, w, src[sym], h
				bad++
			}
		}
		exit bad > 0
	}' nfrag="${#files[@]}" "${files[@]}" "$out/.config" >"$out/config-check.txt" || {
	cat "$out/config-check.txt" >&2
	die "config '$name/$arch': the options above are not set as requested (missing dependency?); .config is $out/.config"
}
if [ $config_only = 1 ]; then
	log "configured $name/$arch in $out"
	exit 0
fi

if [ "$run" = objects ]; then
	mapfile -t objs < <(row_objects "$name" "$arch")
	[ ${#objs[@]} -gt 0 ] || die "config '$name/$arch' builds objects, but ci/objects lists none for it"
	# Rebuild them every time, so that their warnings are seen.
	for o in "${objs[@]}"; do rm -f "$out/$o"; done
	if ! kmake -j"$JOBS" "${objs[@]}"; then
		grep -E 'error:|Error [0-9]' "$blog" | head -n 20 >&2 || true
		tail -n 20 "$blog" >&2
		die "objects of $name/$arch failed to build (log: $blog)"
	fi
	for o in "${objs[@]}"; do
		[ -f "$out/$o" ] || die "$name/$arch: $o was not built: is its option set? (log: $blog)"
	done
	if grep -E '(warning|error):' "$blog" >&2; then
		die "objects of $name/$arch built with the warnings above (log: $blog)"
	fi
	log "built $name/$arch: ${#objs[@]} objects in $out"
	exit 0
fi

target=$(arch_image_target "$arch")
if ! kmake -j"$JOBS" "$target"; then
	grep -E 'error:|Error [0-9]' "$blog" | head -n 20 >&2 || true
	tail -n 20 "$blog" >&2
	die "build of $name/$arch failed (log: $blog)"
fi
log "built $name/$arch: $out ($(grep -c . "$out/config-check.txt" || true) option mismatches)"
