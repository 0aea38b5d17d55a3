/*
 * pthread_lock.c - the futex locks the library builds on: a plain futex
 * word lock (pt_word_lock: 0 free, 1 held, 2 held with sleepers, Drepper's
 * "mutex 3"), the library's recursive lock (__cowos_lock, internal.h) for
 * malloc, stdio and exit, and the caller's tid. A waiter spins
 * briefly, then sleeps in the kernel: nobody spins forever. Its only state: __cowos_threaded, the switch that turns the
 * library's locks on (pthread.c sets it at the first pthread_create).
 */
#include <errno.h>
#include "user/lib/pthread_impl.h"

#define SPINS 100

/* Read by every stdio and malloc call, so it lives in .data, not bss: the
 * data page is one every program has touched, while a bss page read for
 * the first time would take a frame (counted frames would move). */
int __cowos_threaded __attribute__((section(".data")));

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

int __cowos_lock_mt(struct __cowos_lock *l)
{
    if (!__cowos_threaded)
        return 0;
    __cowos_lock(l);
    return 1;
}

void __cowos_unlock_mt(struct __cowos_lock *l, int locked)
{
    if (locked)
        __cowos_unlock(l);
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

int pt_tid(void)
{
    /* Once the process has threads every TCB holds its tid (clone's
     * SETTID, set_tid_address for the first thread, fork's child); before
     * that it is 0 and asked for: a cache would follow a bare fork into
     * the child and be wrong there. */
    int tid = pt_self()->tid;
    return tid ? tid : (int)syscall0(SYS_gettid);
}
