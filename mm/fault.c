/*
 * fault.c - the page-fault handler: decode the error code and CR2, ask the
 * area what the program is entitled to, resolve that, kill it for the rest.
 *
 * The routing, in order (after the fast path for the commonest fault, a
 * write to a COW page, which needs no area lookup): no area (and no stack
 * to grow into it) is SIGSEGV;
 * an area that forbids the access is SIGSEGV; a change to a page table
 * shared since fork gives the process its own copy of the table first
 * (mm/vmm.c, vmm_unshare); a missing page is filled the way its area says
 * (mm/vma.c, vma_fill); a write to the zero frame gets a fresh zeroed frame;
 * a write to a copy-on-write page goes to mm/cow.c.
 * A fault from ring 3 never reaches panic: it is resolved or the process
 * dies (SIGSEGV, or SIGBUS past the end of a mapped file). When memory runs
 * out, the OOM killer (mm/oom.c) frees some and the fault is resolved again;
 * the faulter dies by SIGKILL only when nothing can be freed for it. A fault
 * in ring 0 is a kernel bug, because the kernel touches user memory only
 * through the direct map in uaccess.c: the panic screen.
 * Locks: the fault runs under klock (kernel/klock.h), taken at the trap
 * entry: the entry is read (and re-read) under it, so two CPUs faulting on
 * one page resolve it one after the other.
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
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "proc/signal.h"

/* Everything but the fast path: ask the area. */
static __attribute__((noinline)) int resolve_by_area(struct proc *p, vaddr_t va,
                                                     enum vma_access access, pte_t *ptep,
                                                     bool shared)
{
    if (!p->areas)
        return -EFAULT;
    struct vm_area *a = vma_find(p->areas, va);
    if (!a && !(a = vma_grow_stack(p->areas, va)))
        return -EFAULT;
    /* LAB-BEGIN mmap: refuse an access the area's protection does not allow (docs/labs/mmap.md, step 2) */
    if (!vma_allows(a, access))
        return -EACCES;
    /* LAB-END mmap */
    bool write = access == VMA_ACCESS_WRITE;
    bool present = ptep && pte_present(*ptep);
    if (present && (!write || (pte_writable(*ptep) && !shared)))
        return 1; /* allowed as it is (reads never unshare a table) */
    if (shared) {
        /* A change to a table shared since fork: our own copy of it first
         * (writable pages become copy-on-write in both copies). */
        if (vmm_unshare(p->vs, va) < 0)
            return -ENOMEM;
        ptep = vmm_walk_user(p->vs, va, &shared);
    }
    if (!present)
        return vma_fill(p->areas, a, va, write);
    if (write && !pte_writable(*ptep)) {
        if (pte_addr(*ptep) == vma_zero_frame())
            return vma_fill(p->areas, a, va, true); /* first write after reads */
        if (pte_cow(*ptep)) {
            int r = cow_fault(p->vs, va, ptep);
            return r == 0 ? FAULT_COW : r;
        }
        return -EACCES;
    }
    return 0; /* the table was unshared; the page was writable already */
}

int fault_resolve_access(struct proc *p, vaddr_t va, enum vma_access access)
{
    if (va >= USER_TOP || !p || !p->vs)
        return -EFAULT;
    bool shared;
    pte_t *ptep = vmm_walk_user(p->vs, va, &shared); /* the one walk of the fast path */
    /* The fast path, a write to a copy-on-write page: PTE_COW is only ever
     * set in writable private areas (vma_protect drops it with PROT_WRITE),
     * so the area need not be asked. */
    if (access == VMA_ACCESS_WRITE && ptep && !shared &&
        (*ptep & (PTE_P | PTE_COW)) == (PTE_P | PTE_COW)) {
        int r = cow_fault(p->vs, va, ptep);
        return r == 0 ? FAULT_COW : r;
    }
    return resolve_by_area(p, va, access, ptep, shared);
}

