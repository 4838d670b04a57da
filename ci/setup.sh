#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make setup`: install what the project needs from Debian's archive
# (ci/packages) and the base tree, linux-source-6.12 at the pinned version,
# then snapshot the base (ci/base.sh).  With KERNEL_SRC set, that tree is
# the base and the linux-source package is not installed.
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

mapfile -t pkgs < <(sed 's/#.*//' "$PROJECT/ci/packages" | tr ' ' '\n' | grep -v '^$')
step "apt-get update" "${sudo[@]}" apt-get update -q >/dev/null ||
	die "apt-get update failed: is Debian's package archive reachable?"

if [ -z "${KERNEL_SRC:-}" ]; then
	if apt-cache madison "$BASE_PKG" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' |
		grep -qxF "$BASE_PKG_VERSION"; then
		pkgs+=("$BASE_PKG=$BASE_PKG_VERSION")
	else
		newest=$(apt-cache madison "$BASE_PKG" | awk -F'|' 'NR == 1 { gsub(/ /, "", $2); print $2 }')
		[ -n "$newest" ] || die "the archive has no $BASE_PKG package at all: set KERNEL_SRC to a v6.12 tree"
		shout "$BASE_PKG $BASE_PKG_VERSION, the version the series is developed" \
			"against, is no longer served.  Installing the newest one instead:" \
			"  $BASE_PKG $newest" \
			"Its tarball will not match the recorded sha256 ($BASE_SHA256)."
		pkgs+=("$BASE_PKG=$newest")
	fi
fi

step "apt-get install (${#pkgs[@]} packages)" "${sudo[@]}" apt-get install -y -q \
	--no-install-recommends --allow-downgrades "${pkgs[@]}" >"${TMPDIR:-/tmp}/foll-pin-setup-apt.log" 2>&1 || {
	tail -n 20 "${TMPDIR:-/tmp}/foll-pin-setup-apt.log" >&2
	die "apt-get install failed (log: ${TMPDIR:-/tmp}/foll-pin-setup-apt.log)"
}
step "base tree" "$PROJECT/ci/base.sh"
log "setup done"
