/*
 * uaccess.h - the only way the kernel touches user memory.
 *
 * Every user pointer is checked page by page against the current process's
 * page tables (below USER_TOP, canonical, present, user-accessible, writable
 * for writes, the whole range including page crossings) and the bytes are
 * moved through the kernel's direct map. A write into a copy-on-write page
 * breaks the sharing first, so the other sharers never see it.
 */
#ifndef MM_UACCESS_H
#define MM_UACCESS_H

#include "kernel/types.h"

/* Copy n bytes from user address src. 0, or -EFAULT with dst unspecified. */
int uaccess_copy_from_user(void *dst, vaddr_t src, size_t n);
/* Copy n bytes to user address dst. 0, or -EFAULT; on -EFAULT nothing was
 * written (the whole range is checked before the first byte moves). */
int uaccess_copy_to_user(vaddr_t dst, const void *src, size_t n);
/* Copy a NUL-terminated string of at most max-1 bytes. Returns its length,
 * -EFAULT, or -ENAMETOOLONG if no NUL within max bytes. */
long uaccess_strncpy_from_user(char *dst, vaddr_t src, size_t max);
/* True if [va, va+n) is a user range the current process may read (or write). */
bool uaccess_ok(vaddr_t va, size_t n, bool write);

#endif
