#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the pipeline itself: bad input must fail with a clear message
# and change nothing, and the checks must be able to fail.  Needs the base
# snapshot (ci/base.sh).  Results go to $BUILD/results/tooling.tap.
. "$(dirname "$0")/../lib.sh"

group=tooling
rm -f "$RESULTS/$group.tap"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/foll-pin-tests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect_fail DESC PATTERN CMD...: CMD must exit non-zero and say PATTERN.
expect_fail() {
	local desc=$1 pat=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	if [ $rc != 0 ] && printf '%s\n' "$out" | grep -qE "$pat"; then
		result $group ok "$desc"
	else
		result $group fail "$desc (exit $rc, wanted a message matching /$pat/)"
		printf '%s\n' "$out" | tail -n 5 | sed 's/^/#   /' >>"$RESULTS/$group.tap"
		fails=$((fails + 1))
	fi
}
expect_ok() {
	local desc=$1
	shift
	if "$@"; then
		result $group ok "$desc"
	else
		result $group fail "$desc"
		fails=$((fails + 1))
	fi
}

# A scratch series directory with the given patches (file:content pairs).
mkseries() {
	local d=$tmp/$1
	shift
	rm -rf "$d"
	mkdir -p "$d/patches"
	: >"$d/series"
	echo "$d"
}

# A format-patch mail changing FILE of the base: replace line LINE (as it
# is in the base, or as given by OLD) with NEW.
mkpatch() {
	local out=$1 file=$2 old=$3 new=$4 wt
	wt=$(worktree tooling)
	grep -qF -- "$old" "$wt/$file" || die "mkpatch: '$old' not in $file"
	OLD=$old NEW=$new perl -0pi -e 's/\Q$ENV{OLD}\E/$ENV{NEW}/' "$wt/$file"
	gitc -C "$wt" commit -q -a -m "mm/gup: scratch change for the pipeline's tests

Only used by ci/tests/run.sh.

Signed-off-by: ci <ci@example.org>"
	gitc -C "$wt" format-patch -q --stdout -1 >"$out"
	git -C "$wt" reset -q --hard base
}

# KERNEL_SRC that is not a kernel tree: refused, nothing created.
mkdir -p "$tmp/notakernel"
echo "hello" >"$tmp/notakernel/README"
expect_fail "KERNEL_SRC that is not a kernel tree is refused" \
	"KERNEL_SRC=.*is not a kernel tree \(missing: Makefile" \
	env KERNEL_SRC="$tmp/notakernel" BUILD_DIR="$tmp/build1" "$PROJECT/ci/base.sh"
expect_ok "... and nothing was created" test ! -e "$tmp/build1/src/base"
expect_fail "KERNEL_SRC that does not exist is refused" "no such directory" \
	env KERNEL_SRC="$tmp/nonexistent" BUILD_DIR="$tmp/build1" "$PROJECT/ci/base.sh"

# Unknown config names.
expect_fail "an unknown config name is refused by make check" \
	"unknown config 'nosuch'; configs of 'make check': base callers debug nommu nothp" \
	env CONFIGS="base nosuch" "$PROJECT/ci/check.sh"
expect_fail "an unknown config name is refused by the build" "unknown config 'nosuch' for arch 'x86_64'" \
	"$PROJECT/ci/build.sh" nosuch x86_64 "$SRC/base" "$tmp/out"
expect_ok "... and no build directory was created" test ! -e "$tmp/out"

# Malformed series.
d=$(mkseries missing)
printf '# a comment\nnot-there.patch\n' >"$d/series"
expect_fail "a series entry without a file is named with its line" \
	"series line 2: patches/not-there.patch does not exist" "$PROJECT/ci/series.sh" "$d"
d=$(mkseries unlisted)
# (with a trailing blank: checkpatch must call that an error)
mkpatch "$d/patches/0001-ok.patch" mm/gup.c "#include <linux/kernel.h>" "#include <linux/kernel.h>
/* scratch */ "
expect_fail "a patch file missing from series is reported" "0001-ok.patch is not listed in" \
	"$PROJECT/ci/series.sh" "$d"

