#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Turn the series into mail: one thread per merge path, as `threads` says
# (ci/threads.sh), each a cover letter and numbered patches (or one patch
# mailed alone), with To/Cc from scripts/get_maintainer.pl run against
# MAINTAINERS with the project's MAINTAINERS.snippet merged in.
#
#   ci/mbox.sh [-s SERIES_DIR] [-o OUTDIR]
#
# The patches are applied with `git am` (so their authors and messages are
# kept) on a checkout of the base, all of `series` in order; then, for the
# K-th thread NAME, `git format-patch` of its run of commits writes
# OUTDIR/K-NAME/00NN-*.patch and OUTDIR/K-NAME.mbox (its mails, in order).
# OUTDIR/threads lists the K-NAME of every thread, in the order in which
# they apply.  A thread's cover letter is its "cover" file: the first
# paragraph is the subject.
#
# Recipients: get_maintainer.pl is run on each patch alone; its
# maintainers go to To, its reviewers and lists to Cc (someone who is To
# of one patch is not Cc of the thread).  "address union" threads send
# every mail to the union over their patches; "address per-patch" threads
# send each patch to its own recipients and the cover letter to the union.
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
case "$outdir" in /*) ;; *) outdir=$PWD/$outdir ;; esac
need git perl
"$PROJECT/ci/series.sh" "$sdir" >/dev/null
mapfile -t entries < <(series_entries "$sdir/series")
[ ${#entries[@]} -gt 0 ] || die "the series is empty: there is nothing to mail"
threads=$("$PROJECT/ci/threads.sh" -s "$sdir") || die "no mail without a valid $sdir/threads"
mapfile -t threads <<<"$threads"

wt=$(worktree am)
git -C "$wt" checkout -q -B series-mbox base
commits=()
for p in "${entries[@]}"; do
	out=$(gitc -C "$wt" am -q "$sdir/patches/$p" 2>&1) || {
		gitc -C "$wt" am --abort >/dev/null 2>&1 || true
		printf '%s\n' "$out" | sed 's/^/  | /' >&2
		die "git am of patches/$p failed (output above)"
	}
	commits+=("$(git -C "$wt" rev-parse HEAD)")
done
tree=$(git -C "$wt" rev-parse 'HEAD^{tree}')

# MAINTAINERS with the snippet's section inserted in sorted position
# (MAINTAINERS sorts its section titles without regard to case).
maint=$BUILD/MAINTAINERS.merged
mkdir -p "$BUILD"
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
			    toupper(lines[i]) > toupper(title) && lines[i] != "THE REST")
				emit_snippet()
			if (!done && lines[i] == "THE REST")
				emit_snippet()
			print lines[i]
		}
		if (!done) { print ""; emit_snippet() }
	}' "$wt/MAINTAINERS" >"$maint"

# gm OPTIONS... PATCH: get_maintainer.pl's addresses for one patch, one a
# line.  (It leaves an empty entry for a list given with a name, as
# "L: Team name <list@...>": drop it, git send-email refuses it.)
# --no-fixes: the signers of a Fixes: commit come from git history,
# which a base made from a tarball does not have (git would fail on the
# commit id); the Fixes: patches name their people in the message.
gm() {
	(cd "$wt" && perl scripts/get_maintainer.pl --mpath "$maint" --no-git \
		--no-git-fallback --no-fixes --no-rolestats --multiline "$@") | sed '/^[[:space:]]*$/d'
}
# merge FILE...: the addresses of the files, each once (by its address,
# case-insensitively), in the order first seen.
merge() {
	cat "$@" /dev/null | awk '{
		a = $0
		if (match(a, /<[^>]*>/)) a = substr(a, RSTART + 1, RLENGTH - 2)
		a = tolower(a)
		if (!seen[a]++) print
	}'
}
# minus A B: the addresses of file A that are not in file B (B may be
# empty, so B's lines are told apart by the file name, not by FNR == NR).
minus() {
	awk 'FILENAME == ARGV[1] { if (match($0, /<[^>]*>/)) $0 = substr($0, RSTART + 1, RLENGTH - 2); drop[tolower($0)] = 1; next }
	{ a = $0; if (match(a, /<[^>]*>/)) a = substr(a, RSTART + 1, RLENGTH - 2); if (!drop[tolower(a)]) print }' "$2" "$1"
}
# joined FILE: its lines as one header value.
joined() { awk 'NR > 1 { printf ", " } { printf "%s", $0 } END { print "" }' "$1"; }

addr=$BUILD/mbox-addr
rm -rf "$addr"
mkdir -p "$addr"
for i in "${!entries[@]}"; do
	p=${entries[$i]}
	gm --no-r --no-l "$sdir/patches/$p" >"$addr/$i.to" || die "get_maintainer.pl failed on patches/$p"
	gm --no-m "$sdir/patches/$p" >"$addr/$i.cc.all" || die "get_maintainer.pl failed on patches/$p"
	minus "$addr/$i.cc.all" "$addr/$i.to" >"$addr/$i.cc"
	[ -s "$addr/$i.to" ] || [ -s "$addr/$i.cc" ] ||
		die "get_maintainer.pl found no recipients for patches/$p; check MAINTAINERS.snippet"
done

# readdress MAIL TOFILE CCFILE: set the To and Cc headers of MAIL (one
# mail, headers unfolded); with no maintainer, the Cc list becomes To.
readdress() {
	local to cc
	to=$(joined "$2") cc=$(joined "$3")
	if [ -z "$to" ]; then
		to=$cc cc=
	fi
	TO=$to CC=$cc perl -i -ne '
		if ($hdr) {
			next if /^(To|Cc):/i;
			if (/^\r?\n$/) {
				print "To: $ENV{TO}\n";
				print "Cc: $ENV{CC}\n" if length $ENV{CC};
				$hdr = 0;
			}
		}
		$hdr = 1 if $. == 1;
		print;' "$1"
}

rm -rf "$outdir"
mkdir -p "$outdir"
k=0
for t in "${threads[@]}"; do
	IFS=$'\t' read -r name prefix cover address first last plist <<<"$t"
	k=$((k + 1))
	dir=$outdir/$k-$name
	mkdir -p "$dir"
	tmp=$dir.tmp
	rm -rf "$tmp"
	# The thread's recipients: the union over its patches.
	tos=() ccs=()
	for i in $(seq $((first - 1)) $((last - 1))); do
		tos+=("$addr/$i.to") ccs+=("$addr/$i.cc")
	done
	merge "${tos[@]}" >"$addr/t$k.to"
	merge "${ccs[@]}" >"$addr/t$k.cc.all"
	minus "$addr/t$k.cc.all" "$addr/t$k.to" >"$addr/t$k.cc"

	args=(--thread=shallow --subject-prefix="$prefix" -o "$tmp")
	branch=thread-$k
	git -C "$wt" branch -q -f "$branch" "${commits[$((last - 1))]}"
	if [ "$cover" != none ]; then
		git -C "$wt" config "branch.$branch.description" "$(cat "$cover")"
		args+=(--cover-letter --cover-from-description=subject)
	fi
	# The cover letter is from the author of the thread's patches (git
	# takes it from the committer identity, which a new machine lacks).
	git -c user.name="$(git -C "$wt" log -1 --format=%an "${commits[$((first - 1))]}")" \
		-c user.email="$(git -C "$wt" log -1 --format=%ae "${commits[$((first - 1))]}")" \
		-C "$wt" format-patch -q "${args[@]}" "${commits[$((first - 1))]}^..$branch"
	mails=("$tmp"/*.patch)
	off=0
	[ "$cover" = none ] || off=1
	[ ${#mails[@]} = $((last - first + 1 + off)) ] ||
		die "thread $name: git format-patch wrote ${#mails[@]} mails for $((last - first + 1)) patches"
	for n in "${!mails[@]}"; do
		m=$dir/$(basename "${mails[$n]}")
		"$PROJECT/ci/unfold-headers.pl" "${mails[$n]}" >"$m"
		if [ $n -lt $off ] || [ "$address" = union ]; then
			readdress "$m" "$addr/t$k.to" "$addr/t$k.cc"
		else
			i=$((first - 1 + n - off))
			readdress "$m" "$addr/$i.to" "$addr/$i.cc"
		fi
	done
	rm -rf "$tmp"
	cat "$dir"/*.patch >"$dir.mbox"
	echo "$k-$name" >>"$outdir/threads"
	log "mbox: thread $k, $name: $dir.mbox ($(ls "$dir"/*.patch | wc -l) mails, $address;" \
		"To: $(joined "$addr/t$k.to"); Cc: $(joined "$addr/t$k.cc"))"
done
echo "$tree"
