#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make $BUILD/src/base: a git snapshot of the base kernel tree (one commit,
# tagged "base"), from which every tree the pipeline builds is checked out.
#
#   ci/base.sh
#
# The base is KERNEL_SRC when set (any kernel tree: a git checkout is
# snapshotted from its HEAD with git archive, a plain tree is copied and
# must be unbuilt), otherwise Debian's linux-source-7.3 tarball that
# `make setup` installs.  KERNEL_SRC itself is only read.
. "$(dirname "$0")/lib.sh"

need git tar xz sha256sum

# is_kernel_tree DIR: the files the pipeline needs from a kernel tree.
is_kernel_tree() {
	local d=$1 f missing=()
	for f in Makefile Kconfig mm/gup.c include/linux/mm.h \
		scripts/kconfig/merge_config.sh scripts/checkpatch.pl \
		scripts/get_maintainer.pl MAINTAINERS tools/testing/selftests/mm/gup_test.c; do
		[ -e "$d/$f" ] || missing+=("$f")
	done
	grep -q '^VERSION = [0-9]' "$d/Makefile" 2>/dev/null || missing+=("Makefile with VERSION =")
	if [ ${#missing[@]} -gt 0 ]; then
		echo "missing: ${missing[*]}"
		return 1
	fi
}

tree_version() {
	awk '/^VERSION =/ { v = $3 } /^PATCHLEVEL =/ { p = $3 } /^SUBLEVEL =/ { s = $3 }
		END { printf "%s.%s.%s\n", v, p, s }' "$1/Makefile"
}

base=$SRC/base
mkdir -p "$SRC"

if [ -n "${KERNEL_SRC:-}" ]; then
	[ -d "$KERNEL_SRC" ] || die "KERNEL_SRC=$KERNEL_SRC: no such directory"
	ks=$(cd "$KERNEL_SRC" && pwd)
	why=$(is_kernel_tree "$ks") ||
		die "KERNEL_SRC=$KERNEL_SRC is not a kernel tree ($why)"
	if git -C "$ks" rev-parse --verify -q HEAD >/dev/null 2>&1 &&
		[ "$(git -C "$ks" rev-parse --show-toplevel)" = "$ks" ]; then
		id="git $ks $(git -C "$ks" rev-parse HEAD)"
		[ -z "$(git -C "$ks" status --porcelain --untracked-files=no)" ] ||
			warn "KERNEL_SRC has uncommitted changes; the base is its HEAD, without them"
		kind=git
	else
		[ -e "$ks/.config" ] || [ -d "$ks/include/config" ] &&
			die "KERNEL_SRC=$KERNEL_SRC has been built in place (.config or include/config exist): run 'make mrproper' there or use a clean tree"
		id="dir $ks $(stat -c %Y "$ks/Makefile")"
		kind=dir
	fi
else
	[ -f "$BASE_TARBALL" ] ||
		die "$BASE_TARBALL not found: run 'make setup' (installs $BASE_PKG), or set KERNEL_SRC=/path/to/linux"
	sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
	if [ "$sum" != "$BASE_SHA256" ]; then
		shout "$BASE_TARBALL is not the tarball the series is developed against:" \
			"  expected sha256 $BASE_SHA256 ($BASE_PKG $BASE_PKG_VERSION)" \
			"  found    sha256 $sum ($(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || echo unknown version))" \
			"Results may differ from the ones recorded for the series."
	fi
	id="tarball $BASE_TARBALL $sum"
	kind=tarball
fi

if [ -f "$base/.ci-base-id" ] && [ "$(cat "$base/.ci-base-id")" = "$id" ] &&
	git -C "$base" rev-parse -q --verify refs/tags/base >/dev/null; then
	log "base tree up to date: $base ($(tree_version "$base"))"
	exit 0
fi

log "snapshotting the base tree ($kind) into $base"
tmp=$SRC/base.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
case "$kind" in
tarball)
	tar -xJf "$BASE_TARBALL" -C "$tmp" --strip-components=1 ;;
git)
	git -C "$ks" archive --format=tar HEAD | tar -x -C "$tmp" ;;
dir)
	(cd "$ks" && tar --exclude=.git -cf - .) | tar -x -C "$tmp" ;;
esac
why=$(is_kernel_tree "$tmp") || die "the unpacked base is not a kernel tree ($why)"
(
	cd "$tmp"
	git init -q -b snapshot .
	# Debian's tree ignores everything at the top level: add by force.
	git -c gc.auto=0 add -A -f
	git -c user.name=ci -c user.email=ci@localhost commit -q -m "base: $id"
	git tag base
)
echo "$id" >"$tmp/.ci-base-id"
echo ".ci-base-id" >>"$tmp/.git/info/exclude"
# Worktrees of an older base are stale now.
for w in "$SRC"/*; do
	[ "$w" = "$base" ] || [ "$w" = "$tmp" ] || rm -rf "$w"
done
rm -rf "$base"
mv "$tmp" "$base"
git -C "$base" worktree prune
log "base tree: $base ($(tree_version "$base"))"
