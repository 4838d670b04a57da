#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the semantic patches in coccinelle/: every coccinelle/NAME.cocci
# has coccinelle/tests/NAME/, where a case is CASE.c (or a directory CASE/
# of .c files, given to spatch together) with its expected results:
#   CASE.res (CASE/*.res)  the file(s) after spatch -D patch
#   CASE.report            the sorted lines of spatch -D report
#   CASE.context           the lines spatch -D context marks, sorted
# A case must have at least one of them.  spatch gets the options of the
# .cocci's "// Options:" line, as `make coccicheck` does.
#
#   ci/cocci-tests.sh [-d DIR] [--update]
#
# DIR is the directory of the .cocci files and their tests/ (default:
# coccinelle/ of the project); --update rewrites the expected files.
#
# Results go to $BUILD/results/cocci.tap.
. "$(dirname "$0")/lib.sh"

update=0 cdir=$PROJECT/coccinelle
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1 ;;
	-d) [ $# -ge 2 ] || die "usage: ci/cocci-tests.sh [-d DIR] [--update]"
		cdir=$(cd "$2" && pwd) || die "no such directory: $2"
		shift ;;
	*) die "usage: ci/cocci-tests.sh [-d DIR] [--update]" ;;
	esac
	shift
done
need spatch
group=cocci
rm -f "$RESULTS/$group.tap"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/foll-pin-cocci.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

# check DESC EXPECTED ACTUAL: compare, or rewrite EXPECTED with --update.
check() {
	local desc=$1 want=$2 got=$3
	if [ $update = 1 ]; then
		cp "$got" "$want"
		result $group ok "$desc (expected output rewritten)"
	elif diff -u "$want" "$got" >"$tmp/diff"; then
		result $group ok "$desc"
	else
		result $group fail "$desc"
		sed 's/^/#   /' "$tmp/diff" | head -n 40 >>"$RESULTS/$group.tap"
		fails=$((fails + 1))
	fi
}

compgen -G "$cdir/*.cocci" >/dev/null || die "no .cocci files in $cdir"
for sp in "$cdir"/*.cocci; do
	name=$(basename "$sp" .cocci)
	tdir=$cdir/tests/$name
	read -r -a opts <<<"$(cocci_opts "$sp")"
	if ! compgen -G "$tdir/*" >/dev/null; then
		result $group fail "$name.cocci has tests in $tdir/"
		fails=$((fails + 1))
		continue
	fi
	for c in "$tdir"/*.c "$tdir"/*/; do
		[ -e "$c" ] || continue
		c=${c%/}
		case=${c%.c}
		cname=$(basename "$case")
		work=$tmp/$name/$cname
		rm -rf "$work" && mkdir -p "$work"
		if [ -d "$c" ]; then
			cp "$c"/*.c "$work/"
		else
			cp "$c" "$work/"
		fi
		inputs=()
		for f in "$work"/*.c; do inputs+=("$(basename "$f")"); done
		ran=0

		if compgen -G "$case*.res" >/dev/null || compgen -G "$case/*.res" >/dev/null; then
			ran=1
			mkdir -p "$work/patched"
			cp "$work"/*.c "$work/patched/"
			(cd "$work/patched" && spatch --very-quiet -D patch --in-place \
				--sp-file "$sp" "${opts[@]}" "${inputs[@]}") \
				>"$work/patch.log" 2>&1 || {
				result $group fail "$name: $cname: spatch -D patch ran"
				sed 's/^/#   /' "$work/patch.log" | head -n 20 >>"$RESULTS/$group.tap"
				fails=$((fails + 1))
			}
			for f in "${inputs[@]}"; do
				if [ -d "$c" ]; then want=$c/${f%.c}.res; else want=$case.res; fi
				check "$name: $cname: $f as patched" "$want" "$work/patched/$f"
			done
		fi
		for mode in report context; do
			[ -f "$case.$mode" ] || continue
			ran=1
			(cd "$work" && spatch --very-quiet -D $mode \
				--sp-file "$sp" "${opts[@]}" "${inputs[@]}") \
				>"$work/$mode.raw" 2>"$work/$mode.log" || {
				result $group fail "$name: $cname: spatch -D $mode ran"
				sed 's/^/#   /' "$work/$mode.log" | head -n 20 >>"$RESULTS/$group.tap"
				fails=$((fails + 1))
				continue
			}
			if [ $mode = context ]; then
				# The marked lines, without the diff's file names.
				grep '^-' "$work/$mode.raw" | grep -v '^---' | sort >"$work/$mode.out" || true
			else
				sort "$work/$mode.raw" >"$work/$mode.out"
			fi
			check "$name: $cname: $mode lines" "$case.$mode" "$work/$mode.out"
		done
		if [ $ran = 0 ]; then
			result $group fail "$name: $cname has an expected result (.res, .report or .context)"
			fails=$((fails + 1))
		fi
	done
done
[ $fails = 0 ]
