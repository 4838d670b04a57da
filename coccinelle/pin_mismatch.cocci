// SPDX-License-Identifier: GPL-2.0-only
///
/// Find user pages released with the call that does not match how they were
/// taken.  Pages from pin_user_pages*() must be released with
/// unpin_user_page*() or unpin_folio(): put_page(), __free_page(),
/// free_page() of their address, folio_put() of their folio and
/// release_pages() drop one reference each, leave GUP_PIN_COUNTING_BIAS - 1
/// (or the folio's pincount) behind, and the folio looks pinned for ever.
/// Pages from
/// get_user_pages*() must be released with put_page(): unpin_user_page()
/// takes away references the caller never had.  Also find FOLL_PIN and
/// FOLL_GET passed by a caller: mm/gup.c sets them from the call used, and
/// pin_user_pages*() refuse FOLL_GET.
///
/// The page that access_user_page_vma_remote() returns is pinned for a
/// write and referenced for a read, on the flags it is given: it must be
/// released with release_user_page_vma_remote() and the same flags, and
/// any other release of it is reported.
///
/// The pages are followed within the function that takes them (pages[i],
/// *pages, the page taken into &page, or the page that
/// get_user_page_vma_remote() or access_user_page_vma_remote() returns),
/// and through the struct member they are stored in, across the files of
/// the same directory processed in one run.
/// Patch mode replaces the release with the matching one: unpin_user_page()
/// of the page (unpin_folio() of a folio kept in a variable),
/// unpin_user_pages() of an array, put_page() of a page that was only
/// referenced, release_user_page_vma_remote() of the page of
/// access_user_page_vma_remote() (unmap_and_put_page() of it is reported
/// only).
///
// Confidence: Moderate
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
# Struct members that hold pages from pin_user_pages*() ("pin") or from
# get_user_pages*() ("get"), over the files processed together, as
# (directory, member name): a member is followed across the files of its
# directory only, as one name (->pages, say) means different things in
# different drivers.
import os
members = {"pin": set(), "get": set()}

def member(pos, fld):
	return (os.path.dirname(pos.file), fld)

def holds(pos, fld, kind):
	other = "get" if kind == "pin" else "pin"
	k = member(pos, fld)
	return k in members[kind] and k not in members[other]
# Mismatched releases: (file, line, column) -> what was used to take them.
bad = {}
# The virtual rule given with -D.
mode = {}

def mark(r, kind, msg):
	key = (r.file, r.line, r.column)
	if key in bad:
		return
	bad[key] = kind
	say(r, msg)

def say(r, msg):
	if mode.get("report"):
		coccilib.report.print_report(r, msg)
	elif mode.get("org"):
		coccilib.org.print_todo(r, msg)

# Where pages are taken: (file, function, expression) -> [(line, kind)].
takes = {}

def took(p, expr, kind):
	key = (p.file, p.current_element, expr)
	takes.setdefault(key, []).append((int(p.line), kind))

def nearest_take(r, expr):
	"""(line, kind) of the nearest call before r that took expr, in r's
	function, or None."""
	before = [t for t in takes.get((r.file, r.current_element, expr), [])
		  if t[0] <= int(r.line)]
	return max(before) if before else None

def taken_by(r, expr):
	"""Kind of the nearest call before r that took expr, in r's function."""
	t = nearest_take(r, expr)
	return t[1] if t else None

def is_bad(r, kind):
	return bad.get((r.file, r.line, r.column)) == kind

PIN_PUT = "pages from pin_user_pages*() on line %s released with %s(): use unpin_user_page*()"
GET_UNPIN = "pages from get_user_pages*() on line %s released with %s(): use put_page()"
PIN_PUT_M = "pages from pin_user_pages*() kept in ->%s released with %s(): use unpin_user_page*()"
GET_UNPIN_M = "pages from get_user_pages*() kept in ->%s released with %s(): use put_page()"
ACCESS_REL = "page from access_user_page_vma_remote() on line %s released with %s(): use release_user_page_vma_remote() with the same flags"

@script:python depends on report@
@@
mode["report"] = True

@script:python depends on org@
@@
mode["org"] = True

// ---- where pages are taken ----

