#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make send-dry-run`: what `git send-email` would send for build/mbox,
# without sending: --dry-run, and an SMTP "server" that refuses anyway.
. "$(dirname "$0")/lib.sh"

need git
git send-email --help >/dev/null 2>&1 || die "git send-email is missing: run 'make setup' (git-email)"
mbox=${MBOX_DIR:-$BUILD/mbox}
ls "$mbox"/0*.patch >/dev/null 2>&1 || die "no mails in $mbox: run 'make mbox' first"
git send-email --dry-run --confirm=never --no-validate --suppress-cc=self \
	--smtp-server="$PROJECT/ci/no-smtp" "$mbox"/0*.patch </dev/null
