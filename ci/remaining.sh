#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Keep coccinelle/remaining honest: every get_user_pages*() and
# iov_iter_get_pages*() caller of the patched tree must be listed there,
# with a status and a reason, and every entry must still exist.
#
#   ci/remaining.sh [TREE]     TREE defaults to the quilt tree of make check
#
# Results go to $BUILD/results/remaining.tap.
. "$(dirname "$0")/lib.sh"

tree=${1:-$SRC/patched}
[ -f "$tree/Makefile" ] || die "$tree is not a kernel tree: apply the series first (make check)"
list=$PROJECT/coccinelle/remaining
group=remaining
rm -f "$RESULTS/$group.tap"
calls='get_user_page_vma_remote|get_user_pages|get_user_pages_fast|get_user_pages_unlocked|get_user_pages_remote|get_user_pages_fast_only|iov_iter_get_pages2|iov_iter_get_pages_alloc2'

# The calls in C code of the tree, as "file call" lines: definitions and
# declarations (mm/gup.c, lib/iov_iter.c, include/), tools/ and the text
# of comments and strings are not callers.
found=$(cd "$tree" && git grep -l -E "\\b($calls)\\(" -- '*.c' ':!mm/gup.c' ':!lib/iov_iter.c' \
	':!include/' ':!tools/' ':!Documentation/' ':!samples/' |
	xargs perl -0777 -ne '
		my $f = $ARGV;
		s{/\*.*?\*/}{ }gs; s{//[^\n]*}{}g; s{"(?:\\.|[^"\\])*"}{""}g;
		my %seen;
		while (/\b('"$calls"')\s*\(/g) { print "$f $1\n" unless $seen{$1}++ }' |
	sort -u)
listed=$(sed 's/#.*//' "$list" | awk 'NF >= 4 { print $1, $2 }' | sort -u)

bad=$(sed 's/#.*//' "$list" | awk 'NF && (NF < 4 || $3 !~ /^(keep|convert|net)$/) { print NR": "$0 }')
if [ -n "$bad" ]; then
	result $group fail "every entry of coccinelle/remaining has a file, a call, a status (keep, convert, net) and a reason"
	printf '%s\n' "$bad" | sed 's/^/#   line /' >>"$RESULTS/$group.tap"
else
	result $group ok "every entry of coccinelle/remaining has a file, a call, a status and a reason"
fi
missing=$(comm -23 <(printf '%s\n' "$found") <(printf '%s\n' "$listed"))
stale=$(comm -13 <(printf '%s\n' "$found") <(printf '%s\n' "$listed"))
n=$(printf '%s\n' "$found" | awk 'NF' | wc -l)
if [ -z "$missing" ]; then
	result $group ok "all $n get_user_pages*()/iov_iter_get_pages*() callers of the patched tree are listed"
else
	result $group fail "callers of the patched tree missing from coccinelle/remaining"
	printf '%s\n' "$missing" | sed 's/^/#   /' >>"$RESULTS/$group.tap"
fi
if [ -z "$stale" ]; then
	result $group ok "no entry of coccinelle/remaining is stale"
else
	result $group fail "entries of coccinelle/remaining that the patched tree no longer has"
	printf '%s\n' "$stale" | sed 's/^/#   /' >>"$RESULTS/$group.tap"
fi
[ -z "$missing$stale$bad" ]
