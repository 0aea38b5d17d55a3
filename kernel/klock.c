/*
 * klock.c - the big kernel lock (see klock.h for what it guards): a
 * test-and-test-and-set lock with a holder record (CPU and caller) for
 * reports, and a count of the CPUs waiting for it.
 * Why not a ticket lock: under QEMU each virtual CPU is a host thread, and
 * the host (two cores shared by several QEMUs) preempts them at will. A
 * ticket lock hands the lock to the next ticket even when that CPU's
 * thread is not running, and everyone else then spins for a whole host
 * time slice (it made the fuzzer 100 times slower on 2 CPUs); with TTAS
 * whoever runs takes it. Fairness comes from politeness instead: the CPU
 * that let klock go last, wanting it again while others wait, gives them a
 * moment to take it first (be_polite), so a CPU in a system-call loop
 * cannot keep a waiting CPU out.
 * Owns: the lock word and the waiting count (atomic), holder and holder_pc
 * (written by the holder only), each CPU's klock_held flag and counters in
 * struct cpu (written by that CPU only; summed on read, never under a lock).
 */
#include "kernel/klock.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "kernel/smp.h"
#include "kernel/x86.h"
#include "mm/tlb.h"

/* How long (TSC cycles) a CPU that has just let klock go, and wants it
 * again while others wait, gives them to take it first: long enough for a
 * running waiter, short enough not to matter when the host has
 * descheduled it. */
#define POLITE_CYCLES 200000

static struct {
    volatile uint32_t locked;  /* 1 while held */
    volatile uint32_t waiting; /* CPUs spinning in klock_acquire */
    volatile int last;         /* the CPU that let it go last */
    int holder;                /* CPU id holding it, -1 when free */
    uintptr_t holder_pc;       /* where the holder called klock_acquire */
} klock = {0, 0, -1, -1, 0};

/* c let klock go last and others wait: let them take it first (until one
 * has, or POLITE_CYCLES). Fairness without a ticket lock's queue. */
static void be_polite(const struct cpu *c)
{
    if (klock.last != c->id || !__atomic_load_n(&klock.waiting, __ATOMIC_RELAXED))
        return;
    uint64_t t0 = rdtsc();
    while (!__atomic_load_n(&klock.locked, __ATOMIC_RELAXED) &&
           __atomic_load_n(&klock.waiting, __ATOMIC_RELAXED) && rdtsc() - t0 < POLITE_CYCLES) {
        tlb_poll();
        pause();
    }
}

bool klock_holding(void) { return this_cpu()->klock_held != 0; }

static bool try_take(void)
{
    return !__atomic_load_n(&klock.locked, __ATOMIC_RELAXED) &&
           !__atomic_exchange_n(&klock.locked, 1, __ATOMIC_ACQUIRE);
}

void klock_acquire(void)
{
    struct cpu *c = this_cpu();
    if (read_rflags() & RFLAGS_IF)
        panic("klock_acquire: interrupts on (cpu %d)", c->id);
    if (c->klock_held)
        panic("klock_acquire: cpu %d holds klock already (taken at %p)", c->id,
              (void *)klock.holder_pc);
    be_polite(c);
    if (!try_take()) {
        uint64_t t0 = rdtsc();
        c->klock_contended++;
        __atomic_fetch_add(&klock.waiting, 1, __ATOMIC_RELAXED);
        while (!try_take()) {
            tlb_poll(); /* the holder may be waiting for this CPU's acknowledgment */
            pause();
        }
        __atomic_fetch_sub(&klock.waiting, 1, __ATOMIC_RELAXED);
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
    klock.last = c->id;
    __atomic_store_n(&klock.locked, 0, __ATOMIC_RELEASE);
}

void klock_yield(void)
{
    if (!__atomic_load_n(&klock.waiting, __ATOMIC_RELAXED))
        return;
    klock_release();
    klock_acquire(); /* polite: a waiter gets it first (be_polite) */
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
