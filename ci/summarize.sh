#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Summarize the TAP lines that the steps left in $BUILD/results/*.tap:
# counts per group, every failure, every skip with its reason, the step and
# boot times, and last the line "N passed, N failed".  Exits 1 when
# anything failed or nothing ran.
. "$(dirname "$0")/lib.sh"

shopt -s nullglob
files=("$RESULTS"/*.tap)
echo
echo "================================ summary ================================"
if [ -f "$TIMES" ]; then
	echo "steps (wall time):"
	awk -F'\t' '{ printf "  %-44s %6s  %s\n", $1, $2, $3 }' "$TIMES"
fi
if [ -f "$BOOTS" ]; then
	echo "guest runs (accelerator, wall time):"
	awk -F'\t' '{ printf "  %-44s %s %6s  %s\n", $1, $2, $3, $4 }' "$BOOTS"
fi
echo "results per group (passed / failed / skipped):"
for f in "${files[@]}"; do
	awk -v g="$(basename "$f" .tap)" '
		/^ok .*# SKIP/ { s++; next } /^ok / { p++ } /^not ok / { f++ }
		END { printf "  %-44s %5d / %d / %d\n", g, p, f, s }' "$f"
done
# (grep the files directly: with pipefail, "cat | grep -q" can fail on SIGPIPE)
if grep -qh '^not ok' "${files[@]}" /dev/null; then
	echo "failed:"
	cat "${files[@]}" | awk '/^not ok/ { show = 1; print "  " $0; next } show && /^#/ { print "  " $0; next } { show = 0 }'
fi
if grep -qh '^ok .*# SKIP' "${files[@]}" /dev/null; then
	echo "skipped, by reason:"
	cat "${files[@]}" | sed -n 's/^ok - \([^:]*\):.*# SKIP \(.*\)/\1: \2/p; t; s/^ok - .*# SKIP \(.*\)/\1/p' |
		sort | uniq -c | sed 's/^/  /'
fi
cat "${files[@]}" /dev/null | awk '
	/^ok .*# SKIP/ { s++; next } /^ok / { p++ } /^not ok / { f++ }
	END {
		printf "skipped: %d (not counted as passed or failed)\n", s
		printf "%d passed, %d failed\n", p, f
		exit (f > 0 || p == 0)
	}'
