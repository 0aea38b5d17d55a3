/*
 * pthread_cond.c - condition variables and barriers.
 * A condition variable is a sequence number (a futex word) and a count of
 * waiters. A waiter reads the number while it still holds the mutex, then
 * unlocks and sleeps only while the number is unchanged; signal and
 * broadcast bump it and wake one or all. A signal sent after the waiter
 * read the number, even before it slept, wakes it (the kernel compares
 * the word as it queues the sleeper), so no wakeup is lost; spurious ones
 * are allowed, as POSIX says. The kernel wakes sleepers in arrival order.
 * A barrier: a mutex over its counters and a round number that sleepers
 * wait on.
 */
#include <errno.h>
#include <limits.h>
#include "user/lib/pthread_impl.h"

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
    *c = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
    if (a) {
        c->clock = a->clock;
        c->pshared = a->pshared;
    }
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
    (void)c;
    return 0;
}

static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    if (abstime && (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L))
        return EINVAL;
    unsigned seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
    __atomic_add_fetch(&c->waiters, 1, __ATOMIC_SEQ_CST);
    int e = pthread_mutex_unlock(m);
    if (e) { /* an errorcheck or recursive mutex the caller does not hold */
        __atomic_sub_fetch(&c->waiters, 1, __ATOMIC_SEQ_CST);
        return e;
    }
    int err = 0;
    struct timespec rel;
    if (abstime)
        err = pt_reltime(c->clock, abstime, &rel);
    if (!err && pt_futex_wait(&c->seq, (int)seq, abstime ? &rel : NULL, c->pshared) == -ETIMEDOUT)
        err = ETIMEDOUT;
    if (err == EINVAL)
        err = 0; /* (checked above: cannot happen) */
    __atomic_sub_fetch(&c->waiters, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(m);
    /* Woken and timed out at once: the signal counts, as glibc. */
    if (err == ETIMEDOUT && __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE) != seq)
        err = 0;
    return err;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    return cond_wait(c, m, NULL);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    return cond_wait(c, m, abstime);
}

static int wake(pthread_cond_t *c, int n)
{
    if (__atomic_load_n(&c->waiters, __ATOMIC_SEQ_CST) == 0)
        return 0;
    __atomic_add_fetch(&c->seq, 1, __ATOMIC_SEQ_CST);
    pt_futex_wake(&c->seq, n, c->pshared);
    return 0;
}

int pthread_cond_signal(pthread_cond_t *c)
{
    return wake(c, 1);
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
    return wake(c, INT_MAX);
}

int pthread_condattr_init(pthread_condattr_t *a)
{
    a->clock = CLOCK_REALTIME;
    a->pshared = 0;
    return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a)
{
    (void)a;
    return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock)
{
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return EINVAL;
    a->clock = clock;
    return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clock)
{
    *clock = a->clock;
    return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *a, int pshared)
{
    if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    a->pshared = pshared;
    return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *a, int *pshared)
{
    *pshared = a->pshared;
    return 0;
}

/* ---- barriers ---- */

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *a, unsigned count)
{
    if (count == 0 || count > INT_MAX)
        return EINVAL;
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    b->pshared = a ? a->pshared : 0;
    pthread_mutexattr_setpshared(&ma, b->pshared);
    pthread_mutex_init(&b->lock, &ma);
    b->count = count;
    b->arrived = 0;
    b->seq = 0;
    return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b)
{
    pthread_mutex_lock(&b->lock);
    int busy = b->arrived != 0;
    pthread_mutex_unlock(&b->lock);
    return busy ? EBUSY : 0;
}

int pthread_barrier_wait(pthread_barrier_t *b)
{
    pthread_mutex_lock(&b->lock);
    unsigned seq = b->seq;
    if (++b->arrived == b->count) {
        b->arrived = 0;
        __atomic_add_fetch(&b->seq, 1, __ATOMIC_SEQ_CST);
        pthread_mutex_unlock(&b->lock);
        pt_futex_wake(&b->seq, INT_MAX, b->pshared);
        return PTHREAD_BARRIER_SERIAL_THREAD;
    }
    pthread_mutex_unlock(&b->lock);
    while (__atomic_load_n(&b->seq, __ATOMIC_ACQUIRE) == seq)
        pt_futex_wait(&b->seq, (int)seq, NULL, b->pshared);
    return 0;
}

int pthread_barrierattr_init(pthread_barrierattr_t *a)
{
    a->pshared = 0;
    return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *a)
{
    (void)a;
    return 0;
}

int pthread_barrierattr_setpshared(pthread_barrierattr_t *a, int pshared)
{
    if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    a->pshared = pshared;
    return 0;
}

int pthread_barrierattr_getpshared(const pthread_barrierattr_t *a, int *pshared)
{
    *pshared = a->pshared;
    return 0;
}
