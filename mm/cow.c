/*
 * cow.c - copy-on-write, the heart of this kernel: the only place where a
 * shared frame is copied.
 *
 * At fork (cow_share) the child's page tables point at the parent's frames;
 * writable pages lose PTE_W and gain PTE_COW in both address spaces, and
 * each frame's reference count says how many page tables map it. A write to
 * such a page faults (present, write, protection), and cow_fault decides:
 * count 1 means nobody else maps the frame, so the page just becomes
 * writable again; more means copy the 4 KiB into a new frame, map that
 * writable, and drop one reference to the old frame.
 * Invariant: a PTE with PTE_COW never has PTE_W.
 */
#include "mm/cow.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "kernel/x86.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/uaccess.h"
#include "mm/vmm.h"
#include "proc/fork.h"
#include "proc/proc.h"

static struct {
    uint64_t forks, fork_pages_shared, fork_pages_copied, fork_pt_pages;
    uint64_t faults, copies, reuses;
    uint64_t fault_cycles, copy_cycles;
} stats;
static bool trace;

/* Share one present user page of the parent (*parent_ptep) with the child at va. */
static int share_page(struct vmspace *child, pte_t *parent_ptep, vaddr_t va)
{
    pte_t pte = *parent_ptep;
    if (pte_writable(pte) || pte_cow(pte))
        pte = pte_mkcow(pte); /* both sides now fault on write */
    pte_t *child_ptep = vmm_walk_alloc(child, va);
    if (!child_ptep)
        return -ENOMEM;
    *parent_ptep = pte;
    *child_ptep = pte & ~(PTE_A | PTE_D);
    pmm_incref(pte_addr(pte));
    return 0;
}

int cow_share(struct vmspace *child, struct vmspace *parent)
{
    uint64_t shared = 0;
    int r = 0;
    const pte_t *pml4 = P2V(parent->pml4);
    for (int i4 = 0; i4 < PML4_KERNEL_FIRST && r == 0; i4++) {
        if (!pte_present(pml4[i4]))
            continue;
        const pte_t *pdpt = P2V(pte_addr(pml4[i4]));
        for (int i3 = 0; i3 < 512 && r == 0; i3++) {
            if (!pte_present(pdpt[i3]))
                continue;
            const pte_t *pd = P2V(pte_addr(pdpt[i3]));
            for (int i2 = 0; i2 < 512 && r == 0; i2++) {
                if (!pte_present(pd[i2]))
                    continue;
                pte_t *pt = P2V(pte_addr(pd[i2]));
                for (int i1 = 0; i1 < 512 && r == 0; i1++) {
                    if (!pte_present(pt[i1]))
                        continue;
                    vaddr_t va = ((vaddr_t)i4 << 39) | ((vaddr_t)i3 << 30) |
                                 ((vaddr_t)i2 << 21) | ((vaddr_t)i1 << 12);
                    r = share_page(child, &pt[i1], va);
                    shared += r == 0;
                }
            }
        }
    }
    /* The parent may still have writable translations cached: drop them all
     * (a CR3 reload flushes every non-global entry) before it runs again. */
    if (vmm_is_active(parent))
        write_cr3(read_cr3());
    stats.fork_pages_shared += r == 0 ? shared : 0;
    return r;
}

int cow_fault(struct vmspace *vs, vaddr_t va)
{
    pte_t *ptep = vmm_walk(vs, va);
    if (!ptep || !pte_present(*ptep) || !pte_cow(*ptep))
        return -EFAULT;
    paddr_t old = pte_addr(*ptep);
    uint32_t refs = pmm_refcount(old);
    paddr_t now = old;

    if (refs == 1) {
        /* The last sharer: nobody else can see a write, so no copy. */
        *ptep = pte_mkwrite(*ptep);
        stats.reuses++;
    } else {
        /* Still shared: this is the copy in copy-on-write. */
        now = pmm_alloc();
        if (!now)
            return -ENOMEM;
        uint64_t t0 = rdtsc();
        memcpy(P2V(now), P2V(old), PAGE_SIZE);
        stats.copy_cycles += rdtsc() - t0;
        *ptep = pte_mkwrite(pte_make(now, pte_flags(*ptep)));
        pmm_decref(old);
        stats.copies++;
    }
    stats.faults++;
    vmm_invalidate(vs, page_round_down(va));
    if (trace) {
        struct proc *p = proc_current();
        printk("cow: pid %d va %p frame %lx -> %lx refs %u -> %u (%s)\n", p ? p->pid : 0,
               (void *)page_round_down(va), old, now, refs, pmm_refcount(now),
               refs == 1 ? "reused" : "copied");
    }
    return 0;
}

void cow_count_fault_cycles(uint64_t cycles) { stats.fault_cycles += cycles; }

void cow_count_fork(uint64_t pages_shared, uint64_t pages_copied, uint64_t pt_pages)
{
    (void)pages_shared; /* cow_share counted them */
    stats.forks++;
    stats.fork_pages_copied += pages_copied;
    stats.fork_pt_pages += pt_pages;
}

void cow_stats(struct cowos_memstat *out)
{
    memset(out, 0, sizeof(*out));
    out->frames_total = pmm_total_count();
    out->frames_free = pmm_free_count();
    out->pt_pages = vmm_pt_pages_in_use();
    out->forks = stats.forks;
    out->fork_pages_shared = stats.fork_pages_shared;
    out->fork_pages_copied = stats.fork_pages_copied;
    out->fork_pt_pages = stats.fork_pt_pages;
    out->cow_faults = stats.faults;
    out->cow_copies = stats.copies;
    out->cow_reuses = stats.reuses;
    out->cow_fault_cycles = stats.fault_cycles;
    out->cow_copy_cycles = stats.copy_cycles;
}

bool cow_set_trace(bool on)
{
    bool was = trace;
    trace = on;
    return was;
}

long sys_memstat(long ubuf)
{
    struct cowos_memstat m;
    cow_stats(&m);
    m.fork_mode_copy = fork_is_eager();
    return uaccess_copy_to_user((vaddr_t)ubuf, &m, sizeof(m));
}

long sys_cowtrace(long on)
{
    if (on < 0)
        return trace;
    return cow_set_trace(on != 0);
}
