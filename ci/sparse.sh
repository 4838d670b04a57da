#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sparse over the files the series touches, for one row of ci/matrix: the
# patched tree against the base tree with the same config.
#
#   ci/sparse.sh [-s SERIES_DIR] NAME ARCH TREE KOUT
#
# TREE is the series applied (ci/apply.sh) and KOUT its build directory
# for the row NAME/ARCH.  The files are the .c files that the diffs of the
# series create or change (SERIES_DIR, default the project), as far as the
# row builds them: for "objects" rows those ci/objects lists (compiled here
# if KOUT lacks them), for the others those with an object in KOUT, which
# must be built (ci/build.sh).  Each is checked with `make C=2` (sparse) in
# KOUT, and in $BUILD/out/sparse-base-ARCH-NAME, the base tree configured
# by `ci/build.sh -c` for the same row, where only those objects are built.
#
# A message is compared by its file, the function it is in (the last line
# above it that starts with a letter or '_', as git finds hunk headers) and
# its text with the lines sparse adds to it, without line or column: the
# row fails on any message that the base does not give as often.  One TAP
# line for the row goes to $BUILD/results/sparse.tap; the messages of
# both trees are kept in KOUT/sparse.log and the base directory's.
. "$(dirname "$0")/lib.sh"

sdir=$PROJECT
if [ "${1:-}" = -s ]; then
	sdir=$(cd "$2" && pwd) || die "no such directory: $2"
	shift 2
