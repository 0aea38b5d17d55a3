/*
 * klock.h - the big kernel lock. One CPU at a time runs kernel code that
 * touches process, memory or file state: the process table and every
 * struct proc, the scheduler's choice, address spaces (areas and page
 * tables), files, pipes, the page cache, the tty, the counters that are not
 * per-CPU. A CPU takes klock on entry from user mode (system call, fault,
 * interrupt) and in its scheduler before it picks a process, and lets it go
 * on the way back to user mode and while it halts idle. klock belongs to
 * the CPU, not to a process: it stays held across switch_to, so a process
 * that sleeps (proc_sleep, sched_yield) holds nothing while asleep, and the
 * next process on that CPU continues under the same hold.
 * Interrupts are off wherever klock is held. Finer spinlocks (the frame
 * allocator, the console) may be taken under klock, never the other way.
 * While spinning for klock a CPU answers TLB shootdowns (mm/tlb.c), so the
 * holder can wait for every CPU's acknowledgment without a deadlock.
 */
#ifndef KERNEL_KLOCK_H
#define KERNEL_KLOCK_H

#include "kernel/types.h"

/* Take klock (interrupts must be off). Answers shootdowns while waiting;
 * flushes this CPU's stale kernel translations (tlb_kernel_sync) once taken. */
void klock_acquire(void);
/* Let klock go (this CPU holds it). */
void klock_release(void);
/* Holding klock: if other CPUs wait for it, let it go, give one of them a
 * moment to take it, and take it back (the scheduler's breather). */
void klock_yield(void);
/* Does this CPU hold klock? */
bool klock_holding(void);
/* trap_return's hook on the way to ring 3: release klock if held. */
void klock_user_return(void);

struct klock_stats {
    uint64_t acquisitions; /* times taken, all CPUs */
    uint64_t contended;    /* ... that found it taken and had to spin */
    uint64_t spin_cycles;  /* TSC cycles spent spinning for it, all CPUs */
};
void klock_get_stats(struct klock_stats *out);

#endif
