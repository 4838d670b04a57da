#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: the base and the patched kernel, built from the same config
# (the "bench" row of ci/matrix: -O2, as distributions build) and booted in
# turn in the same run.  Both guests run ci/guest/bench (pin_user_pages_fast() +
# unpin_user_pages() of 1 GiB on 4 KiB pages, THP, 2 MiB and 1 GiB hugetlb);
# the patched one also runs ci/guest/bench-patched, the same ranges through
# pin_user_folios_fast() + unpin_user_folio_segs().  gup_test reports each
# call's pin (get) and unpin (put) time.
#
# Every cell is measured two ways:
#   tcg     wall time under multi-threaded TCG, as in `make check`: 10 calls
#           x BENCH_ROUNDS processes x BENCH_BOOTS boots per kernel;
#   icount  guest instructions: ci/boot.sh with ICOUNT=1 (one vCPU,
#           -icount shift=0,sleep=off), where the guest's clock counts one
#           ns per instruction, so gup_test's microseconds are thousands of
#           instructions; 10 calls x BENCH_ICOUNT_ROUNDS processes x
#           BENCH_ICOUNT_BOOTS boots per kernel (it repeats from boot to
#           boot: fewer are needed).
# The table ($BUILD/bench/table.txt) has the medians of each cell, the
# ratios, and the spread of the samples.
. "$(dirname "$0")/lib.sh"

read -r name arch _ <<<"$(matrix_rows bench | head -n 1)"
[ -n "${name:-}" ] || die "ci/matrix has no row in the bench set"
rm -rf "$BUILD/bench" "$BUILD/accel"
own_results "$BUILD/bench"
# 1 GiB of 2 MiB pages, two 1 GiB pages, room for 1 GiB of 4 KiB pages.
# No ZONE_MOVABLE, as on most machines: the boot-time 1 GiB pages land in
# it otherwise, and io_uring's long-term pin of one must migrate it to a
# second free 1 GiB page outside it, which there is not (-ENOMEM); nor does
# a registration of 4 KiB pages then measure their migration.
export GIGANTIC=1 HUGEPAGES_2M=512 GIGANTIC_MEM=6G GIGANTIC_MOVABLECORE=0

step "base tree" "$PROJECT/ci/base.sh"
step "apply the series" "$PROJECT/ci/apply.sh" patched >/dev/null ||
	die "the series does not apply; fix it before benchmarking"
# Under TCG, one process's timings depend on where its memory landed and
# one boot's on the host's mood: every test runs in ROUNDS processes per
# boot (id.N), and every kernel boots NBOOTS times, base and patched in
# turn.  The medians are over all of a test's samples.  The icount boots
# (IROUNDS processes, INBOOTS boots) come after them.
ROUNDS=${BENCH_ROUNDS:-3} NBOOTS=${BENCH_BOOTS:-2}
IROUNDS=${BENCH_ICOUNT_ROUNDS:-3} INBOOTS=${BENCH_ICOUNT_BOOTS:-1}
rounds() {
	local r n=$1
	shift
	for r in $(seq "$n"); do
		sed 's/#.*//' "$@" | awk -v r="$r" 'NF { $1 = $1 "." r; print }'
	done
}
rounds "$ROUNDS" "$PROJECT/ci/guest/bench" >"$BUILD/bench/base.list"
rounds "$ROUNDS" "$PROJECT/ci/guest/bench" "$PROJECT/ci/guest/bench-patched" >"$BUILD/bench/patched.list"
rounds "$IROUNDS" "$PROJECT/ci/guest/bench" >"$BUILD/bench/base-icount.list"
rounds "$IROUNDS" "$PROJECT/ci/guest/bench" "$PROJECT/ci/guest/bench-patched" >"$BUILD/bench/patched-icount.list"
# The RDMA rows drive Debian's iproute2 (rdma link add): every bench
# boot attaches the Debian root of ci/debian-root.sh, and the tests run
# chrooted into it, as the Debian-root runs of `make check` do.
step "Debian guest root" "$PROJECT/ci/debian-root.sh" >"$BUILD/bench/debian-root" ||
	die "no Debian guest root (ci/debian-root.sh; 'make setup' installs debootstrap)"
export ROOT_IMAGE
ROOT_IMAGE=$(cat "$BUILD/bench/debian-root")
# The vfio rows map memory for QEMU's edu device behind its intel-iommu:
# every bench boot has them (ci/boot.sh, VFIO=1).
export VFIO=1
# One gup_test binary, from the patched tree (it knows -P and -G; the
# ioctls that -a uses are the same in both kernels), in both guests.
step "guest programs" "$PROJECT/ci/selftests.sh" "$SRC/patched" "$BUILD/guest/bench" \
	"$PROJECT/ci/guest/bench" "$PROJECT/ci/guest/bench-patched"
