#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regenerate the generated patches of the series (coccinelle/generated) and
# fail on drift.  The series is applied with git am, one patch at a time,
# on a checkout of the base; before each generated patch, its semantic
# patches are run (in the order listed, each over all its files at once, so
# that members and helpers are followed across them) with the options of
# their "// Options:" line, or its file is copied in ("copy:NAME" installs
# coccinelle/NAME.cocci).  The tree that gives must be the tree the patch
# gives.
#
#   ci/cocci-gen.sh [-s SERIES_DIR] [--write]
#
# --write: when a patch drifted, rewrite its diff from the regenerated tree
# and keep its message and author (then check the rest of the series again).
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

# regen PATCH: apply what generates PATCH to the work tree and print the
# tree object it gives; the work tree is left as it was.
regen() {
	local p=$1 h sp opts f tree
	read -r -a fs <<<"${files[$p]}"
	IFS=, read -r -a hs <<<"${how[$p]}"
	for h in "${hs[@]}"; do
		case $h in
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
