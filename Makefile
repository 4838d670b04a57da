# SPDX-License-Identifier: GPL-2.0
# Entry points of the project; the work is done by the scripts in ci/.
# Variables (environment or command line):
#   KERNEL_SRC=/path  use that kernel tree as the base instead of Debian's
#                     linux-source-7.3
#   CONFIGS="a b"     only these configs of ci/matrix (check, matrix, bench)
#   BUILD_DIR=dir     where trees, builds, logs and results go (./build)
#   JOBS=n            parallel make jobs (nproc + 1)
#   THREAD="a b"      send-dry-run: only these mail threads (see `threads`)
#   FROM=n            bisect: start at patch n (1..n-1 applied, not built)

SHELL := /bin/bash
CI := ci

.PHONY: all setup check bench mbox send-dry-run bisect matrix clean help

all: check
	@if [ -n "$$(sed 's/#.*//' series | tr -d '[:space:]')" ]; then \
		$(CI)/mbox.sh >/dev/null; \
	else \
		echo "==> the series is empty: no mbox to leave"; \
	fi

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## setup         install the Debian packages and the base tree (as root)
setup:
	@$(CI)/setup.sh

## check         the project's tests; ends with "N passed, N failed"
check:
	@$(CI)/check.sh

## bench         base against patched kernel, same config, same run
bench:
	@$(CI)/bench.sh

## mbox          one mail thread per merge path (`threads`) in build/mbox
mbox:
	@$(CI)/mbox.sh >/dev/null

## send-dry-run  git send-email --dry-run of each thread (never sends)
send-dry-run: mbox
	@$(CI)/send-dry-run.sh $(THREAD)

## bisect        build the minimal config after every patch (FROM=N: from patch N)
bisect:
	@$(CI)/bisect.sh

## matrix        build every row of ci/matrix (all arches), boot x86_64
matrix:
	@CHECK_SET=matrix $(CI)/check.sh

## clean         remove build/ (ccache is kept)
clean:
	rm -rf $${BUILD_DIR:-build}
