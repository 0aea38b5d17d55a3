/*
 * fault.c - the page-fault handler: decode the error code and CR2, resolve
 * what the program is entitled to, kill it for the rest.
 *
 * A fault from ring 3 never reaches panic: it is resolved (stack growth, a
 * copy-on-write break) or the process dies with SIGSEGV. When memory runs
 * out, the OOM killer (mm/oom.c) frees some and the fault is resolved again;
 * the faulter dies by SIGKILL only when nothing can be freed for it. A fault
 * in ring 0 is a kernel bug, because the kernel touches user memory only
 * through the direct map in uaccess.c: the panic screen.
 */
#include "mm/fault.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "mm/cow.h"
#include "mm/memlayout.h"
#include "mm/oom.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "proc/signal.h"

#define STACK_ZONE_LOW (USER_STACK_TOP - USER_STACK_MAX)

/* Map one zeroed page of stack at va (which lies in the stack zone). */
static int grow_stack(struct proc *p, vaddr_t va)
{
    paddr_t pa = pmm_alloc();
    if (!pa)
        return -ENOMEM;
    vaddr_t page = page_round_down(va);
    if (vmm_map(p->vs, page, pa, PTE_U | PTE_W | PTE_NX) < 0) {
        pmm_decref(pa);
        return -ENOMEM;
    }
    if (page < p->stack_low)
        p->stack_low = page;
    return 0;
}

int fault_resolve(struct proc *p, vaddr_t va, bool write)
{
    if (!p || !p->vs || va >= USER_TOP)
        return -EFAULT;
    pte_t *ptep = vmm_walk(p->vs, va);
    if (!ptep || !pte_present(*ptep)) {
        if (va >= STACK_ZONE_LOW && va < USER_STACK_TOP)
            return grow_stack(p, va);
        return -EFAULT;
    }
    if (!pte_user(*ptep))
        return -EFAULT;
    if (write && !pte_writable(*ptep))
        return pte_cow(*ptep) ? cow_fault(p->vs, va) : -EFAULT;
    return 1; /* allowed as it is */
}

/* One phrase for what went wrong, for the kill message. */
static const char *describe(uint64_t err, vaddr_t va)
{
    if (va >= USER_TOP)
        return "page fault: access to a kernel or non-user address";
    if (!(err & PF_P))
        return (err & PF_I)   ? "page fault: instruction fetch from an unmapped address"
               : (err & PF_W) ? "page fault: write to an unmapped address"
                              : "page fault: read of an unmapped address";
    if (err & PF_I)
        return "page fault: instruction fetch from a no-execute page";
    if (err & PF_W)
        return "page fault: write to a read-only page";
    return "page fault: protection violation";
}

static void page_fault(struct trapframe *tf)
{
    uint64_t t0 = rdtsc(); /* for the COW cost figures of make bench */
    vaddr_t va = read_cr2();
    uint64_t err = tf->error;
    if (!trap_from_user(tf) || (err & PF_RSVD))
        panic_trap(tf); /* the kernel's own bug, or corrupt page tables */
    struct proc *p = proc_current();
    /*
     * No resolution makes an instruction fetch legal: every page we could
     * supply on demand (stack, copy-on-write data) is no-execute. And a fault
     * on a page whose entry already allows the access (r == 1) cannot be fixed
     * by returning: it would fault again forever. That is an implicit
     * supervisor access (QEMU reads an iretq frame that way, and SMAP refuses
     * it) or the like, and the program dies for it.
     */
    bool cow_write = (err & (PF_P | PF_W)) == (PF_P | PF_W);
    int r = -EFAULT;
    if (!(err & PF_I))
        while ((r = fault_resolve(p, va, (err & PF_W) != 0)) == -ENOMEM && oom_reclaim(p))
            ;
    if (r == 1)
        r = -EFAULT;
    if (r == 0) {
        if (cow_write)
            cow_count_fault_cycles(rdtsc() - t0);
        return;
    }
    if (r == -ENOMEM) {
        proc_check_signals(); /* chosen by the OOM killer itself: its line said so */
        proc_kill_fault(SIGKILL, "out of memory while resolving a page fault", va);
    }
    proc_kill_fault(SIGSEGV, describe(err, va), va);
}

void fault_init(void) { trap_set_handler(T_PGFLT, page_fault); }
