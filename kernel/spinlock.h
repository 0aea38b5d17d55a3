/*
 * spinlock.h - locks that busy-wait, for short critical sections that never
 * sleep. Taking one turns interrupts off on this CPU until the last lock it
 * holds is released (so an interrupt handler can never spin on a lock its
 * own CPU holds). A lock records its holder (CPU and the caller that took
 * it); taking a lock this CPU already holds, releasing one it does not hold,
 * or spinning far too long are kernel bugs and panic with both sides named.
 * No spinlock may be held on the way back to user mode (kernel/trapentry.S
 * checks, spin_check_user_return).
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include "kernel/types.h"

struct cpu;

struct spinlock {
    volatile uint32_t locked; /* 0 free, 1 taken */
    const char *name;         /* for reports: "console", "pmm", ... */
    struct cpu *holder;       /* the CPU holding it, NULL when free */
    uintptr_t holder_pc;      /* where the holder called spin_lock */
};

#define SPINLOCK_INIT(lockname) {.locked = 0, .name = (lockname), .holder = NULL, .holder_pc = 0}

/* Initialise an unlocked lock named name (a string that outlives it). */
void spin_init(struct spinlock *l, const char *name);
/* Take l: interrupts off on this CPU (spin_irq_push), then spin until free. */
void spin_lock(struct spinlock *l);
/* Release l (taken by this CPU), then spin_irq_pop. */
void spin_unlock(struct spinlock *l);
/* True if this CPU holds l. */
bool spin_holding(const struct spinlock *l);

/* Interrupts off, nested: the outermost push remembers whether they were on,
 * the matching last pop turns them back on only then. */
void spin_irq_push(void);
void spin_irq_pop(void);

/*
 * Called by trap_return (kernel/trapentry.S) when a return to ring 3 finds
 * this CPU holding a spinlock: a kernel bug, reported with every lock held
 * and where it was taken. Panics (or, with a test hook, reports and returns).
 */
void spin_check_user_return(void);

/*
 * No spinlock may be held across a sleep (sched_yield calls this when this
 * CPU holds one): reports each lock held and where it was taken, as what.
 * klock is no spinlock in this sense (kernel/klock.h).
 */
void spin_check_sleep(const char *what);

/*
 * The lock-order checker: spin_lock records, for every lock the CPU holds,
 * that the new one was taken while holding it (with both call sites). A
 * lock taken while holding one that was ever taken while holding it (a
 * cycle, directly or through others) is a possible deadlock: reported
 * through the failure path (panic, or the test hook) naming the lock, where
 * it is taken now, the lock held and where, and the call sites of the
 * earlier opposite order. Locks are told apart by name. spin_order_reset
 * forgets every recorded order (for the tests); spin_order_edges counts them.
 */
void spin_order_reset(void);
int spin_order_edges(void);

/*
 * Test hook: with fn set, a failed check calls fn(message) instead of
 * panicking, and the operation that failed returns having changed nothing
 * (spin_lock returns without the lock). NULL restores panicking. For the
 * kernel tests only, so a broken check fails a test rather than the suite.
 */
void spin_set_failure_hook(void (*fn)(const char *msg));

#endif
