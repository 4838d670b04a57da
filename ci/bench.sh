#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: the base and the patched kernel, built from the same config
# (the "bench" row of ci/matrix), booted one after the other in the same
# run with the same guest; ci/guest/bench's gup_test runs report per-call
# pin (get) and unpin (put) times.  Prints medians of every run's samples
# and the ratio patched/base (below 1: the patched kernel is faster).
# Until the series has patches this compares the base with itself.
. "$(dirname "$0")/lib.sh"

read -r name arch _ <<<"$(matrix_rows bench | head -n 1)"
[ -n "${name:-}" ] || die "ci/matrix has no row in the bench set"
rm -rf "$BUILD/bench" "$BUILD/accel"
mkdir -p "$BUILD/bench"
export RESULTS_DIR=$BUILD/bench/results

step "base tree" "$PROJECT/ci/base.sh"
step "apply the series" "$PROJECT/ci/apply.sh" patched >/dev/null ||
	die "the series does not apply; fix it before benchmarking"
for t in base patched; do
	tree=$SRC/$t
	step "build $t $name/$arch" "$PROJECT/ci/build.sh" "$name" "$arch" "$tree" "$OUT/$t-$arch-$name"
	step "guest programs ($t)" "$PROJECT/ci/selftests.sh" "$tree" "$BUILD/guest/$t"
	"$PROJECT/ci/initramfs.sh" "$BUILD/guest/$t" "$BUILD/bench/$t.cpio.gz" "$PROJECT/ci/guest/bench"
done
for t in base patched; do
	step "bench $t" "$PROJECT/ci/boot.sh" "bench-$t" "$arch" "$OUT/$t-$arch-$name" \
		"$BUILD/bench/$t.cpio.gz" "$BUILD/bench/$t" || true
done

# Samples: "# <MODE>: Time: get:G put:P us" lines between BEGIN/END.
samples() {
	tr -d '\r' <"$BUILD/bench/$1/results.log" | awk '
		/^## BEGIN / { id = $3 }
		/Time: get:/ {
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^get:/) { g = $i; sub("get:", "", g) }
				if ($i ~ /^put:/) { p = $i; sub("put:", "", p) }
			}
			print id, g, p
		}'
}
samples base >"$BUILD/bench/base.samples"
samples patched >"$BUILD/bench/patched.samples"

echo
echo "gup_test, $name/$arch, 256 MiB per call; medians in microseconds; ratio = patched/base"
awk '
	function median(list,   n, a, i, j, t) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	FNR == 1 { which++ }
	{ k = $1; ids[k] = 1; if (!(k in order)) order[k] = ++nid
	  if (which == 1) { bg[k] = bg[k] " " $2; bp[k] = bp[k] " " $3; bn[k]++ }
	  else { pg[k] = pg[k] " " $2; pp[k] = pp[k] " " $3; pn[k]++ } }
	END {
		printf "%-12s %4s %4s | %10s %10s %6s | %10s %10s %6s\n", "run", "n", "n", "base pin", "patched", "ratio", "base unpin", "patched", "ratio"
		for (k in order) sorted[order[k]] = k
		for (i = 1; i <= nid; i++) {
			k = sorted[i]
			if (!bn[k] || !pn[k]) { printf "%-12s missing samples (base %d, patched %d)\n", k, bn[k], pn[k]; continue }
			a = median(bg[k]); b = median(pg[k]); c = median(bp[k]); d = median(pp[k])
			printf "%-12s %4d %4d | %10.1f %10.1f %6.3f | %10.1f %10.1f %6.3f\n", k, bn[k], pn[k], a, b, (a ? b / a : 0), c, d, (c ? d / c : 0)
		}
	}' "$BUILD/bench/base.samples" "$BUILD/bench/patched.samples" | tee "$BUILD/bench/table.txt"
echo "(table: $BUILD/bench/table.txt; guest logs: $BUILD/bench/{base,patched})"
"$PROJECT/ci/summarize.sh" || die "a benchmark guest reported failures (see above)"
