#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regenerate the generated patches of the series (coccinelle/generated) and
# fail on drift.  The series is applied with git am, one patch at a time,
# on a checkout of the base; before each generated patch, its semantic
# patches are run (in the order listed, each over all its files at once, so
# that members and helpers are followed across them) with the options of
# their "// Options:" line, or its file is copied in ("copy:NAME" installs
# coccinelle/NAME.cocci).  A last "fixup:NAME" applies the hand-written
# diff coccinelle/fixups/NAME.diff on top of what the semantic patches gave
# (strings, comments, or a change no semantic patch should make); the
# patch's message must name that file.  The tree that gives must be the
# tree the patch gives.
#
#   ci/cocci-gen.sh [-s SERIES_DIR] [--write]
#
# --write: when a patch drifted, rewrite its diff from the regenerated tree
# and keep its message and author (then check the rest of the series
# again); a fix-up diff that applies only with an offset or fuzz is
# rewritten against what the semantic patches give now.  A fix-up that does
# not apply at all is mended by hand.
# Results go to $BUILD/results/generated.tap.
. "$(dirname "$0")/lib.sh"

write=0 args=()
for a in "$@"; do
	case $a in
	--write) write=1 ;;
	*) args+=("$a") ;;
	esac
done
series_dir_opt "ci/cocci-gen.sh [-s SERIES_DIR] [--write]" "${args[@]}"
need git spatch
group=generated
rm -f "$RESULTS/$group.tap"
fails=0
list=$sdir/coccinelle/generated
[ -f "$list" ] || die "no $list: nothing says which patches are generated"

declare -A how files
while read -r p h f; do
	how[$p]=$h files[$p]=$f
	in_series=0
	while read -r e; do [ "$e" = "$p" ] && in_series=1; done < <(series_entries "$sdir/series")
	[ $in_series = 1 ] || die "coccinelle/generated names $p, which is not in the series"
done < <(sed 's/#.*//' "$list" | awk 'NF')

# Every converted file is compiled by an "objects" row (ci/objects), so
# that each conversion is known to build.
for p in "${!how[@]}"; do
	case ${how[$p]} in copy:*) continue ;; esac
	for f in ${files[$p]}; do
		if sed 's/#.*//' "$PROJECT/ci/objects" | grep -qw -- "${f%.c}.o"; then
			result $group ok "${f%.c}.o of $p is compiled by an objects row"
		else
			result $group fail "${f%.c}.o of $p is compiled by an objects row (add it to ci/objects)"
			fails=$((fails + 1))
		fi
	done
done

wt=$(worktree cocci)
git -C "$wt" checkout -q -B cocci-gen base

# fixup PATCH NAME: apply coccinelle/fixups/NAME.diff to the work tree, on
# top of what the semantic patches gave.  It must apply exactly (no offset,
# no fuzz); with --write, one that needs an offset or fuzz is applied with
# patch(1) and rewritten from the trees before and after it.
fixup() {
	local p=$1 name=$2 fd before t f ok out
	fd=$sdir/coccinelle/fixups/$name.diff
	[ -f "$fd" ] || die "$p: no fix-up diff $fd"
	grep -qF "coccinelle/fixups/$name.diff" "$sdir/patches/$p" ||
		die "$p: its message must say that coccinelle/fixups/$name.diff is the hand-written part"
	while read -r t; do
		ok=0
		for f in "${fs[@]}"; do [ "$f" = "$t" ] && ok=1; done
		[ $ok = 1 ] || die "$p: coccinelle/fixups/$name.diff changes $t, which coccinelle/generated does not list for it"
	done < <(git -C "$wt" apply --numstat "$fd" | cut -f3)
	for f in "${fs[@]}"; do git -C "$wt" add -f -- "$f"; done
	before=$(git -C "$wt" write-tree)
	if out=$(cd "$wt" && patch -p1 --dry-run -F0 --no-backup-if-mismatch <"$fd" 2>&1) &&
		! printf '%s\n' "$out" | grep -q 'offset\|fuzz'; then
		git -C "$wt" apply "$fd"
		return 0
	fi
	if [ $write = 1 ] && (cd "$wt" && patch -p1 -s -F3 --no-backup-if-mismatch <"$fd") >&2; then
		for f in "${fs[@]}"; do git -C "$wt" add -f -- "$f"; done
		git -C "$wt" diff --no-color --no-ext-diff --full-index "$before" "$(git -C "$wt" write-tree)" >"$fd"
		log "$p: coccinelle/fixups/$name.diff rewritten against what the semantic patches give"
		return 0
	fi
	printf '%s\n' "$out" | sed 's/^/  | /' >&2
	[ $write = 1 ] && die "$p: coccinelle/fixups/$name.diff does not apply to what the semantic patches give (output above): mend it by hand"
	die "$p: coccinelle/fixups/$name.diff does not apply exactly to what the semantic patches give (output above; ci/cocci-gen.sh --write rewrites one that applies with an offset or fuzz)"
}

