// SPDX-License-Identifier: GPL-2.0
/* Input of pin_mismatch.cocci: every release below that is marked BAD must be
 * reported, every one marked OK must not.
 */
struct page;
struct buf {
	struct page **pages;
	struct page *one;
	int nr;
};

static int pinned_put(unsigned long addr, int n, struct page **pages)
{
	int i, ret;

	ret = pin_user_pages_fast(addr, n, FOLL_WRITE, pages);
	if (ret < 0)
		return ret;
	for (i = 0; i < ret; i++)
		put_page(pages[i]);		/* BAD */
	return 0;
}

static int pinned_unpin(unsigned long addr, int n, struct page **pages)
{
	int ret;

	ret = pin_user_pages_fast(addr, n, 0, pages);
	if (ret > 0)
		unpin_user_pages(pages, ret);	/* OK */
	return ret;
}

static int got_unpin(unsigned long addr, int n, struct page **pages)
{
	int ret;

	ret = get_user_pages_fast(addr, n, 0, pages);
	if (ret > 0)
		unpin_user_pages_dirty_lock(pages, ret, true);	/* BAD */
	return ret;
}

static int got_put(unsigned long addr, int n, struct page **pages)
{
	int i, ret;

	ret = get_user_pages(addr, n, 0, pages);
	for (i = 0; i < ret; i++)
		put_page(pages[i]);		/* OK */
	return ret;
}

static int one_page(unsigned long addr)
{
	struct page *page;

	if (pin_user_pages_unlocked(addr, 1, &page, FOLL_WRITE) != 1)
		return -EFAULT;
	put_page(page);				/* BAD */
	return 0;
}

static int one_page_got(unsigned long addr)
{
	struct page *page;

	if (get_user_pages_unlocked(addr, 1, &page, 0) != 1)
		return -EFAULT;
	unpin_user_page(page);			/* BAD */
	return 0;
}

static int member_pin(struct buf *b, unsigned long addr)
{
	return pin_user_pages_fast(addr, b->nr, FOLL_WRITE, b->pages);
}

static void member_release(struct buf *b)
{
	int i;

	for (i = 0; i < b->nr; i++)
		put_page(b->pages[i]);		/* BAD */
}

static int stored(struct buf *b, unsigned long addr)
{
	struct page *page;
	int ret;

	ret = get_user_pages_fast(addr, 1, 0, &page);
	if (ret == 1)
		b->one = page;
	return ret;
}

static void stored_release(struct buf *b)
{
	struct page *page = b->one;

	b->one = NULL;
	unpin_user_page(page);			/* BAD */
}

static int flags(unsigned long addr, struct page **pages)
{
	int ret;

	ret = pin_user_pages_fast(addr, 1, FOLL_WRITE | FOLL_PIN, pages); /* BAD */
	if (ret == 1)
		unpin_user_page(pages[0]);	/* OK */
	ret = get_user_pages_fast(addr, 1, FOLL_GET, pages);	/* BAD */
	if (ret == 1)
		put_page(pages[0]);		/* OK */
	return 0;
}

static void unrelated(struct page *page)
{
	put_page(page);				/* OK */
}

static int remote_one(struct mm_struct *mm, unsigned long addr, void *buf)
{
	struct vm_area_struct *vma;
	struct page *page = access_user_page_vma_remote(mm, addr, FOLL_WRITE, &vma);
	void *maddr;

	if (IS_ERR(page))
		return PTR_ERR(page);
	maddr = kmap_local_page(page);
	memcpy(buf, maddr, 8);
	unmap_and_put_page(page, maddr);	/* BAD */
	return 0;
}

static int remote_two(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct page *page;

	page = get_user_page_vma_remote(mm, addr, FOLL_GET, &vma); /* BAD */
	if (IS_ERR(page))
		return PTR_ERR(page);
	if (!vma) {
		put_page(page);			/* OK */
		return -EINVAL;
	}
	unpin_user_page(page);			/* BAD */
	page = access_user_page_vma_remote(mm, addr, 0, &vma);
	if (IS_ERR(page))
		return PTR_ERR(page);
	put_page(page);				/* BAD */
	return 0;
}
