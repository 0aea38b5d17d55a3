/*
 * tlb.c - TLB shootdown (see tlb.h for the model).
 *
 * The mailbox holds one request at a time: the space (NULL for the kernel's
 * tables), a page list or "all", whether the space is being dropped, and
 * `pending`, a bit per CPU still to acknowledge. Locks: the mailbox's
 * fields are written only by the klock holder, the only CPU that starts a
 * shootdown; each target clears its own bit of `pending` (atomic) after it
 * has flushed. The initiator spins, interrupts off, until `pending` is 0: a
 * target answers from its IPI handler (interrupts are on in user mode and
 * in the idle halt) or from its klock spin (tlb_poll), so no CPU can keep
 * it waiting. kernel_gen (the kernel-unmap generation) is written under
 * klock; each CPU's own copy in struct cpu by that CPU. The counters are
 * per CPU (struct cpu), summed on read.
 */
#include "mm/tlb.h"
#include "kernel/cpu.h"
#include "kernel/dev/lapic.h"
#include "kernel/klock.h"
#include "kernel/panic.h"
#include "kernel/smp.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "mm/vmm.h"

static struct {
    struct vmspace *vs; /* NULL: the kernel's own translations */
    int npages;         /* pages in va[]; 0 with all */
    bool all;           /* flush every translation of vs */
    bool drop;          /* vs is going away: load the kernel's tables */
    vaddr_t va[CPU_TLB_BATCH_MAX];
    volatile uint32_t pending; /* CPUs that have not acknowledged yet */
} mailbox;

static volatile uint64_t kernel_gen; /* bumped by every kernel unmap (under klock) */

static uint32_t my_bit(void) { return 1u << this_cpu()->id; }

/* A full flush of this CPU's non-global translations. */
static void flush_local_all(void) { write_cr3(read_cr3()); }

/* Everything, global (kernel) entries too: CR4.PGE off and on. */
static void flush_local_global(void)
{
    uint64_t cr4 = read_cr4();
    write_cr4(cr4 & ~CR4_PGE);
    write_cr4(cr4);
}

void tlb_poll(void)
{
    struct cpu *c = this_cpu();
    uint32_t bit = 1u << c->id;
    if (!(__atomic_load_n(&mailbox.pending, __ATOMIC_ACQUIRE) & bit))
        return;
    if (!mailbox.vs) {
        flush_local_global();
        c->tlb_full_flushes++;
    } else if (c->vs == mailbox.vs) {
        if (mailbox.drop) {
            vmm_activate(vmm_kernel_space());
        } else if (mailbox.all) {
            flush_local_all();
            c->tlb_full_flushes++;
        } else {
            for (int i = 0; i < mailbox.npages; i++)
                invlpg(mailbox.va[i]);
            c->tlb_pages_flushed += (uint64_t)mailbox.npages;
        }
    }
    __atomic_fetch_and(&mailbox.pending, ~bit, __ATOMIC_RELEASE);
}

static void tlb_interrupt(struct trapframe *tf)
{
    (void)tf;
    tlb_poll();
    lapic_eoi();
}

void tlb_init(void) { trap_set_handler(TLB_VECTOR, tlb_interrupt); }

/* Send the mailbox to targets and wait until each has acknowledged. */
static void shoot(uint32_t targets)
{
    struct cpu *c = this_cpu();
    if (!c->klock_held)
        panic("tlb: a shootdown without klock on cpu %d", c->id);
    c->tlb_shootdowns++;
    __atomic_store_n(&mailbox.pending, targets, __ATOMIC_RELEASE);
    for (int i = 0; i < smp_cpu_count(); i++)
        if (targets & (1u << i)) {
            lapic_send_ipi(smp_cpu(i)->apic_id, TLB_VECTOR);
            c->tlb_ipis++;
        }
    uint64_t t0 = rdtsc();
    while (__atomic_load_n(&mailbox.pending, __ATOMIC_ACQUIRE))
        pause();
    c->tlb_wait_cycles += rdtsc() - t0;
}

/* The other CPUs that have vs loaded. */
static uint32_t others(const struct vmspace *vs)
{
    return __atomic_load_n(&vs->cpus, __ATOMIC_ACQUIRE) & ~my_bit();
}

static void shoot_pages(struct vmspace *vs, const vaddr_t *va, int n, bool all)
{
    uint32_t targets = others(vs);
    if (!targets)
        return;
    mailbox.vs = vs;
    mailbox.drop = false;
    mailbox.all = all || n > CPU_TLB_BATCH_MAX;
    mailbox.npages = mailbox.all ? 0 : n;
    for (int i = 0; i < mailbox.npages; i++)
        mailbox.va[i] = va[i];
    shoot(targets);
}

void tlb_flush_page(struct vmspace *vs, vaddr_t va)
{
    struct cpu *c = this_cpu();
    if (vmm_is_active(vs))
        invlpg(va);
    if (c->batch_vs == vs) {
        if (c->batch_pages < CPU_TLB_BATCH_MAX)
            c->batch_va[c->batch_pages] = va;
        c->batch_pages++;
        return;
    }
    if (others(vs))
        shoot_pages(vs, &va, 1, false);
}

void tlb_flush_all(struct vmspace *vs)
{
    struct cpu *c = this_cpu();
    if (vmm_is_active(vs))
        flush_local_all();
    if (c->batch_vs == vs) {
        c->batch_pages = CPU_TLB_BATCH_MAX + 1;
        return;
    }
    if (others(vs))
        shoot_pages(vs, NULL, 0, true);
}

void tlb_batch_begin(struct vmspace *vs)
{
    struct cpu *c = this_cpu();
    if (c->batch_vs)
        panic("tlb_batch_begin: a batch is open already on cpu %d", c->id);
    c->batch_vs = vs;
    c->batch_pages = 0;
}

void tlb_batch_end(void)
{
    struct cpu *c = this_cpu();
    struct vmspace *vs = c->batch_vs;
    c->batch_vs = NULL;
    if (vs && c->batch_pages > 0 && others(vs))
        shoot_pages(vs, c->batch_va, c->batch_pages, false);
}

void tlb_drop(struct vmspace *vs)
{
    uint32_t targets = others(vs);
    if (!targets)
        return;
    mailbox.vs = vs;
    mailbox.drop = true;
    mailbox.all = true;
    mailbox.npages = 0;
    shoot(targets);
}

void tlb_kernel_unmapped(vaddr_t va)
{
    struct cpu *c = this_cpu();
    invlpg(va);
    bool current = c->kernel_gen == kernel_gen;
    kernel_gen++;
    if (current)
        c->kernel_gen = kernel_gen; /* this CPU has just flushed the only change */
}

void tlb_kernel_sync(void)
{
    struct cpu *c = this_cpu();
    uint64_t gen = kernel_gen;
    if (c->kernel_gen == gen)
        return;
    flush_local_global();
    c->kernel_gen = gen;
    c->tlb_kernel_flushes++;
}

uint64_t tlb_local_shootdowns(void) { return this_cpu()->tlb_shootdowns; }

void tlb_get_stats(struct tlb_stats *out)
{
    *out = (struct tlb_stats){0, 0, 0, 0, 0, 0};
    for (int i = 0; i < smp_cpu_count(); i++) {
        const struct cpu *c = smp_cpu(i);
        out->shootdowns += c->tlb_shootdowns;
        out->ipis += c->tlb_ipis;
        out->pages_flushed += c->tlb_pages_flushed;
        out->full_flushes += c->tlb_full_flushes;
        out->wait_cycles += c->tlb_wait_cycles;
        out->kernel_flushes += c->tlb_kernel_flushes;
    }
}
