/*
 * vmmap.c - the vmmap system call: every mapped user page of a process with
 * its frame, its PTE flags (PTE_COW included) and the frame's reference
 * count, so a student can watch parent and child share frames until a write.
 */
#include "mm/vmmap.h"
#include "kernel/errno.h"
#include "kernel/sysnum.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/uaccess.h"
#include "mm/vmm.h"
#include "proc/proc.h"

struct vmmap_out {
    vaddr_t ubuf;
    long max, n;
};

/* Copy out one page's entry while there is room; count it either way. */
static int report_page(vaddr_t va, pte_t *ptep, void *arg)
{
    struct vmmap_out *out = arg;
    if (out->n < out->max) {
        struct cowos_vmentry e = {
            .va = va,
            .frame = pte_addr(*ptep),
            .flags = pte_flags(*ptep),
            .refcount = pmm_refcount(pte_addr(*ptep)),
        };
        if (uaccess_copy_to_user(out->ubuf + (vaddr_t)out->n * sizeof(e), &e, sizeof(e)) < 0)
            return -EFAULT;
    }
    out->n++;
    return 0;
}

long sys_vmmap(long pid, long ubuf, long max)
{
    if (max < 0)
        return -EINVAL;
    struct proc *p = pid == 0 ? proc_current() : proc_find((int)pid);
    if (!p || pid < 0 || pid > 0x7fffffffL || p->state == PROC_EMBRYO)
        return -ESRCH;
    if (!proc_may_inspect(proc_current(), p))
        return -EPERM; /* not in the caller's line of descent (proc_may_inspect) */
    if (!p->vs)
        return 0; /* a zombie has no memory left */
    struct vmmap_out out = {(vaddr_t)ubuf, max, 0};
    int r = vmm_for_each_user_page(p->vs, report_page, &out);
    return r ? r : out.n;
}