int fault_resolve(struct proc *p, vaddr_t va, bool write)
{
    int r = fault_resolve_access(p, va, write ? VMA_ACCESS_WRITE : VMA_ACCESS_READ);
    return r == -EACCES ? -EFAULT : r == FAULT_COW ? 0 : r;
}

/* One phrase for what went wrong, for the kill message. */
static const char *describe(uint64_t err, vaddr_t va, int r)
{
    if (va >= USER_TOP)
        return "page fault: access to a kernel or non-user address";
    if (r == -ENXIO)
        return "bus error: access beyond the end of a mapped file";
    if (r == -EFAULT)
        return (err & PF_I)   ? "page fault: instruction fetch from an unmapped address"
               : (err & PF_W) ? "page fault: write to an unmapped address"
                              : "page fault: read of an unmapped address";
    if (err & PF_I)
        return "page fault: instruction fetch from a no-execute page";
    if (err & PF_W)
        return "page fault: write to a read-only page";
    return "page fault: protection violation";
}

/* The program gets the fault's signal, r says which and why: it dies, or
 * (a handler that catches it) this returns and the handler runs next. */
static __attribute__((noinline)) void fault_kill(uint64_t err, vaddr_t va, int r)
{
    if (r == -ENOMEM) {
        proc_check_signals(); /* chosen by the OOM killer itself: its line said so */
        proc_kill_fault(SIGKILL, "out of memory while resolving a page fault", va);
    }
    proc_kill_fault(r == -ENXIO ? SIGBUS : SIGSEGV, describe(err, va, r), va);
}

static uint64_t retries; /* faults retried because another CPU had resolved them (klock) */
/* Spurious faults in a row on one page before it counts as endless: each
 * legitimate one needs another CPU's fix in between, an endless one comes
 * back at once (this many take a few milliseconds). */
#define SPURIOUS_MAX 10000

static void page_fault(struct trapframe *tf)
{
    uint64_t t0 = rdtsc(); /* for the COW cost figures of make bench */
    vaddr_t va = read_cr2();
    uint64_t err = tf->error;
    if (!trap_from_user(tf) || (err & PF_RSVD))
        panic_trap(tf); /* the kernel's own bug, or corrupt page tables */
    struct proc *p = proc_current();
    enum vma_access access = (err & PF_I)   ? VMA_ACCESS_EXEC
                             : (err & PF_W) ? VMA_ACCESS_WRITE
                                            : VMA_ACCESS_READ;
    /*
     * A fault on a page whose entry already allows the access (r == 1)
     * cannot be fixed by returning: it would fault again forever. That is an
     * implicit supervisor access (QEMU reads an iretq frame that way, and
     * SMAP refuses it) or the like, and the program dies for it.
     */
    int r;
    while ((r = fault_resolve_access(p, va, access)) == -ENOMEM && oom_reclaim(p))
        ;
    if (r == FAULT_COW) {
        p->spurious_va = 0;
        cow_count_fault_cycles(rdtsc() - t0); /* for make bench */
        return;
    }
    if (r == 1 && (p->spurious_va != page_round_down(va) || p->spurious_count < SPURIOUS_MAX)) {
        /* The entry allows the access already: another CPU resolved the same
         * fault first (a COW copy both saw), and this CPU's TLB held the old
         * entry, which the fault itself dropped. Retry. The same page may
         * well do this again later (a thread writing one page while another
         * forks over and over: each fork's copy is a new stale entry), so
         * only a long run of them with no other fault between is the
         * endless kind (below). */
        if (p->spurious_va != page_round_down(va))
            p->spurious_count = 0;
        p->spurious_va = page_round_down(va);
        p->spurious_count++;
        retries++;
        return;
    }
    p->spurious_va = 0;
    if (r != 0)
        fault_kill(err, va, r == 1 ? -EACCES : r);
}

uint64_t fault_retries(void) { return retries; }

void fault_init(void) { trap_set_handler(T_PGFLT, page_fault); }
