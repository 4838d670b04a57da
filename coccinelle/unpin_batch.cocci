// SPDX-License-Identifier: GPL-2.0-only
///
/// Release pinned pages with the batched calls instead of an open-coded
/// loop of unpin_user_page():
///   unpin_user_page(pages[i]) for i in [0, n)          -> unpin_user_pages()
///   set_page_dirty_lock() (maybe under a condition)
///   + unpin_user_page(pages[i]) for i in [0, n)        -> unpin_user_pages_dirty_lock()
/// The batched calls drop all the pins a folio holds with one atomic
/// operation and one counter update (a 2 MiB THP mapped by PTEs takes 512
/// pins and gives them back in one go), while the loop pays for every page.
/// unpin_user_pages_dirty_lock() also dirties before it unpins, which is the
/// order the documentation asks for.
///
/// A loop of unpin_user_page(pfn_to_page(pfn)) over a pfn range is left
/// alone: unpin_user_page_range_dirty_lock() walks its range as page + i
/// and wants a range whose memmap is contiguous (page_range_contiguous()),
/// which a run of contiguous pfns is not when it crosses a memory section
/// with SPARSEMEM and without SPARSEMEM_VMEMMAP; pfn_to_page() of each pfn
/// is right everywhere.
///
/// A loop is left alone when its index is read after the loop: the
/// replacement does not leave it at n.
///
// Confidence: High
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
# For each loop index: where it is read and where it is assigned, per file
# and function, so that a loop whose index is read after it stays.
events = {}
# The loops (file, line, column of "for") that may be replaced, and their
# indices (function, name: once changed, the file has another name), whose
# declaration goes when the loop was their only user.
dead = set()
indices = set()

def note(pos, name, kind):
	key = (pos.file, pos.current_element, name)
	events.setdefault(key, set()).add((int(pos.line), int(pos.column), kind))

def live_after(pos, name):
	"""Is name read after the line of pos before it is assigned again?"""
	key = (pos.file, pos.current_element, name)
	after = sorted(e for e in events.get(key, ()) if e[0] > int(pos.line))
	# An assignment and the read of its left side are at the same place:
	# the assignment comes first in the sort ("assign" < "read").
	return bool(after) and after[0][2] == "read"

// The loops: the unpin call's position u marks where the loop ends.
@cand@
identifier I;
expression P, N, D;
position p, u;
@@
(
  for@p (I = 0; I < N; \(I++\|++I\|I += 1\))
  {
	unpin_user_page@u(P[I]);
  }
|
  for@p (I = 0; I < N; \(I++\|++I\|I += 1\))
  {
	set_page_dirty_lock(P[I]);
	unpin_user_page@u(P[I]);
  }
|
  for@p (I = 0; I < N; \(I++\|++I\|I += 1\))
  {
	if (D)
		set_page_dirty_lock(P[I]);
	unpin_user_page@u(P[I]);
  }
)

@read@
identifier cand.I;
position q;
@@
  I@q

@script:python@
I << cand.I;
q << read.q;
@@
note(q[0], I, "read")

@assigned@
identifier cand.I;
expression E;
position q;
@@
  I@q = E

@script:python@
I << cand.I;
q << assigned.q;
@@
note(q[0], I, "assign")

@script:python@
I << cand.I;
p << cand.p;
u << cand.u;
@@
if not live_after(u[0], I):
	dead.add((p[0].file, p[0].line, p[0].column))
	indices.add((p[0].current_element, I))

// One rule for all shapes: positions are those of the file as read, and a
// rule applied after a change would see a rewritten file.
@batch depends on patch@
identifier I;
expression P, N, D;
position p : script:python () { (p[0].file, p[0].line, p[0].column) in dead };
@@
(
- for@p (I = 0; I < N; \(I++\|++I\|I += 1\))
- {
-	unpin_user_page(P[I]);
- }
+ unpin_user_pages(P, N);
|
- for@p (I = 0; I < N; \(I++\|++I\|I += 1\))
- {
-	set_page_dirty_lock(P[I]);
-	unpin_user_page(P[I]);
- }
+ unpin_user_pages_dirty_lock(P, N, true);
|
- for@p (I = 0; I < N; \(I++\|++I\|I += 1\))
- {
-	if (D)
-		set_page_dirty_lock(P[I]);
-	unpin_user_page(P[I]);
- }
+ unpin_user_pages_dirty_lock(P, N, D);
)

// The index of a replaced loop that nothing else uses.
@unused depends on patch@
type T;
identifier I;
position d : script:python (I) { (d[0].current_element, I) in indices };
constant C;
@@
(
- T I@d;
|
- T I@d = C;
)
  ... when != I

@script:python depends on org@
p << cand.p;
@@
if (p[0].file, p[0].line, p[0].column) in dead:
	coccilib.org.print_todo(p[0], "per-page unpin loop: use the batched unpin_user_pages*() call")

@script:python depends on report@
p << cand.p;
@@
if (p[0].file, p[0].line, p[0].column) in dead:
	coccilib.report.print_report(p[0], "per-page unpin loop: use unpin_user_pages() or unpin_user_pages_dirty_lock()")

@depends on context@
position p : script:python () { (p[0].file, p[0].line, p[0].column) in dead };
identifier I;
expression E1, E2, E3;
statement S;
@@
* for@p (I = E1; E2; E3) S
