/*
 * klock.c - the big kernel lock (see klock.h for what it guards): a ticket
 * lock, so CPUs get it in the order they asked (no CPU starves under
 * contention), with a holder record (CPU and caller) for reports.
 * Owns: the ticket words (atomic), holder and holder_pc (written by the
 * holder only), each CPU's klock_held flag and counters in struct cpu
 * (written by that CPU only; summed on read, never under a lock).
 */
#include "kernel/klock.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "kernel/smp.h"
#include "kernel/x86.h"
#include "mm/tlb.h"

static struct {
    volatile uint32_t next;  /* the next ticket to hand out */
    volatile uint32_t owner; /* the ticket being served */
    int holder;              /* CPU id holding it, -1 when free */
    uintptr_t holder_pc;     /* where the holder called klock_acquire */
} klock = {0, 0, -1, 0};

bool klock_holding(void) { return this_cpu()->klock_held != 0; }

void klock_acquire(void)
{
    struct cpu *c = this_cpu();
    if (read_rflags() & RFLAGS_IF)
        panic("klock_acquire: interrupts on (cpu %d)", c->id);
    if (c->klock_held)
        panic("klock_acquire: cpu %d holds klock already (taken at %p)", c->id,
              (void *)klock.holder_pc);
    uint32_t ticket = __atomic_fetch_add(&klock.next, 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&klock.owner, __ATOMIC_ACQUIRE) != ticket) {
        uint64_t t0 = rdtsc();
        c->klock_contended++;
        while (__atomic_load_n(&klock.owner, __ATOMIC_ACQUIRE) != ticket) {
            tlb_poll(); /* the holder may be waiting for this CPU's acknowledgment */
            pause();
        }
        c->klock_spin_cycles += rdtsc() - t0;
    }
    klock.holder = c->id;
    klock.holder_pc = (uintptr_t)__builtin_return_address(0);
    c->klock_held = 1;
    c->klock_acquisitions++;
    tlb_kernel_sync();
}

void klock_release(void)
{
    struct cpu *c = this_cpu();
    if (!c->klock_held || klock.holder != c->id)
        panic("klock_release: cpu %d does not hold klock (holder %d)", c->id, klock.holder);
    c->klock_held = 0;
    klock.holder = -1;
    klock.holder_pc = 0;
    __atomic_store_n(&klock.owner, klock.owner + 1, __ATOMIC_RELEASE);
}

void klock_user_return(void)
{
    if (this_cpu()->klock_held)
        klock_release();
}

void klock_get_stats(struct klock_stats *out)
{
    out->acquisitions = out->contended = out->spin_cycles = 0;
    for (int i = 0; i < smp_cpu_count(); i++) {
        const struct cpu *c = smp_cpu(i);
        out->acquisitions += c->klock_acquisitions;
        out->contended += c->klock_contended;
        out->spin_cycles += c->klock_spin_cycles;
    }
}
