// SPDX-License-Identifier: GPL-2.0-only
///
/// Convert a caller that reads or writes the data of the pages it gets
/// with get_user_pages*() (Cases 1, 2 and 5 of
/// Documentation/core-api/pin_user_pages.rst) to pin_user_pages*(), and
/// the releases of those pages to the matching unpin: put_page(),
/// __free_page(), free_page() of the page's address and folio_put() of its
/// folio to unpin_user_page() (unpin_folio() when the folio is kept in a
/// variable), release_pages() of the array to unpin_user_pages().
/// Without FOLL_PIN,
/// folio_maybe_dma_pinned() cannot see the pages, so fork() and the
/// writeback of file pages treat them as unused: the data can land in the
/// child's copy of the page or be written back while the caller still
/// writes it.
///
/// get_user_page_vma_remote(), which returns one page, becomes
/// access_user_page_vma_remote(), which pins the page when the flags have
/// FOLL_WRITE and only references it for a read (a read-only pin would
/// unshare a page shared with a forked child or merged by KSM); the page
/// is followed through the variable it is assigned to, and its release
/// becomes release_user_page_vma_remote() with the same flags
/// (unmap_and_put_page() becomes kunmap_local() and that release).
///
/// FOLL_GET passed explicitly is dropped: pin_user_pages*() refuse it.
/// The pages are followed from the call to their release through a local
/// variable, through the struct member they are stored in (anywhere in
/// the file, so run it on all files that share the member at once with
/// --file-groups), and through a helper of the same file that takes the
/// page array as its first argument.
///
/// Whether a caller touches the data cannot be told from the code: run it
/// on callers known to do so (Cases 1, 2 and 5); Case 3 (MMU notifier) and
/// Case 4 (struct page only) callers keep get_user_pages*().
/// unpin_batch.cocci then turns the per-page loops it leaves into the
/// batched release calls.
///
// Confidence: Moderate
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

// The calls.  pin_user_pages*() take the same arguments.
// The whole call is reprinted, so that its continuation lines are aligned
// with the new name and follow the coding style.
@gup depends on patch@
expression A, N, F, P, M, L;
@@
(
- get_user_pages_fast(A, N, F, P)
+ pin_user_pages_fast(A, N, F, P)
|
- get_user_pages(A, N, F, P)
+ pin_user_pages(A, N, F, P)
|
- get_user_pages_unlocked(A, N, P, F)
+ pin_user_pages_unlocked(A, N, P, F)
|
- get_user_pages_remote(M, A, N, F, P, L)
+ pin_user_pages_remote(M, A, N, F, P, L)
|
- get_user_page_vma_remote(M, A, F, L)
+ access_user_page_vma_remote(M, A, F, L)
)

// FOLL_GET is implied by get_user_pages*() and refused by pin_user_pages*().
@nofollget depends on patch@
expression A, N, P, M, L, F;
@@
(
  pin_user_pages_unlocked(A, N, P,
- FOLL_GET
+ 0
  )
|
  pin_user_pages_unlocked(A, N, P,
- FOLL_GET | F
+ F
  )
|
  pin_user_pages_unlocked(A, N, P,
- F | FOLL_GET
+ F
  )
|
  \(pin_user_pages_fast\|pin_user_pages\)(A, N,
- FOLL_GET
+ 0
  , P)
|
  \(pin_user_pages_fast\|pin_user_pages\)(A, N,
- FOLL_GET | F
+ F
  , P)
|
  \(pin_user_pages_fast\|pin_user_pages\)(A, N,
- F | FOLL_GET
+ F
  , P)
|
  pin_user_pages_remote(M, A, N,
- FOLL_GET
+ 0
  , P, L)
|
  access_user_page_vma_remote(M, A,
- FOLL_GET
+ 0
  , L)
|
  access_user_page_vma_remote(M, A,
- FOLL_GET | F
+ F
  , L)
|
  access_user_page_vma_remote(M, A,
- F | FOLL_GET
+ F
  , L)
)

@initialize:python@
@@
# Struct members that hold pinned pages, across the files of a group.
members = set()

