#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make setup`: install what the project needs from Debian's archive
# (ci/packages) and the base tree, then snapshot the base (ci/base.sh) and
# make the guest's Debian root (ci/debian-root.sh).
#
# The base is linux-source-7.3 at the pinned version (ci/lib.sh).  Debian 12
# does not have it: it comes from the trixie-backports suite, which this
# script adds for that one package, pointing at the same archive as the
# system's own Debian sources.  A backports suite is NotAutomatic, so apt
# gives it priority 100 and no other package is ever upgraded from it.
# With KERNEL_SRC set, that tree is the base and neither the suite nor the
# package is added.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" = 0 ]; then
	sudo=()
elif command -v sudo >/dev/null; then
	sudo=(sudo)
else
	die "make setup installs Debian packages: run it as root"
fi
command -v apt-get >/dev/null || die "make setup needs apt-get (Debian 12)"
export DEBIAN_FRONTEND=noninteractive
apt_log=${TMPDIR:-/tmp}/foll-pin-setup-apt.log

apt_install() {
	"${sudo[@]}" apt-get install -y -q --no-install-recommends \
		--allow-downgrades "$@" >"$apt_log" 2>&1 || {
		tail -n 20 "$apt_log" >&2
		die "apt-get install failed (log: $apt_log)"
	}
}

# The URI of the archive the system installs Debian 12 from, as apt sees
# it: the first "bookworm/main" line of apt-cache policy.
debian_archive_uri() {
	apt-cache policy | awk '$3 ~ /^bookworm\/main$/ && $2 ~ /:\/\// { print $2; exit }'
}

# add_suite SUITE: a deb822 source for SUITE of the system's Debian archive,
# signed by Debian's archive keyring (which has the trixie keys).
add_suite() {
	local suite=$1 uri f=/etc/apt/sources.list.d/foll-pin-$1.sources
	if apt-cache policy | awk -v s="$suite/main" '$3 == s { f = 1 } END { exit !f }'; then
		return 0
	fi
	uri=$(debian_archive_uri)
	[ -n "$uri" ] || die "cannot find the system's Debian 12 archive in apt's sources (apt-cache policy shows no bookworm/main)"
	log "adding the $suite suite of $uri for $BASE_PKG ($f)"
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$uri" "$suite" | "${sudo[@]}" tee "$f" >/dev/null
}

mapfile -t pkgs < <(sed 's/#.*//' "$PROJECT/ci/packages" | tr ' ' '\n' | grep -v '^$')
step "apt-get update" "${sudo[@]}" apt-get update -q >/dev/null ||
	die "apt-get update failed: is Debian's package archive reachable?"

if [ -z "${KERNEL_SRC:-}" ]; then
	# The keyring first: an old one lacks the keys the new suite is signed with.
	step "debian-archive-keyring" apt_install debian-archive-keyring
	add_suite "$BASE_PKG_SUITE"
	step "apt-get update ($BASE_PKG_SUITE added)" "${sudo[@]}" apt-get update -q >/dev/null ||
		die "apt-get update failed after adding $BASE_PKG_SUITE"
	if apt-cache madison "$BASE_PKG" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' |
		grep -qxF "$BASE_PKG_VERSION"; then
		pkgs+=("$BASE_PKG=$BASE_PKG_VERSION")
	else
		newest=$(apt-cache madison "$BASE_PKG" | awk -F'|' 'NR == 1 { gsub(/ /, "", $2); print $2 }')
		[ -n "$newest" ] || die "the archive has no $BASE_PKG package at all: set KERNEL_SRC to a v7.3 tree"
		shout "$BASE_PKG $BASE_PKG_VERSION, the version the series is developed" \
			"against, is no longer served.  Installing the newest one instead:" \
			"  $BASE_PKG $newest" \
			"Its tarball will not match the recorded sha256 ($BASE_SHA256)."
		pkgs+=("$BASE_PKG=$newest")
	fi
fi

step "apt-get install (${#pkgs[@]} packages)" apt_install "${pkgs[@]}"
step "base tree" "$PROJECT/ci/base.sh"
# The Debian 12 root of the guest runs that drive real clients (cached
# outside build/; rebuilt only when ci/guest/debian-packages changes).
step "Debian guest root" "$PROJECT/ci/debian-root.sh" >/dev/null ||
	die "the Debian guest root could not be made (see above)"
log "setup done"
