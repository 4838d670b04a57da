#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Read and check SERIES_DIR/threads: which patches of `series` are mailed
# together, one thread per merge path (see README.md, "Mailing the series").
#
#   ci/threads.sh [-s SERIES_DIR]
#
# The file is a list of threads, each started by "thread NAME" and followed
# by its settings and its patches, one a line ('#' starts a comment):
#
#   thread NAME          a new thread; NAME: lower case letters, digits, '-'
#   prefix TEXT          the subject prefix: [TEXT n/N] (default: PATCH)
#   cover FILE|none      the cover letter, a file in patches/ whose first
#                        paragraph is the subject; none only for a thread of
#                        one patch, which is then mailed alone as [TEXT]
#   address union        every mail to the union of what get_maintainer.pl
#                        says for each patch of the thread (the default)
#   address per-patch    each patch to what get_maintainer.pl says for that
#                        patch alone, the cover letter to the union
#   NNNN-name.patch      a patch of `series`
#
# The mails are applied thread after thread, so the threads must cut
# `series` into runs of consecutive patches, in order: then every thread,
# applied after the ones before it, gives a tree that `series` gives too.
# Every patch of `series` is in exactly one thread.  Anything else is an
# error, named with its line.
#
# Prints one line per thread, in order, fields separated by tabs:
#   NAME  PREFIX  COVER  ADDRESS  FIRST  LAST  PATCH...
# (FIRST and LAST: the thread's first and last patch as 1-based positions
# in `series`; COVER is a path, or "none"; the patches are separated by
# spaces.)
. "$(dirname "$0")/lib.sh"

series_dir_opt "ci/threads.sh [-s SERIES_DIR]" "$@"
tfile=$sdir/threads
[ -f "$sdir/series" ] || die "$sdir/series does not exist"
[ -f "$tfile" ] || die "$tfile does not exist: it says which patches of the series are mailed together (see README.md)"

mapfile -t entries < <(series_entries "$sdir/series")
declare -A pos=()
for i in "${!entries[@]}"; do
	pos[${entries[$i]}]=$((i + 1))
done

bad=0
err() {
	echo "error: threads line $1: $2" >&2
	bad=1
}

names=() prefixes=() covers=() addresses=() patchlists=() starts=()
declare -A owner=() ownerline=() tseen=()
cur=-1 n=0
while IFS= read -r raw; do
	n=$((n + 1))
	line=${raw%%#*}
	read -r key val <<<"$line" || true
	[ -n "${key:-}" ] || continue
	case $key in
	thread)
		if [[ ! "$val" =~ ^[a-z0-9][a-z0-9-]*$ ]]; then
			err $n "bad thread name '$val' (lower case letters, digits and '-')"
			continue
		fi
		[ -z "${tseen[$val]:-}" ] || err $n "thread '$val' is already defined on line ${tseen[$val]}"
		tseen[$val]=$n
		cur=${#names[@]}
		names+=("$val") prefixes+=(PATCH) covers+=("") addresses+=(union) patchlists+=("") starts+=($n)
		continue
		;;
	esac
	if [ $cur -lt 0 ]; then
		err $n "'$key' before the first 'thread NAME' line"
		continue
	fi
	case $key in
	prefix)
		[ -n "$val" ] || err $n "prefix needs a text (e.g. 'prefix PATCH mm')"
		[[ "$val" != *[][]* ]] || err $n "the prefix must not contain brackets: '$val'"
		prefixes[$cur]=$val
		;;
	cover)
		if [ "$val" = none ]; then
			covers[$cur]=none
		elif [ -z "$val" ] || [[ "$val" = */* ]] || [[ "$val" = *" "* ]]; then
			err $n "cover takes a file name in patches/ or 'none', not '$val'"
		elif [ ! -f "$sdir/patches/$val" ]; then
			err $n "thread '${names[$cur]}': its cover letter patches/$val does not exist"
		elif [ -z "$(sed -n '1{/[^[:space:]]/p}' "$sdir/patches/$val")" ]; then
			err $n "thread '${names[$cur]}': patches/$val must start with its subject line"
		else
			covers[$cur]=$sdir/patches/$val
		fi
		;;
	address)
		case $val in
		union | per-patch) addresses[$cur]=$val ;;
		*) err $n "address is 'union' or 'per-patch', not '$val'" ;;
		esac
		;;
	*.patch)
		[ -z "${val:-}" ] || err $n "one patch a line: '$line'"
		if [ -z "${pos[$key]:-}" ]; then
			if [ -f "$sdir/patches/$key" ]; then
				err $n "thread '${names[$cur]}' names $key, which is not in the series"
			else
				err $n "thread '${names[$cur]}' names $key, which does not exist (not in the series, no patches/$key)"
			fi
		elif [ -n "${owner[$key]:-}" ]; then
			err $n "$key is already in thread '${owner[$key]}' (line ${ownerline[$key]})"
		else
			owner[$key]=${names[$cur]} ownerline[$key]=$n
			patchlists[$cur]+="${patchlists[$cur]:+ }$key"
		fi
		;;
	*)
		err $n "unknown keyword '$key' (thread, prefix, cover, address, or a NNNN-name.patch of the series)"
		;;
	esac
done <"$tfile"

[ ${#names[@]} -gt 0 ] || [ ${#entries[@]} = 0 ] || {
	echo "error: $tfile defines no thread" >&2
	bad=1
}
for i in "${!names[@]}"; do
	read -r -a ps <<<"${patchlists[$i]}"
	if [ ${#ps[@]} = 0 ]; then
		err "${starts[$i]}" "thread '${names[$i]}' has no patch"
	elif [ -z "${covers[$i]}" ]; then
		err "${starts[$i]}" "thread '${names[$i]}' has no 'cover FILE' line ('cover none' for a patch mailed alone)"
	elif [ "${covers[$i]}" = none ] && [ ${#ps[@]} -gt 1 ]; then
		err "${starts[$i]}" "thread '${names[$i]}' has ${#ps[@]} patches: it needs a cover letter, not 'cover none'"
	fi
done
for p in "${entries[@]}"; do
	[ -n "${owner[$p]:-}" ] ||
		{ echo "error: series line $(grep -nxF -m1 -- "$p" "$sdir/series" | cut -d: -f1): $p is in no thread of $tfile" >&2; bad=1; }
done
[ $bad = 0 ] || die "$tfile does not match the series (see above)"

# The threads, one after the other, must list `series` in its order.
k=0
for i in "${!names[@]}"; do
	read -r -a ps <<<"${patchlists[$i]}"
	for p in "${ps[@]}"; do
		if [ "${entries[$k]}" != "$p" ]; then
			echo "error: threads line ${ownerline[$p]}: $p comes in thread '${names[$i]}' where series has ${entries[$k]} (in thread '${owner[${entries[$k]}]}')" >&2
			die "the threads must cut the series into runs of consecutive patches, in series order: the mails are applied thread after thread, and only the order of series is tested"
		fi
		k=$((k + 1))
	done
done

k=0
for i in "${!names[@]}"; do
	read -r -a ps <<<"${patchlists[$i]}"
	printf '%s\t%s\t%s\t%s\t%d\t%d\t%s\n' "${names[$i]}" "${prefixes[$i]}" "${covers[$i]}" \
		"${addresses[$i]}" $((k + 1)) $((k + ${#ps[@]})) "${patchlists[$i]}"
	k=$((k + ${#ps[@]}))
done
