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
# checkpatch runs scripts/spdxcheck.py with the python3 of PATH; Debian's
# has the ply and git modules it needs (ci/packages), a python3 of one's own
# (pyenv, a venv) may not, and then the SPDX tags go unchecked.
py=python3
[ ! -x /usr/bin/python3 ] || py=/usr/bin/python3
if ! "$py" -c 'import ply, git' 2>/dev/null; then
	warn "$py lacks the ply or git module: checkpatch cannot check SPDX tags (make setup installs them)"
fi
pybin=$(mktemp -d "${TMPDIR:-/tmp}/foll-pin-py.XXXXXX")
trap 'rm -rf "$pybin"' EXIT
ln -s "$(command -v "$py")" "$pybin/python3"
for p in "${entries[@]}"; do
	out=$BUILD/checkpatch/$p.txt
	(cd "$tree" && PATH=$pybin:$PATH perl scripts/checkpatch.pl --strict --color=never --showfile \
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
