#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Apply the series with quilt to a fresh checkout of the base snapshot.
#
#   ci/apply.sh [-s SERIES_DIR] [-n COUNT] NAME
#
# Checks out $BUILD/src/NAME from the base, pushes the first COUNT patches
# (default all) of SERIES_DIR/series (default: the project's) and prints
# the resulting git tree hash.  A patch that does not apply is named with
# the file and hunk that failed; the checkout is then left at the base.
. "$(dirname "$0")/lib.sh"

sdir=$PROJECT count=
while getopts s:n: o; do
	case $o in
	s) sdir=$(cd "$OPTARG" && pwd) ;;
	n) count=$OPTARG ;;
	*) die "usage: ci/apply.sh [-s SERIES_DIR] [-n COUNT] NAME" ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 1 ] || die "usage: ci/apply.sh [-s SERIES_DIR] [-n COUNT] NAME"
need quilt git patch
"$PROJECT/ci/series.sh" "$sdir" 2>&1 | grep -v '^==>' >&2 || true
"$PROJECT/ci/series.sh" "$sdir" >/dev/null 2>&1 || die "not applying a malformed series"

wt=$(worktree "$1")
mapfile -t entries < <(series_entries "$sdir/series")
[ -n "$count" ] || count=${#entries[@]}
[ "$count" -le ${#entries[@]} ] || die "apply: -n $count, but the series has ${#entries[@]} patches"

qlog=$(mktemp)
trap 'rm -f "$qlog"' EXIT
i=0
while [ $i -lt "$count" ]; do
	p=${entries[$i]}
	if ! (cd "$wt" && QUILT_PATCHES="$sdir/patches" QUILT_SERIES="$sdir/series" \
		QUILT_PC=.pc quilt --quiltrc=- push "$p") >"$qlog" 2>&1; then
		git -C "$wt" reset -q --hard base && git -C "$wt" clean -qfdx
		# Name the file and hunk: "patching file F" precedes its hunks.
		where=$(awk '
			/^patching file / { f = $3 }
			/^can.t find file to patch/ { print "a file it patches does not exist"; n++ }
			/^Hunk #[0-9]+ FAILED/ { printf "%s: %s\n", f, $0; n++ }
			/^The next patch would create the file/ { print $0; n++ }
			END { if (!n) print "quilt failed (output below)" }' "$qlog")
		echo "error: patch $((i + 1))/${#entries[@]}, patches/$p, does not apply to the base:" >&2
		printf '  %s\n' "$where" >&2
		echo "quilt said:" >&2
		sed 's/^/  | /' "$qlog" >&2
		exit 1
	fi
	i=$((i + 1))
done
rm -rf "$wt/.pc"
tree_hash "$wt"
