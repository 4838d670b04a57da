#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Check that a series directory is well formed before anything uses it.
#
#   ci/series.sh [SERIES_DIR]
#
# SERIES_DIR (default: the project) holds `series` and patches/.  Every
# entry must name a file in patches/ that is a git format-patch mail, no
# entry may repeat, and every patches/*.patch must be in the series.
. "$(dirname "$0")/lib.sh"

sdir=${1:-$PROJECT}
series=$sdir/series
[ -f "$series" ] || die "$series does not exist"
bad=0
n=0
declare -A seen=()
while IFS= read -r line; do
	n=$((n + 1))
	entry=${line%%#*}
	entry=$(echo "$entry" | awk '{ print $1 }')
	[ -n "$entry" ] || continue
	p=$sdir/patches/$entry
	if [ -n "${seen[$entry]:-}" ]; then
		echo "error: series line $n: $entry is listed twice (first on line ${seen[$entry]})" >&2
		bad=1
	elif [ ! -f "$p" ]; then
		echo "error: series line $n: patches/$entry does not exist" >&2
		bad=1
	elif ! grep -q '^Subject: ' "$p" || ! grep -q '^diff --git ' "$p"; then
		echo "error: series line $n: patches/$entry is not a git format-patch mail (no Subject: or no diff)" >&2
		bad=1
	fi
	seen[$entry]=$n
done <"$series"
for p in "$sdir"/patches/*.patch; do
	[ -e "$p" ] || continue
	[ -n "${seen[$(basename "$p")]:-}" ] || {
		echo "error: $p is not listed in $series" >&2
		bad=1
	}
done
[ $bad = 0 ] || die "the series in $sdir is malformed (see above)"
log "series: ${#seen[@]} patches"
