#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Apply the series four ways and check that all four trees are identical:
#   1. quilt push -a of `series` (this is the tree that is built and tested,
#      $BUILD/src/patched);
#   2. git am of each patch file, in series order;
#   3. git am of the generated mbox (cover letter + patches, ci/mbox.sh);
#   4. git am of what `b4 am` makes of that mbox.
#
#   ci/identity.sh [-s SERIES_DIR]
#
# Results go to $BUILD/results/series.tap.
. "$(dirname "$0")/lib.sh"

series_dir_opt "ci/identity.sh [-s SERIES_DIR]" "$@"
rm -f "$RESULTS/series.tap"
n=$(series_entries "$sdir/series" | wc -l)

if ! tq=$("$PROJECT/ci/apply.sh" -s "$sdir" patched); then
	result series fail "quilt push -a of the $n-patch series onto the base"
	exit 1
fi
result series ok "quilt push -a of the $n-patch series onto the base (tree $tq)"

if [ "$n" = 0 ]; then
	result series skip "git am, mbox and b4 am give the quilt tree" "the series is empty"
	exit 0
fi

need b4
ta=$("$PROJECT/ci/mbox.sh" -s "$sdir" -o "${MBOX_DIR:-$BUILD/mbox}") || {
	result series fail "git am of the patch files / mbox generation"
	exit 1
}
mbox=${MBOX_DIR:-$BUILD/mbox}/series.mbox

wt=$(worktree am)
git -C "$wt" checkout -q -B series-mbox-am base
if out=$(gitc -C "$wt" am -q --empty=drop "$mbox" 2>&1); then
	tm=$(git -C "$wt" rev-parse 'HEAD^{tree}')
else
	printf '%s\n' "$out" | sed 's/^/  | /' >&2
	tm=failed
fi

b4dir=$BUILD/b4
rm -rf "$b4dir" && mkdir -p "$b4dir"
git -C "$wt" checkout -q -B series-b4 base
git -C "$wt" config b4.attestation-policy off
tb=failed
if (cd "$wt" && b4 --offline-mode --no-stdin am -m "$mbox" -o "$b4dir") \
	>"$b4dir/b4.log" 2>&1; then
	mbx=$(ls "$b4dir"/*.mbx 2>/dev/null | head -n 1)
	if [ -n "$mbx" ] && out=$(gitc -C "$wt" am -q "$mbx" 2>&1); then
		tb=$(git -C "$wt" rev-parse 'HEAD^{tree}')
	else
		printf '%s\n' "${out:-b4 wrote no .mbx}" | sed 's/^/  | /' >&2
	fi
else
	sed 's/^/  | /' "$b4dir/b4.log" >&2
fi

ok=0
for pair in "git am of the patch files:$ta" "git am of the generated mbox:$tm" \
	"git am of b4 am's output:$tb"; do
	what=${pair%%:*} t=${pair##*:}
	if [ "$t" = "$tq" ]; then
		result series ok "$what gives the quilt tree"
	else
		result series fail "$what gives the quilt tree (quilt $tq, got $t)"
		[ "$t" = failed ] || git -C "$wt" diff --stat "$tq" "$t" >&2
		ok=1
	fi
done
exit $ok
