/*
 * pthread_mutex.c - mutexes (normal, errorcheck, recursive; private or
 * process-shared), their attributes, and spinlocks. A mutex is a futex
 * word (0 free, 1 held, 2 held with sleepers): a lock spins briefly, then
 * sleeps in the kernel until an unlock that saw 2 wakes one sleeper. The
 * holder's tid and the recursion depth belong to the holder, so they need
 * no lock of their own (only the holder writes them; others compare).
 */
#include <errno.h>
#include <limits.h>
#include "user/lib/pthread_impl.h"

#define SPINS 100
#define KIND(m) ((m)->type & 3)
#define SHARED(m) (((m)->type >> 4) & 1)

static int cas(volatile int *w, int old, int new)
{
    return __atomic_compare_exchange_n(w, &old, new, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/*
 * Take m's word; with abstime (CLOCK_REALTIME) give up at that time.
 * 0, ETIMEDOUT or EINVAL (a bad abstime, checked only when we must wait).
 */
static int word_lock(pthread_mutex_t *m, const struct timespec *abstime)
{
    volatile int *w = &m->lock;
    if (cas(w, 0, 1))
        return 0;
    for (int i = 0; i < SPINS; i++) {
        if (*w == 0 && cas(w, 0, 1))
            return 0;
        __builtin_ia32_pause();
    }
    while (__atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE) != 0) {
        struct timespec rel, *relp = NULL;
        if (abstime) {
            int e = pt_reltime(CLOCK_REALTIME, abstime, &rel);
            if (e)
                return e;
            relp = &rel;
        }
        pt_futex_wait(w, 2, relp, SHARED(m));
    }
    return 0;
}

static void word_unlock(pthread_mutex_t *m)
{
    if (__atomic_exchange_n(&m->lock, 0, __ATOMIC_RELEASE) == 2)
        pt_futex_wake(&m->lock, 1, SHARED(m));
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
    *m = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    if (a)
        m->type = a->type | (a->pshared ? 16 : 0);
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
    return m->lock ? EBUSY : 0;
}

/* Lock with an optional timeout: the common path of lock and timedlock. */
static int mutex_lock(pthread_mutex_t *m, const struct timespec *abstime)
{
    if (KIND(m) == PTHREAD_MUTEX_NORMAL)
        return word_lock(m, abstime);
    int tid = pt_tid();
    if (m->owner == tid) {
        if (KIND(m) == PTHREAD_MUTEX_ERRORCHECK)
            return EDEADLK;
        if (m->count == INT_MAX)
            return EAGAIN;
        m->count++;
        return 0;
    }
    int e = word_lock(m, abstime);
    if (e)
        return e;
    m->owner = tid;
    m->count = 0;
    return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    return mutex_lock(m, NULL);
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
    return mutex_lock(m, abstime);
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    if (KIND(m) == PTHREAD_MUTEX_NORMAL)
        return cas(&m->lock, 0, 1) ? 0 : EBUSY;
    int tid = pt_tid();
    if (m->owner == tid) {
        if (KIND(m) == PTHREAD_MUTEX_ERRORCHECK)
            return EBUSY;
        if (m->count == INT_MAX)
            return EAGAIN;
        m->count++;
        return 0;
    }
    if (!cas(&m->lock, 0, 1))
        return EBUSY;
    m->owner = tid;
    m->count = 0;
    return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    if (KIND(m) != PTHREAD_MUTEX_NORMAL) {
        if (m->owner != pt_tid())
            return EPERM;
        if (m->count > 0) {
            m->count--;
            return 0;
        }
        m->owner = 0;
    }
    word_unlock(m);
    return 0;
}

int pthread_mutexattr_init(pthread_mutexattr_t *a)
{
    *a = (pthread_mutexattr_t){0, 0, 0, 0};
    return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
    (void)a;
    return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
    if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE &&
        type != PTHREAD_MUTEX_ERRORCHECK)
        return EINVAL;
    a->type = type;
    return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type)
{
    *type = a->type;
    return 0;
}

int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared)
{
    if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    a->pshared = pshared;
    return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *a, int *pshared)
{
    *pshared = a->pshared;
    return 0;
}

int pthread_mutexattr_setrobust(pthread_mutexattr_t *a, int robust)
{
    if (robust == PTHREAD_MUTEX_ROBUST)
        return ENOTSUP; /* not implemented: refused, never pretended */
    if (robust != PTHREAD_MUTEX_STALLED)
        return EINVAL;
    a->robust = robust;
    return 0;
}

int pthread_mutexattr_getrobust(const pthread_mutexattr_t *a, int *robust)
{
    *robust = a->robust;
    return 0;
}

int pthread_mutexattr_setprotocol(pthread_mutexattr_t *a, int protocol)
{
    if (protocol == PTHREAD_PRIO_INHERIT || protocol == PTHREAD_PRIO_PROTECT)
        return ENOTSUP; /* no priorities in the scheduler */
    if (protocol != PTHREAD_PRIO_NONE)
        return EINVAL;
    a->protocol = protocol;
    return 0;
}

int pthread_mutexattr_getprotocol(const pthread_mutexattr_t *a, int *protocol)
{
    *protocol = a->protocol;
    return 0;
}

/* ---- spinlocks: busy waiting, yielding the CPU now and then ---- */

int pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
    if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    *s = 0;
    return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *s)
{
    (void)s;
    return 0;
}

int pthread_spin_lock(pthread_spinlock_t *s)
{
    for (unsigned i = 1;; i++) {
        if (__atomic_exchange_n(s, 1, __ATOMIC_ACQUIRE) == 0)
            return 0;
        while (__atomic_load_n(s, __ATOMIC_RELAXED)) {
            __builtin_ia32_pause();
            if (++i % 1024 == 0) /* the holder may be waiting for our CPU */
                sched_yield();
        }
    }
}

int pthread_spin_trylock(pthread_spinlock_t *s)
{
    return __atomic_exchange_n(s, 1, __ATOMIC_ACQUIRE) == 0 ? 0 : EBUSY;
}

int pthread_spin_unlock(pthread_spinlock_t *s)
{
    __atomic_store_n(s, 0, __ATOMIC_RELEASE);
    return 0;
}