// Where the pages go: the array (or &page) passed to the pin call, and the
// function that makes it.
@pinned depends on patch@
identifier fn;
expression A, N, F, P, M, L;
@@
fn(...)
{
  <+...
(
  pin_user_pages_fast(A, N, F, P)
|
  pin_user_pages(A, N, F, P)
|
  pin_user_pages_unlocked(A, N, P, F)
|
  pin_user_pages_remote(M, A, N, F, P, L)
)
  ...+>
}

// One page pinned into &pg.
@pinned_one depends on patch@
identifier fn, pg;
expression A, N, F, M, L;
@@
fn(...)
{
  <+...
(
  \(pin_user_pages_fast\|pin_user_pages\)(A, N, F, &pg)
|
  pin_user_pages_unlocked(A, N, &pg, F)
|
  pin_user_pages_remote(M, A, N, F, &pg, L)
)
  ...+>
}

// Released by the same function through the same expression: pages[i]
// or *pages, or the page itself.  Every call that drops one reference of
// a page becomes its unpin.
@local depends on patch@
identifier pinned.fn;
expression pinned.P, I, N;
@@
fn(...)
{
  <...
(
- put_page(P[I])
+ unpin_user_page(P[I])
|
- put_page(*P)
+ unpin_user_page(*P)
|
- __free_page(P[I])
+ unpin_user_page(P[I])
|
- __free_page(*P)
+ unpin_user_page(*P)
|
- free_page((unsigned long)page_address(P[I]))
+ unpin_user_page(P[I])
|
- free_page(page_address(P[I]))
+ unpin_user_page(P[I])
|
- folio_put(page_folio(P[I]))
+ unpin_user_page(P[I])
|
- folio_put(page_folio(*P))
+ unpin_user_page(*P)
|
- release_pages(P, N)
+ unpin_user_pages(P, N)
)
  ...>
}

// The folio of a pinned page, kept in a variable and put.
@local_folio depends on patch exists@
identifier pinned.fn, f;
expression pinned.P, I, E;
type T;
@@
fn(...)
{
  ... when any
(
  f = page_folio(\(P[I]\|*P\));
|
  T f = page_folio(\(P[I]\|*P\));
)
  ... when != f = E
- folio_put(f);
+ unpin_folio(f);
  ... when any
}

@local_one depends on patch@
identifier pinned_one.fn, pinned_one.pg;
@@
fn(...)
{
  <...
(
- put_page(pg)
+ unpin_user_page(pg)
|
- __free_page(pg)
+ unpin_user_page(pg)
|
- free_page((unsigned long)page_address(pg))
+ unpin_user_page(pg)
|
- free_page(page_address(pg))
+ unpin_user_page(pg)
|
- folio_put(page_folio(pg))
+ unpin_user_page(pg)
|
- release_pages(&pg, 1)
+ unpin_user_page(pg)
)
  ...>
}

@local_one_folio depends on patch exists@
identifier pinned_one.fn, pinned_one.pg, f;
expression E;
type T;
@@
fn(...)
{
  ... when any
(
  f = page_folio(pg);
|
  T f = page_folio(pg);
)
  ... when != f = E
- folio_put(f);
+ unpin_folio(f);
  ... when any
}

// One page returned by access_user_page_vma_remote() into pg, with the
// flags it was taken with: its release must be given the same ones.
@pinned_ret depends on patch@
identifier fn, pg;
expression M, A, F, V;
type T;
@@
fn(...)
{
  <+...
(
  T *pg = access_user_page_vma_remote(M, A, F, V);
|
  pg = access_user_page_vma_remote(M, A, F, V)
)
  ...+>
}

@local_ret depends on patch@
identifier pinned_ret.fn, pinned_ret.pg;
expression pinned_ret.F;
@@
fn(...)
{
  <...
(
- put_page(pg)
+ release_user_page_vma_remote(pg, F)
|
- __free_page(pg)
+ release_user_page_vma_remote(pg, F)
|
- free_page((unsigned long)page_address(pg))
+ release_user_page_vma_remote(pg, F)
|
- free_page(page_address(pg))
+ release_user_page_vma_remote(pg, F)
|
- folio_put(page_folio(pg))
+ release_user_page_vma_remote(pg, F)
)
  ...>
}

// unmap_and_put_page() has no counterpart that unpins: unmap, then release.
@local_ret_unmap depends on patch@
identifier pinned_ret.fn, pinned_ret.pg;
expression pinned_ret.F;
expression K;
@@
fn(...)
{
  <...
- unmap_and_put_page(pg, K);
+ kunmap_local(K);
+ release_user_page_vma_remote(pg, F);
  ...>
}

