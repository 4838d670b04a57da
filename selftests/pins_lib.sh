# SPDX-License-Identifier: GPL-2.0
# Sourced by the project's shell tests of the Debian-root boot: TAP output
# and the FOLL_PIN counters of /proc/vmstat.  The sourcing script sets
# n=0, failed=0 and limit (seconds for any one command).
# shellcheck shell=sh

pass() { n=$((n + 1)); echo "ok $n $*"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
note() { echo "# $*"; }
check() {
	what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# "acquired released" of /proc/vmstat, per-cpu deltas folded.
pins() {
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
	awk '$1 == "nr_foll_pin_acquired" { a = $2 } $1 == "nr_foll_pin_released" { r = $2 }
		END { print a + 0, r + 0 }' /proc/vmstat
}

# Pins held now that were not held at "A R" (io_uring drops its own from
# its exit work, NFS from its completion: give them two seconds).
held_since() {
	then=$1
	i=0
	while :; do
		# shellcheck disable=SC2046,SC2086 # two numbers each
		set -- $then $(pins)
		h=$(($3 - $1 - ($4 - $2)))
		if [ "$h" = 0 ] || [ $i -ge 100 ]; then
			echo "$h $(($3 - $1))"
			return
		fi
		sleep 0.02
		i=$((i + 1))
	done
}

# run_case DESC MIN_PINS CMD...: CMD must succeed; then the pins it took
# must all be released, and at least MIN_PINS must have been taken.
run_case() {
	desc=$1 min=$2
	shift 2
	before=$(pins)
	out=$(timeout -s KILL "$limit" "$@" 2>&1)
	rc=$?
	# shellcheck disable=SC2046 # "held acquired"
	set -- $(held_since "$before")
	held=$1 acquired=$2
	if [ $rc = 0 ]; then
		pass "$desc"
	else
		fail "$desc (exit $rc)"
		printf '%s\n' "$out" | tail -n 15 | sed 's/^/#   /'
	fi
	if [ "$min" -gt 0 ]; then
		check "$desc: at least $min pages pinned ($acquired pins)" [ "$acquired" -ge "$min" ]
	fi
	check "$desc: pins released ($acquired acquired, $held outstanding)" [ "$held" = 0 ]
}
