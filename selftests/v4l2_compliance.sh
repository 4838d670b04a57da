#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# videobuf2 through Debian's v4l-utils: v4l2-compliance with streaming
# (-s) on vivid's video capture node, which streams into MMAP, USERPTR
# and read() buffers and checks what the driver reports at every step;
# each streaming test is a result.
# USERPTR buffers are pinned by get_vaddr_frames(); the run must take
# pins and release them all.
#
# Runs as root in the Debian root (ci/guest/tests-debian); TAP output.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
here=$(cd "$(dirname "$0")" && pwd)

limit=600		# seconds for any one command
n=0
failed=0

# pass, fail, note, check, pins, held_since, run_case
. "$here/pins_lib.sh"

# The first vivid node whose device capabilities include Video Capture.
vivid_capture() {
	for d in /dev/video*; do
		[ -c "$d" ] || continue
		v4l2-ctl -d "$d" -D 2>/dev/null | awk '
			/Driver name/ && $NF == "vivid" { v = 1 }
			/Device Caps/ { dc = 1; next }
			dc && /^\t[^\t]/ { dc = 0 }
			dc && /Video Capture$/ { c = 1 }
			END { exit !(v && c) }' && { echo "$d"; return 0; }
	done
	return 1
}

[ -d /sys/module/vivid ] ||
	{ echo "1..0 # SKIP no vivid (CONFIG_VIDEO_VIVID) in this kernel"; exit 0; }
command -v v4l2-compliance >/dev/null || { echo "Bail out! v4l2-compliance missing from the root"; exit 1; }
dev=$(vivid_capture) || { echo "Bail out! vivid has no video capture node"; exit 1; }

echo "TAP version 13"
note "vivid video capture: $dev"
before=$(pins)
out=$(timeout -s KILL "$limit" v4l2-compliance -d "$dev" -s 10 2>&1)
rc=$?
# shellcheck disable=SC2046 # "held acquired"
set -- $(held_since "$before")
held=$1 acquired=$2
total=$(printf '%s\n' "$out" | grep '^Total for ')
note "${total:-no total line} (exit $rc)"
# Debian 12's v4l-utils (1.22) is older than the kernel: some of its checks
# of controls, format names and reserved fields fail on v7.3 itself.  The
# streaming tests, which move frames through the buffers, are the results;
# the rest is listed as notes.
printf '%s\n' "$out" | grep -E '^[[:space:]]*test .*: FAIL' |
	grep -vE 'test (MMAP|USERPTR|read/write|blocking wait)' | sort -u |
	sed 's/^[[:space:]]*/#   not a streaming test: /'
# (Its frame counters end in carriage returns: the result is not at the
# start of a line.)
printf '%s\n' "$out" |
	grep -oE 'test (MMAP|USERPTR|read/write|blocking wait)[^:]*: [A-Z]+' \
	>/tmp/v4l2c.streaming
grep -q 'test USERPTR' /tmp/v4l2c.streaming || fail "v4l2-compliance ran no USERPTR streaming test"
while IFS= read -r line; do
	case $line in
	*": OK"*) pass "v4l2-compliance: $line" ;;
	*) fail "v4l2-compliance: $line" ;;
	esac
done </tmp/v4l2c.streaming
check "v4l2-compliance: USERPTR streaming pinned pages ($acquired pins)" [ "$acquired" -gt 0 ]
check "v4l2-compliance: pins released ($acquired acquired, $held outstanding)" [ "$held" = 0 ]
echo "1..$n"
[ $failed = 0 ]