for t in base patched; do
	step "build $t $name/$arch" "$PROJECT/ci/build.sh" "$name" "$arch" "$SRC/$t" "$OUT/$t-$arch-$name"
	for l in "" -icount; do
		"$PROJECT/ci/initramfs.sh" "$BUILD/guest/bench" "$BUILD/bench/$t$l.cpio.gz" "$BUILD/bench/$t$l.list"
	done
done
for b in $(seq "$NBOOTS"); do
	for t in base patched; do
		step "bench $t, boot $b" "$PROJECT/ci/boot.sh" "bench-$t-$b" "$arch" \
			"$OUT/$t-$arch-$name" "$BUILD/bench/$t.cpio.gz" "$BUILD/bench/$t-$b" || true
	done
done
for b in $(seq "$INBOOTS"); do
	for t in base patched; do
		step "bench $t, icount boot $b" env ICOUNT=1 "$PROJECT/ci/boot.sh" "bench-$t-icount-$b" \
			"$arch" "$OUT/$t-$arch-$name" "$BUILD/bench/$t-icount.cpio.gz" "$BUILD/bench/$t-icount-$b" || true
	done
done

# "<clock> <kernel> <boot> <id> <get> <put>" for every "Time: get:G put:P
# us" line.
samples() {
	[ -f "$BUILD/bench/$3/results.log" ] || return 0
	tr -d '\r' <"$BUILD/bench/$3/results.log" | awk -v c="$1" -v t="$2" -v b="$4" '
	/^## BEGIN / { id = $3; sub(/\.[0-9]+$/, "", id) }
	/Time: get:/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^get:/) { g = $i; sub("get:", "", g) }
			if ($i ~ /^put:/) { p = $i; sub("put:", "", p) }
		}
		print c, t, b, id, g, p
	}'
}
for t in base patched; do
	for b in $(seq "$NBOOTS"); do samples tcg "$t" "$t-$b" "$b"; done
	for b in $(seq "$INBOOTS"); do samples icount "$t" "$t-icount-$b" "$b"; done
done >"$BUILD/bench/samples"

