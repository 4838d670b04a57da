#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bisect`: build the tree after each patch of the series with every
# row of the "bisect" set of ci/matrix (the base image and the objects of
# the converted callers), so that every patch is known to build on its
# own.  One O= directory per row is reused, so each step rebuilds only
# what the patch touched.
#
# FROM=N resumes at patch N: the first build is of patches 1..N applied
# (every row from scratch unless its O= directory is there), then one
# build per patch as usual.  Patches before N are not built on their own.
. "$(dirname "$0")/lib.sh"

mapfile -t rows < <(matrix_rows bisect)
[ ${#rows[@]} -gt 0 ] || die "ci/matrix has no row in the bisect set"
"$PROJECT/ci/series.sh" >/dev/null
mapfile -t entries < <(series_entries "$PROJECT/series")
if [ ${#entries[@]} = 0 ]; then
	log "the series is empty: nothing to bisect"
	exit 0
fi
from=${FROM:-1}
case $from in
'' | *[!0-9]* | 0*)
	die "FROM=$from: give the number of the patch to start at, 1 to ${#entries[@]}" ;;
esac
[ "$from" -le ${#entries[@]} ] ||
	die "FROM=$from, but the series has ${#entries[@]} patches"
own_results "$BUILD/bisect"
step "base tree" "$PROJECT/ci/base.sh"
if [ "$from" != 1 ]; then
	log "FROM=$from: patches 1-$((from - 1)) are applied, not built on their own"
	for i in $(seq 1 $((from - 1))); do
		result bisect skip "patch $i/${#entries[@]}" "${entries[$((i - 1))]} not built on its own (FROM=$from)"
	done
fi
rc=0
for i in $(seq "$from" ${#entries[@]}); do
	p=${entries[$((i - 1))]}
	if ! "$PROJECT/ci/apply.sh" -n "$i" bisect >/dev/null; then
		result bisect fail "patch $i/${#entries[@]} $p applies"
		rc=1
		break
	fi
	for row in "${rows[@]}"; do
		read -r name arch _ <<<"$row"
		if step "build $name/$arch after $i/${#entries[@]} $p" "$PROJECT/ci/build.sh" \
			"$name" "$arch" "$SRC/bisect" "$OUT/bisect-$arch-$name"; then
			result bisect ok "$name/$arch builds after $i/${#entries[@]} $p"
		else
			result bisect fail "$name/$arch builds after $i/${#entries[@]} $p"
			rc=1
		fi
	done
done
"$PROJECT/ci/summarize.sh" || rc=1
exit $rc
