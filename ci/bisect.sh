#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bisect`: build the tree after each patch of the series with every
# row of the "bisect" set of ci/matrix (the base image and the objects of
# the converted callers), so that every patch is known to build on its
# own.  One O= directory per row is reused, so each step rebuilds only
# what the patch touched.
. "$(dirname "$0")/lib.sh"

mapfile -t rows < <(matrix_rows bisect)
[ ${#rows[@]} -gt 0 ] || die "ci/matrix has no row in the bisect set"
"$PROJECT/ci/series.sh" >/dev/null
mapfile -t entries < <(series_entries "$PROJECT/series")
if [ ${#entries[@]} = 0 ]; then
	log "the series is empty: nothing to bisect"
	exit 0
fi
own_results "$BUILD/bisect"
step "base tree" "$PROJECT/ci/base.sh"
rc=0
for i in $(seq 1 ${#entries[@]}); do
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
