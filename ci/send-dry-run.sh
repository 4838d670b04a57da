#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make send-dry-run`: what `git send-email` would send for each mail
# thread of build/mbox (ci/mbox.sh), one thread at a time, without
# sending: --dry-run, and an SMTP "server" that refuses anyway.
#
#   ci/send-dry-run.sh [THREAD...]
#
# THREAD: a thread's name (as in `threads`) or its K-NAME directory; by
# default all of them, in order.  MBOX_DIR picks another mbox directory.
. "$(dirname "$0")/lib.sh"

need git
# (not `git send-email --help`: that opens the manual page, and a machine
# without man-db fails it with send-email installed)
[ -x "$(git --exec-path)/git-send-email" ] || die "git send-email is missing: run 'make setup' (git-email)"
mbox=${MBOX_DIR:-$BUILD/mbox}
[ -s "$mbox/threads" ] || die "no mail threads in $mbox: run 'make mbox' first"
mapfile -t all <"$mbox/threads"
want=("$@")
[ ${#want[@]} -gt 0 ] || want=("${all[@]}")
sel=()
for w in "${want[@]}"; do
	hit=
	for th in "${all[@]}"; do
		[ "$w" = "$th" ] || [ "$w" = "${th#*-}" ] && hit=$th
	done
	[ -n "$hit" ] || die "no thread '$w' in $mbox (threads: ${all[*]})"
	sel+=("$hit")
done
for th in "${sel[@]}"; do
	ls "$mbox/$th"/0*.patch >/dev/null 2>&1 || die "no mails in $mbox/$th: run 'make mbox' again"
	log "thread $th: git send-email --dry-run of $(ls "$mbox/$th"/0*.patch | wc -l) mail(s)"
	# The sender is the author of the mails (git's identity would be
	# asked for otherwise, and a new machine has none).
	from=$(sed -n 's/^From: //p' "$(ls "$mbox/$th"/0*.patch | head -n 1)" | head -n 1)
	git send-email --dry-run --confirm=never --no-validate --suppress-cc=self \
		--from="$from" --smtp-server="$PROJECT/ci/no-smtp" "$mbox/$th"/0*.patch </dev/null
done
