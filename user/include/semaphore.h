/*
 * semaphore.h - cowos user library: unnamed POSIX semaphores
 * (user/lib/pthread_sem.c), counting, futex-based; shared between
 * processes when placed in MAP_SHARED memory with pshared set. Named
 * semaphores (sem_open) are not implemented: SEM_FAILED with ENOSYS.
 */
#ifndef _COWOS_SEMAPHORE_H
#define _COWOS_SEMAPHORE_H

#include <time.h>

typedef struct {
    volatile int value; /* a futex word */
    int waiters;
    int pshared;
    int __pad;
} sem_t;

#define SEM_VALUE_MAX 2147483647
#define SEM_FAILED ((sem_t *)0)

/* 0, or -1 with errno: EINVAL (value above SEM_VALUE_MAX). */
int sem_init(sem_t *s, int pshared, unsigned value);
int sem_destroy(sem_t *s);
/* Take one: sleeps while the value is 0; -1/EINTR when a handler ran. */
int sem_wait(sem_t *s);
int sem_trywait(sem_t *s); /* -1/EAGAIN at 0 */
/* abstime on CLOCK_REALTIME: -1/ETIMEDOUT, EINVAL (bad tv_nsec, checked first), EINTR. */
int sem_timedwait(sem_t *s, const struct timespec *abstime);
int sem_post(sem_t *s);    /* -1/EOVERFLOW at SEM_VALUE_MAX */
int sem_getvalue(sem_t *s, int *value);
sem_t *sem_open(const char *name, int oflag, ...); /* SEM_FAILED, ENOSYS */
int sem_close(sem_t *s);                           /* -1, ENOSYS */
int sem_unlink(const char *name);                  /* -1, ENOSYS */

#endif
