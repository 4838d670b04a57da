#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Apply the series four ways and check that all four trees are identical:
#   1. quilt push -a of `series` (this is the tree that is built and tested,
#      $BUILD/src/patched);
#   2. git am of each patch file, in series order;
#   3. git am of the generated mboxes, one per mail thread (ci/mbox.sh,
#      `threads`), thread after thread;
#   4. git am of what `b4 am` makes of each thread's mbox, in the same order.
# Each thread must be numbered on its own (0/N..N/N, or one [PATCH]).
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
# The mail threads must cover the series (ci/threads.sh says what is wrong).
if tl=$("$PROJECT/ci/threads.sh" -s "$sdir" 2>"$BUILD/threads.err"); then
	result series ok "threads: $(printf '%s\n' "$tl" | wc -l) mail thread(s) cut the series in order ($(printf '%s\n' "$tl" | cut -f1 | paste -s -d ' '))"
else
	result series fail "threads: the mail threads do not match the series"
	grep '^error' "$BUILD/threads.err" | sed 's/^/# /' >>"$RESULTS/series.tap"
	cat "$BUILD/threads.err" >&2
	exit 1
fi
mdir=${MBOX_DIR:-$BUILD/mbox}
ta=$("$PROJECT/ci/mbox.sh" -s "$sdir" -o "$mdir") || {
	result series fail "git am of the patch files / mbox generation (ci/mbox.sh, ci/threads.sh)"
	exit 1
}
mapfile -t threads <"$mdir/threads"

# Every thread is numbered on its own: [PREFIX 0/N] (its cover letter),
# then [PREFIX 1/N] .. [PREFIX N/N] (zero-padded from 10 patches on), or
# one [PREFIX] patch mailed alone.
bad=0
for th in "${threads[@]}"; do
	subjects=$(grep -h -m1 '^Subject: ' "$mdir/$th"/*.patch | sed 's/^Subject: //')
	nm=$(printf '%s\n' "$subjects" | wc -l)
	if printf '%s\n' "$subjects" | awk -v n="$nm" '
		!match($0, /^\[[^]]*\] /) { bad = 1; next }
		{ b = substr($0, 2, RLENGTH - 3) }
		n == 1 { if (b ~ / [0-9]+\/[0-9]+$/) bad = 1; next }
		{
			# git format-patch pads the number to the width of the
			# total (01/22): compare the numbers, not the text.
			if (!match(b, / [0-9]+\/[0-9]+$/)) { bad = 1; next }
			split(substr(b, RSTART + 1), k, "/")
			if (k[1] + 0 != NR - 1 || k[2] + 0 != n - 1) bad = 1
			p = substr(b, 1, RSTART - 1)
			if (NR > 1 && p != prefix) bad = 1
			prefix = p
		}
		END { exit bad }'; then
		result series ok "thread $th: $nm mail(s), $(printf '%s\n' "$subjects" | sed -n '1s/\] .*/]/p')..$(printf '%s\n' "$subjects" | sed -n '$s/\] .*/]/p')"
	else
		result series fail "thread $th: its mails are not numbered 0/N..N/N (or one [PATCH] alone):"
		printf '%s\n' "$subjects" | sed 's/^/# /' >>"$RESULTS/series.tap"
		bad=1
	fi
done

# amthreads BRANCH MBOX...: git am the mboxes in order on BRANCH (from the
# base); prints the tree, or "failed".
amthreads() {
	local b=$1 m out
	shift
	git -C "$wt" checkout -q -B "$b" base
	for m in "$@"; do
		if ! out=$(gitc -C "$wt" am -q --empty=drop "$m" 2>&1); then
			gitc -C "$wt" am --abort >/dev/null 2>&1 || true
			printf '%s\n' "$out" | sed "s|^|  $(basename "$m"): |" >&2
			echo failed
			return
		fi
	done
	git -C "$wt" rev-parse 'HEAD^{tree}'
}

wt=$(worktree am)
mboxes=()
for th in "${threads[@]}"; do mboxes+=("$mdir/$th.mbox"); done
tm=$(amthreads series-mbox-am "${mboxes[@]}")

b4dir=$BUILD/b4
rm -rf "$b4dir" && mkdir -p "$b4dir"
git -C "$wt" config b4.attestation-policy off
tb=
mbxs=()
for th in "${threads[@]}"; do
	mkdir -p "$b4dir/$th"
	# b4 am stops without a git identity (a new machine has none).
	if (cd "$wt" && with_ci_identity b4 --offline-mode --no-stdin am \
		-m "$mdir/$th.mbox" -o "$b4dir/$th") \
		>"$b4dir/$th.log" 2>&1; then
		mbx=$(ls "$b4dir/$th"/*.mbx 2>/dev/null | head -n 1)
		if [ -n "$mbx" ]; then
			mbxs+=("$mbx")
			continue
		fi
		echo "  $th: b4 wrote no .mbx" >&2
	fi
	sed "s/^/  $th: | /" "$b4dir/$th.log" >&2
	tb=failed
done
[ -n "$tb" ] || tb=$(amthreads series-b4 "${mbxs[@]}")

ok=$bad
n=${#threads[@]}
for pair in "git am of the patch files:$ta" "git am of the $n thread mbox(es), thread after thread,:$tm" \
	"git am of b4 am's output for the $n thread(s), thread after thread,:$tb"; do
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
