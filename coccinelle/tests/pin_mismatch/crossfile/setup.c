// SPDX-License-Identifier: GPL-2.0
/* pin_mismatch.cocci over two files: a page is pinned into a member here ... */
struct page;
struct vm {
	struct page *monitor_page;
};

int set_monitor(struct vm *vm, unsigned long uaddr)
{
	struct page *page;

	if (pin_user_pages_fast(uaddr, 1, FOLL_WRITE | FOLL_LONGTERM, &page) != 1)
		return -EFAULT;
	if (vm->monitor_page)
		unpin_user_page(vm->monitor_page);	/* OK */
	vm->monitor_page = page;
	return 0;
}