@pin_take@
identifier fn;
identifier pin2 = {pin_user_pages_fast, pin_user_pages};
expression A, N, F, P, M, L;
position p;
@@
fn(...)
{
  <+...
(
  pin2@p(A, N, F, P)
|
  pin_user_pages_unlocked@p(A, N, P, F)
|
  pin_user_pages_remote@p(M, A, N, F, P, L)
)
  ...+>
}

@script:python@
p << pin_take.p;
P << pin_take.P;
@@
took(p[0], P, "pin")

@get_take@
identifier fn;
identifier get2 = {get_user_pages_fast, get_user_pages};
expression A, N, F, P, M, L;
position p;
@@
fn(...)
{
  <+...
(
  get2@p(A, N, F, P)
|
  get_user_pages_unlocked@p(A, N, P, F)
|
  get_user_pages_remote@p(M, A, N, F, P, L)
)
  ...+>
}

@script:python@
p << get_take.p;
P << get_take.P;
@@
took(p[0], P, "get")

@get_take_one@
identifier fn, pg;
identifier get2 = {get_user_pages_fast, get_user_pages};
expression A, N, F, M, L;
position p;
@@
fn(...)
{
  <+...
(
  get2@p(A, N, F, &pg)
|
  get_user_pages_unlocked@p(A, N, &pg, F)
|
  get_user_pages_remote@p(M, A, N, F, &pg, L)
)
  ...+>
}

@script:python@
p << get_take_one.p;
pg << get_take_one.pg;
@@
took(p[0], "&" + pg, "get")

@pin_take_one@
identifier fn, pg;
identifier pin2 = {pin_user_pages_fast, pin_user_pages};
expression A, N, F, M, L;
position p;
@@
fn(...)
{
  <+...
(
  pin2@p(A, N, F, &pg)
|
  pin_user_pages_unlocked@p(A, N, &pg, F)
|
  pin_user_pages_remote@p(M, A, N, F, &pg, L)
)
  ...+>
}

@script:python@
p << pin_take_one.p;
pg << pin_take_one.pg;
@@
took(p[0], "&" + pg, "pin")

// One page returned by access_user_page_vma_remote() or
// get_user_page_vma_remote().
@access_take_ret@
identifier fn, pg;
expression M, A, F, V;
position p;
type T;
@@
fn(...)
{
  <+...
(
  T *pg = access_user_page_vma_remote@p(M, A, F, V);
|
  pg = access_user_page_vma_remote@p(M, A, F, V)
)
  ...+>
}

@script:python@
p << access_take_ret.p;
pg << access_take_ret.pg;
@@
took(p[0], pg, "access")

@get_take_ret@
identifier fn, pg;
expression M, A, F, V;
position p;
type T;
@@
fn(...)
{
  <+...
(
  T *pg = get_user_page_vma_remote@p(M, A, F, V);
|
  pg = get_user_page_vma_remote@p(M, A, F, V)
)
  ...+>
}

@script:python@
p << get_take_ret.p;
pg << get_take_ret.pg;
@@
took(p[0], pg, "get")

// ---- released with the wrong call ----

// The releases that drop a reference: put_page() and __free_page() of the
// page, free_page() of its address, folio_put() of its folio, and
// release_pages() of the array.  One identifier set for all of them, so
// that the report can name the call; the shapes of the arguments keep
// each to its own kind of argument.
@pin_put@
identifier pin_take.fn;
identifier rel = {put_page, __free_page, release_pages, folio_put, free_page};
expression pin_take.P, I;
position r;
@@
fn(...)
{
  <+...
(
  rel@r(P, ...)
|
  rel@r(\(P[I]\|*P\))
|
  rel@r(page_folio(\(P[I]\|*P\)))
|
  rel@r(page_address(\(P[I]\|*P\)))
|
  rel@r((unsigned long)page_address(\(P[I]\|*P\)))
)
  ...+>
}

@script:python@
p << pin_take.p;
P << pin_take.P;
r << pin_put.r;
rel << pin_put.rel;
@@
if taken_by(r[0], P) == "pin":
	mark(r[0], "pin", PIN_PUT % (p[0].line, rel))

@pin_put_one@
identifier pin_take_one.fn, pin_take_one.pg;
identifier rel = {put_page, __free_page, release_pages, folio_put, free_page};
position r;
@@
fn(...)
{
  <+...
(
  rel@r(pg)
|
  rel@r(&pg, ...)
|
  rel@r(page_folio(pg))
|
  rel@r(page_address(pg))
|
  rel@r((unsigned long)page_address(pg))
)
  ...+>
}

