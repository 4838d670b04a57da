#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bisect`: build the tree after each patch of the series with the
# config of the "bisect" row of ci/matrix, so that every patch is known to
# build on its own.  One O= directory is reused, so each step rebuilds only
# what the patch touched.
. "$(dirname "$0")/lib.sh"

read -r name arch _ <<<"$(matrix_rows bisect | head -n 1)"
[ -n "${name:-}" ] || die "ci/matrix has no row in the bisect set"
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
	if step "build after $i/${#entries[@]} $p" "$PROJECT/ci/build.sh" "$name" "$arch" \
		"$SRC/bisect" "$OUT/bisect-$arch-$name"; then
		result bisect ok "$name/$arch builds after $i/${#entries[@]} $p"
	else
		result bisect fail "$name/$arch builds after $i/${#entries[@]} $p"
		rc=1
	fi
done
"$PROJECT/ci/summarize.sh" || rc=1
exit $rc
