#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Turn the series into mail: a cover letter and numbered patches, with
# To/Cc from scripts/get_maintainer.pl run against MAINTAINERS with the
# project's MAINTAINERS.snippet merged in.
#
#   ci/mbox.sh [-s SERIES_DIR] [-o OUTDIR]
#
# The patches are applied with `git am` (so their authors and messages are
# kept) on a checkout of the base, then `git format-patch --cover-letter`
# writes OUTDIR/00NN-*.patch and OUTDIR/series.mbox (all of them, in
# order).  The cover letter is patches/cover-letter.txt: its first
# paragraph is the subject.  SUBJECT_PREFIX defaults to "PATCH".
# Prints the git tree hash that `git am` of the patches produced.
. "$(dirname "$0")/lib.sh"

sdir=$PROJECT outdir=$BUILD/mbox
while getopts s:o: o; do
	case $o in
	s) sdir=$(cd "$OPTARG" && pwd) ;;
	o) outdir=$OPTARG ;;
	*) die "usage: ci/mbox.sh [-s SERIES_DIR] [-o OUTDIR]" ;;
	esac
done
need git perl
"$PROJECT/ci/series.sh" "$sdir" >/dev/null
mapfile -t entries < <(series_entries "$sdir/series")
[ ${#entries[@]} -gt 0 ] || die "the series is empty: there is nothing to mail"
cover=$sdir/patches/cover-letter.txt
[ -f "$cover" ] || die "no cover letter: write $cover (first paragraph: the subject)"

wt=$(worktree am)
git -C "$wt" checkout -q -B series-mbox base
for p in "${entries[@]}"; do
	out=$(gitc -C "$wt" am -q "$sdir/patches/$p" 2>&1) || {
		gitc -C "$wt" am --abort >/dev/null 2>&1 || true
		printf '%s\n' "$out" | sed 's/^/  | /' >&2
		die "git am of patches/$p failed (output above)"
	}
done
tree=$(git -C "$wt" rev-parse 'HEAD^{tree}')

# MAINTAINERS with the snippet's section inserted in sorted position.
maint=$BUILD/MAINTAINERS.merged
title=$(grep -m1 -v '^[[:space:]]*$' "$PROJECT/MAINTAINERS.snippet")
awk -v title="$title" -v snip="$PROJECT/MAINTAINERS.snippet" '
	function emit_snippet(   l) {
		while ((getline l < snip) > 0) print l
		print ""
		done = 1
	}
	{ lines[NR] = $0 }
	END {
		for (i = 1; i <= NR; i++) {
			if (!done && lines[i - 1] == "" && lines[i + 1] ~ /^[A-Z]:\t/ &&
			    lines[i] > title && lines[i] != "THE REST")
				emit_snippet()
			if (!done && lines[i] == "THE REST")
				emit_snippet()
			print lines[i]
		}
		if (!done) { print ""; emit_snippet() }
	}' "$wt/MAINTAINERS" >"$maint"

mapfile -t pfiles < <(cd "$sdir/patches" && printf '%s\n' "${entries[@]/#/$sdir/patches/}")
# (get_maintainer.pl leaves an empty entry for a list given with a name,
# as "L: Team name <list@...>": drop it, git send-email refuses it.)
gm() {
	(cd "$wt" && perl scripts/get_maintainer.pl --mpath "$maint" --no-git \
		--no-git-fallback --no-rolestats --no-multiline --separator ", " \
		"$@" "${pfiles[@]}") | sed -e 's/\(, \)\{2,\}/, /g' -e 's/^, //' -e 's/, $//'
}
to=$(gm --no-r --no-l) || die "get_maintainer.pl failed"
cc=$(gm --no-m) || die "get_maintainer.pl failed"
if [ -z "$to" ]; then
	to=$cc cc=
fi
[ -n "$to" ] || die "get_maintainer.pl found no recipients; check MAINTAINERS.snippet"

git -C "$wt" config branch.series-mbox.description "$(cat "$cover")"
rm -rf "$outdir"
mkdir -p "$outdir"
args=(--cover-letter --cover-from-description=subject --thread=shallow
	--subject-prefix="${SUBJECT_PREFIX:-PATCH}" --to="$to" -o "$outdir.tmp")
[ -z "$cc" ] || args+=(--cc="$cc")
rm -rf "$outdir.tmp"
git -C "$wt" format-patch -q "${args[@]}" base..series-mbox
for f in "$outdir.tmp"/*.patch; do
	"$PROJECT/ci/unfold-headers.pl" "$f" >"$outdir/$(basename "$f")"
done
rm -rf "$outdir.tmp"
cat "$outdir"/*.patch >"$outdir/series.mbox"
log "mbox: $outdir/series.mbox ($(ls "$outdir"/0*.patch | wc -l) mails; To: $to; Cc: ${cc:-none})"
echo "$tree"
