// SPDX-License-Identifier: GPL-2.0
/* gup_to_pin.cocci on two files at once: the page is pinned here ... */
struct page;
struct ctx {
	struct page *notify_page;
	void *notify;
};

int setup_notify(struct ctx *ctx, unsigned long uva)
{
	struct page *page;

	if (get_user_pages_fast(uva, 1, FOLL_WRITE, &page) != 1)
		return -EFAULT;
	ctx->notify_page = page;
	ctx->notify = kmap(page) + (uva & (PAGE_SIZE - 1));
	return 0;
}
