#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Debian 12 guest root: an ext4 image of a debootstrap'ed bookworm with
# the packages of ci/guest/debian-packages, for the guest runs whose root
# column in ci/guest/runs is "debian" (ci/boot.sh attaches it as a
# virtio-blk disk with a throw-away overlay; ci/guest/init chroots into it).
#
#   ci/debian-root.sh        build it unless cached; print the image's path
#
# The image is cached outside build/, so that `make clean` keeps it, in
# $DEBIAN_ROOT_CACHE (default ~/.cache/foll-pin/debian-root), under a key
# made of the suite, the variant, the package list and this script: any
# change to them builds a new one.  Building needs root, debootstrap and
# the network (the archive is the system's own, read from apt at run
# time); `make setup` does it, `make check` only reuses it.  A failed
# build leaves nothing in the cache.
#
# DEBIAN_ROOT_LIST (default ci/guest/debian-packages) and DEBIAN_MIRROR
# (default: the system's bookworm/main archive) are for the tooling tests.
. "$(dirname "$0")/lib.sh"

SUITE=bookworm
VARIANT=minbase
# Free space in the image for what the tests write (the export of
# selftests/nfs_dio.sh and the loop device's backing file).
FREE_MIB=768

list=${DEBIAN_ROOT_LIST:-$PROJECT/ci/guest/debian-packages}
cache=${DEBIAN_ROOT_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/foll-pin/debian-root}
[ -f "$list" ] || die "no package list $list"

# The list without comments: "package command..." lines.
entries=$(sed 's/#.*//' "$list" | awk 'NF { $1 = $1; print }')
[ -n "$entries" ] || die "$list lists no package"
mapfile -t pkgs < <(awk '{ print $1 }' <<<"$entries")
mapfile -t cmds < <(awk '{ for (i = 2; i <= NF; i++) print $i }' <<<"$entries")

key=$( {
	echo "suite=$SUITE variant=$VARIANT arch=amd64 free=$FREE_MIB"
	echo "$entries"
	cat "$0"
} | sha256sum | cut -c1-16)
dir=$cache/$SUITE-$key
img=$dir/root.ext4

fail() { die "cannot build the Debian guest root: $*"; }

if [ -f "$img" ] && [ -f "$dir/packages.txt" ]; then
	touch "$dir"
	log "Debian guest root cached: $img ($(wc -l <"$dir/packages.txt") packages)"
	echo "$img"
	exit 0
fi

# Every package must be in bookworm/main of the archive apt knows, before
# anything is downloaded (a typo fails here, in a second).
command -v apt-cache >/dev/null 2>&1 || fail "apt-cache not found: the root is made on Debian 12"
missing=()
for p in "${pkgs[@]}"; do
	m=$(apt-cache madison "$p" 2>/dev/null) || true
	grep -q " $SUITE/main " <<<"$m" || missing+=("$p")
done
[ ${#missing[@]} = 0 ] ||
	fail "not in Debian 12 ($SUITE/main) as apt sees it: ${missing[*]} (listed in $list)"

[ "$(id -u)" = 0 ] ||
	fail "not cached ($dir) and building it needs root: run 'make setup' as root"
for t in debootstrap mke2fs e2fsck chroot apt-cache; do
	command -v "$t" >/dev/null 2>&1 || fail "'$t' is not installed: run 'make setup' (as root)"
done

mirror=${DEBIAN_MIRROR:-$(apt-cache policy | awk -v s="$SUITE/main" '$3 == s && $2 ~ /:\/\// { print $2; exit }')}
[ -n "$mirror" ] || fail "no $SUITE/main archive in apt's sources (apt-cache policy)"

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
# Built by another run while this one waited for the lock?
if [ -f "$img" ] && [ -f "$dir/packages.txt" ]; then
	echo "$img"
	exit 0
fi

tmp=$(mktemp -d "$cache/tmp.XXXXXX")
root=$tmp/root
dlog=$cache/build.log
# Nothing half-made is left: debootstrap's own mounts (proc, sys) first.
cleanup() {
	local m
	for m in $(awk -v t="$root/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

t0=$(date +%s)
log "debootstrap $VARIANT $SUITE with ${#pkgs[@]} packages (log: $dlog)"
# dpkg in the root: no fsync (the image is made afterwards) and no docs.
mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
cat >"$root/etc/dpkg/dpkg.cfg.d/foll-pin" <<'EOF'
force-unsafe-io
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*
EOF
if ! debootstrap --variant="$VARIANT" --components=main \
	--include="$(IFS=,; echo "${pkgs[*]}")" "$SUITE" "$root" "$mirror" >"$dlog" 2>&1; then
	tail -n 15 "$dlog" >&2
	fail "debootstrap failed (log: $dlog)"
fi
t1=$(date +%s)

# What debootstrap extracts before dpkg runs ignores path-exclude.
rm -rf "$root"/usr/share/{doc,man,info,locale,lintian}/* "$root"/var/cache/apt/archives/*.deb \
	"$root"/var/lib/apt/lists/* "$root"/var/log/*.log
ln -sf ../proc/self/mounts "$root/etc/mtab"
echo foll-pin-guest >"$root/etc/hostname"

# The commands the list promises, each with its shared libraries.
bad=()
for c in "${cmds[@]}"; do
	p=$(chroot "$root" /usr/bin/env PATH=/usr/sbin:/usr/bin:/sbin:/bin sh -c "command -v '$c'") ||
		{ bad+=("$c (not found)"); continue; }
	if chroot "$root" /usr/bin/ldd "$p" 2>/dev/null | grep -q 'not found'; then
		bad+=("$c (missing libraries)")
	fi
done
[ ${#bad[@]} = 0 ] || fail "the root lacks: ${bad[*]} (commands listed in $list)"
chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' >"$tmp/packages.txt"

used=$(du -sm --apparent-size "$root" | cut -f1)
size=$((used * 5 / 4 + FREE_MIB))
if ! mke2fs -q -t ext4 -L debian-root -m 0 -d "$root" "$tmp/root.ext4" "${size}M" >>"$dlog" 2>&1; then
	tail -n 5 "$dlog" >&2
	fail "mke2fs -d failed (log: $dlog)"
fi
e2fsck -fn "$tmp/root.ext4" >>"$dlog" 2>&1 || fail "the new image does not pass e2fsck (log: $dlog)"
rm -rf --one-file-system "$root"
{
	echo "suite $SUITE, variant $VARIANT, from $list"
	echo "debootstrap $((t1 - t0))s, image $(($(date +%s) - t1))s"
	echo "tree ${used} MiB, image ${size} MiB ($(du -m "$tmp/root.ext4" | cut -f1) MiB allocated)"
} >"$tmp/built.txt"
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
log "Debian guest root: $img ($(wc -l <"$dir/packages.txt") packages, $(tr '\n' ';' <"$dir/built.txt"))"

# Roots of other package lists not used for two weeks go.
find "$cache" -mindepth 1 -maxdepth 1 -type d -name "$SUITE-*" ! -path "$dir" -mtime +14 \
	-exec rm -rf --one-file-system {} + 2>/dev/null || true
echo "$img"
