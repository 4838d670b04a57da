// SPDX-License-Identifier: GPL-2.0
/* Input of pin_mismatch.cocci: the releases other than put_page() that drop
 * one reference.  Every call marked BAD must be reported (and replaced in
 * patch mode), every one marked OK must not.
 */
struct page;
struct folio;
struct dma {
	struct page **pages;
	struct page *one;
	int nr_pages;
};

/* __free_page() on the error path of a DMA mapping loop. */
static int map_free_page(struct dma *dma, unsigned long addr)
{
	int i, ret;

	ret = pin_user_pages_fast(addr, dma->nr_pages, FOLL_WRITE, dma->pages);
	if (ret != dma->nr_pages)
		return -EFAULT;
	for (i = 0; i < dma->nr_pages; i++) {
		if (map(dma->pages[i])) {
			__free_page(dma->pages[i]);		/* BAD */
			return -EIO;
		}
	}
	return 0;
}

/* The same member released in another function with release_pages(). */
static void member_release_pages(struct dma *dma)
{
	release_pages(dma->pages, dma->nr_pages);	/* BAD */
}

/* A local array: release_pages(), folio_put() of the folio, free_page(). */
static int local_array(unsigned long addr, int n, struct page **pages)
{
	int ret;

	ret = pin_user_pages_fast(addr, n, 0, pages);
	if (ret <= 0)
		return ret;
	if (ret < n) {
		release_pages(pages, ret);		/* BAD */
		return -EFAULT;
	}
	if (n == 1) {
		folio_put(page_folio(pages[0]));	/* BAD */
		return 0;
	}
	if (n == 2) {
		free_page((unsigned long)page_address(pages[0]));	/* BAD */
		__free_page(*pages);			/* BAD */
		return 0;
	}
	unpin_user_pages(pages, n);			/* OK */
	return 0;
}

/* The folio of a pinned page, kept in a variable. */
static int folio_var(unsigned long addr, struct page **pages)
{
	struct folio *folio;

	if (pin_user_pages_fast(addr, 1, FOLL_WRITE, pages) != 1)
		return -EFAULT;
	folio = page_folio(pages[0]);
	folio_mark_dirty(folio);
	folio_put(folio);				/* BAD */
	return 0;
}

/* One page into &page. */
static int one_page(unsigned long addr)
{
	struct page *page;

	if (pin_user_pages_unlocked(addr, 1, &page, 0) != 1)
		return -EFAULT;
	if (check(page)) {
		__free_page(page);			/* BAD */
		return -EINVAL;
	}
	if (check(page)) {
		release_pages(&page, 1);		/* BAD */
		return -EINVAL;
	}
	free_page(page_address(page));			/* BAD */
	return 0;
}

/* One page into &page, its folio in a variable. */
static int one_page_folio(unsigned long addr)
{
	struct page *page;
	struct folio *folio;

	if (pin_user_pages_fast(addr, 1, 0, &page) != 1)
		return -EFAULT;
	folio = page_folio(page);
	folio_put(folio);				/* BAD */
	return 0;
}

/* The page that access_user_page_vma_remote() returns. */
static int remote_free(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct page *page = access_user_page_vma_remote(mm, addr, FOLL_WRITE, &vma);

	if (IS_ERR(page))
		return PTR_ERR(page);
	__free_page(page);				/* BAD */
	return 0;
}

/* A single page kept in a member, released through a copy. */
static int store_one(struct dma *dma, unsigned long addr)
{
	struct page *page;

	if (pin_user_pages_fast(addr, 1, FOLL_WRITE, &page) != 1)
		return -EFAULT;
	dma->one = page;
	return 0;
}

static void release_one(struct dma *dma)
{
	struct page *page = dma->one;

	dma->one = NULL;
	__free_page(page);				/* BAD */
}

static void release_one_folio(struct dma *dma)
{
	struct folio *folio = page_folio(dma->one);

	folio_put(folio);				/* BAD */
}

/* Pages from get_user_pages*() are released with these calls: fine. */
static int got(unsigned long addr, int n, struct page **pages)
{
	int ret;

	ret = get_user_pages_fast(addr, n, 0, pages);
	if (ret <= 0)
		return ret;
	if (ret < n) {
		release_pages(pages, ret);		/* OK */
		return -EFAULT;
	}
	folio_put(page_folio(pages[0]));		/* OK */
	return 0;
}

/* Pages of the page allocator: fine. */
static void allocated(void)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long addr = __get_free_page(GFP_KERNEL);

	__free_page(page);				/* OK */
	free_page(addr);				/* OK */
}