# Medians of "clock kernel boot id get put" samples, for the tables below.
AWK_STATS='
function sort(list, a,   n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
	return n
}
function median(list,   n, a) {
	n = sort(list, a)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# one sample: clock, kernel and test id make the key
function add(   k) {
	k = $1 " " $2 " " $4
	tot[k] = tot[k] " " ($5 + $6); get[k] = get[k] " " $5; put[k] = put[k] " " $6; n[k]++
}
function cell(k) {
	if (!n[k]) return sprintf("%30s", "(no samples)")
	return sprintf("%9.0f + %8.0f = %9.0f", median(get[k]), median(put[k]), median(tot[k]))
}
'

# pair_table PREFIX NOTE: base against patched for the tests PREFIX-T, -t,
# -H and -G (one row per memory kind and clock); NOTE ends the legend.
pair_table() {
	awk -v pre="$1" -v note="$2" "$AWK_STATS"'
	index($4, pre) == 1 { add() }
	END {
		split("T 4KiB-pages t PMD-THP H hugetlb-2MiB G hugetlb-1GiB", m, " ")
		split("tcg icount", clocks, " ")
		unit["tcg"] = "tcg us"; unit["icount"] = "icount kinsn"
		printf "\n%-13s %-12s %3s | %-30s | %-30s | %9s | %9s\n", "memory", "clock", "n",
			"base", "patched", "pat/base", "base/pat"
		for (i = 1; i <= 8; i += 2) {
			for (c = 1; c <= 2; c++) {
				ck = clocks[c]
				b = ck " base " pre m[i]; p = ck " patched " pre m[i]
				r1 = r2 = sprintf("%9s", "-")
				if (n[b] && n[p] && median(tot[b]) > 0 && median(tot[p]) > 0) {
					r1 = sprintf("%9.3f", median(tot[p]) / median(tot[b]))
					r2 = sprintf("%9.2f", median(tot[b]) / median(tot[p]))
				}
				printf "%-13s %-12s %3d | %s | %s | %s | %s\n", c == 1 ? m[i + 1] : "", unit[ck], n[b],
					cell(b), cell(p), r1, r2
			}
		}
		print "\npat/base: patched time over base time (below 1: faster); base/pat: how many"
		print note
	}' "$BUILD/bench/samples"
}

{
	echo "gup_test, 1 GiB pinned and unpinned in one call, $name/$arch config."
	echo "tcg:    wall time under multi-threaded TCG, in microseconds."
	echo "icount: guest instructions, in thousands (TCG with -icount shift=0: the"
	echo "        guest clock counts 1 ns per instruction, gup_test reports us)."
	echo "Medians of n samples: pin + unpin = total.  pages = pin_user_pages_fast() +"
	echo "unpin_user_pages(); folios = pin_user_folios_fast() + unpin_user_folio_segs()."
	awk "$AWK_STATS"'
	# (max - min) / median of the totals, in percent
	function spread(k,   n, a, m) {
		n = sort(tot[k], a)
		m = median(tot[k])
		return m > 0 ? 100 * (a[n] - a[1]) / m : 0
	}
	{ add() }
	function ratio(a, b) {
		return (n[a] && n[b] && median(tot[b]) > 0) ? sprintf("%8.3f", median(tot[a]) / median(tot[b])) : sprintf("%8s", "-")
	}
	END {
		split("T 4KiB-pages t PMD-THP H hugetlb-2MiB G hugetlb-1GiB", m, " ")
		split("tcg icount", clocks, " ")
		unit["tcg"] = "tcg us"; unit["icount"] = "icount kinsn"
		printf "\n%-13s %-12s %3s | %-30s | %-30s | %-30s | %8s | %8s | %8s | %7s\n", "memory", "clock", "n",
			"base pages", "patched pages", "patched folios", "pages", "folios", "folios", "spread"
		printf "%-13s %-12s %3s | %-30s | %-30s | %-30s | %8s | %8s | %8s | %7s\n", "", "", "",
			"", "", "", "pat/base", "base/fol", "pat/fol", "max %"
		for (i = 1; i <= 8; i += 2) {
			for (c = 1; c <= 2; c++) {
				ck = clocks[c]
				b = ck " base pages-" m[i]; p = ck " patched pages-" m[i]; f = ck " patched folios-" m[i]
				sp = 0
				if (n[b] && spread(b) > sp) sp = spread(b)
				if (n[p] && spread(p) > sp) sp = spread(p)
				if (n[f] && spread(f) > sp) sp = spread(f)
				printf "%-13s %-12s %3d | %s | %s | %s | %s | %s | %s | %7.1f\n", c == 1 ? m[i + 1] : "", unit[ck], n[b],
					cell(b), cell(p), cell(f), ratio(p, b), ratio(b, f), ratio(p, f), sp
			}
		}
		print "\npages pat/base: the series must not slow pin_user_pages_fast() (1.000 = same)."
		print "folios base/fol: how many times faster the new calls are than pin_user_pages_fast() on the base."
		print "folios pat/fol: the same against pin_user_pages_fast() of the patched kernel, in the same boots."
		print "spread: the largest (max - min) / median of the totals of the three cells of the row."
	}' "$BUILD/bench/samples"
	echo
	echo "io_uring: IORING_REGISTER_BUFFERS + IORING_UNREGISTER_BUFFERS of one 1 GiB"
	echo "buffer (selftests/uring_reg_bench.c), register + unregister = total, medians."
	pair_table ureg- "times faster the patched kernel registers and unregisters."
	echo
	echo "Block direct I/O: process CPU time of 1000 O_DIRECT pread()s of 1 MiB from a"
	echo "loop device (selftests/dio_bench.c), medians; the get column is all of it"
	echo "(so: ns, or with icount instructions, per read)."
	pair_table dio- "times less CPU an O_DIRECT read costs on the patched kernel."
	echo
	echo "RDMA: ibv_reg_mr() + ibv_dereg_mr() of one 1 GiB buffer on rdma_rxe"
	echo "(selftests/rdma_reg_bench.c), register + deregister = total, medians; rxe"
	echo "then walks the pinned pages one by one to build its own page map."
	pair_table rreg- "times faster the patched kernel registers and deregisters."
	echo
	echo "iommufd: IOMMU_IOAS_MAP + IOMMU_IOAS_UNMAP of one 1 GiB buffer into an IOAS"
	echo "with CONFIG_IOMMUFD_TEST's mock domain attached (selftests/iommufd_map_bench.c),"
	echo "map + unmap = total, medians."
	pair_table imap- "times faster the patched kernel maps and unmaps."
	echo
	echo "vfio type1: VFIO_IOMMU_MAP_DMA + VFIO_IOMMU_UNMAP_DMA of one 1 GiB buffer for"
	echo "QEMU's edu device behind QEMU's intel-iommu (selftests/vfio_map_bench.c),"
	echo "map + unmap = total, medians."
	pair_table vmap- "times faster the patched kernel maps and unmaps."
} | tee "$BUILD/bench/table.txt"
echo "(table: $BUILD/bench/table.txt; samples: $BUILD/bench/samples; guest logs: $BUILD/bench/{base,patched}[-icount]-N)"
"$PROJECT/ci/summarize.sh" || die "a benchmark guest reported failures (see above)"
