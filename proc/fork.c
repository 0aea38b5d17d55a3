/*
 * fork.c - fork(): a new process whose user memory, registers, open files
 * and session are those of the caller.
 *
 * The child's address space is built by copying every user page into a new
 * frame (an eager copy). Failure at any step undoes everything: the child's
 * slot, stack, page tables and frames are all given back.
 */
#include "proc/fork.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/string.h"
#include "kernel/trap.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vmm.h"
#include "proc/proc.h"

/* Copy every present user page of src into fresh frames mapped in dst. */
static int copy_user_pages(struct vmspace *dst, struct vmspace *src)
{
    const pte_t *pml4 = P2V(src->pml4);
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
                    vaddr_t va = ((vaddr_t)i4 << 39) | ((vaddr_t)i3 << 30) | ((vaddr_t)i2 << 21) |
                                 ((vaddr_t)i1 << 12);
                    paddr_t pa = pmm_alloc();
                    if (!pa)
                        return -ENOMEM;
                    memcpy(P2V(pa), P2V(pte_addr(pte)), PAGE_SIZE);
                    if (vmm_map(dst, va, pa, pte_flags(pte) & ~(PTE_A | PTE_D)) < 0) {
                        pmm_decref(pa);
                        return -ENOMEM;
                    }
                }
            }
        }
    }
    return 0;
}

long sys_fork(void)
{
    struct proc *parent = proc_current();
    int err = 0;
    struct proc *child = proc_alloc(&err);
    if (!child)
        return err;
    child->vs = vmm_create();
    if (!child->vs || copy_user_pages(child->vs, parent->vs) < 0) {
        proc_free_unstarted(child); /* destroys the partial copy too */
        return -ENOMEM;
    }
    file_copy_table(child, parent);
    *child->tf = *parent->tf;
    child->tf->rax = 0; /* fork returns 0 in the child */
    cpu_fxsave(parent->fpu); /* the FPU holds the parent's live user state */
    memcpy(child->fpu, parent->fpu, sizeof(child->fpu));
    strlcpy(child->name, parent->name, sizeof(child->name));
    child->parent = parent;
    child->sid = parent->sid;
    child->pgid = parent->pgid;
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->stack_low = parent->stack_low;
    child->state = PROC_RUNNABLE;
    return child->pid;
}
