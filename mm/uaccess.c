/*
 * uaccess.c - copying between kernel buffers and the current process's
 * memory.
 *
 * The kernel never dereferences a user pointer. Each page of a user range is
 * looked up in the process's page tables (fault_resolve makes it accessible
 * if the program is entitled to it: stack growth, copy-on-write breaking) and
 * the bytes move through the direct map. So a bad pointer is an -EFAULT here,
 * never a kernel page fault, and SMAP has nothing to object to.
 */
#include "mm/uaccess.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/fault.h"
#include "mm/memlayout.h"
#include "mm/oom.h"
#include "mm/pte.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "proc/signal.h"

/* The direct-map address of user address va, after making it accessible
 * (for a write into a copy-on-write page, that is where the copy happens).
 * Out of memory there, the OOM killer frees some (mm/oom.c) and it is tried
 * again; when nothing can be freed the process ends, as the same write from
 * user mode would have: SIGKILL on its way out of the system call. */
static void *user_byte(vaddr_t va, bool write)
{
    struct proc *p = proc_current();
    int r;
    while ((r = fault_resolve(p, va, write)) == -ENOMEM && oom_reclaim(p))
        ;
    if (r == -ENOMEM && !proc_interrupted()) {
        printk("pid %d (%s): out of memory copying to %p; killed\n", p->pid, p->name, (void *)va);
        proc_signal(p, SIGKILL);
    }
    if (r < 0)
        return NULL;
    pte_t *ptep = vmm_walk(p->vs, va);
    return (uint8_t *)P2V(pte_addr(*ptep)) + (va & (PAGE_SIZE - 1));
}

bool uaccess_ok(vaddr_t va, size_t n, bool write)
{
    if (n == 0)
        return true;
    if (va >= USER_TOP || n > USER_TOP - va)
        return false;
    for (vaddr_t page = page_round_down(va); page < va + n; page += PAGE_SIZE)
        if (!user_byte(page < va ? va : page, write))
            return false;
    return true;
}

int uaccess_copy_from_user(void *dst, vaddr_t src, size_t n)
{
    if (!uaccess_ok(src, n, false))
        return -EFAULT;
    uint8_t *d = dst;
    while (n) {
        size_t chunk = MIN(n, PAGE_SIZE - (src & (PAGE_SIZE - 1)));
        memcpy(d, user_byte(src, false), chunk);
        d += chunk;
        src += chunk;
        n -= chunk;
    }
    return 0;
}

int uaccess_copy_to_user(vaddr_t dst, const void *src, size_t n)
{
    if (!uaccess_ok(dst, n, true)) /* every page writable (and private) first */
        return -EFAULT;
    const uint8_t *s = src;
    while (n) {
        size_t chunk = MIN(n, PAGE_SIZE - (dst & (PAGE_SIZE - 1)));
        memcpy(user_byte(dst, true), s, chunk);
        s += chunk;
        dst += chunk;
        n -= chunk;
    }
    return 0;
}

long uaccess_strncpy_from_user(char *dst, vaddr_t src, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        const char *c = user_byte(src + i, false);
        if (src + i < src || !c)
            return -EFAULT;
        dst[i] = *c;
        if (*c == '\0')
            return (long)i;
    }
    return -ENAMETOOLONG;
}
