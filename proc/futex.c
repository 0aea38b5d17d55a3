/*
 * futex.c - futex(2): sleeping on a user word and waking its sleepers.
 *
 * A waiter is a thread asleep with futex_waiting set and its key in
 * futex_key_a/b. The key is (address space, address) for a private futex
 * and for any word in private memory (Linux's rule: after fork a COW-shared
 * page never joins the two processes' futexes), and (frame + offset) for a
 * word in MAP_SHARED memory, where processes that map the page meet.
 * WAIT reads the word (EFAULT before sleeping), compares it and goes to
 * sleep with nothing in between that lets a waker run: the kernel is not
 * preemptible and the scheduler's lock (on several CPUs) covers the sleep.
 * Wakers walk the process table and take waiters oldest first (futex_seq).
 * Lock: the process table's (what guards proc state and sleep/wakeup).
 */
#include "proc/futex.h"
#include "kernel/errno.h"
#include "kernel/timer.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"

struct futex_key {
    uint64_t a, b;
};

static uint64_t next_seq;

/* The key of the word at uaddr in p's memory. */
static long get_key(struct proc *p, vaddr_t uaddr, bool private, struct futex_key *k)
{
    if (uaddr & 3)
        return -EINVAL;
    if (uaddr >= USER_TOP)
        return -EFAULT;
    if (!private) {
        struct vm_area *a = p->areas ? vma_find(p->areas, uaddr) : NULL;
        if (!a)
            return -EFAULT;
        if (a->flags & VMA_SHARED) {
            uint32_t word;
            paddr_t pa;
            if (uaccess_copy_from_user(&word, uaddr, sizeof(word)) < 0 || /* maps it */
                vmm_translate(p->vs, uaddr & ~(vaddr_t)(PAGE_SIZE - 1), &pa, NULL) < 0)
                return -EFAULT;
            k->a = (pa & ~(paddr_t)(PAGE_SIZE - 1)) | (uaddr & (PAGE_SIZE - 1));
            k->b = 1; /* odd: never a (vs, address) key, whose address is 4-aligned */
            return 0;
        }
    }
    k->a = (uint64_t)(uintptr_t)p->vs;
    k->b = uaddr;
    return 0;
}

static bool waits_on(const struct proc *t, const struct futex_key *k, uint32_t bitset)
{
    return t->state != PROC_UNUSED && t->futex_waiting && t->futex_key_a == k->a &&
           t->futex_key_b == k->b && (t->futex_bitset & bitset);
}

/* The oldest waiter on k matching bitset, or NULL. */
static struct proc *oldest(const struct futex_key *k, uint32_t bitset)
{
    struct proc *tab = proc_table(), *best = NULL;
    for (int i = 0; i < NPROC; i++)
        if (waits_on(&tab[i], k, bitset) && (!best || tab[i].futex_seq < best->futex_seq))
            best = &tab[i];
    return best;
}

/* Wake up to n (at least one, as Linux) waiters on k; how many woke. */
static int wake_key(const struct futex_key *k, int n, uint32_t bitset)
{
    int woken = 0;
    struct proc *t;
    while ((t = oldest(k, bitset)) != NULL) {
        t->futex_waiting = false;
        proc_wakeup(&t->futex_waiting);
        if (++woken >= n)
            break;
    }
    return woken;
}

long futex_wake_addr(struct proc *p, vaddr_t uaddr, int n)
{
    struct futex_key k;
    long r = get_key(p, uaddr, false, &k);
    return r < 0 ? r : wake_key(&k, n, FUTEX_BITSET_MATCH_ANY);
}

static long read_word(vaddr_t uaddr, uint32_t *v)
{
    return uaccess_copy_from_user(v, uaddr, sizeof(*v)) < 0 ? -EFAULT : 0;
}

/* Sleep on the word at uaddr while it holds val, until woken, the tick
 * deadline (0: none) passes, or a signal comes. */
static long wait_word(vaddr_t uaddr, bool private, uint32_t val, uint64_t deadline,
                      uint32_t bitset)
{
    struct proc *p = proc_current();
    struct futex_key k;
    long r = get_key(p, uaddr, private, &k);
    uint32_t cur;
    if (r == 0)
        r = read_word(uaddr, &cur);
    if (r < 0)
        return r;
    if (cur != val)
        return -EAGAIN;
    p->futex_key_a = k.a;
    p->futex_key_b = k.b;
    p->futex_bitset = bitset;
    p->futex_seq = ++next_seq;
    p->futex_waiting = true;
    for (;;) {
        if (!p->futex_waiting)
            return 0;
        if (deadline && timer_ticks() >= deadline)
            r = -ETIMEDOUT;
        else if (proc_interrupted()) /* a handler: EINTR; a stop and SIGCONT: waits again */
            r = deadline ? -ERESTARTNOHAND : -ERESTARTSYS;
        if (r < 0) {
            p->futex_waiting = false;
            return r;
        }
        p->wake_tick = deadline;
        proc_sleep(&p->futex_waiting);
        p->wake_tick = 0;
    }
}

