#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: the base and the patched kernel, built from the same config
# (the "bench" row of ci/matrix: -O2, as distributions build) and booted in
# turn in the same run.  Both guests run ci/guest/bench (pin_user_pages_fast() +
# unpin_user_pages() of 1 GiB on 4 KiB pages, THP, 2 MiB and 1 GiB hugetlb);
# the patched one also runs ci/guest/bench-patched, the same ranges through
# pin_user_folios_fast() + unpin_user_folio_segs().  gup_test reports each
# call's pin (get) and unpin (put) time; the table has the medians of all
# samples of a test (10 calls x BENCH_ROUNDS processes x BENCH_BOOTS
# boots) and the ratios.
. "$(dirname "$0")/lib.sh"

read -r name arch _ <<<"$(matrix_rows bench | head -n 1)"
[ -n "${name:-}" ] || die "ci/matrix has no row in the bench set"
rm -rf "$BUILD/bench" "$BUILD/accel"
own_results "$BUILD/bench"
# 1 GiB of 2 MiB pages, two 1 GiB pages, room for 1 GiB of 4 KiB pages.
export GIGANTIC=1 HUGEPAGES_2M=512 GIGANTIC_MEM=6G

step "base tree" "$PROJECT/ci/base.sh"
step "apply the series" "$PROJECT/ci/apply.sh" patched >/dev/null ||
	die "the series does not apply; fix it before benchmarking"
# Under TCG, one process's timings depend on where its memory landed and
# one boot's on the host's mood: every test runs in ROUNDS processes per
# boot (id.N), and every kernel boots NBOOTS times, base and patched in
# turn.  The medians are over all of a test's samples.
ROUNDS=${BENCH_ROUNDS:-3} NBOOTS=${BENCH_BOOTS:-2}
rounds() {
	local r
	for r in $(seq "$ROUNDS"); do
		sed 's/#.*//' "$@" | awk -v r="$r" 'NF { $1 = $1 "." r; print }'
	done
}
rounds "$PROJECT/ci/guest/bench" >"$BUILD/bench/base.list"
rounds "$PROJECT/ci/guest/bench" "$PROJECT/ci/guest/bench-patched" >"$BUILD/bench/patched.list"
# One gup_test binary, from the patched tree (it knows -P and -G; the
# ioctls that -a uses are the same in both kernels), in both guests.
step "guest programs" "$PROJECT/ci/selftests.sh" "$SRC/patched" "$BUILD/guest/bench" \
	"$PROJECT/ci/guest/bench" "$PROJECT/ci/guest/bench-patched"
for t in base patched; do
	step "build $t $name/$arch" "$PROJECT/ci/build.sh" "$name" "$arch" "$SRC/$t" "$OUT/$t-$arch-$name"
	"$PROJECT/ci/initramfs.sh" "$BUILD/guest/bench" "$BUILD/bench/$t.cpio.gz" "$BUILD/bench/$t.list"
done
for b in $(seq "$NBOOTS"); do
	for t in base patched; do
		step "bench $t, boot $b" "$PROJECT/ci/boot.sh" "bench-$t-$b" "$arch" \
			"$OUT/$t-$arch-$name" "$BUILD/bench/$t.cpio.gz" "$BUILD/bench/$t-$b" || true
	done
done

# "<kernel> <id> <get> <put>" for every "Time: get:G put:P us" line.
for b in $(seq "$NBOOTS"); do
	for t in base patched; do
		tr -d '\r' <"$BUILD/bench/$t-$b/results.log" | awk -v t="$t" '
		/^## BEGIN / { id = $3; sub(/\.[0-9]+$/, "", id) }
		/Time: get:/ {
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^get:/) { g = $i; sub("get:", "", g) }
				if ($i ~ /^put:/) { p = $i; sub("put:", "", p) }
			}
			print t, id, g, p
		}'
	done
done >"$BUILD/bench/samples"

{
	echo "gup_test, 1 GiB pinned and unpinned in one call, $name/$arch config, TCG guest."
	echo "Medians of n samples in microseconds: pin + unpin = total."
	echo "pages = pin_user_pages_fast() + unpin_user_pages();"
	echo "folios = pin_user_folios_fast() + unpin_user_folio_segs()."
	awk '
	function median(list,   n, a, i, j, t) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++) {
			t = a[i]
			for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--)
				a[j + 1] = a[j]
			a[j + 1] = t
		}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		k = $1 " " $2
		tot[k] = tot[k] " " ($3 + $4); get[k] = get[k] " " $3; put[k] = put[k] " " $4; n[k]++
	}
	function cell(k) {
		if (!n[k]) return sprintf("%28s", "(no samples)")
		return sprintf("%9.0f + %8.0f = %9.0f", median(get[k]), median(put[k]), median(tot[k]))
	}
	function ratio(a, b) {
		return (n[a] && n[b] && median(tot[b]) > 0) ? sprintf("%8.3f", median(tot[a]) / median(tot[b])) : sprintf("%8s", "-")
	}
	END {
		split("T 4KiB-pages t PMD-THP H hugetlb-2MiB G hugetlb-1GiB", m, " ")
		printf "\n%-13s %3s | %-30s | %-30s | %-30s | %8s | %8s | %8s\n", "memory", "n",
			"base pages", "patched pages", "patched folios", "pages", "folios", "folios"
		printf "%-13s %3s | %-30s | %-30s | %-30s | %8s | %8s | %8s\n", "", "",
			"", "", "", "pat/base", "base/fol", "pat/fol"
		for (i = 1; i <= 8; i += 2) {
			b = "base pages-" m[i]; p = "patched pages-" m[i]; f = "patched folios-" m[i]
			printf "%-13s %3d | %s | %s | %s | %s | %s | %s\n", m[i + 1], n[b], cell(b), cell(p), cell(f), ratio(p, b), ratio(b, f), ratio(p, f)
		}
		print "\npages pat/base: the series must not slow pin_user_pages_fast() (1.000 = same)."
		print "folios base/fol: how many times faster the new calls are than pin_user_pages_fast() on the base."
		print "folios pat/fol: the same against pin_user_pages_fast() of the patched kernel, in the same boots."
	}' "$BUILD/bench/samples"
} | tee "$BUILD/bench/table.txt"
echo "(table: $BUILD/bench/table.txt; samples: $BUILD/bench/samples; guest logs: $BUILD/bench/{base,patched}-N)"
"$PROJECT/ci/summarize.sh" || die "a benchmark guest reported failures (see above)"
