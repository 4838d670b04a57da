// SPDX-License-Identifier: GPL-2.0
/* Input of gup_to_pin.cocci: the shapes of the v6.12 callers it converts. */
struct page;
struct xfer {
	struct page **page_list;
	int nr_pages;
};
struct dma {
	struct page **pages;
	int nr_pages;
};
struct region {
	struct page **pages;
	unsigned long nr_pages;
};

/* A local array, released on the error path of the same function. */
static int local_array(struct xfer *xfer, unsigned long addr, int nr_pages,
		       struct page **page_list)
{
	int i, ret;

	ret = get_user_pages_fast(addr, nr_pages, 0, page_list);
	if (ret < 0)
		return ret;
	if (ret != nr_pages) {
		nr_pages = ret;
		ret = -EFAULT;
		goto put_pages;
	}
	xfer->page_list = page_list;
	xfer->nr_pages = nr_pages;
	return 0;

put_pages:
	for (i = 0; i < nr_pages; ++i)
		put_page(page_list[i]);
	return ret;
}

/* ... and released through the member it was stored in. */
static void local_array_release(struct xfer *xfer)
{
	int i;

	for (i = 0; i < xfer->nr_pages; ++i)
		put_page(xfer->page_list[i]);
}

/* The array is a member; the flags are a bool (FOLL_WRITE is 1). */
static int member_array(struct dma *dma, unsigned long data, int to_user)
{
	return get_user_pages_fast(data & PAGE_MASK,
				   dma->nr_pages,
				   to_user,
				   dma->pages);
}

static void member_array_release(struct dma *dma)
{
	int i;

	for (i = 0; i < dma->nr_pages; i++)
		put_page(dma->pages[i]);
}

/* One page at a time into a member array, FOLL_GET passed explicitly. */
static int one_by_one(struct region *r, unsigned long addr, unsigned long n)
{
	unsigned long i;
	long rc;

	for (i = 0; i < n; i++) {
		rc = get_user_pages_unlocked(addr + i * PAGE_SIZE, 1,
					     r->pages + i, FOLL_GET);
		if (rc < 0)
			goto put_pages;
		r->nr_pages++;
	}
	return 0;

put_pages:
	for (i = 0; i < r->nr_pages; i++)
		put_page(r->pages[i]);
	return rc;
}

static int flags_combined(unsigned long addr, struct page **pages)
{
	return get_user_pages_unlocked(addr, 1, pages, FOLL_GET | FOLL_WRITE);
}

/* A helper of the file releases the array it is given. */
static void release_pages_helper(struct page **pages, int n, bool dirty)
{
	int i;

	for (i = 0; i < n; i++) {
		if (dirty)
			set_page_dirty_lock(pages[i]);
		put_page(pages[i]);
	}
}

static int helper_user(struct dma *dma, unsigned long addr)
{
	int ret;

	ret = get_user_pages_fast(addr, dma->nr_pages, FOLL_WRITE, dma->pages);
	if (ret > 0 && ret < dma->nr_pages)
		release_pages_helper(dma->pages, ret, false);
	return ret;
}

/* One page, under the mmap lock, released in the same function. */
static int single_page(unsigned long src)
{
	struct page *src_page;
	int ret;

	ret = get_user_pages(src, 1, 0, &src_page);
	if (ret < 1)
		return -EFAULT;
	ret = use(kmap_local_page(src_page));
	put_page(src_page);
	return ret;
}

/* A remote caller. */
static long remote(struct mm_struct *mm, unsigned long addr, struct page **pages)
{
	long ret;
	int locked = 1;

	ret = get_user_pages_remote(mm, addr, 1, FOLL_WRITE, pages, &locked);
	if (ret == 1)
		put_page(*pages);
	return ret;
}

/* Not taken from get_user_pages*(): left alone. */
static void unrelated(struct page *page, struct page **other)
{
	put_page(page);
	put_page(other[0]);
}

/* One page and its VMA, copied through a mapping in a loop. */
static int remote_copy(struct mm_struct *mm, unsigned long addr, void *buf,
		       int len, unsigned int gup_flags)
{
	int write = gup_flags & FOLL_WRITE;

	while (len) {
		struct vm_area_struct *vma = NULL;
		struct page *page = get_user_page_vma_remote(mm, addr,
							     gup_flags, &vma);
		void *maddr;

		if (IS_ERR(page))
			break;
		maddr = kmap_local_page(page);
		if (write) {
			copy_to_user_page(vma, page, addr, maddr, buf, 1);
			set_page_dirty_lock(page);
		}
		unmap_and_put_page(page, maddr);
		len--;
	}
	return len;
}

/* The same, assigned, with an early release. */
static int remote_tags(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct page *page;

	page = get_user_page_vma_remote(mm, addr, FOLL_FORCE, &vma);
	if (IS_ERR(page))
		return PTR_ERR(page);
	if (!(vma->vm_flags & VM_MTE)) {
		put_page(page);
		return -EOPNOTSUPP;
	}
	use(page_address(page));
	put_page(page);
	return 0;
}

/* FOLL_GET passed to the one-page call goes; the release takes the rest. */
static int remote_poke(struct mm_struct *mm, unsigned long addr, u8 val)
{
	struct vm_area_struct *vma;
	struct page *page;

	page = get_user_page_vma_remote(mm, addr, FOLL_GET | FOLL_WRITE, &vma);
	if (IS_ERR(page))
		return PTR_ERR(page);
	*(u8 *)page_address(page) = val;
	put_page(page);
	return 0;
}