@script:python@
p << pin_take_one.p;
pg << pin_take_one.pg;
r << pin_put_one.r;
rel << pin_put_one.rel;
@@
if taken_by(r[0], "&" + pg) == "pin":
	mark(r[0], "pin", PIN_PUT % (p[0].line, rel))

// Every release of the name anywhere: nearest_take() keeps the ones of
// the function that took it, after the call.
@access_put_ret@
identifier access_take_ret.pg;
identifier rel = {put_page, unmap_and_put_page, __free_page, folio_put,
		  free_page, release_pages, unpin_user_page, unpin_user_pages,
		  unpin_user_pages_dirty_lock};
position r;
@@
(
  rel@r(pg, ...)
|
  rel@r(&pg, ...)
|
  rel@r(page_folio(pg))
|
  rel@r(page_address(pg))
|
  rel@r((unsigned long)page_address(pg))
)

@script:python@
pg << access_take_ret.pg;
r << access_put_ret.r;
rel << access_put_ret.rel;
@@
t = nearest_take(r[0], pg)
if t and t[1] == "access":
	mark(r[0], "access", ACCESS_REL % (t[0], rel))

// The folio of a pinned page kept in a variable, then put.
@pin_put_folio exists@
expression pin_take.P, I, E2;
identifier f;
type T;
position r;
@@
(
  f = page_folio(\(P[I]\|*P\));
|
  T f = page_folio(\(P[I]\|*P\));
)
  ... when != f = E2
  folio_put@r(f);

@script:python@
P << pin_take.P;
r << pin_put_folio.r;
@@
t = nearest_take(r[0], P)
if t and t[1] == "pin":
	mark(r[0], "pin", PIN_PUT % (t[0], "folio_put"))

@pin_put_folio_one exists@
identifier pin_take_one.pg;
expression E2;
identifier f;
type T;
position r;
@@
(
  f = page_folio(pg);
|
  T f = page_folio(pg);
)
  ... when != f = E2
  folio_put@r(f);

@script:python@
pg << pin_take_one.pg;
r << pin_put_folio_one.r;
@@
t = nearest_take(r[0], "&" + pg)
if t and t[1] == "pin":
	mark(r[0], "pin", PIN_PUT % (t[0], "folio_put"))

@access_put_folio_ret exists@
identifier access_take_ret.pg;
expression E2;
identifier f;
type T;
position r;
@@
(
  f = page_folio(pg);
|
  T f = page_folio(pg);
)
  ... when != f = E2
  folio_put@r(f);

@script:python@
pg << access_take_ret.pg;
r << access_put_folio_ret.r;
@@
t = nearest_take(r[0], pg)
if t and t[1] == "access":
	mark(r[0], "access", ACCESS_REL % (t[0], "folio_put"))

@get_unpin@
identifier get_take.fn;
identifier rel = {unpin_user_pages, unpin_user_pages_dirty_lock, unpin_user_page};
expression get_take.P, I;
position r;
@@
fn(...)
{
  <+...
(
  rel@r(P, ...)
|
  rel@r(P[I])
|
  rel@r(*P)
)
  ...+>
}

@script:python@
p << get_take.p;
P << get_take.P;
r << get_unpin.r;
rel << get_unpin.rel;
@@
if taken_by(r[0], P) == "get":
	mark(r[0], "get", GET_UNPIN % (p[0].line, rel))

@get_unpin_one@
identifier get_take_one.fn, get_take_one.pg;
position r;
@@
fn(...)
{
  <+...
  unpin_user_page@r(pg)
  ...+>
}

@script:python@
p << get_take_one.p;
pg << get_take_one.pg;
r << get_unpin_one.r;
@@
if taken_by(r[0], "&" + pg) == "get":
	mark(r[0], "get", GET_UNPIN % (p[0].line, "unpin_user_page"))

@get_unpin_ret@
identifier get_take_ret.pg;
identifier rel = {unpin_user_page, unpin_user_pages, unpin_user_pages_dirty_lock};
position r;
@@
(
  rel@r(pg)
|
  rel@r(&pg, ...)
)