# A patch that does not apply: the patch, the file and the hunk are named,
# and the checkout is left clean at the base.
d=$(mkseries bad)
mkpatch "$d/patches/0001-good.patch" mm/gup.c "#include <linux/kernel.h>" "#include <linux/kernel.h>
/* first */"
mkpatch "$d/patches/0002-bad.patch" mm/gup.c "static inline void sanity_check_pinned_pages(" \
	"static inline void sanity_check_pinned_pages_renamed("
# Make 0002's removed line something the base does not have.
sed -i 's/^-static inline void sanity_check_pinned_pages(/-static inline void not_in_the_base(/' \
	"$d/patches/0002-bad.patch"
printf '0001-good.patch\n0002-bad.patch\n' >"$d/series"
expect_fail "a patch that does not apply is named with its file and hunk" \
	"patch 2/2, patches/0002-bad.patch, does not apply" "$PROJECT/ci/apply.sh" -s "$d" tooling
expect_fail "... the failing hunk is named" "mm/gup.c: Hunk #1 FAILED" \
	"$PROJECT/ci/apply.sh" -s "$d" tooling
expect_ok "... and the checkout is back at the base" \
	test -z "$(git -C "$SRC/tooling" status --porcelain --ignored)"

# A good two-patch series goes through quilt, git am, the mbox and b4 am
# to the same tree; a change to one patch is caught by the comparison.
d=$(mkseries good)
cp "$tmp/unlisted/patches/0001-ok.patch" "$d/patches/0001-ok.patch"
mkpatch "$d/patches/0002-two.patch" include/linux/mm.h "#define _LINUX_MM_H" "#define _LINUX_MM_H
/* second */"
printf '0001-ok.patch\n0002-two.patch\n' >"$d/series"
printf 'mm/gup: scratch series\n\nUsed by the pipeline tests only.\n' >"$d/patches/cover-letter.txt"
expect_ok "a good series gives one tree through quilt, git am, the mbox and b4 am" \
	env RESULTS_DIR="$tmp/results" MBOX_DIR="$tmp/mbox" "$PROJECT/ci/identity.sh" -s "$d"
expect_ok "... with four identical-tree results" \
	test "$(grep -c '^ok' "$tmp/results/series.tap")" = 4
expect_ok "... and a cover letter plus two numbered patches" \
	test "$(ls "$tmp/mbox"/000[0-2]-*.patch | wc -l)" = 3
addressed() { grep -q '^To: .*@' "$1" && grep -q '^Cc: .*linux-mm@kvack.org' "$1"; }
expect_ok "... addressed from MAINTAINERS (To: a maintainer, Cc: linux-mm)" \
	addressed "$tmp/mbox/0000-cover-letter.patch"
expect_ok "... with MAINTAINERS.snippet merged into MAINTAINERS" \
	grep -qxF "$(grep -m1 . "$PROJECT/MAINTAINERS.snippet")" "$BUILD/MAINTAINERS.merged"
dry_run() {
	local out
	out=$(MBOX_DIR="$tmp/mbox" "$PROJECT/ci/send-dry-run.sh" 2>&1) &&
		[ "$(printf '%s\n' "$out" | grep -c '^Result: OK')" = 3 ]
}
expect_ok "... and git send-email --dry-run takes them (nothing is sent)" dry_run
expect_fail "checkpatch --strict fails a patch with a style error" "ERROR: trailing whitespace" \
	env RESULTS_DIR="$tmp/results" "$PROJECT/ci/checkpatch.sh" -s "$d"

# The semantic patch tests fail a wrong expectation and a .cocci without
# tests.
c=$tmp/cocci
mkdir -p "$c/tests/unpin_batch"
cp "$PROJECT/coccinelle/unpin_batch.cocci" "$c/"
cp "$PROJECT/coccinelle/tests/unpin_batch/loops.c" "$c/tests/unpin_batch/"
cp "$PROJECT/coccinelle/tests/unpin_batch/loops.c" "$c/tests/unpin_batch/loops.res"
expect_fail "semantic patch tests: output that differs from the .res fails" \
	"unpin_batch: loops: loops.c as patched" \
	env RESULTS_DIR="$tmp/results" sh -c '"$0" -d "$1" || { cat "$2"; exit 1; }' \
	"$PROJECT/ci/cocci-tests.sh" "$c" "$tmp/results/cocci.tap"
