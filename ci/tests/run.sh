#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the pipeline itself: bad input must fail with a clear message
# and change nothing, and the checks must be able to fail.  Needs the base
# snapshot (ci/base.sh).  Results go to $BUILD/results/tooling.tap.
. "$(dirname "$0")/../lib.sh"

group=tooling
# These tests also run inside `make matrix` (CHECK_SET=matrix) and `make
# check CONFIGS=...`: the runs they start must not inherit that choice.
unset CHECK_SET CONFIGS
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

# A format-patch mail changing FILE of the base: replace the text OLD
# with NEW; SUBJECT is the commit's subject line.
mkpatch() {
	local out=$1 file=$2 old=$3 new=$4 subject=${5:-"mm/gup: scratch change for the pipeline's tests"} wt
	wt=$(worktree tooling)
	grep -qF -- "$old" "$wt/$file" || die "mkpatch: '$old' not in $file"
	OLD=$old NEW=$new perl -0pi -e 's/\Q$ENV{OLD}\E/$ENV{NEW}/' "$wt/$file"
	gitc -C "$wt" commit -q -a -m "$subject

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

# make bisect FROM=N outside the series, or not a patch number: refused
# before anything is built or created.
expect_fail "make bisect FROM=0 is refused" \
	"FROM=0: give the number of the patch to start at, 1 to" \
	env FROM=0 BUILD_DIR="$tmp/bisect1" "$PROJECT/ci/bisect.sh"
expect_fail "make bisect FROM past the series' end is refused" \
	"FROM=100000, but the series has [0-9]+ patches" \
	env FROM=100000 BUILD_DIR="$tmp/bisect1" "$PROJECT/ci/bisect.sh"
expect_ok "... and nothing was created" test ! -e "$tmp/bisect1"

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
printf 'thread scratch\ncover cover-letter.txt\n0001-ok.patch\n0002-two.patch\n' >"$d/threads"
expect_ok "a good series gives one tree through quilt, git am, the mbox and b4 am" \
	env RESULTS_DIR="$tmp/results" MBOX_DIR="$tmp/mbox" "$PROJECT/ci/identity.sh" -s "$d"
expect_ok "... with four identical trees, one thread, numbered, and nothing failed" \
	test "$(grep -c '^ok' "$tmp/results/series.tap")" = 6 -a "$(grep -c '^not ok' "$tmp/results/series.tap")" = 0
expect_ok "... and a cover letter plus two numbered patches" \
	test "$(ls "$tmp/mbox/1-scratch"/000[0-2]-*.patch | wc -l)" = 3
addressed() { grep -q '^To: .*@' "$1" && grep -q '^Cc: .*linux-mm@kvack.org' "$1"; }
expect_ok "... addressed from MAINTAINERS (To: a maintainer, Cc: linux-mm)" \
	addressed "$tmp/mbox/1-scratch/0000-cover-letter.patch"
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

# Mail threads (`threads`): a scratch series of five patches in three
# threads, as the real one will be: a fix mailed alone, an mm thread whose
# mails all go to the union of their recipients, and conversions whose
# patches each go to their own maintainers.  The threads' mboxes, applied
# in order with git am and through b4 am, give the quilt tree.
d=$(mkseries threads)
mkpatch "$d/patches/0001-fix.patch" drivers/virt/acrn/vm.c "int acrn_vm_destroy(struct acrn_vm *vm)
{" "int acrn_vm_destroy(struct acrn_vm *vm)
{
	/* scratch fix */" "virt: acrn: scratch fix for the pipeline's tests"
mkpatch "$d/patches/0002-core.patch" mm/gup.c "#include <linux/kernel.h>" "#include <linux/kernel.h>
/* scratch core */" "mm/gup: scratch core change for the pipeline's tests"
mkpatch "$d/patches/0003-header.patch" include/linux/mm.h "#define _LINUX_MM_H" "#define _LINUX_MM_H
/* scratch header */" "mm: scratch header change for the pipeline's tests"
mkpatch "$d/patches/0004-orangefs.patch" fs/orangefs/orangefs-bufmap.c '#include "protocol.h"' '#include "protocol.h"
/* scratch conversion */' "orangefs: scratch conversion for the pipeline's tests"
mkpatch "$d/patches/0005-vmci.patch" drivers/misc/vmw_vmci/vmci_host.c "#include <linux/kernel.h>" "#include <linux/kernel.h>
/* scratch conversion */" "misc: vmw_vmci: scratch conversion for the pipeline's tests"
printf '%s\n' 0001-fix.patch 0002-core.patch 0003-header.patch 0004-orangefs.patch 0005-vmci.patch >"$d/series"
printf 'mm: scratch core\n\nUsed by the pipeline tests only.\n' >"$d/patches/cover-mm.txt"
printf 'scratch conversions\n\nUsed by the pipeline tests only.\n' >"$d/patches/cover-conv.txt"
cat >"$d/threads" <<'THREADS'
# a fix, mailed alone
thread fix
cover none
0001-fix.patch

thread mm
prefix PATCH mm
cover cover-mm.txt
address union
0002-core.patch
0003-header.patch

thread conv
prefix RFC PATCH
cover cover-conv.txt   # the cover letter goes to everyone
address per-patch
0004-orangefs.patch
0005-vmci.patch
THREADS
cp "$d/threads" "$tmp/threads.good"
m=$tmp/mbox3
expect_ok "three mail threads give the quilt tree through git am and b4 am, thread after thread" \
	env RESULTS_DIR="$tmp/results" MBOX_DIR="$m" "$PROJECT/ci/identity.sh" -s "$d"
expect_ok "... with every check passed" \
	test "$(grep -c '^ok' "$tmp/results/series.tap")" = 8 -a "$(grep -c '^not ok' "$tmp/results/series.tap")" = 0
expect_ok "... in three threads, in order" test "$(cat "$m/threads" | paste -s -d ' ')" = "1-fix 2-mm 3-conv"
subjects() { grep -h '^Subject: ' "$m/$1"/*.patch | sed 's/^Subject: \(\[[^]]*\]\).*/\1/' | paste -s -d ' '; }
expect_ok "... the fix alone: one [PATCH] mail, no cover letter" \
	test "$(subjects 1-fix)" = "[PATCH]" -a "$(ls "$m/1-fix" | paste -s -d ' ')" = 0001-virt-acrn-scratch-fix-for-the-pipeline-s-tests.patch
expect_ok "... the mm thread numbered on its own, with its prefix" \
	test "$(subjects 2-mm)" = "[PATCH mm 0/2] [PATCH mm 1/2] [PATCH mm 2/2]"
expect_ok "... the conversions too" \
	test "$(subjects 3-conv)" = "[RFC PATCH 0/2] [RFC PATCH 1/2] [RFC PATCH 2/2]"
expect_ok "... each thread's cover letter is its own" \
	sh -c 'grep -q "^Subject: .*mm: scratch core$" "$1"/2-mm/0000-* && grep -q "^Subject: .*scratch conversions$" "$1"/3-conv/0000-*' - "$m"
expect_ok "... the fix goes to acrn's maintainer, not to mm's or the others'" \
	sh -c 'h=$(grep -h "^\(To\|Cc\): " "$1"/1-fix/*); echo "$h" | grep -q "^To: .*fei1.li@intel.com" && ! echo "$h" | grep -q "linux-mm@\|akpm@\|hubcap@\|broadcom"' - "$m"
expect_ok "... the mm mails all go to the union of their recipients" \
	sh -c 'test "$(for f in "$1"/2-mm/*; do grep -h "^\(To\|Cc\): " "$f" | md5sum; done | sort -u | wc -l)" = 1 && grep -q "^To: .*akpm@linux-foundation.org" "$1"/2-mm/0000-*' - "$m"
expect_ok "... the orangefs patch goes to orangefs's maintainers, not vmci's" \
	sh -c 'h=$(grep -h "^\(To\|Cc\): " "$1"/3-conv/0001-*); echo "$h" | grep -q "^To: .*hubcap@omnibond.com" && echo "$h" | grep -q "devel@lists.orangefs.org" && ! echo "$h" | grep -q "vmw\|broadcom"' - "$m"
expect_ok "... the vmci patch to vmci's, not orangefs's" \
	sh -c 'h=$(grep -h "^\(To\|Cc\): " "$1"/3-conv/0002-*); echo "$h" | grep -q "^To: .*bryan-bt.tan@broadcom.com" && ! echo "$h" | grep -q "omnibond\|orangefs"' - "$m"
expect_ok "... and the conversions' cover letter to both" \
	sh -c 'h=$(grep -h "^To: " "$1"/3-conv/0000-*); echo "$h" | grep -q hubcap@omnibond.com && echo "$h" | grep -q bryan-bt.tan@broadcom.com' - "$m"
dry_runs() {
	local n=$1 out
	shift
	out=$(MBOX_DIR="$m" "$PROJECT/ci/send-dry-run.sh" "$@" 2>&1) &&
		[ "$(printf '%s\n' "$out" | grep -c '^Result: OK')" = "$n" ]
}
expect_ok "... git send-email --dry-run takes each thread (nothing is sent)" dry_runs 7
expect_ok "... or the one asked for" dry_runs 3 conv
expect_fail "... and refuses a thread that does not exist" "no thread 'nosuch'" \
	env MBOX_DIR="$m" "$PROJECT/ci/send-dry-run.sh" nosuch
# What is wrong with the threads is said, with its line, and no mail is made.
sed -i '/^0005-vmci.patch/d' "$d/threads"
expect_fail "a patch of the series in no thread is an error" \
	"series line 5: 0005-vmci.patch is in no thread" "$PROJECT/ci/threads.sh" -s "$d"
expect_fail "... that fails the series check of make check" \
	"not ok - threads: the mail threads do not match the series" \
	env RESULTS_DIR="$tmp/results" MBOX_DIR="$m" sh -c '"$0" -s "$1" >/dev/null 2>&1; rc=$?; cat "$2"; exit $rc' \
	"$PROJECT/ci/identity.sh" "$d" "$tmp/results/series.tap"
expect_fail "... and leaves no mail" "no mail" "$PROJECT/ci/mbox.sh" -s "$d" -o "$tmp/mbox-bad"
expect_ok "... (none at all)" test ! -e "$tmp/mbox-bad"
cp "$tmp/threads.good" "$d/threads"
echo 0006-gone.patch >>"$d/threads"
expect_fail "a thread that names a missing patch is an error" \
	"threads line [0-9]+: thread 'conv' names 0006-gone.patch, which does not exist" \
	"$PROJECT/ci/threads.sh" -s "$d"
cp "$tmp/threads.good" "$d/threads"
sed -i 's/^0004-orangefs.patch$/0001-fix.patch/' "$d/threads"
expect_fail "a patch in two threads is an error" "0001-fix.patch is already in thread 'fix'" \
	"$PROJECT/ci/threads.sh" -s "$d"
cp "$tmp/threads.good" "$d/threads"
sed -i 's/^0003-header.patch$/swap/; s/^0004-orangefs.patch$/0003-header.patch/; s/^swap$/0004-orangefs.patch/' "$d/threads"
expect_fail "threads that do not follow the order of series are an error" \
	"0004-orangefs.patch comes in thread 'mm' where series has 0003-header.patch" \
	"$PROJECT/ci/threads.sh" -s "$d"
cp "$tmp/threads.good" "$d/threads"
sed -i 's/^cover cover-mm.txt/cover none/' "$d/threads"
expect_fail "a thread of two patches without a cover letter is an error" \
	"thread 'mm' has 2 patches: it needs a cover letter" "$PROJECT/ci/threads.sh" -s "$d"
sed -i 's/^cover none/cover cover-gone.txt/' "$d/threads"
expect_fail "... and so is a cover letter that does not exist" \
	"its cover letter patches/cover-gone.txt does not exist" "$PROJECT/ci/threads.sh" -s "$d"
rm "$d/threads"
expect_fail "... and a series without threads" "threads does not exist" "$PROJECT/ci/threads.sh" -s "$d"

# sparse (ci/sparse.sh): a scratch patch that casts __user away from a
# pointer, in a file that the callers/x86_64 row compiles, gives a sparse
# warning that the base does not have, and the row fails with it; a patch
# that only changes a comment there passes; a row that builds none of the
# series' files says so.
d=$(mkseries sparse)
mkpatch "$d/patches/0001-user.patch" fs/orangefs/orangefs-bufmap.c "	if (user_desc->total_size < 0 ||" \
	"	if (!*(char *)user_desc->ptr ||
	    user_desc->total_size < 0 ||" "orangefs: scratch __user misuse for the pipeline's tests"
echo 0001-user.patch >"$d/series"
sp() {
	rm -f "$tmp/results/sparse.tap"
	"$PROJECT/ci/apply.sh" -s "$d" tooling-sparse >/dev/null &&
		env RESULTS_DIR="$tmp/results" sh -c '"$0" "$@" >/dev/null 2>&1; rc=$?; cat "$RESULTS_DIR/sparse.tap"; exit $rc' \
			"$PROJECT/ci/sparse.sh" -s "$d" "$@" "$SRC/tooling-sparse" "$OUT/tooling-sparse-$2-$1"
}
expect_fail "sparse: a new __user misuse fails the row, naming file, function and message" \
	"^# fs/orangefs/orangefs-bufmap.c: orangefs_bufmap_initialize: warning: cast removes address space '__user' of expression" \
	sp callers x86_64
expect_ok "... as one new message on the row's TAP line" grep -q '^not ok - sparse callers/x86_64: 1 new sparse message' "$tmp/results/sparse.tap"
mkpatch "$d/patches/0001-user.patch" fs/orangefs/orangefs-bufmap.c "	if (user_desc->total_size < 0 ||" \
	"	/* scratch */
	if (user_desc->total_size < 0 ||" "orangefs: scratch comment for the pipeline's tests"
expect_ok "... a patch that adds no sparse message passes" sp callers x86_64
expect_ok "... after checking the file in both trees" grep -q '^ok - sparse callers/x86_64: no new sparse message in 1 of the series' "$tmp/results/sparse.tap"
sp callers arm64 >"$tmp/sparse-arm64.tap" 2>&1 || true
expect_ok "... and a row that builds none of the series' files is skipped with the reason" \
	grep -q "^ok - sparse callers/arm64 # SKIP the row builds none of the 1 .c files" "$tmp/sparse-arm64.tap"

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
printf 'Linux version 6.12\nguest: BEGIN a\nguest: END a rc=0\nguest: BEGIN b\nWARNING: CPU: 0 PID: 1 at mm/gup.c:1 x\nRIP: 0010:x+0x1/0x2\nguest: END b rc=1\n' >"$g/console.log"
"$PROJECT/ci/parse-guest.sh" t "$g" >"$g/out.tap"
expect_ok "guest parser: a passing test is ok" grep -q '^ok - t: a: fine' "$g/out.tap"
expect_ok "guest parser: a failing test fails" grep -q '^not ok - t: b: broken' "$g/out.tap"
expect_ok "guest parser: a non-zero exit without TAP fails" grep -q '^not ok - t: c: exited with status 1' "$g/out.tap"
expect_ok "guest parser: a skip keeps its reason" grep -q '^ok - t: d: # SKIP no such feature' "$g/out.tap"
expect_ok "guest parser: a test cut short fails" grep -q '^not ok - t: e: did not finish' "$g/out.tap"
expect_ok "guest parser: missing FOLL_PIN counters fail" grep -q '^not ok - t: FOLL_PIN counters were not reported' "$g/out.tap"
expect_ok "guest parser: a WARNING in the kernel log fails" grep -q '^not ok - t: kernel log has warnings' "$g/out.tap"
expect_ok "guest parser: ... names the test that was running" \
	grep -q '^#   first report, after: guest: BEGIN b$' "$g/out.tap"
expect_ok "guest parser: ... and shows the whole report" grep -q '^#   | RIP: 0010:x+0x1/0x2$' "$g/out.tap"
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
