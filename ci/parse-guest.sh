#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Turn a guest's logs into TAP lines, one per test result:
#
#   ci/parse-guest.sh LABEL LOGDIR
#
# LOGDIR/results.log: "## BEGIN id" / TAP / "## END id rc=N" blocks written
# by ci/guest/init, then "## VMSTAT ..." and "## DONE".
# LOGDIR/console.log: the kernel's console, scanned for splats.
set -euo pipefail
label=$1 dir=$2

awk -v label="$label" '
	function emit(s) { print s }
	# The serial port turns "\n" into "\r\n".
	{ sub(/\r$/, "") }
	/^## BEGIN / { id = $3; inblk = 1; nres = 0; nfail = 0; next }
	/^## END / {
		rc = $4; sub("rc=", "", rc)
		if (rc != 0 && rc != 4 && nfail == 0)
			emit("not ok - " label ": " id ": exited with status " rc)
		else if (rc == 4 && nres == 0)
			emit("ok - " label ": " id " # SKIP exited with KSFT_SKIP and no reason")
		else if (nres == 0)
			emit("not ok - " label ": " id ": printed no TAP result")
		inblk = 0; next
	}
	inblk && /^ok [0-9]+/ {
		nres++
		line = $0; sub(/^ok [0-9]+ ?/, "", line)
		emit("ok - " label ": " id ": " line)
		next
	}
	inblk && /^not ok [0-9]+/ {
		nres++; nfail++
		line = $0; sub(/^not ok [0-9]+ ?/, "", line)
		emit("not ok - " label ": " id ": " line)
		next
	}
	inblk && /^1\.\.0 # SKIP/ {
		nres++
		line = $0; sub(/^1\.\.0 # SKIP ?/, "", line)
		emit("ok - " label ": " id " # SKIP " line)
		next
	}
	inblk && (/^Bail out!/ || /^# Planned tests != run tests/) {
		nfail++
		emit("not ok - " label ": " id ": " $0)
		next
	}
	/^## VMSTAT / {
		vm = 1
		split($3, a, "="); split($4, r, "=")
		if (a[2] != "" && a[2] == r[2])
			emit("ok - " label ": FOLL_PIN counters balanced after the tests (acquired " a[2] ", released " r[2] ")")
		else
			emit("not ok - " label ": FOLL_PIN counters unbalanced after the tests (acquired " a[2] ", released " r[2] ")")
	}
	/^## DONE/ { done = 1 }
	END {
		if (inblk)
			emit("not ok - " label ": " id ": did not finish (guest crashed or timed out)")
		if (!vm)
			emit("not ok - " label ": FOLL_PIN counters were not reported")
		if (!done)
			emit("not ok - " label ": the guest did not finish its tests")
	}' "$dir/results.log"

# Anything the kernel reports as a bug, a warning, a sanitizer finding or
# a locking problem fails the run.
splat='WARNING:|BUG:|BUG |KASAN|UBSAN|Oops|Kernel panic|general protection fault|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|unreferenced object|refcount_t: |Call Trace:'
if hits=$(grep -aE "$splat" "$dir/console.log" | head -n 5) && [ -n "$hits" ]; then
	echo "not ok - $label: kernel log has warnings or bug reports (see $dir/console.log):"
	printf '%s\n' "$hits" | sed 's/^/#   /'
	# The first report in full, and what the guest was running then
	# (ci/guest/init marks each test in the kernel log), so that a
	# failure on a machine whose logs are gone can still be read.
	awk -v re="$splat" '
		/guest: (BEGIN|END|DONE)/ && !n { where = $0 }
		$0 ~ re && !n { print "#   first report, after: " (where == "" ? "(no test started yet)" : where) }
		$0 ~ re || n { if (n < 60) print "#   | " $0; n++ }
	' "$dir/console.log" | head -n 61
elif ! grep -aq 'Linux version' "$dir/console.log"; then
	echo "not ok - $label: the kernel printed nothing on the console"
else
	echo "ok - $label: no WARNING/BUG/KASAN/lockdep report in the kernel log"
fi
