#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the checker the series installs
# (scripts/coccinelle/api/pin_user_pages_mismatch.cocci) in report mode over
# the patched tree: every directory with a C file that calls
# get_user_pages*(), pin_user_pages*(), {get,pin}_user_page_vma_remote()
# or unpin_user_page*(), or names FOLL_PIN or FOLL_GET, all files of a
# directory in one spatch run (the checker follows struct members across
# the files of a directory).  The report must be empty.  `make coccicheck
# MODE=report COCCI=...` over the tree gives the same reports, in much more
# time (one directory at a time: see coccinelle/README.md).
#
#   ci/checker.sh [TREE]     TREE defaults to the quilt tree of make check
#
# Results go to $BUILD/results/checker.tap.
. "$(dirname "$0")/lib.sh"

tree=${1:-$SRC/patched}
[ -f "$tree/Makefile" ] || die "$tree is not a kernel tree: apply the series first (make check)"
need spatch
group=checker
rm -f "$RESULTS/$group.tap"
sp=scripts/coccinelle/api/pin_user_pages_mismatch.cocci
if [ ! -f "$tree/$sp" ]; then
	result $group fail "the series installs $sp"
	exit 1
fi
read -r -a opts <<<"$(cocci_opts "$tree/$sp")"
report=$RESULTS/checker-report.txt
mkdir -p "$RESULTS"
: >"$report"

mapfile -t dirs < <(cd "$tree" && grep -rlE --include='*.c' --exclude-dir=tools \
	--exclude-dir=Documentation --exclude-dir=.pc \
	'\b((get|pin)_user_pages(_fast|_unlocked|_remote|_fast_only)?|(get|pin)_user_page_vma_remote|unpin_user_pages?(_dirty_lock)?)\(|\bFOLL_(PIN|GET)\b' . |
	sed 's|^\./||' | xargs -r -n1 dirname | sort -u)
[ ${#dirs[@]} -gt 0 ] || die "no callers found in $tree: is it a kernel tree?"
failed=0
for d in "${dirs[@]}"; do
	(cd "$tree" && spatch --very-quiet -D report --sp-file "$sp" "${opts[@]}" "$d"/*.c) \
		>>"$report" 2>"$RESULTS/checker.err" || {
		failed=$((failed + 1))
		sed "s|^|#   $d: |" "$RESULTS/checker.err" | head -n 5 >>"$RESULTS/$group.tap"
	}
done
n=$(grep -c . "$report" || true)
if [ "$failed" = 0 ]; then
	result $group ok "the checker ran over ${#dirs[@]} directories of the patched tree"
else
	result $group fail "the checker ran over ${#dirs[@]} directories of the patched tree ($failed failed)"
fi
if [ "$n" = 0 ]; then
	result $group ok "the checker reports no mismatched pin/unpin pair and no FOLL_PIN/FOLL_GET from callers"
else
	result $group fail "the checker reports $n lines over the patched tree (in $report)"
	sed 's/^/#   /' "$report" >>"$RESULTS/$group.tap"
fi
[ "$failed" = 0 ] && [ "$n" = 0 ]
