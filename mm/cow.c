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
#include "kernel/klock.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "kernel/x86.h"
#include "mm/fault.h"
#include "mm/memlayout.h"
#include "mm/pagecache.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/tlb.h"
#include "mm/uaccess.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/fork.h"
#include "proc/proc.h"
#include "proc/sched.h"

static struct {
    uint64_t forks, fork_pages_shared, fork_pages_copied, fork_pt_pages;
    uint64_t faults, copies, reuses;
    uint64_t fault_cycles, copy_cycles;
} stats;
static bool trace;

/* 4 KiB, page-aligned both: one rep movsq of 512 quadwords. */
static inline void copy_page(void *dst, const void *src)
{
    uint64_t n = PAGE_SIZE / 8;
    __asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n)::"memory");
}

struct share {
    struct vmspace *child, *parent;
    uint64_t pages;
};

/* Share the present pages pt[first..last) of one of the parent's page tables
 * (the 2 MiB at table_va) with the child: one table walk for the child per
 * table, not per page. */
static int share_table(vaddr_t table_va, pte_t *parent_pt, int first, int last, void *arg)
{
    struct share *sh = arg;
    pte_t *child_pt = NULL;
    if (vmm_same_table(sh->child, sh->parent, table_va))
        return 0; /* shared whole with this child already (fork=cow) */
    if (vmm_table_shared(sh->parent, table_va)) {
        /* shared with another process (an earlier fork): the COW marks below
         * must not reach it, so the parent takes its own copy first */
        if (vmm_unshare(sh->parent, table_va) < 0)
            return -ENOMEM;
        parent_pt = vmm_walk(sh->parent, table_va); /* &pt[0] of the copy */
    }
    /* LAB-BEGIN cow: share the present pages parent_pt[first..last) with the child, copy-on-write (docs/labs/cow.md, step 1) */
    for (int i = first; i < last; i++) {
        pte_t pte = parent_pt[i];
        if (!pte_present(pte))
            continue;
        if (!child_pt && !(child_pt = vmm_walk_alloc(sh->child, table_va)))
            return -ENOMEM; /* nothing of this table was changed yet */
        if (pte_writable(pte) || pte_cow(pte)) {
            pte = pte_mkcow(pte); /* both sides now fault on write */
            parent_pt[i] = pte;
        }
        child_pt[i] = pte & ~(PTE_A | PTE_D);
        pmm_incref(pte_addr(pte));
        sh->pages++;
    }
    return 0;
    /* LAB-STUB
     * // Until you share them, the child gets a copy of every page, as fork=copy does.
     * (void)parent_pt; // fork_copy_area reads the parent's tables itself
     * (void)child_pt;
     * uint64_t copied = 0;
     * int r = fork_copy_area(sh->child, sh->parent, table_va + (vaddr_t)first * PAGE_SIZE,
     *                        table_va + (vaddr_t)last * PAGE_SIZE, &copied);
     * stats.fork_pages_copied += copied;
     * return r;
     * LAB-END cow */
}

int cow_share(struct vmspace *child, struct vmspace *parent, vaddr_t start, vaddr_t end)
{
    struct share sh = {child, parent, 0};
    int r = vmm_for_each_table_in(parent, start, end, share_table, &sh);
    stats.fork_pages_shared += sh.pages;
    return r;
}

int cow_share_area(struct vmspace *child, struct vmspace *parent, vaddr_t start, vaddr_t end,
                   void *unused)
{
    (void)unused;
    return cow_share(child, parent, start, end);
}

/* The cowtrace line, kept off the fault's fast path. */
static __attribute__((noinline)) void trace_fault(vaddr_t va, paddr_t old, paddr_t now, uint32_t refs,
                                                  bool shootdown)
{
    struct proc *p = proc_current();
    printk("cow: pid %d va %p frame 0x%lx -> 0x%lx refs %u -> %u (%s%s)\n", p ? p->pid : 0,
           (void *)page_round_down(va), old, now, refs, pmm_refcount(now),
           refs == 1 ? "reused" : "copied", shootdown ? ", TLB shootdown" : "");
}

