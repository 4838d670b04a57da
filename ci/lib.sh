# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the ci/ scripts.  Source it; do not run it.
#
# Every script sources this file first; it fixes the project layout, the
# base tree that the series targets and the small helpers (logging, timing,
# TAP result files) so that no script re-implements them.

set -euo pipefail

PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$PROJECT/build}
case "$BUILD" in /*) ;; *) BUILD=$PROJECT/$BUILD ;; esac

# The base the series is developed against: mainline v7.3 as Debian ships
# it, linux-source-7.3 from the trixie-backports suite (ci/setup.sh adds
# that suite for this one package).
BASE_PKG=linux-source-7.3
BASE_PKG_VERSION=7.3.4-1~bpo13+1
BASE_PKG_SUITE=trixie-backports
BASE_TARBALL=/usr/src/linux-source-7.3.tar.xz
BASE_SHA256=76df1affb19f24926949369be1d74b60071c963c598ce8780bddd4bbf0fc3bc4

SRC=$BUILD/src		# git snapshots and worktrees of kernel trees
OUT=$BUILD/out		# O= build directories
RESULTS=${RESULTS_DIR:-$BUILD/results}	# TAP lines of every step, read by summarize.sh
TIMES=${TIMES_FILE:-$BUILD/times}	# wall time of every step()
BOOTS=${BOOTS_FILE:-$BUILD/boots}	# accelerator and wall time of every boot

JOBS=${JOBS:-$(($(nproc) + 1))}

# Reproducible builds, so that ccache hits across trees and runs.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=ci KBUILD_BUILD_HOST=foll-pin
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 CCACHE_COMPILERCHECK=content
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# One cache wherever HOME/.ccache exists or not (ccache 4 picks
# ~/.cache/ccache when it does not), so that fresh-machine --ccache, which
# binds /root/.ccache, finds what earlier builds left.
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}

log() { printf '==> %s\n' "$*" >&2; }

# machine_lock CMD...: run CMD holding the machine's lock.  Kernel builds
# take every core and a TCG guest two: with several checkouts (or people)
# on one machine, one of them runs at a time and the timings stay
# meaningful.  FOLL_PIN_NO_LOCK=1 skips it.
machine_lock() {
	if [ "${FOLL_PIN_NO_LOCK:-0}" = 1 ] || ! command -v flock >/dev/null; then
		"$@"
		return
	fi
	local f=${FOLL_PIN_LOCK:-/tmp/foll-pin-machine.lock}
	FOLL_PIN_NO_LOCK=1 flock "$f" "$@"
}
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 2
}

# Loud, multi-line banner for things a user must not miss.
shout() {
	printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
	printf '!!! %s\n' "$@" >&2
	printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
}

need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			die "required tool '$t' is not installed: run 'make setup' (as root)"
	done
}

# step NAME CMD...: announce a long step, run it, say how long it took.
# The duration is also appended to $BUILD/times for the closing summary.
step() {
	local name=$1 t0 rc=0
	shift
	log "$name"
	t0=$(date +%s)
	"$@" || rc=$?
	local dt=$(($(date +%s) - t0))
	mkdir -p "$(dirname "$TIMES")"
	printf '%s\t%ss\t%s\n' "$name" "$dt" "$([ $rc = 0 ] && echo ok || echo "FAILED rc=$rc")" >>"$TIMES"
	log "$name: $([ $rc = 0 ] && echo done || echo "FAILED (rc=$rc)") in ${dt}s"
	return $rc
}

# TAP result lines for the summary: result GROUP ok|fail|skip DESCRIPTION
result() {
	local group=$1 status=$2
	shift 2
	mkdir -p "$RESULTS"
	case "$status" in
	ok) echo "ok - $*" ;;
	fail) echo "not ok - $*" ;;
	skip) echo "ok - ${1} # SKIP ${*:2}" ;;
	*) die "result: bad status '$status'" ;;
	esac >>"$RESULTS/$group.tap"
}

# Non-comment entries of a quilt series file, one a line.
series_entries() {
	sed -e 's/#.*//' -e 's/[[:space:]].*//' "$1" | grep -v '^$' || true
}

# The kernel's ARCH= and CROSS_COMPILE= for a matrix arch name.
arch_make_vars() {
	case "$1" in
	x86_64) echo "ARCH=x86_64" ;;
	i386) echo "ARCH=i386" ;;
	arm64) echo "ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
	powerpc64le) echo "ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-" ;;
	powerpc) echo "ARCH=powerpc CROSS_COMPILE=powerpc-linux-gnu-" ;;
	s390) echo "ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-" ;;
	riscv64) echo "ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu-" ;;
	*) die "unknown arch '$1' (known: x86_64 i386 arm64 powerpc64le powerpc s390 riscv64)" ;;
	esac
}

# kmake_vars ARCH: set KMAKEVARS to the make variables of a kernel build
# for ARCH (ARCH=, CROSS_COMPILE=, and CC=/HOSTCC= through ccache when it
# is installed); dies if the compiler or a build tool is missing.
kmake_vars() {
	local v cross=
	# shellcheck disable=SC2207
	KMAKEVARS=($(arch_make_vars "$1")) || exit
	for v in "${KMAKEVARS[@]}"; do
		case "$v" in CROSS_COMPILE=*) cross=${v#CROSS_COMPILE=} ;; esac
	done
	need "${cross}gcc" make flex bison bc
	if command -v ccache >/dev/null; then
		KMAKEVARS+=("CC=ccache ${cross}gcc" "HOSTCC=ccache gcc")
	fi
}

