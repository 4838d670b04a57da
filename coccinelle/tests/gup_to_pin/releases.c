// SPDX-License-Identifier: GPL-2.0
/* Input of gup_to_pin.cocci: pages released with calls other than put_page()
 * that drop one reference each; all of them become the matching unpin.
 */
struct page;
struct folio;
struct dma {
	struct page **pages;
	struct page *one;
	int nr_pages;
};

/* A member array freed with __free_page() on a mapping error (bcm-vk). */
static int map_member(struct dma *dma, unsigned long addr, int to_dev)
{
	int i, err;

	err = get_user_pages_fast(addr, dma->nr_pages, to_dev, dma->pages);
	if (err != dma->nr_pages)
		return -EFAULT;
	for (i = 0; i < dma->nr_pages; i++) {
		if (map(dma->pages[i])) {
			__free_page(dma->pages[i]);
			return -EIO;
		}
	}
	return 0;
}

static void unmap_member(struct dma *dma)
{
	release_pages(dma->pages, dma->nr_pages);
}

/* A local array: release_pages(), folio_put() and free_page(). */
static int local_array(unsigned long addr, int n, struct page **pages)
{
	struct folio *folio;
	int ret;

	ret = get_user_pages_fast(addr, n, FOLL_WRITE, pages);
	if (ret <= 0)
		return ret;
	if (ret < n) {
		release_pages(pages, ret);
		return -EFAULT;
	}
	if (n == 1) {
		folio_put(page_folio(pages[0]));
		return 0;
	}
	if (n == 2) {
		free_page((unsigned long)page_address(pages[1]));
		__free_page(*pages);
		return 0;
	}
	folio = page_folio(pages[0]);
	folio_mark_dirty(folio);
	folio_put(folio);
	return 0;
}

/* One page into &page. */
static int one_page(unsigned long addr)
{
	struct folio *folio;
	struct page *page;

	if (get_user_pages_unlocked(addr, 1, &page, FOLL_WRITE) != 1)
		return -EFAULT;
	if (check(page)) {
		__free_page(page);
		return -EINVAL;
	}
	if (check(page)) {
		release_pages(&page, 1);
		return -EINVAL;
	}
	if (check(page)) {
		free_page(page_address(page));
		return -EINVAL;
	}
	folio = page_folio(page);
	folio_put(folio);
	return 0;
}

/* One page and its VMA. */
static int remote_one(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct page *page = get_user_page_vma_remote(mm, addr, 0, &vma);

	if (IS_ERR(page))
		return PTR_ERR(page);
	use(page_address(page));
	folio_put(page_folio(page));
	return 0;
}

/* A page kept in a member, released through a copy. */
static int store_one(struct dma *dma, unsigned long addr)
{
	struct page *page;

	if (get_user_pages_fast(addr, 1, FOLL_WRITE, &page) != 1)
		return -EFAULT;
	dma->one = page;
	return 0;
}

static void release_one(struct dma *dma)
{
	struct page *page;

	page = dma->one;
	dma->one = NULL;
	__free_page(page);
}

/* Pages of the page allocator: left alone. */
static void allocated(struct page **pages)
{
	struct page *page = alloc_page(GFP_KERNEL);

	__free_page(page);
	release_pages(pages, 2);
	folio_put(page_folio(pages[0]));
}
