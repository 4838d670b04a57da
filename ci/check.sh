#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: everything the project tests, in one run.
#
#   1. the tooling's own tests (ci/tests/run.sh);
#   2. the series applied with quilt, with git am, as the generated mbox
#      and through b4 am, all four trees identical (ci/identity.sh);
#   3. checkpatch --strict on every patch (ci/checkpatch.sh);
#   4. the tests of the semantic patches in coccinelle/ (ci/cocci-tests.sh),
#      the generated patches regenerated from them, without drift
#      (ci/cocci-gen.sh), the list of remaining FOLL_GET callers checked
#      against the patched tree (ci/remaining.sh), and the checker the
#      series installs run over the patched tree (ci/checker.sh);
#   5. for each row of ci/matrix in the "check" set (CONFIGS="a b" picks
#      some): build the patched tree once, run sparse over the files of the
#      series that the row builds, against the base (ci/sparse.sh), and for
#      "boot" rows boot that kernel in QEMU for every run of ci/guest/runs
#      (ci/boot.sh), the Debian-root runs with the root of ci/debian-root.sh;
#   6. the summary, ending in "N passed, N failed" (ci/summarize.sh).
. "$(dirname "$0")/lib.sh"

set=${CHECK_SET:-check}
# shellcheck disable=SC2086
[ -z "${CONFIGS:-}" ] || check_configs "$set" $CONFIGS
need git quilt gcc make qemu-system-x86_64 cpio busybox b4 perl spatch sparse

rm -rf "$RESULTS" "$TIMES" "$BOOTS" "$BUILD/accel"
mkdir -p "$RESULTS"
t0=$(date +%s)

step "base tree" "$PROJECT/ci/base.sh" || {
	result setup fail "base tree snapshot"
	exec "$PROJECT/ci/summarize.sh"
}
step "tooling tests" "$PROJECT/ci/tests/run.sh" || true
step "series: quilt, git am, mbox, b4 am" "$PROJECT/ci/identity.sh" || true
if [ ! -f "$SRC/patched/Makefile" ] || grep -q '^not ok.*quilt push' "$RESULTS/series.tap"; then
	log "the series does not apply: nothing to build"
	exec "$PROJECT/ci/summarize.sh"
fi
step "checkpatch --strict" "$PROJECT/ci/checkpatch.sh" || true
step "semantic patch tests" "$PROJECT/ci/cocci-tests.sh" || true
step "generated patches: regenerate, no drift" "$PROJECT/ci/cocci-gen.sh" || true
step "remaining FOLL_GET callers listed" "$PROJECT/ci/remaining.sh" || true
step "checker over the patched tree" "$PROJECT/ci/checker.sh" || true

# The guest runs: "suffix list env root" lines of ci/guest/runs, one
# initramfs each, all from one build of the test programs, and the Debian
# root (built by `make setup`, cached) if a run uses it.
guest=$BUILD/guest/patched
guest_runs >/dev/null || die "ci/guest/runs is malformed"
mapfile -t runs < <(guest_runs)
packed=1
step "guest test programs" "$PROJECT/ci/selftests.sh" "$SRC/patched" "$guest" || packed=0
for r in "${runs[@]}"; do
	read -r suffix list _ <<<"$r"
	[ $packed = 1 ] || break
	"$PROJECT/ci/initramfs.sh" "$guest" "$guest/initramfs-$list.cpio.gz" \
		"$PROJECT/ci/guest/$list" || packed=0
done
if [ $packed = 1 ]; then
	result guest-programs ok "guest test programs built and packed"
else
	result guest-programs fail "guest test programs built and packed"
fi
root_image=
if printf '%s\n' "${runs[@]}" | awk '$4 == "debian" { f = 1 } END { exit !f }'; then
	if step "Debian guest root" "$PROJECT/ci/debian-root.sh" >"$BUILD/debian-root"; then
		root_image=$(cat "$BUILD/debian-root")
		result guest-programs ok "Debian guest root: $root_image"
	else
		result guest-programs fail "Debian guest root (ci/debian-root.sh; build it with 'make setup')"
	fi
fi

while read -r name arch _ run _; do
	if [ -n "${CONFIGS:-}" ] && ! echo " $CONFIGS " | grep -q " $name "; then
		continue
	fi
	kout=$OUT/patched-$arch-$name
	if step "build $name/$arch" "$PROJECT/ci/build.sh" "$name" "$arch" "$SRC/patched" "$kout"; then
		if [ "$run" = objects ]; then
			result build ok "build $name/$arch: $(row_objects "$name" "$arch" | wc -l) converted callers compile without warnings (every requested option set)"
		else
			result build ok "build $name/$arch (every requested option set)"
		fi
	else
		result build fail "build $name/$arch"
		continue
	fi
	step "sparse $name/$arch" "$PROJECT/ci/sparse.sh" "$name" "$arch" "$SRC/patched" "$kout" || true
	[ "$run" = boot ] || continue
	for r in "${runs[@]}"; do
		read -r suffix list env root <<<"$r"
		label=$name-$arch
		[ "$suffix" = - ] || label+=-$suffix
		if [ $packed != 1 ]; then
			result "$label" fail "boot $label: no initramfs"
			continue
		fi
		envs=()
		[ "$env" = - ] || IFS=, read -r -a envs <<<"$env"
		if [ "$root" = debian ]; then
			if [ -z "$root_image" ]; then
				result "$label" fail "boot $label: no Debian guest root"
				continue
			fi
			envs+=("ROOT_IMAGE=$root_image")
		fi
		step "boot and test $label" env "${envs[@]}" "$PROJECT/ci/boot.sh" "$label" \
			"$arch" "$kout" "$guest/initramfs-$list.cpio.gz" "$BUILD/logs/$label" || true
	done
done < <(matrix_rows "$set")

log "make check took $(($(date +%s) - t0))s"
exec "$PROJECT/ci/summarize.sh"