struct kernel_timespec {
    int64_t tv_sec, tv_nsec;
};

/* The timeout at utimeout as a tick deadline: relative to now, or absolute
 * (since boot: both clocks count from boot here). 0 = no timeout. */
static long get_deadline(vaddr_t utimeout, bool absolute, uint64_t *deadline)
{
    *deadline = 0;
    if (!utimeout)
        return 0;
    struct kernel_timespec ts;
    if (uaccess_copy_from_user(&ts, utimeout, sizeof(ts)) < 0)
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
        return -EINVAL;
    const uint64_t ns_per_tick = 1000000000UL / TIMER_HZ;
    uint64_t ticks;
    if ((uint64_t)ts.tv_sec > (1UL << 40) / TIMER_HZ)
        ticks = 1UL << 40; /* centuries: forever */
    else
        ticks = (uint64_t)ts.tv_sec * TIMER_HZ + ((uint64_t)ts.tv_nsec + ns_per_tick - 1) / ns_per_tick;
    *deadline = absolute ? ticks : timer_ticks() + ticks;
    if (*deadline == 0)
        *deadline = 1; /* an absolute time at boot: already past */
    return 0;
}

/* REQUEUE and CMP_REQUEUE: wake nwake waiters on uaddr, move up to nmove
 * of the others to uaddr2. Returns how many were woken or moved. */
static long requeue(vaddr_t uaddr, vaddr_t uaddr2, bool private, int nwake, int nmove,
                    bool cmp, uint32_t val3)
{
    struct proc *p = proc_current();
    if (nwake < 0 || nmove < 0)
        return -EINVAL;
    struct futex_key k1, k2;
    long r = get_key(p, uaddr, private, &k1);
    if (r == 0)
        r = get_key(p, uaddr2, private, &k2);
    if (r < 0)
        return r;
    if (cmp) {
        uint32_t cur;
        if (read_word(uaddr, &cur) < 0)
            return -EFAULT;
        if (cur != val3)
            return -EAGAIN;
    }
    long done = 0;
    struct proc *t;
    for (; done < nwake && (t = oldest(&k1, FUTEX_BITSET_MATCH_ANY)) != NULL; done++) {
        t->futex_waiting = false;
        proc_wakeup(&t->futex_waiting);
    }
    for (int moved = 0; moved < nmove && (t = oldest(&k1, FUTEX_BITSET_MATCH_ANY)) != NULL; moved++) {
        t->futex_key_a = k2.a;
        t->futex_key_b = k2.b;
        done++;
    }
    return done;
}

long sys_futex(long luaddr, long op, long val, long utimeout, long uaddr2, long val3)
{
    vaddr_t uaddr = (vaddr_t)luaddr;
    bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
    long cmd = op & ~(long)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
        return -ENOSYS; /* as Linux: the clock matters only to a wait */
    uint32_t bitset = (uint32_t)val3;
    uint64_t deadline;
    long r;
    switch (cmd) {
    case FUTEX_WAIT:
        bitset = FUTEX_BITSET_MATCH_ANY;
        /* fallthrough */
    case FUTEX_WAIT_BITSET:
        if (!bitset)
            return -EINVAL;
        r = get_deadline((vaddr_t)utimeout, cmd == FUTEX_WAIT_BITSET, &deadline);
        if (r < 0)
            return r;
        return wait_word(uaddr, private, (uint32_t)val, deadline, bitset);
    case FUTEX_WAKE:
        bitset = FUTEX_BITSET_MATCH_ANY;
        /* fallthrough */
    case FUTEX_WAKE_BITSET: {
        if (!bitset)
            return -EINVAL;
        struct futex_key k;
        r = get_key(proc_current(), uaddr, private, &k);
        return r < 0 ? r : wake_key(&k, (int)val, bitset);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
        /* the fourth argument is nr_requeue, an int, not a timeout */
        return requeue(uaddr, (vaddr_t)uaddr2, private, (int)val, (int)utimeout,
                       cmd == FUTEX_CMP_REQUEUE, (uint32_t)val3);
    default:
        return -ENOSYS; /* FUTEX_FD, WAKE_OP, the PI operations */
    }
}