# regen PATCH: apply what generates PATCH to the work tree and print the
# tree object it gives; the work tree is left as it was.
regen() {
	local p=$1 h sp opts f tree i=0
	read -r -a fs <<<"${files[$p]}"
	IFS=, read -r -a hs <<<"${how[$p]}"
	for h in "${hs[@]}"; do
		i=$((i + 1))
		case $h in
		fixup:*)
			[ $i = ${#hs[@]} ] || die "$p: fixup:… must come last in coccinelle/generated"
			fixup "$p" "${h#fixup:}"
			;;
		copy:*)
			sp=$sdir/coccinelle/${h#copy:}.cocci
			[ -f "$sp" ] || die "$p: no $sp to copy"
			[ ${#fs[@]} = 1 ] || die "$p: copy:… installs exactly one file"
			mkdir -p "$wt/$(dirname "${fs[0]}")"
			cp "$sp" "$wt/${fs[0]}"
			;;
		*)
			sp=$sdir/coccinelle/$h.cocci
			[ -f "$sp" ] || die "$p: no semantic patch $sp"
			read -r -a opts <<<"$(cocci_opts "$sp")"
			(cd "$wt" && spatch --very-quiet -D patch --in-place \
				--sp-file "$sp" "${opts[@]}" "${fs[@]}") >"$BUILD/logs/cocci-gen.log" 2>&1 || {
				sed 's/^/  | /' "$BUILD/logs/cocci-gen.log" >&2
				die "$p: spatch of coccinelle/$h.cocci failed (output above)"
			}
			;;
		esac
	done
	for f in "${fs[@]}"; do git -C "$wt" add -f -- "$f"; done
	tree=$(git -C "$wt" write-tree)
	git -C "$wt" reset -q --hard HEAD
	echo "$tree"
}

mkdir -p "$BUILD/logs"
while read -r p; do
	want=
	if [ -n "${how[$p]:-}" ] && ! want=$(regen "$p"); then
		result $group fail "patches/$p regenerated from ${how[$p]}"
		exit 1
	fi
	if ! out=$(gitc -C "$wt" am -q "$sdir/patches/$p" 2>&1); then
		gitc -C "$wt" am --abort >/dev/null 2>&1 || true
		printf '%s\n' "$out" | sed 's/^/  | /' >&2
		result $group fail "git am of patches/$p before the generated patches after it"
		exit 1
	fi
	[ -n "$want" ] || continue
	got=$(git -C "$wt" rev-parse 'HEAD^{tree}')
	desc="patches/$p is what ${how[$p]} gives"
	if [ "$got" = "$want" ]; then
		result $group ok "$desc"
		continue
	fi
	if [ "$(git -C "$wt" rev-parse 'HEAD^^{tree}')" = "$want" ]; then
		log "$p: the semantic patches change nothing on the tree before it"
	fi
	git -C "$wt" --no-pager diff --stat "$got" "$want" >&2
	git -C "$wt" --no-pager diff "$got" "$want" | head -n 60 | sed 's/^/  | /' >&2
	if [ $write = 1 ]; then
		git -C "$wt" read-tree -u --reset "$want"
		gitc -C "$wt" commit -q --amend --no-edit --allow-empty
		git -C "$wt" format-patch -q -1 --stdout HEAD >"$sdir/patches/$p"
		result $group ok "$desc (patch file rewritten)"
	else
		result $group fail "$desc (drifted: diff above; ci/cocci-gen.sh --write rewrites it)"
		fails=$((fails + 1))
	fi
done < <(series_entries "$sdir/series")
[ $fails = 0 ]
