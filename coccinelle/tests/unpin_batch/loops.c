// SPDX-License-Identifier: GPL-2.0
/* Input of unpin_batch.cocci: per-page release loops, and loops it must keep. */
struct page;

static void plain(struct page **pages, int n)
{
	int i;

	for (i = 0; i < n; i++)
		unpin_user_page(pages[i]);
}

static void braces_member(struct bl *bl)
{
	int j;

	if (!(bl->flags & MMAP)) {
		for (j = 0; j < bl->nr; ++j) {
			unpin_user_page(bl->pages[j]);
		}
	}
}

static void dirty(struct page **pages, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		set_page_dirty_lock(pages[i]);
		unpin_user_page(pages[i]);
	}
}

static void maybe_dirty(struct page **pages, int n, bool dirty)
{
	int i;

	for (i = 0; i < n; i++) {
		if (dirty)
			set_page_dirty_lock(pages[i]);
		unpin_user_page(pages[i]);
	}
}

/*
 * A pfn range: left alone, as unpin_user_page_range_dirty_lock() wants a
 * contiguous memmap, which a pfn run crossing a memory section does not
 * have with SPARSEMEM and without SPARSEMEM_VMEMMAP.
 */
static void pfn_range(unsigned long first, unsigned long last, unsigned long end)
{
	unsigned long pfn;

	for (pfn = first; pfn <= last; pfn++)
		unpin_user_page(pfn_to_page(pfn));
	for (pfn = first; pfn < end; pfn++)
		unpin_user_page(pfn_to_page(pfn));
}

/* The index is reused after an assignment: still converted. */
static int reused(struct page **pages, int n, int *out)
{
	int i;

	for (i = 0; i < n; i++)
		unpin_user_page(pages[i]);
	for (i = 0; i < n; i++)
		out[i] = 0;
	return 0;
}

/* Kept: the index is read after the loop. */
static int index_read_after(struct page **pages, int n)
{
	int i;

	for (i = 0; i < n; i++)
		unpin_user_page(pages[i]);
	return i;
}

/* Kept: not from 0, or more than the unpin in the body. */
static void kept(struct page **pages, int n, int *count)
{
	int i;

	for (i = 1; i < n; i++)
		unpin_user_page(pages[i]);
	for (i = 0; i < n; i++) {
		unpin_user_page(pages[i]);
		(*count)++;
	}
}