// The array is a struct member, or the pages are stored in one.
@member depends on patch@
expression A, N, F, M, L, E, I;
identifier fld;
@@
(
  \(pin_user_pages_fast\|pin_user_pages\)(A, N, F, \(E->fld\|E->fld + I\))
|
  pin_user_pages_unlocked(A, N, \(E->fld\|E->fld + I\), F)
|
  pin_user_pages_remote(M, A, N, F, \(E->fld\|E->fld + I\), L)
)

@script:python depends on patch@
fld << member.fld;
@@
members.add(fld)

@member_store depends on patch@
identifier pinned.fn;
expression pinned.P, E;
identifier fld;
@@
fn(...)
{
  <+...
  E->fld = P
  ...+>
}

@script:python depends on patch@
fld << member_store.fld;
@@
members.add(fld)

@member_store_one depends on patch@
identifier pinned_one.fn, pinned_one.pg;
expression E;
identifier fld;
@@
fn(...)
{
  <+...
  E->fld = pg
  ...+>
}

@script:python depends on patch@
fld << member_store_one.fld;
@@
members.add(fld)

@release_member depends on patch@
identifier fld : script:python () { fld in members };
expression E, I, N;
@@
(
- put_page(E->fld[I])
+ unpin_user_page(E->fld[I])
|
- put_page(E->fld)
+ unpin_user_page(E->fld)
|
- __free_page(E->fld[I])
+ unpin_user_page(E->fld[I])
|
- __free_page(E->fld)
+ unpin_user_page(E->fld)
|
- free_page((unsigned long)page_address(E->fld[I]))
+ unpin_user_page(E->fld[I])
|
- free_page(page_address(E->fld[I]))
+ unpin_user_page(E->fld[I])
|
- folio_put(page_folio(E->fld[I]))
+ unpin_user_page(E->fld[I])
|
- folio_put(page_folio(E->fld))
+ unpin_user_page(E->fld)
|
- release_pages(E->fld, N)
+ unpin_user_pages(E->fld, N)
)

@release_member_copy depends on patch exists@
identifier fld : script:python () { fld in members };
expression E;
identifier x;
@@
  x = E->fld;
  ... when != x = E
(
- put_page(x);
+ unpin_user_page(x);
|
- __free_page(x);
+ unpin_user_page(x);
|
- folio_put(page_folio(x));
+ unpin_user_page(x);
)

// A helper of this file that takes the pinned array as its first argument
// and releases it.
@helper depends on patch@
identifier pinned.fn, f;
expression pinned.P;
expression list ES;
@@
fn(...)
{
  <+...
  f(P, ES)
  ...+>
}

@release_helper depends on patch@
identifier helper.f, pp;
parameter list PS;
type T;
expression I, N;
@@
  f(T pp, PS)
  {
  <...
(
- put_page(pp[I])
+ unpin_user_page(pp[I])
|
- __free_page(pp[I])
+ unpin_user_page(pp[I])
|
- folio_put(page_folio(pp[I]))
+ unpin_user_page(pp[I])
|
- release_pages(pp, N)
+ unpin_user_pages(pp, N)
)
  ...>
  }

// context, org, report: every get_user_pages*() caller, to be classified.
@depends on context@
@@
(
* get_user_pages_fast(...)
|
* get_user_pages(...)
|
* get_user_pages_unlocked(...)
|
* get_user_pages_remote(...)
|
* get_user_page_vma_remote(...)
)

@find depends on org || report@
identifier getter = {get_user_pages_fast, get_user_pages,
		     get_user_pages_unlocked, get_user_pages_remote,
		     get_user_page_vma_remote};
position p;
@@
  getter@p(...)

@script:python depends on org@
p << find.p;
@@
coccilib.org.print_todo(p[0],
	"get_user_pages*(): Case 1, 2 or 5 callers must use pin_user_pages*()")

@script:python depends on report@
p << find.p;
@@
coccilib.report.print_report(p[0],
	"get_user_pages*() caller: if it touches the data (Case 1, 2 or 5 of pin_user_pages.rst), use pin_user_pages*()")
