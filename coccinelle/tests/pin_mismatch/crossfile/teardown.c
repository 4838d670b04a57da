// SPDX-License-Identifier: GPL-2.0
/* ... and released with put_page() in another file of the directory. */
struct page;
struct vm {
	struct page *monitor_page;
};

void destroy(struct vm *vm)
{
	if (vm->monitor_page) {
		put_page(vm->monitor_page);		/* BAD */
		vm->monitor_page = NULL;
	}
}
