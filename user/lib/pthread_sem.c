/*
 * pthread_sem.c - unnamed POSIX semaphores. The value is a futex word
 * changed only by compare-and-swap; a waiter counts itself in `waiters`
 * before it sleeps on value 0, and sem_post wakes one sleeper only when
 * that count says someone may sleep (both sides use sequentially
 * consistent atomics, so a post never misses a waiter that is about to
 * sleep: the kernel re-reads the value as it queues it). Named semaphores
 * are refused (ENOSYS).
 */
#include <errno.h>
#include "user/lib/pthread_impl.h"
#include <semaphore.h>

int sem_init(sem_t *s, int pshared, unsigned value)
{
    if (value > SEM_VALUE_MAX) {
        errno = EINVAL;
        return -1;
    }
    s->value = (int)value;
    s->waiters = 0;
    s->pshared = pshared != 0;
    return 0;
}

int sem_destroy(sem_t *s)
{
    (void)s;
    return 0;
}

static int take(sem_t *s)
{
    int v = __atomic_load_n(&s->value, __ATOMIC_SEQ_CST);
    while (v > 0)
        if (__atomic_compare_exchange_n(&s->value, &v, v - 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return 1;
    return 0;
}

static int sem_wait_until(sem_t *s, const struct timespec *abstime)
{
    while (!take(s)) {
        struct timespec rel;
        if (abstime) {
            int e = pt_reltime(CLOCK_REALTIME, abstime, &rel);
            if (e) {
                errno = e;
                return -1;
            }
        }
        __atomic_add_fetch(&s->waiters, 1, __ATOMIC_SEQ_CST);
        long r = pt_futex_wait(&s->value, 0, abstime ? &rel : NULL, s->pshared);
        __atomic_sub_fetch(&s->waiters, 1, __ATOMIC_SEQ_CST);
        if (r == -EINTR) { /* as Linux: a handler interrupts sem_wait, SA_RESTART or not */
            errno = EINTR;
            return -1;
        }
    }
    return 0;
}

int sem_wait(sem_t *s)
{
    return sem_wait_until(s, NULL);
}

int sem_timedwait(sem_t *s, const struct timespec *abstime)
{
    if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L) { /* first, as glibc */
        errno = EINVAL;
        return -1;
    }
    return sem_wait_until(s, abstime);
}

int sem_trywait(sem_t *s)
{
    if (take(s))
        return 0;
    errno = EAGAIN;
    return -1;
}

int sem_post(sem_t *s)
{
    int v = __atomic_load_n(&s->value, __ATOMIC_SEQ_CST);
    do {
        if (v == SEM_VALUE_MAX) {
            errno = EOVERFLOW;
            return -1;
        }
    } while (!__atomic_compare_exchange_n(&s->value, &v, v + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST) > 0)
        pt_futex_wake(&s->value, 1, s->pshared);
    return 0;
}

int sem_getvalue(sem_t *s, int *value)
{
    *value = __atomic_load_n(&s->value, __ATOMIC_SEQ_CST);
    return 0;
}

sem_t *sem_open(const char *name, int oflag, ...)
{
    (void)name;
    (void)oflag;
    errno = ENOSYS;
    return SEM_FAILED;
}

int sem_close(sem_t *s)
{
    (void)s;
    errno = ENOSYS;
    return -1;
}

int sem_unlink(const char *name)
{
    (void)name;
    errno = ENOSYS;
    return -1;
}
