/*
 * pthread_lock.c - the futex locks the library builds on: a plain futex
 * word lock (pt_word_lock: 0 free, 1 held, 2 held with sleepers, Drepper's
 * "mutex 3"), the library's recursive lock (__cowos_lock, internal.h) for
 * malloc, stdio and exit, and turning an absolute timeout into a relative
 * one. A waiter spins briefly, then sleeps in the kernel: nobody spins
 * forever. No state of its own.
 */
#include <errno.h>
#include <time.h>
#include "user/lib/pthread_impl.h"

#define SPINS 100

static int cas(volatile int *w, int old, int new)
{
    return __atomic_compare_exchange_n(w, &old, new, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void pt_word_lock(volatile int *w)
{
    if (cas(w, 0, 1))
        return;
    for (int i = 0; i < SPINS; i++) {
        if (*w == 0 && cas(w, 0, 1))
            return;
        __builtin_ia32_pause();
    }
    /* From here on the word says 2, so whoever unlocks wakes a sleeper. */
    while (__atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE) != 0)
        pt_futex_wait(w, 2, NULL, 0);
}

void pt_word_unlock(volatile int *w)
{
    if (__atomic_exchange_n(w, 0, __ATOMIC_RELEASE) == 2)
        pt_futex_wake(w, 1, 0);
}

void __cowos_lock(struct __cowos_lock *l)
{
    void *self = pt_self();
    if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == self) {
        l->count++;
        return;
    }
    pt_word_lock(&l->word);
    l->owner = self;
    l->count = 1;
}

int __cowos_trylock(struct __cowos_lock *l)
{
    void *self = pt_self();
    if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == self) {
        l->count++;
        return 1;
    }
    if (!cas(&l->word, 0, 1))
        return 0;
    l->owner = self;
    l->count = 1;
    return 1;
}

void __cowos_unlock(struct __cowos_lock *l)
{
    if (--l->count > 0)
        return;
    __atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
    pt_word_unlock(&l->word);
}

int pt_reltime(clockid_t clk, const struct timespec *abstime, struct timespec *rel)
{
    if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L)
        return EINVAL;
    struct timespec now;
    if (clock_gettime(clk, &now) < 0)
        return EINVAL;
    rel->tv_sec = abstime->tv_sec - now.tv_sec;
    rel->tv_nsec = abstime->tv_nsec - now.tv_nsec;
    if (rel->tv_nsec < 0) {
        rel->tv_nsec += 1000000000L;
        rel->tv_sec--;
    }
    if (rel->tv_sec < 0 || (rel->tv_sec == 0 && rel->tv_nsec == 0))
        return ETIMEDOUT;
    return 0;
}

int pt_tid(void)
{
    struct pthread *self = pt_self();
    if (!self->tid)
        self->tid = (int)syscall0(SYS_gettid);
    return self->tid;
}
