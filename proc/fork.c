/*
 * fork.c - fork(): a new process whose user memory, registers, open files
 * and session are those of the caller.
 *
 * The child's address space shares the parent's frames copy-on-write
 * (mm/cow.c), or, when booted with fork=copy, gets a copy of every user page
 * (an eager copy, for comparison). Failure at any step undoes everything:
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
#include "mm/vmm.h"
#include "proc/proc.h"

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

/* Copy one present user page of the parent into a fresh frame of the child. */
static int copy_page(vaddr_t va, pte_t *ptep, void *arg)
{
    struct eager_copy *ec = arg;
    paddr_t pa = pmm_alloc_uninit(); /* all 4 KiB are overwritten just below */
    if (!pa)
        return -ENOMEM;
    memcpy(P2V(pa), P2V(pte_addr(*ptep)), PAGE_SIZE);
    uint64_t flags = pte_flags(*ptep) & ~(PTE_A | PTE_D);
    if (pte_cow(flags))
        flags = pte_mkwrite(flags);
    if (vmm_map(ec->dst, va, pa, flags) < 0) {
        pmm_decref(pa);
        return -ENOMEM;
    }
    ec->copied++;
    return 0;
}

/* Copy every present user page of src into fresh frames mapped in dst
 * (fork=copy). Counts the pages copied in *copied. */
static int copy_user_pages(struct vmspace *dst, struct vmspace *src, uint64_t *copied)
{
    struct eager_copy ec = {dst, 0};
    int r = vmm_for_each_user_page(src, copy_page, &ec);
    *copied = ec.copied;
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
    uint64_t copied = 0;
    int r = -ENOMEM;
    if (child->vs)
        r = eager ? copy_user_pages(child->vs, parent->vs, &copied)
                  : cow_share(child->vs, parent->vs);
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
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->stack_low = parent->stack_low;
    child->state = PROC_RUNNABLE;
    return child->pid;
}
