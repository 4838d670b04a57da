#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/checkpatch.pl --strict on every patch of the series, with the
# base tree's checkpatch.  Errors, warnings and checks all fail: the
# series is meant to be checkpatch-clean.  A message type may be ignored
# only through ci/checkpatch.ignore, each with its reason.
#
#   ci/checkpatch.sh [-s SERIES_DIR]
. "$(dirname "$0")/lib.sh"

series_dir_opt "ci/checkpatch.sh [-s SERIES_DIR]" "$@"
need perl
tree=$SRC/base
[ -f "$tree/scripts/checkpatch.pl" ] || die "no base snapshot: run ci/base.sh first"
rm -f "$RESULTS/checkpatch.tap"
ignore=$(sed -e 's/#.*//' "$PROJECT/ci/checkpatch.ignore" | awk 'NF { printf "%s%s", sep, $1; sep = "," }')
mapfile -t entries < <(series_entries "$sdir/series")
if [ ${#entries[@]} = 0 ]; then
	result checkpatch skip "checkpatch --strict" "the series is empty"
	exit 0
fi
rc=0
mkdir -p "$BUILD/checkpatch"
for p in "${entries[@]}"; do
	out=$BUILD/checkpatch/$p.txt
	(cd "$tree" && perl scripts/checkpatch.pl --strict --color=never --showfile \
		${ignore:+--ignore "$ignore"} "$sdir/patches/$p") >"$out" 2>&1 || true
	tot=$(grep -E '^total: ' "$out" || echo "total: ? (checkpatch failed)")
	if grep -qE '^total: 0 errors, 0 warnings, (0 checks, )?[0-9]+ lines checked' "$out"; then
		result checkpatch ok "checkpatch --strict $p: $tot"
	else
		result checkpatch fail "checkpatch --strict $p: $tot"
		grep -E '^(ERROR|WARNING|CHECK):' "$out" | sed 's/^/  /' >&2 || cat "$out" >&2
		rc=1
	fi
done
exit $rc
