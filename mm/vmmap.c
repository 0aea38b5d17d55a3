/*
 * vmmap.c - showing a process's memory to user space: the vmareas system
 * call lists its areas as /proc/PID/maps does, with smaps-like page counts
 * per area; the vmmap system call lists every mapped user page with its
 * frame, its PTE flags (PTE_COW included) and the frame's reference count,
 * so a student can watch parent and child share frames until a write.
 */
#include "mm/vmmap.h"
#include "kernel/errno.h"
#include "kernel/sysnum.h"
#include "kernel/string.h"
#include "mm/memlayout.h"
#include "mm/pagecache.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/uaccess.h"
#include "mm/vma.h"
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

/* ---- areas --------------------------------------------------------------- */

struct area_count {
    struct cowos_vmarea *e;
};

static int count_table(vaddr_t table_va, pte_t *pt, int first, int last, void *arg)
{
    (void)table_va;
    struct cowos_vmarea *e = ((struct area_count *)arg)->e;
    for (int i = first; i < last; i++) {
        if (!pte_present(pt[i]))
            continue;
        paddr_t pa = pte_addr(pt[i]);
        e->resident++;
        if (pmm_refcount(pa) > 1)
            e->shared++;
        else
            e->private_++;
        if (pte_cow(pt[i]))
            e->cow++;
        if (pa == vma_zero_frame())
            e->zero++;
    }
    return 0;
}

long sys_vmareas(long pid, long ubuf, long max)
{
    if (max < 0)
        return -EINVAL;
    struct proc *p = pid == 0 ? proc_current() : proc_find((int)pid);
    if (!p || pid < 0 || pid > 0x7fffffffL || p->state == PROC_EMBRYO)
        return -ESRCH;
    if (!p->areas)
        return 0; /* a zombie has no memory left */
    long n = p->areas->count;
    for (long i = 0; i < n && i < max; i++) {
        const struct vm_area *a = p->areas->areas[i];
        struct cowos_vmarea e;
        memset(&e, 0, sizeof(e));
        e.start = a->start;
        e.end = a->end;
        e.prot = a->prot;
        e.flags = (a->flags & (VMA_SHARED | VMA_GROWSDOWN | VMA_DONTFORK | VMA_WIPEONFORK)) |
                  (a->obj && a->obj->file ? COWOS_VMA_FILE : 0);
        e.offset = a->obj && a->obj->file ? a->offset : 0;
        strlcpy(e.name, a->name, sizeof(e.name));
        struct area_count c = {&e};
        vmm_for_each_table_in(p->vs, a->start, a->end, count_table, &c);
        if (uaccess_copy_to_user((vaddr_t)ubuf + (vaddr_t)i * sizeof(e), &e, sizeof(e)) < 0)
            return -EFAULT;
    }
    return n;
}