fi
[ $# = 4 ] || die "usage: ci/sparse.sh [-s SERIES_DIR] NAME ARCH TREE KOUT"
name=$1 arch=$2 tree=$3 kout=$4
case "$tree" in /*) ;; *) tree=$PWD/$tree ;; esac
case "$kout" in /*) ;; *) kout=$PWD/$kout ;; esac
[ -f "$tree/Makefile" ] || die "sparse: $tree is not a kernel tree"
need sparse perl
row=$(matrix_row "$name" "$arch") || exit
read -r _ _ _ run _ <<<"$row"
kmake_vars "$arch"
base=$SRC/base
bout=$OUT/sparse-base-$arch-$name
label="sparse $name/$arch"

# Debian 12's sparse (0.6.4) refuses the -march=..._zicsr_zifencei that
# the kernel gives riscv64 ("invalid argument to '-march'") before it
# reads a line: it cannot check that architecture at all.
if [ "$arch" = riscv64 ] && ! echo "int x;" | sparse --arch=riscv64 -march=rv64imac_zicsr_zifencei - >/dev/null 2>&1; then
	result sparse skip "$label" "sparse $(sparse --version 2>/dev/null) cannot parse riscv64's -march"
	exit 0
fi

# The .c files the series creates or changes.
mapfile -t entries < <(series_entries "$sdir/series")
mapfile -t touched < <(for p in "${entries[@]}"; do
	sed -n 's|^+++ b/\(.*\.c\)$|\1|p' "$sdir/patches/$p"
done | sort -u)

# Which of them the row builds.
objs=()
if [ "$run" = objects ]; then
	mapfile -t listed < <(row_objects "$name" "$arch")
	for c in "${touched[@]}"; do
		for o in "${listed[@]}"; do
			[ "$o" != "${c%.c}.o" ] || objs+=("$o")
		done
	done
	[ -f "$kout/.config" ] || [ ${#objs[@]} = 0 ] ||
		"$PROJECT/ci/build.sh" -c "$name" "$arch" "$tree" "$kout" || die "$label: cannot configure $kout"
else
	[ -f "$kout/vmlinux" ] || die "$label: $kout is not built (ci/build.sh $name $arch first)"
	for c in "${touched[@]}"; do
		[ ! -f "$kout/${c%.c}.o" ] || objs+=("${c%.c}.o")
	done
fi
if [ ${#objs[@]} = 0 ]; then
	result sparse skip "$label" "the row builds none of the ${#touched[@]} .c files the series touches"
	exit 0
fi

# Debian 12's sparse (0.6.4) predates __typeof_unqual__, which the kernel
# uses under sparse since v6.15: kbuild then turns C=2 off with a warning
# (scripts/checker-valid.sh).  Such a sparse reads it as __typeof__, which
# keeps the qualifiers: any message that gives is the same in both trees.
# No cap on the number of messages: one over the cap would hide the rest.
cf="-fmax-warnings=unlimited -fmax-errors=unlimited"
if [ "$(sh "$tree/scripts/checker-valid.sh" sparse 2>/dev/null)" != 1 ]; then
	cf+=" -D__typeof_unqual__=__typeof__"
	[ "$(sh "$tree/scripts/checker-valid.sh" sparse $cf 2>/dev/null)" = 1 ] ||
		die "$label: $(command -v sparse) fails the kernel's scripts/checker-valid.sh, even with $cf"
	log "$label: sparse $(sparse --version 2>/dev/null) lacks __typeof_unqual__: reading it as __typeof__"
fi

# check TREE OUT LOG OBJ...: compile the objects, then run sparse on them
# alone (C=2 checks files that are up to date too), its messages to LOG.
check() {
	local t=$1 o=$2 l=$3
	shift 3
	# (one turn of the machine's lock for both; the seconds they took, not
	# counting the wait for the lock, go to LOG.time)
	FOLL_PIN_T=$t FOLL_PIN_O=$o FOLL_PIN_L=$l CF=$cf JOBS=$JOBS machine_lock bash -c '
		t0=$(date +%s)
		make -C "$FOLL_PIN_T" O="$FOLL_PIN_O" "$@" -j"$JOBS" >"$FOLL_PIN_L.build" 2>&1 || exit 1
		t1=$(date +%s)
		make -C "$FOLL_PIN_T" O="$FOLL_PIN_O" "$@" -j"$JOBS" C=2 CHECK=sparse CF="$CF" >"$FOLL_PIN_L" 2>&1 || exit 2
		echo "$((t1 - t0)) $(($(date +%s) - t1))" >"$FOLL_PIN_L.time"
	' - "${KMAKEVARS[@]}" "$@" || {
		tail -n 20 "$l.build" "$l" >&2 2>/dev/null
		return 1
	}
	if grep -q 'C=2 specified, but' "$l"; then
		grep 'C=2 specified, but' "$l" >&2
		return 1
	fi
}

# The base has only those of the files that it has (the series may add
# files: all their messages are new).
bobjs=()
for o in "${objs[@]}"; do
	[ ! -f "$base/${o%.o}.c" ] || bobjs+=("$o")
done
rc=0
mkdir -p "$bout"
: >"$bout/sparse.log"
rm -f "$bout/sparse.log.time"
# The base's .config is made once per row, base and fragments (a stamp of
# them is kept beside it); kbuild rebuilds what a changed one affects.
stamp=$( (git -C "$base" rev-parse HEAD; echo "$row"; IFS=, read -r -a fr <<<"$(echo "$row" | awk '{ print $3 }')"
	for f in "${fr[@]}"; do
		case $f in tree:*) cat "$base/${f#tree:}" ;; *) cat "$PROJECT/configs/$f.config" ;; esac
	done) 2>/dev/null | sha256sum | cut -c1-16)
if [ ${#bobjs[@]} -gt 0 ]; then
	if [ ! -f "$bout/.config" ] || [ "$(cat "$bout/sparse-config-stamp" 2>/dev/null)" != "$stamp" ]; then
		rm -f "$bout/sparse-config-stamp"
		"$PROJECT/ci/build.sh" -c "$name" "$arch" "$base" "$bout" >/dev/null || rc=1
		[ $rc = 1 ] || echo "$stamp" >"$bout/sparse-config-stamp"
	fi
	[ $rc = 1 ] || check "$base" "$bout" "$bout/sparse.log" "${bobjs[@]}" || rc=1
fi
if [ $rc != 0 ]; then
	result sparse fail "$label: the base objects did not build (log: $bout/sparse.log.build)"
	exit 1
fi
if ! check "$tree" "$kout" "$kout/sparse.log" "${objs[@]}"; then
	result sparse fail "$label: the patched objects did not build (log: $kout/sparse.log.build)"
	exit 1
fi

# norm OUT TREE LOG: sparse's messages, one a line: "file: function: text
# | added line | ...", the file relative to TREE.
norm() {
	perl -e '
		use strict; use warnings; use Cwd qw(realpath); use File::Spec;
		my ($out, $tree) = (realpath($ARGV[0]), realpath($ARGV[1]));
		my (%src, @recs);
		sub rel {
			my $p = File::Spec->rel2abs($_[0], $out);
			my $r = realpath($p) // $p;
			return index($r, "$tree/") == 0 ? substr($r, length($tree) + 1) : $_[0];
		}
		sub func {
			my ($f, $n) = @_;
			unless (exists $src{$f}) {
				my @l;
				if (open(my $fh, "<", "$tree/$f")) { @l = <$fh>; close $fh; }
				$src{$f} = \@l;
			}
			my $l = $src{$f};
			for (my $i = $n - 1; $i >= 0; $i--) {
				next unless defined $l->[$i];
				my $s = $l->[$i];
				next unless $s =~ /^[A-Za-z_]/;
				next if $s =~ /^\w+:\s*$/;	# a goto label
				return $1 if $s =~ /(\w+)\s*\(/;
				$s =~ s/\s+$//;
				return $s;
			}
			return "(top)";
		}
		open(my $log, "<", $ARGV[2]) or die "$ARGV[2]: $!";
		while (<$log>) {
			chomp;
			next unless /^(\S+?):(\d+):(\d+): (.*)$/;
			my ($f, $n, $msg) = (rel($1), $2, $4);
			if ($msg =~ /^\s/ && @recs) {
				$msg =~ s/^\s+//;
				$recs[-1] .= " | $msg";
			} else {
				push @recs, "$f: " . func($f, $n) . ": $msg";
			}
		}
		print "$_\n" for @recs;' "$1" "$2" "$3"
}
norm "$bout" "$base" "$bout/sparse.log" >"$bout/sparse.norm"
norm "$kout" "$tree" "$kout/sparse.log" >"$kout/sparse.norm"
# The messages of the patched tree that the base does not give as often.
awk -v base="$bout/sparse.norm" 'BEGIN { while ((getline l <base) > 0) n[l]++ }
	n[$0] > 0 { n[$0]--; next } { print }' "$kout/sparse.norm" >"$kout/sparse.new"
nb=$(wc -l <"$bout/sparse.norm") np=$(wc -l <"$kout/sparse.norm") nn=$(wc -l <"$kout/sparse.new")
what="${#objs[@]} of the series' files (${objs[*]%.o})"
# The cost: compile + sparse, seconds, base and patched.
read -r bc bs <"$bout/sparse.log.time" 2>/dev/null || bc=0 bs=0
read -r pc ps <"$kout/sparse.log.time" || pc=0 ps=0
log "$label: base: ${bc}s compile, ${bs}s sparse; patched: ${pc}s compile, ${ps}s sparse (not counting the configuration and waits for the machine)"
if [ "$nn" = 0 ]; then
	result sparse ok "$label: no new sparse message in $what (base $nb, patched $np)"
	exit 0
fi
result sparse fail "$label: $nn new sparse message(s) in $what (base $nb, patched $np)"
sed 's/^/# /' "$kout/sparse.new" >>"$RESULTS/sparse.tap"
sed 's/^/  new: /' "$kout/sparse.new" >&2
exit 1