@script:python@
pg << get_take_ret.pg;
r << get_unpin_ret.r;
rel << get_unpin_ret.rel;
@@
t = nearest_take(r[0], pg)
if t and t[1] == "get":
	mark(r[0], "get", GET_UNPIN % (t[0], rel))

// ---- through struct members ----

@pin_member@
expression A, N, F, M, L, E, I;
identifier fld;
identifier call2 = {pin_user_pages_fast, pin_user_pages};
identifier unl = {pin_user_pages_unlocked};
identifier rem = {pin_user_pages_remote};
position p;
@@
(
  call2@p(A, N, F, \(E->fld\|E->fld + I\|&E->fld\))
|
  unl@p(A, N, \(E->fld\|E->fld + I\|&E->fld\), F)
|
  rem@p(M, A, N, F, \(E->fld\|E->fld + I\|&E->fld\), L)
)

@script:python@
p << pin_member.p;
fld << pin_member.fld;
@@
members["pin"].add(member(p[0], fld))

@pin_store@
identifier pin_take.fn, fld;
expression pin_take.P, E;
@@
fn(...)
{
  <+...
  E->fld = P
  ...+>
}

@script:python@
p << pin_take.p;
fld << pin_store.fld;
@@
members["pin"].add(member(p[0], fld))

@pin_store_one@
identifier pin_take_one.fn, pin_take_one.pg, fld;
expression E;
@@
fn(...)
{
  <+...
  E->fld = pg
  ...+>
}

@script:python@
p << pin_take_one.p;
fld << pin_store_one.fld;
@@
members["pin"].add(member(p[0], fld))

@get_member@
expression A, N, F, M, L, E, I;
identifier fld;
identifier call2 = {get_user_pages_fast, get_user_pages};
identifier unl = {get_user_pages_unlocked};
identifier rem = {get_user_pages_remote};
position p;
@@
(
  call2@p(A, N, F, \(E->fld\|E->fld + I\|&E->fld\))
|
  unl@p(A, N, \(E->fld\|E->fld + I\|&E->fld\), F)
|
  rem@p(M, A, N, F, \(E->fld\|E->fld + I\|&E->fld\), L)
)

@script:python@
p << get_member.p;
fld << get_member.fld;
@@
members["get"].add(member(p[0], fld))

@get_store@
identifier get_take.fn, fld;
expression get_take.P, E;
@@
fn(...)
{
  <+...
  E->fld = P
  ...+>
}

@script:python@
p << get_take.p;
fld << get_store.fld;
@@
members["get"].add(member(p[0], fld))

@get_store_one@
identifier get_take_one.fn, get_take_one.pg, fld;
expression E;
@@
fn(...)
{
  <+...
  E->fld = pg
  ...+>
}

@script:python@
p << get_take_one.p;
fld << get_store_one.fld;
@@
members["get"].add(member(p[0], fld))

@pin_put_member@
identifier fld;
identifier rel = {put_page, __free_page, release_pages, folio_put, free_page};
expression E, I;
position r;
@@
(
  rel@r(E->fld, ...)
|
  rel@r(E->fld[I])
|
  rel@r(page_folio(\(E->fld\|E->fld[I]\)))
|
  rel@r(page_address(\(E->fld\|E->fld[I]\)))
|
  rel@r((unsigned long)page_address(\(E->fld\|E->fld[I]\)))
)

@script:python@
r << pin_put_member.r;
rel << pin_put_member.rel;
fld << pin_put_member.fld;
@@
if holds(r[0], fld, "pin"):
	mark(r[0], "pin", PIN_PUT_M % (fld, rel))

@pin_put_member_copy exists@
identifier fld;
identifier rel = {put_page, __free_page, release_pages, folio_put, free_page};
identifier x;
expression E, E2;
position r;
type T;
@@
(
  x = E->fld;
|
  T x = E->fld;
)
  ... when != x = E2
(
  rel@r(x);
|
  rel@r(page_folio(x));
|
  rel@r(page_address(x));
|
  rel@r((unsigned long)page_address(x));
)

@script:python@
r << pin_put_member_copy.r;
rel << pin_put_member_copy.rel;
fld << pin_put_member_copy.fld;
@@
if holds(r[0], fld, "pin"):
	mark(r[0], "pin", PIN_PUT_M % (fld, rel))