cp "$PROJECT/coccinelle/gup_to_pin.cocci" "$c/"
expect_fail "semantic patch tests: a .cocci without tests fails" \
	"gup_to_pin.cocci has tests in" \
	env RESULTS_DIR="$tmp/results" sh -c '"$0" -d "$1" || { cat "$2"; exit 1; }' \
	"$PROJECT/ci/cocci-tests.sh" "$c" "$tmp/results/cocci.tap"

# A generated patch is regenerated; one that differs from what its
# semantic patch gives fails as drifted, and the generated list must name
# patches of the series.
d=$(mkseries gen)
mkdir -p "$d/coccinelle"
cp "$PROJECT/coccinelle/unpin_batch.cocci" "$d/coccinelle/"
gen_file=fs/orangefs/orangefs-bufmap.c
wt=$(worktree tooling)
(cd "$wt" && spatch --very-quiet -D patch --in-place --no-includes --include-headers \
	--sp-file "$d/coccinelle/unpin_batch.cocci" "$gen_file") >/dev/null 2>&1
gitc -C "$wt" commit -q -a -m "orangefs: scratch generated change

Only used by ci/tests/run.sh.

Signed-off-by: ci <ci@example.org>"
gitc -C "$wt" format-patch -q --stdout -1 >"$d/patches/0001-gen.patch"
git -C "$wt" reset -q --hard base
echo 0001-gen.patch >"$d/series"
echo "0001-gen.patch unpin_batch $gen_file" >"$d/coccinelle/generated"
expect_ok "a generated patch that matches its semantic patch passes" \
	env RESULTS_DIR="$tmp/results" "$PROJECT/ci/cocci-gen.sh" -s "$d"
sed -i 's/^+\(.*\)unpin_user_pages(bufmap->page_array,/+\1unpin_user_pages(bufmap->page_array ,/' \
	"$d/patches/0001-gen.patch"
expect_fail "a generated patch edited by hand fails as drifted" \
	"is what unpin_batch gives \(drifted" \
	env RESULTS_DIR="$tmp/results" sh -c '"$0" -s "$1" || { cat "$2"; exit 1; }' \
	"$PROJECT/ci/cocci-gen.sh" "$d" "$tmp/results/generated.tap"
echo "0002-none.patch unpin_batch $gen_file" >"$d/coccinelle/generated"
expect_fail "a generated patch missing from the series is refused" \
	"coccinelle/generated names 0002-none.patch, which is not in the series" \
	env RESULTS_DIR="$tmp/results" "$PROJECT/ci/cocci-gen.sh" -s "$d"

# A generated patch with a hand-written part: what the semantic patch gives,
# then coccinelle/fixups/NAME.diff.  It passes as it is; a hand edit of the
# patch is drift; a fix-up that does not apply, or that the message does
# not name, is refused; one that only applies with an offset fails the
# check and is rewritten by --write, after which the check passes.
d=$(mkseries fixup)
mkdir -p "$d/coccinelle/fixups"
cp "$PROJECT/coccinelle/unpin_batch.cocci" "$d/coccinelle/"
wt=$(worktree tooling)
(cd "$wt" && spatch --very-quiet -D patch --in-place --no-includes --include-headers \
	--sp-file "$d/coccinelle/unpin_batch.cocci" "$gen_file") >/dev/null 2>&1
git -C "$wt" add -f -- "$gen_file"
before=$(git -C "$wt" write-tree)
sed -i 's/only got %d\./got only %d./' "$wt/$gen_file"
git -C "$wt" add -f -- "$gen_file"
git -C "$wt" diff --no-color --full-index "$before" "$(git -C "$wt" write-tree)" \
	>"$d/coccinelle/fixups/scratch.diff"
