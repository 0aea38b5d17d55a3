/*
 * pthread_rwlock.c - read-write locks. The lock's own mutex (l->lock)
 * guards its counts; readers sleep on rseq, writers on wseq (futex words
 * bumped before each wake). Readers are preferred, as glibc's default: a
 * reader waits only while a writer holds the lock, so a thread may take a
 * read lock it already holds however many writers wait.
 */
#include <errno.h>
#include <limits.h>
#include "user/lib/pthread_impl.h"

int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a)
{
    *l = (pthread_rwlock_t)PTHREAD_RWLOCK_INITIALIZER;
    if (a && a->pshared) {
        pthread_mutexattr_t ma;
        pthread_mutexattr_init(&ma);
        pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
        pthread_mutex_init(&l->lock, &ma);
        l->pshared = 1;
    }
    return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *l)
{
    return l->readers || l->writer ? EBUSY : 0;
}

/* Sleep on *word (l->lock held, dropped while asleep, held again after).
 * 0, or ETIMEDOUT / EINVAL for abstime. */
static int sleep_on(pthread_rwlock_t *l, unsigned *word, int *count, const struct timespec *abstime)
{
    struct timespec rel;
    if (abstime) {
        int e = pt_reltime(CLOCK_REALTIME, abstime, &rel);
        if (e)
            return e;
    }
    unsigned seq = *word;
    (*count)++;
    pthread_mutex_unlock(&l->lock);
    pt_futex_wait(word, (int)seq, abstime ? &rel : NULL, l->pshared);
    pthread_mutex_lock(&l->lock);
    (*count)--;
    return 0;
}

static int rdlock(pthread_rwlock_t *l, const struct timespec *abstime, int try)
{
    int tid = pt_tid(), e = 0;
    pthread_mutex_lock(&l->lock);
    if (l->writer == tid)
        e = EDEADLK;
    while (!e && l->writer)
        e = try ? EBUSY : sleep_on(l, &l->rseq, &l->rwait, abstime);
    if (!e && l->readers == INT_MAX)
        e = EAGAIN;
    if (!e)
        l->readers++;
    pthread_mutex_unlock(&l->lock);
    return e;
}

static int wrlock(pthread_rwlock_t *l, const struct timespec *abstime, int try)
{
    int tid = pt_tid(), e = 0;
    pthread_mutex_lock(&l->lock);
    if (l->writer == tid)
        e = EDEADLK;
    while (!e && (l->writer || l->readers))
        e = try ? EBUSY : sleep_on(l, &l->wseq, &l->wwait, abstime);
    if (!e)
        l->writer = tid;
    pthread_mutex_unlock(&l->lock);
    return e;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *l) { return rdlock(l, NULL, 0); }
int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) { return rdlock(l, NULL, 1); }
int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *t) { return rdlock(l, t, 0); }
int pthread_rwlock_wrlock(pthread_rwlock_t *l) { return wrlock(l, NULL, 0); }
int pthread_rwlock_trywrlock(pthread_rwlock_t *l) { return wrlock(l, NULL, 1); }
int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *t) { return wrlock(l, t, 0); }

int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
    int tid = pt_tid();
    pthread_mutex_lock(&l->lock);
    if (l->writer == tid) {
        l->writer = 0;
    } else if (l->readers > 0) {
        l->readers--;
    } else {
        pthread_mutex_unlock(&l->lock);
        return EPERM;
    }
    int wake_writer = l->readers == 0 && l->wwait > 0;
    int wake_readers = l->writer == 0 && l->rwait > 0;
    if (wake_writer)
        l->wseq++;
    if (wake_readers)
        l->rseq++;
    pthread_mutex_unlock(&l->lock);
    if (wake_writer)
        pt_futex_wake(&l->wseq, 1, l->pshared);
    if (wake_readers)
        pt_futex_wake(&l->rseq, INT_MAX, l->pshared);
    return 0;
}

int pthread_rwlockattr_init(pthread_rwlockattr_t *a)
{
    a->pshared = 0;
    a->kind = PTHREAD_RWLOCK_PREFER_READER_NP;
    return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a)
{
    (void)a;
    return 0;
}

int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *a, int pshared)
{
    if (pshared != PTHREAD_PROCESS_PRIVATE && pshared != PTHREAD_PROCESS_SHARED)
        return EINVAL;
    a->pshared = pshared;
    return 0;
}

int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *a, int *pshared)
{
    *pshared = a->pshared;
    return 0;
}
