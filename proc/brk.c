/*
 * brk.c - the program break: the end of the heap that sbrk/malloc grow.
 * [brk_start, page_round_up(brk)) is mapped writable and no-execute, page
 * by page, zero-filled when it grows; shrinking unmaps and frees.
 */
#include "proc/brk.h"
#include "kernel/errno.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vmm.h"
#include "proc/proc.h"

static void unmap_range(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
    for (vaddr_t va = start; va < end; va += PAGE_SIZE)
        vmm_unmap(vs, va);
}

long sys_brk(long uaddr)
{
    struct proc *p = proc_current();
    vaddr_t want = (vaddr_t)uaddr;
    if (want < p->brk_start || want > BRK_LIMIT)
        return (long)p->brk; /* includes brk(0): just report the break */
    vaddr_t old_top = page_round_up(p->brk), new_top = page_round_up(want);
    for (vaddr_t va = old_top; va < new_top; va += PAGE_SIZE) {
        paddr_t pa = pmm_alloc();
        if (!pa || vmm_map(p->vs, va, pa, PTE_U | PTE_W | PTE_NX) < 0) {
            if (pa)
                pmm_decref(pa);
            unmap_range(p->vs, old_top, va); /* all or nothing */
            return (long)p->brk;
        }
    }
    unmap_range(p->vs, new_top, old_top); /* when shrinking */
    p->brk = want;
    return (long)want;
}
