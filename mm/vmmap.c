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

long sys_vmmap(long pid, long ubuf, long max)
{
    if (max < 0)
        return -EINVAL;
    struct proc *p = pid == 0 ? proc_current() : proc_find((int)pid);
    if (!p || pid < 0 || pid > 0x7fffffffL || p->state == PROC_EMBRYO)
        return -ESRCH;
    if (!p->vs)
        return 0; /* a zombie has no memory left */
    long n = 0;
    const pte_t *pml4 = P2V(p->vs->pml4);
    for (int i4 = 0; i4 < PML4_KERNEL_FIRST; i4++) {
        if (!pte_present(pml4[i4]))
            continue;
        const pte_t *pdpt = P2V(pte_addr(pml4[i4]));
        for (int i3 = 0; i3 < 512; i3++) {
            if (!pte_present(pdpt[i3]))
                continue;
            const pte_t *pd = P2V(pte_addr(pdpt[i3]));
            for (int i2 = 0; i2 < 512; i2++) {
                if (!pte_present(pd[i2]))
                    continue;
                const pte_t *pt = P2V(pte_addr(pd[i2]));
                for (int i1 = 0; i1 < 512; i1++) {
                    pte_t pte = pt[i1];
                    if (!pte_present(pte))
                        continue;
                    if (n < max) {
                        struct cowos_vmentry e = {
                            .va = ((vaddr_t)i4 << 39) | ((vaddr_t)i3 << 30) |
                                  ((vaddr_t)i2 << 21) | ((vaddr_t)i1 << 12),
                            .frame = pte_addr(pte),
                            .flags = pte_flags(pte),
                            .refcount = pmm_refcount(pte_addr(pte)),
                        };
                        if (uaccess_copy_to_user((vaddr_t)ubuf + (vaddr_t)n * sizeof(e), &e,
                                                 sizeof(e)) < 0)
                            return -EFAULT;
                    }
                    n++;
                }
            }
        }
    }
    return n;
}