gitc -C "$wt" commit -q -m "orangefs: scratch generated change with a fix-up

Only used by ci/tests/run.sh; coccinelle/fixups/scratch.diff is the
hand-written part.

Signed-off-by: ci <ci@example.org>"
gitc -C "$wt" format-patch -q --stdout -1 >"$d/patches/0001-fixup.patch"
git -C "$wt" reset -q --hard base
echo 0001-fixup.patch >"$d/series"
echo "0001-fixup.patch unpin_batch,fixup:scratch $gen_file" >"$d/coccinelle/generated"
cp "$d/coccinelle/fixups/scratch.diff" "$tmp/scratch.diff"
cp "$d/patches/0001-fixup.patch" "$tmp/0001-fixup.patch"
gen() { env RESULTS_DIR="$tmp/results" sh -c '"$0" "$@" || { cat "$RESULTS_DIR/generated.tap"; exit 1; }' \
	"$PROJECT/ci/cocci-gen.sh" "$@"; }
expect_ok "a generated patch with a fix-up diff that matches passes" gen -s "$d"
sed -i 's/^+\(.*\)got only %d\./+\1got just %d./' "$d/patches/0001-fixup.patch"
expect_fail "... its hand-written part edited in the patch alone fails as drifted" \
	"is what unpin_batch,fixup:scratch gives \(drifted" gen -s "$d"
cp "$tmp/0001-fixup.patch" "$d/patches/0001-fixup.patch"
sed -i 's/^-\(.*\)only got %d\./-\1never got %d./' "$d/coccinelle/fixups/scratch.diff"
expect_fail "... a fix-up that does not apply is named" \
	"coccinelle/fixups/scratch.diff does not apply exactly to what the semantic patches give" gen -s "$d"
expect_fail "... and --write does not paper over it" \
	"coccinelle/fixups/scratch.diff does not apply to what the semantic patches give .*mend it by hand" \
	gen -s "$d" --write
cp "$tmp/scratch.diff" "$d/coccinelle/fixups/scratch.diff"
sed -i 's/^\(@@ -[0-9]*\),\([0-9]*\) +[0-9]*,\([0-9]*\) @@/@@ -1,\2 +1,\3 @@/' "$d/coccinelle/fixups/scratch.diff"
expect_fail "... one that needs an offset fails the check" \
	"coccinelle/fixups/scratch.diff does not apply exactly" gen -s "$d"
expect_ok "... is rewritten by --write" gen -s "$d" --write
expect_ok "... to the diff it was made from" cmp -s "$tmp/scratch.diff" "$d/coccinelle/fixups/scratch.diff"
expect_ok "... and then passes" gen -s "$d"
sed -i 's|coccinelle/fixups/scratch.diff is the|the fix-up is the|' "$d/patches/0001-fixup.patch"
expect_fail "... a message that does not name its fix-up is refused" \
	"must say that coccinelle/fixups/scratch.diff is the hand-written part" gen -s "$d"

# The checker run over a tree fails on a mismatched pair.
k=$tmp/checker-tree
mkdir -p "$k/scripts/coccinelle/api" "$k/drivers/scratch"
: >"$k/Makefile"
cp "$PROJECT/coccinelle/pin_mismatch.cocci" "$k/scripts/coccinelle/api/pin_user_pages_mismatch.cocci"
cp "$PROJECT/coccinelle/tests/pin_mismatch/mismatch.c" "$k/drivers/scratch/"
expect_fail "the checker over a tree fails on a pinned page released with put_page()" \
	"the checker reports [0-9]+ lines" \
	env RESULTS_DIR="$tmp/results" sh -c '"$0" "$1" || { cat "$2"; exit 1; }' \
	"$PROJECT/ci/checker.sh" "$k" "$tmp/results/checker.tap"