// The folio of a page kept in a member, in a variable, then put.
@pin_put_member_folio exists@
identifier fld;
identifier f;
expression E, E2, I;
position r;
type T;
@@
(
  f = page_folio(\(E->fld\|E->fld[I]\));
|
  T f = page_folio(\(E->fld\|E->fld[I]\));
)
  ... when != f = E2
  folio_put@r(f);

@script:python@
r << pin_put_member_folio.r;
fld << pin_put_member_folio.fld;
@@
if holds(r[0], fld, "pin"):
	mark(r[0], "pin", PIN_PUT_M % (fld, "folio_put"))

@get_unpin_member@
identifier fld;
identifier rel = {unpin_user_pages, unpin_user_pages_dirty_lock, unpin_user_page};
expression E, I;
position r;
@@
(
  rel@r(E->fld, ...)
|
  rel@r(E->fld[I])
)

@script:python@
r << get_unpin_member.r;
rel << get_unpin_member.rel;
fld << get_unpin_member.fld;
@@
if holds(r[0], fld, "get"):
	mark(r[0], "get", GET_UNPIN_M % (fld, rel))

@get_unpin_member_copy exists@
identifier fld;
identifier rel = {unpin_user_pages, unpin_user_pages_dirty_lock, unpin_user_page};
identifier x;
expression E, E2;
position r;
type T;
@@
(
  x = E->fld;
|
  T x = E->fld;
)
  ... when != x = E2
  rel@r(x);

@script:python@
r << get_unpin_member_copy.r;
rel << get_unpin_member_copy.rel;
fld << get_unpin_member_copy.fld;
@@
if holds(r[0], fld, "get"):
	mark(r[0], "get", GET_UNPIN_M % (fld, rel))

// ---- FOLL_PIN and FOLL_GET from callers ----

@flags@
identifier gup = {get_user_pages, get_user_pages_fast, get_user_pages_unlocked,
		  get_user_pages_remote, get_user_pages_fast_only,
		  pin_user_pages, pin_user_pages_fast, pin_user_pages_unlocked,
		  pin_user_pages_remote, get_user_page_vma_remote,
		  access_user_page_vma_remote};
identifier flag = {FOLL_PIN, FOLL_GET};
position p;
@@
  gup(..., <+... flag@p ...+>, ...)

@script:python depends on report || org@
p << flags.p;
flag << flags.flag;
gup << flags.gup;
@@
say(p[0], "%s passed to %s(): mm/gup.c sets it, remove it" % (flag, gup))

// ---- context and patch modes ----

@depends on context@
position r : script:python () { is_bad(r[0], "pin") or is_bad(r[0], "get") or
				is_bad(r[0], "access") };
identifier rel;
@@
* rel@r(...)

@depends on context@
position flags.p;
identifier flags.flag;
@@
* flag@p

// The flags are those of the call that took the page (in the function it
// was taken in, as the position's mark says).
@depends on patch@
identifier access_take_ret.fn, access_take_ret.pg;
expression access_take_ret.F;
position r : script:python () { is_bad(r[0], "access") };
identifier rel = {put_page, __free_page, unpin_user_page};
@@
fn(...)
{
  <...
(
- rel@r(pg)
+ release_user_page_vma_remote(pg, F)
|
- folio_put@r(page_folio(pg))
+ release_user_page_vma_remote(pg, F)
)
  ...>
}

@depends on patch@
position r : script:python () { is_bad(r[0], "pin") };
expression E, N;
@@
(
- put_page@r(E)
+ unpin_user_page(E)
|
- __free_page@r(E)
+ unpin_user_page(E)
|
- free_page@r((unsigned long)page_address(E))
+ unpin_user_page(E)
|
- free_page@r(page_address(E))
+ unpin_user_page(E)
|
- folio_put@r(page_folio(E))
+ unpin_user_page(E)
|
- folio_put@r(E)
+ unpin_folio(E)
|
- release_pages@r(&E, 1)
+ unpin_user_page(E)
|
- release_pages@r(E, N)
+ unpin_user_pages(E, N)
)

@depends on patch@
position r : script:python () { is_bad(r[0], "get") };
expression E;
@@
- unpin_user_page@r(E)
+ put_page(E)
