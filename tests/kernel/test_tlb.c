/*
 * test_tlb.c - TLB shootdown across CPUs (mm/tlb.c) and the COW fault race:
 * code runs on CPU 1 through smp_run_on while the test runs on CPU 0. The
 * names start with smp_, so make test's 4-CPU boot runs them too; with one
 * CPU they have nothing to shoot down and pass after saying so.
 * The proof that a shootdown reaches another CPU's TLB: CPU 1 reads a page
 * (its TLB caches the translation), CPU 0 points the entry at another frame
 * without telling anyone, CPU 1 still reads the old frame (stale), then
 * after tlb_flush_page it reads the new one.
 */
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/klock.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/sysnum.h"
#include "kernel/x86.h"
#include "mm/cow.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/tlb.h"
#include "mm/vmm.h"
#include "tests/ktest.h"

#define VA 0x40000000UL /* a user-half address, mapped supervisor-only (no SMAP fuss) */

static struct vmspace *shared_vs;
static volatile uint64_t seen;

static void load_and_read(void *arg)
{
    (void)arg;
    vmm_activate(shared_vs);
    seen = *(volatile uint64_t *)VA;
}

static void read_again(void *arg)
{
    vaddr_t va = arg ? (vaddr_t)arg : VA;
    seen = *(volatile uint64_t *)va;
}

static void unload(void *arg)
{
    (void)arg;
    vmm_activate(vmm_kernel_space());
}

static void take_klock(void)
{
    cli();
    klock_acquire();
}

static void drop_klock(void)
{
    klock_release();
    sti();
}

static bool two_cpus(void)
{
    if (smp_cpu_count() >= 2)
        return true;
    printk("# one CPU: no other TLB to shoot down\n");
    return false;
}

static paddr_t frame_with(uint64_t value)
{
    paddr_t pa = pmm_alloc();
    if (pa)
        *(uint64_t *)P2V(pa) = value;
    return pa;
}

