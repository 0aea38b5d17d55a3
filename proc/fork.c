/*
 * fork.c - fork(): a new process whose user memory, registers, open files
 * and session are those of the caller.
 *
 * The child gets the parent's areas, decided one area at a time
 * (mm/vma.c, vma_fork): private areas share the parent's frames
 * copy-on-write (mm/cow.c), or, when booted with fork=copy, get a copy of
 * every page (an eager copy, for comparison); MAP_SHARED areas map the same
 * frames in both. Failure at any step undoes everything:
 * the child's slot, stack, page tables and frame references are given back.
 */
#include "proc/fork.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/string.h"
#include "kernel/trap.h"
#include "mm/cow.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "proc/signal.h"

static bool eager;

void fork_init(void)
{
    char mode[16];
    eager = cmdline_value("fork", mode, sizeof(mode)) && strcmp(mode, "copy") == 0;
}

bool fork_is_eager(void) { return eager; }

struct eager_copy {
    struct vmspace *dst;
    uint64_t copied;
};

/* Copy the present pages pt[first..last) of one parent table into fresh
 * frames of the child (fork=copy). The zero frame is mapped, not copied:
 * it is read-only and holds nothing of the parent's. */
static int copy_table(vaddr_t table_va, pte_t *pt, int first, int last, void *arg)
{
    struct eager_copy *ec = arg;
    for (int i = first; i < last; i++) {
        if (!pte_present(pt[i]))
            continue;
        vaddr_t va = table_va + (vaddr_t)i * PAGE_SIZE;
        paddr_t src = pte_addr(pt[i]);
        uint64_t flags = pte_flags(pt[i]) & ~(PTE_A | PTE_D);
        paddr_t pa = src;
        if (src == vma_zero_frame()) {
            pmm_incref(src);
        } else {
            pa = pmm_alloc_uninit(); /* all 4 KiB are overwritten just below */
            if (!pa)
                return -ENOMEM;
            memcpy(P2V(pa), P2V(src), PAGE_SIZE);
            if (pte_cow(flags))
                flags = pte_mkwrite(flags);
            ec->copied++;
        }
        if (vmm_map(ec->dst, va, pa, flags) < 0) {
            pmm_decref(pa);
            return -ENOMEM;
        }
    }
    return 0;
}

/* vma_fork's choice for a private area under fork=copy: copy every present
 * page of [start, end) into fresh frames of the child. */
static int copy_area(struct vmspace *child, struct vmspace *parent, vaddr_t start, vaddr_t end,
                     void *arg)
{
    uint64_t *copied = arg;
    struct eager_copy ec = {child, 0};
    int r = vmm_for_each_table_in(parent, start, end, copy_table, &ec);
    *copied += ec.copied;
    return r;
}

long sys_fork(void)
{
    struct proc *parent = proc_current();
    int err = 0;
    struct proc *child = proc_alloc(&err);
    if (!child)
        return err;
    child->vs = vmm_create();
    if (child->vs)
        child->areas = vma_set_create(child->vs);
    uint64_t copied = 0;
    int r = -ENOMEM;
    if (child->areas) /* per area: left out, emptied, shared, or private (COW or copied) */
        r = eager ? vma_fork(child->areas, parent->areas, copy_area, &copied)
                  : vma_fork(child->areas, parent->areas, cow_share_area, NULL);
    if (r < 0) {
        proc_free_unstarted(child); /* destroys the partial copy or share too */
        return -ENOMEM;
    }
    cow_count_fork(copied, child->vs->pt_pages);
    file_copy_table(child, parent);
    *child->tf = *parent->tf;
    child->tf->rax = 0; /* fork returns 0 in the child */
    cpu_fxsave(parent->fpu); /* the FPU holds the parent's live user state */
    memcpy(child->fpu, parent->fpu, sizeof(child->fpu));
    strlcpy(child->name, parent->name, sizeof(child->name));
    child->parent = parent;
    child->sid = parent->sid;
    child->pgid = parent->pgid;
    signal_fork(child, parent); /* actions and mask inherited, nothing pending */
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->state = PROC_RUNNABLE;
    return child->pid;
}