# The Debian guest root: a package bookworm lacks is named before anything
# is downloaded, and a build that fails (an archive that does not answer)
# leaves nothing in the cache.
printf 'fio fio\nno-such-package-foll-pin nothing\n' >"$tmp/bad-packages"
expect_fail "a Debian root package that bookworm lacks is refused, with its name" \
	"cannot build the Debian guest root: not in Debian 12 .*: no-such-package-foll-pin" \
	env DEBIAN_ROOT_LIST="$tmp/bad-packages" DEBIAN_ROOT_CACHE="$tmp/root-cache" \
	"$PROJECT/ci/debian-root.sh"
expect_ok "... and no cache was created" test ! -e "$tmp/root-cache"
printf 'fio fio\n' >"$tmp/packages"
expect_fail "a Debian root that cannot be made fails clearly" \
	"cannot build the Debian guest root: (debootstrap failed|not cached .* needs root)" \
	env DEBIAN_ROOT_LIST="$tmp/packages" DEBIAN_ROOT_CACHE="$tmp/root-cache" \
	DEBIAN_MIRROR=http://127.0.0.1:9/debian "$PROJECT/ci/debian-root.sh"
expect_ok "... and leaves no root or image behind" \
	test -z "$(find "$tmp/root-cache" -mindepth 1 \( -type d -o -name '*.ext4' \) 2>/dev/null)"

# The guest log parser must fail what went wrong.
g=$tmp/guest
mkdir -p "$g"
printf '## BEGIN a\r\nok 1 fine\r\n## END a rc=0\r\n## BEGIN b\r\nnot ok 1 broken\r\n## END b rc=1\r\n## BEGIN c\r\n## END c rc=1\r\n## BEGIN d\r\nok 1 # SKIP no such feature\r\n## END d rc=4\r\n## BEGIN e\r\nok 1 started\r\n' >"$g/results.log"
printf 'Linux version 6.12\nWARNING: CPU: 0 PID: 1 at mm/gup.c:1 x\n' >"$g/console.log"
"$PROJECT/ci/parse-guest.sh" t "$g" >"$g/out.tap"
expect_ok "guest parser: a passing test is ok" grep -q '^ok - t: a: fine' "$g/out.tap"
expect_ok "guest parser: a failing test fails" grep -q '^not ok - t: b: broken' "$g/out.tap"
expect_ok "guest parser: a non-zero exit without TAP fails" grep -q '^not ok - t: c: exited with status 1' "$g/out.tap"
expect_ok "guest parser: a skip keeps its reason" grep -q '^ok - t: d: # SKIP no such feature' "$g/out.tap"
expect_ok "guest parser: a test cut short fails" grep -q '^not ok - t: e: did not finish' "$g/out.tap"
expect_ok "guest parser: missing FOLL_PIN counters fail" grep -q '^not ok - t: FOLL_PIN counters were not reported' "$g/out.tap"
expect_ok "guest parser: a WARNING in the kernel log fails" grep -q '^not ok - t: kernel log has warnings' "$g/out.tap"
printf '## ROOT /dev/vda cannot be mounted\r\n## BEGIN n\r\nBail out! the Debian root /dev/vda cannot be mounted\r\n## END n rc=1\r\n## VMSTAT nr_foll_pin_acquired=1 nr_foll_pin_released=1\r\n## DONE\r\n' >"$g/results.log"
"$PROJECT/ci/parse-guest.sh" t "$g" >"$g/out.tap"
expect_ok "guest parser: a Debian root that cannot be mounted fails its tests" \
	grep -q '^not ok - t: n: Bail out! the Debian root' "$g/out.tap"
printf '## VMSTAT nr_foll_pin_acquired=10 nr_foll_pin_released=9\r\n## DONE\r\n' >"$g/results.log"
printf 'Linux version 6.12\n' >"$g/console.log"
"$PROJECT/ci/parse-guest.sh" t "$g" >"$g/out.tap"
expect_ok "guest parser: unbalanced FOLL_PIN counters fail" grep -q '^not ok - t: FOLL_PIN counters unbalanced' "$g/out.tap"
expect_ok "guest parser: a clean kernel log passes" grep -q '^ok - t: no WARNING' "$g/out.tap"

[ $fails = 0 ]