int cow_fault(struct vmspace *vs, vaddr_t va, pte_t *ptep)
{
    if (!ptep) { /* not from the fault path: find the entry, in a table of our own */
        ptep = vmm_walk_modify(vs, va);
        if (!ptep && vmm_table_shared(vs, va))
            return -ENOMEM;
    }
    if (!ptep || !pte_present(*ptep) || !pte_cow(*ptep))
        return -EFAULT;
    paddr_t old = pte_addr(*ptep);
    uint32_t refs = pmm_refcount(old);
    paddr_t now = old;

    /* LAB-BEGIN cow: reuse the frame when this is its only mapping, else copy it (docs/labs/cow.md, step 2) */
    if (refs == 1) {
        /* The last sharer: nobody else can see a write, so no copy. */
        *ptep = pte_mkwrite(*ptep);
        stats.reuses++;
    } else {
        /* Still shared: this is the copy in copy-on-write. */
        now = pmm_alloc_uninit(); /* all 4 KiB are overwritten just below */
        if (!now)
            return -ENOMEM;
        uint64_t t0 = rdtsc();
        copy_page(P2V(now), P2V(old));
        stats.copy_cycles += rdtsc() - t0;
        *ptep = pte_mkwrite(pte_make(now, pte_flags(*ptep)));
        pmm_decref(old);
        stats.copies++;
    }
    /* LAB-STUB
     * // Until then every write copies, even when nobody else maps the frame.
     * now = pmm_alloc_uninit();
     * if (!now)
     *     return -ENOMEM;
     * copy_page(P2V(now), P2V(old));
     * *ptep = pte_mkwrite(pte_make(now, pte_flags(*ptep)));
     * pmm_decref(old);
     * stats.copies++;
     * LAB-END cow */
    stats.faults++;
    /* Drop the stale read-only entry, here and on every other CPU that runs
     * a thread of vs (a shootdown: it may still read the old frame). vs is
     * the running space but for vma_populate's faults on a fresh one, where
     * this flush is merely idle. */
    uint64_t shot = tlb_local_shootdowns();
    vmm_invalidate(vs, page_round_down(va));
    if (trace)
        trace_fault(va, old, now, refs, tlb_local_shootdowns() != shot);
    return 0;
}

void cow_count_fault_cycles(uint64_t cycles) { stats.fault_cycles += cycles; }

uint64_t cow_fault_count(void) { return stats.faults; }

void cow_count_fork(uint64_t pages_copied, uint64_t pt_pages)
{
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
    struct vma_stats v;
    struct pagecache_stats pc;
    vma_get_stats(&v);
    pagecache_get_stats(&pc);
    out->zero_page_maps = v.zero_page_maps;
    out->demand_zero_faults = v.demand_zero_faults;
    out->file_faults = v.file_faults;
    out->pagecache_pages = pc.file_pages;
    out->pagecache_hits = pc.hits;
    out->pagecache_fills = pc.fills;
    out->shared_anon_pages = pc.anon_pages;
    out->shared_faults = v.shared_faults;
    out->fork_pages_shared_mapping = v.fork_pages_shared_mapping;
    out->areas = v.areas_now;
    out->fork_tables_shared = v.fork_tables_shared;
    vmm_table_stats(&out->tables_copied, &out->tables_reused, &out->fork_pages_deferred);
    struct tlb_stats ts;
    struct klock_stats ks;
    tlb_get_stats(&ts);
    klock_get_stats(&ks);
    out->cpus = (unsigned long)smp_cpu_count();
    out->sched_switches = sched_switches();
    out->sched_migrations = sched_migrations();
    out->tlb_shootdowns = ts.shootdowns;
    out->tlb_ipis = ts.ipis;
    out->tlb_pages_flushed = ts.pages_flushed;
    out->tlb_full_flushes = ts.full_flushes;
    out->tlb_wait_cycles = ts.wait_cycles;
    out->tlb_kernel_flushes = ts.kernel_flushes;
    out->klock_acquisitions = ks.acquisitions;
    out->klock_contended = ks.contended;
    out->klock_spin_cycles = ks.spin_cycles;
    out->cow_fault_retries = fault_retries();
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
    m.fork_mode_page = fork_mode() == FORK_PAGES;
    return uaccess_copy_to_user((vaddr_t)ubuf, &m, sizeof(m));
}

long sys_cowtrace(long on)
{
    if (on < 0)
        return trace;
    return cow_set_trace(on != 0);
}