KTEST(smp_tlb_shootdown_reaches_the_other_cpu)
{
    if (!two_cpus())
        return;
    uint64_t free0 = pmm_free_count();
    struct tlb_stats s0, s1;
    shared_vs = vmm_create();
    paddr_t a = frame_with(0xaaaa), b = frame_with(0xbbbb);
    ASSERT_TRUE(shared_vs && a && b);
    ASSERT_EQ(0, vmm_map(shared_vs, VA, a, PTE_W | PTE_NX));
    smp_run_on(1, load_and_read, NULL);
    EXPECT_EQ(0xaaaa, seen);
    EXPECT_EQ(1u << 1, shared_vs->cpus); /* CPU 1 has it in CR3, CPU 0 does not */
    /* Behind CPU 1's back: the entry now says frame b. */
    pte_t *pte = vmm_walk(shared_vs, VA);
    *pte = pte_make(b, PTE_P | PTE_W | PTE_NX);
    smp_run_on(1, read_again, NULL);
    EXPECT_EQ(0xaaaa, seen); /* stale: CPU 1's TLB still has the old translation */
    tlb_get_stats(&s0);
    take_klock();
    tlb_flush_page(shared_vs, VA);
    drop_klock();
    tlb_get_stats(&s1);
    smp_run_on(1, read_again, NULL);
    EXPECT_EQ(0xbbbb, seen); /* the shootdown made CPU 1 walk the tables again */
    EXPECT_EQ(s0.shootdowns + 1, s1.shootdowns);
    EXPECT_EQ(s0.ipis + 1, s1.ipis);
    EXPECT_EQ(s0.pages_flushed + 1, s1.pages_flushed);
    EXPECT_TRUE(s1.wait_cycles > s0.wait_cycles);
    /* A space nobody else has loaded costs no IPI. */
    smp_run_on(1, unload, NULL);
    EXPECT_EQ(0, shared_vs->cpus);
    take_klock();
    tlb_flush_page(shared_vs, VA);
    drop_klock();
    tlb_get_stats(&s0);
    EXPECT_EQ(s1.shootdowns, s0.shootdowns);
    pmm_decref(a); /* replaced behind the tables' back: its mapping's reference */
    vmm_destroy(shared_vs);
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(smp_tlb_batch_is_one_shootdown)
{
    if (!two_cpus())
        return;
    uint64_t free0 = pmm_free_count();
    struct tlb_stats s0, s1;
    shared_vs = vmm_create();
    ASSERT_TRUE(shared_vs != NULL);
    for (int i = 0; i < 3; i++)
        ASSERT_EQ(0, vmm_map(shared_vs, VA + (vaddr_t)i * PAGE_SIZE, frame_with((uint64_t)i), PTE_W | PTE_NX));
    smp_run_on(1, load_and_read, NULL);
    tlb_get_stats(&s0);
    take_klock();
    EXPECT_EQ(3, vmm_unmap_range(shared_vs, VA, VA + 3 * PAGE_SIZE)); /* munmap's way: one batch */
    drop_klock();
    tlb_get_stats(&s1);
    EXPECT_EQ(s0.shootdowns + 1, s1.shootdowns);
    EXPECT_EQ(s0.ipis + 1, s1.ipis);
    EXPECT_EQ(s0.pages_flushed + 3, s1.pages_flushed);
    /* Destroying a space another CPU still has loaded: it moves to the kernel's tables first. */
    take_klock();
    vmm_destroy(shared_vs);
    drop_klock();
    EXPECT_PTR_EQ(NULL, smp_cpu(1)->vs);
    EXPECT_EQ(free0, pmm_free_count());
}

static void klock_round(void *arg)
{
    (void)arg;
    klock_acquire();
    klock_release();
}

KTEST(smp_tlb_kernel_unmap_costs_no_ipi)
{
    if (!two_cpus())
        return;
    struct tlb_stats s0, s1;
    void *big = kmalloc(3 * PAGE_SIZE); /* a large block: its own kernel mappings */
    ASSERT_TRUE(big != NULL);
    smp_run_on(1, klock_round, NULL); /* CPU 1 up to date */
    uint64_t gen1 = smp_cpu(1)->kernel_gen;
    tlb_get_stats(&s0);
    take_klock();
    kfree(big); /* unmaps its pages */
    drop_klock();
    tlb_get_stats(&s1);
    EXPECT_EQ(s0.ipis, s1.ipis);
    EXPECT_EQ(gen1, smp_cpu(1)->kernel_gen); /* behind until it next takes klock */
    smp_run_on(1, klock_round, NULL);
    tlb_get_stats(&s0);
    EXPECT_TRUE(smp_cpu(1)->kernel_gen > gen1);
    EXPECT_EQ(s1.kernel_flushes + 1, s0.kernel_flushes);
}

/* CPU 1's side of the race: the write fault on the COW page, resolved
 * under klock, then the write itself through its (flushed) translation. */
static volatile int race_r1;
static void fault_and_write(void *arg)
{
    (void)arg;
    klock_acquire();
    race_r1 = cow_fault(shared_vs, VA, NULL);
    klock_release();
    if (race_r1 == 0)
        *(volatile uint64_t *)VA = 0x2222;
}

KTEST(smp_cow_race_makes_one_copy)
{
    if (!two_cpus())
        return;
    uint64_t free0 = pmm_free_count();
    struct cowos_memstat m0, m1;
    struct tlb_stats s0, s1;
    shared_vs = vmm_create();
    paddr_t f = frame_with(0x1111);
    ASSERT_TRUE(shared_vs && f);
    pmm_incref(f); /* the other sharer (a forked child's reference) */
    ASSERT_EQ(0, vmm_map(shared_vs, VA, f, PTE_W | PTE_NX));
    pte_t *pte = vmm_walk(shared_vs, VA);
    *pte = pte_mkcow(*pte);
    /* Both CPUs have the space loaded and the read-only entry cached. */
    vmm_activate(shared_vs);
    smp_run_on(1, load_and_read, NULL);
    EXPECT_EQ(0x1111, seen);
    EXPECT_EQ(0x1111, *(volatile uint64_t *)VA);
    cow_stats(&m0);
    tlb_get_stats(&s0);
    /* CPU 1 faults first and copies; CPU 0's fault comes second, finds the
     * entry writable (nothing to do: the fault path retries) and must see
     * CPU 1's write, not the old frame its TLB held. */
    smp_run_on(1, fault_and_write, NULL);
    take_klock();
    int r0 = cow_fault(shared_vs, VA, NULL);
    drop_klock();
    cow_stats(&m1);
    tlb_get_stats(&s1);
    EXPECT_EQ(0, race_r1);
    EXPECT_EQ(-EFAULT, r0);
    EXPECT_EQ(m0.cow_copies + 1, m1.cow_copies); /* exactly one copy */
    EXPECT_EQ(s0.shootdowns + 1, s1.shootdowns); /* CPU 0's stale entry shot down */
    EXPECT_EQ(0x2222, *(volatile uint64_t *)VA);
    EXPECT_EQ(0x1111, *(uint64_t *)P2V(f)); /* the other sharer's frame untouched */
    EXPECT_EQ(1, pmm_refcount(f));
    EXPECT_EQ(1, pmm_refcount(pte_addr(*vmm_walk(shared_vs, VA))));
    smp_run_on(1, unload, NULL);
    vmm_activate(vmm_kernel_space());
    vmm_destroy(shared_vs);
    pmm_decref(f);
    EXPECT_EQ(free0, pmm_free_count());
}