# matrix_rows [SET]: the rows of ci/matrix, optionally only those whose
# "sets" column names SET.  Columns: name arch fragments run sets.
matrix_rows() {
	local want=${1:-}
	sed -e 's/#.*//' "$PROJECT/ci/matrix" | awk -v want="$want" '
		NF == 0 { next }
		NF != 5 { printf "ci/matrix: bad row (want 5 columns): %s\n", $0 > "/dev/stderr"; exit 2 }
		want == "" { print; next }
		{ n = split($5, s, ","); for (i = 1; i <= n; i++) if (s[i] == want) { print; next } }'
}

# matrix_row NAME ARCH: the single row for that config and arch, or die.
matrix_row() {
	local row
	row=$(matrix_rows | awk -v n="$1" -v a="$2" '$1 == n && $2 == a')
	if [ -z "$row" ]; then
		die "unknown config '$1' for arch '$2'; ci/matrix has: $(matrix_rows | awk '{printf "%s/%s ", $1, $2}')"
	fi
	echo "$row"
}

# The make target that produces the bootable image of an arch.
arch_image_target() {
	case "$1" in
	x86_64 | i386) echo bzImage ;;
	arm64) echo Image ;;
	powerpc64le | powerpc) echo vmlinux ;;
	s390) echo bzImage ;;
	riscv64) echo Image ;;
	*) die "unknown arch '$1'" ;;
	esac
}

# worktree NAME: $SRC/NAME, a clean checkout of the base snapshot
# (created on first use, reset and cleaned afterwards).
worktree() {
	local wt=$SRC/$1
	[ -d "$SRC/base/.git" ] || die "no base snapshot: run ci/base.sh first"
	if [ ! -e "$wt/.git" ]; then
		rm -rf "$wt"
		git -C "$SRC/base" worktree prune
		git -C "$SRC/base" worktree add -q --detach "$wt" base >&2
	else
		git -C "$wt" checkout -q --detach base >&2
		git -C "$wt" reset -q --hard base >&2
		git -C "$wt" clean -qfdx >&2
	fi
	echo "$wt"
}

# tree_hash DIR: the git tree object of DIR's working files (all of them,
# as Debian's tree ignores everything), without quilt's .pc.
tree_hash() {
	(cd "$1" && git add -A -f -- . ':!.pc' && git write-tree)
}

# Identity used for scratch commits in the pipeline's own trees; the
# patches keep their authors, this only fills the committer.
gitc() { with_ci_identity git "$@"; }
# with_ci_identity CMD...: CMD with that identity in every git it runs
# (also for tools that call git themselves, as b4 does).
with_ci_identity() {
	GIT_CONFIG_COUNT=2 \
		GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="${GIT_COMMITTER_NAME:-ci}" \
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="${GIT_COMMITTER_EMAIL:-ci@example.org}" \
		"$@"
}

# check_configs SET NAMES...: die unless every NAME is a config of SET.
check_configs() {
	local set=$1 n known
	shift
	known=$(matrix_rows "$set" | awk '{ print $1 }' | sort -u | tr '\n' ' ')
	for n in "$@"; do
		echo " $known" | grep -q " $n " ||
			die "unknown config '$n'; configs of 'make ${set}': $known"
	done
}

# series_dir_opt USAGE ARGS...: for the scripts whose only option is
# -s SERIES_DIR; sets $sdir (default: the project).
series_dir_opt() {
	local usage=$1 o OPTIND=1
	shift
	sdir=$PROJECT
	while getopts s: o; do
		case $o in
		s) sdir=$(cd "$OPTARG" && pwd) || die "no such directory: $OPTARG" ;;
		*) die "usage: $usage" ;;
		esac
	done
	[ $OPTIND -gt $# ] || die "usage: $usage"
}

# own_results DIR: this job (bench, bisect) keeps its results, step times
# and boots in DIR, for itself and the scripts it runs, and starts afresh.
own_results() {
	export RESULTS_DIR=$1/results TIMES_FILE=$1/times BOOTS_FILE=$1/boots
	RESULTS=$RESULTS_DIR TIMES=$TIMES_FILE BOOTS=$BOOTS_FILE
	rm -rf "$RESULTS" "$TIMES" "$BOOTS"
	mkdir -p "$RESULTS"
}

# cocci_opts FILE: the spatch options of a semantic patch's "// Options:"
# line, as `make coccicheck` reads them.
cocci_opts() {
	sed -n 's|^// Options:||p' "$1" | head -n 1
}

# row_objects NAME ARCH: the objects ci/objects lists for an "objects" row.
row_objects() {
	sed 's/#.*//' "$PROJECT/ci/objects" | awk -v n="$1" -v a="$2" '
		$1 == n && $2 == a { for (i = 3; i <= NF; i++) print $i }'
}

# guest_runs: the "suffix list env root" lines of ci/guest/runs, comments
# dropped; a malformed line is an error.
guest_runs() {
	sed 's/#.*//' "$PROJECT/ci/guest/runs" | awk '
		NF == 0 { next }
		NF != 4 || ($4 != "initramfs" && $4 != "debian") {
			printf "ci/guest/runs: bad line (want: suffix list env initramfs|debian): %s\n", $0 > "/dev/stderr"
			exit 2
		}
		{ print }'
}
