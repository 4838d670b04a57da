// SPDX-License-Identifier: GPL-2.0
/* ... and released in another file, through the member it is kept in. */
struct page;
struct ctx {
	struct page *notify_page;
	void *notify;
};

void unset_notify(struct ctx *ctx)
{
	struct page *notify_page;

	notify_page = ctx->notify_page;
	ctx->notify_page = NULL;
	if (notify_page) {
		kunmap(notify_page);
		put_page(notify_page);
	}
}

void unrelated(struct page *page)
{
	put_page(page);
}
