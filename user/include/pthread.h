/*
 * pthread.h - cowos user library: POSIX threads (user/lib/pthread*.c).
 * Each thread is a kernel thread made with clone() (one tid each, one
 * process id for all). Names, constants and error numbers are Linux's and
 * glibc's. Not implemented, and saying so: cancellation (pthread_cancel,
 * enabling it: ENOSYS), robust and priority-protocol mutexes (ENOTSUP),
 * scheduling policies other than SCHED_OTHER (ENOTSUP).
 * Every type is an ordinary struct: a zeroed one is the default (the
 * static initializers are all zeros).
 */
#ifndef _COWOS_PTHREAD_H
#define _COWOS_PTHREAD_H

#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/types.h>

typedef unsigned long pthread_t; /* the thread's control block (its TLS pointer) */

typedef struct {
    int detachstate;
    int guardsize_set, stack_set, scope;
    size_t stacksize; /* 0: the default */
    size_t guardsize;
    void *stackaddr; /* lowest address of a caller's stack (stack_set) */
    int inheritsched, schedpolicy;
} pthread_attr_t;

typedef struct {
    int lock;    /* 0 free, 1 locked, 2 locked with waiters (a futex word) */
    int type;    /* PTHREAD_MUTEX_* | pshared << 4 */
    int owner;   /* tid of the holder (errorcheck, recursive) */
    int count;   /* recursion depth - 1 */
    int __pad[6];
} pthread_mutex_t;

typedef struct {
    int type, pshared, robust, protocol;
} pthread_mutexattr_t;

typedef struct {
    unsigned seq;  /* bumped by each signal and broadcast (a futex word) */
    int waiters;
    int clock;     /* CLOCK_REALTIME (0) or CLOCK_MONOTONIC, from the attribute */
    int pshared;
    int __pad[4];
} pthread_cond_t;

typedef struct {
    int clock, pshared;
} pthread_condattr_t;

typedef struct {
    pthread_mutex_t lock;
    unsigned rseq, wseq; /* futex words readers and writers sleep on */
    int readers;         /* read holders */
    int writer;          /* tid of the write holder, 0 if none */
    int rwait, wwait;    /* sleepers of each kind */
    int pshared, kind;
} pthread_rwlock_t;

typedef struct {
    int pshared, kind;
} pthread_rwlockattr_t;

typedef struct {
    pthread_mutex_t lock;
    unsigned count;   /* threads per round */
    unsigned arrived; /* in this round */
    unsigned seq;     /* round number (a futex word) */
    int pshared;
} pthread_barrier_t;

typedef struct {
    int pshared;
} pthread_barrierattr_t;

typedef volatile int pthread_spinlock_t;
typedef unsigned int pthread_key_t;
typedef int pthread_once_t;

#define PTHREAD_MUTEX_INITIALIZER {0, 0, 0, 0, {0}}
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP {0, 1, 0, 0, {0}}
#define PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP {0, 2, 0, 0, {0}}
#define PTHREAD_COND_INITIALIZER {0, 0, 0, 0, {0}}
#define PTHREAD_RWLOCK_INITIALIZER {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, 0, 0, 0, 0, 0}
#define PTHREAD_ONCE_INIT 0

#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_RECURSIVE 1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_DEFAULT PTHREAD_MUTEX_NORMAL
#define PTHREAD_MUTEX_TIMED_NP PTHREAD_MUTEX_NORMAL
#define PTHREAD_MUTEX_RECURSIVE_NP PTHREAD_MUTEX_RECURSIVE
#define PTHREAD_MUTEX_ERRORCHECK_NP PTHREAD_MUTEX_ERRORCHECK
#define PTHREAD_MUTEX_STALLED 0
#define PTHREAD_MUTEX_ROBUST 1
#define PTHREAD_PRIO_NONE 0
#define PTHREAD_PRIO_INHERIT 1
#define PTHREAD_PRIO_PROTECT 2
#define PTHREAD_PROCESS_PRIVATE 0
#define PTHREAD_PROCESS_SHARED 1
#define PTHREAD_SCOPE_SYSTEM 0
#define PTHREAD_SCOPE_PROCESS 1
#define PTHREAD_INHERIT_SCHED 0
#define PTHREAD_EXPLICIT_SCHED 1
#define PTHREAD_RWLOCK_PREFER_READER_NP 0
#define PTHREAD_RWLOCK_PREFER_WRITER_NP 1
#define PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP 2
#define PTHREAD_BARRIER_SERIAL_THREAD (-1)
#define PTHREAD_CANCEL_ENABLE 0
#define PTHREAD_CANCEL_DISABLE 1
#define PTHREAD_CANCEL_DEFERRED 0
#define PTHREAD_CANCEL_ASYNCHRONOUS 1
#define PTHREAD_CANCELED ((void *)-1)

#define PTHREAD_KEYS_MAX 128
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#define PTHREAD_STACK_MIN 16384
#define PTHREAD_THREADS_MAX 64 /* the kernel's process table: threads take slots */

/* ---- threads (pthread.c) ---- */

/*
 * Start fn(arg) in a new thread; *t names it. Returns 0, EAGAIN (no thread
 * slot or no memory for its stack), EINVAL (a bad attribute).
 */
int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
/* Wait for t to end and take its result: 0, EDEADLK (t is the caller),
 * EINVAL (t is detached or already being joined), ESRCH. */
int pthread_join(pthread_t t, void **result);
/* t's resources go back when it ends: 0, EINVAL (already detached). */
int pthread_detach(pthread_t t);
/* End the calling thread (key destructors, cleanup handlers run); the
 * last thread to end ends the process with exit(0), as glibc. */
_Noreturn void pthread_exit(void *result);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
/* Run fn exactly once for *once, however many threads call this. */
int pthread_once(pthread_once_t *once, void (*fn)(void));
/* Handlers for fork(): prepare (last registered first) before it, parent
 * and child (first registered first) after it. 0, or ENOMEM. */
int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void));
/* A signal at thread t: 0, EINVAL (bad signal), ESRCH (t has ended). */
int pthread_kill(pthread_t t, int sig);
/* sigprocmask for the calling thread, returning the error number. */
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old);
int pthread_getconcurrency(void);
int pthread_setconcurrency(int level);
int pthread_yield(void);
/* Cancellation is not implemented: pthread_cancel returns ENOSYS, and so
 * does asking for it (PTHREAD_CANCEL_ENABLE, _ASYNCHRONOUS); asking for
 * what is always true (disabled, deferred) succeeds. */
int pthread_cancel(pthread_t t);
int pthread_setcancelstate(int state, int *old);
int pthread_setcanceltype(int type, int *old);
void pthread_testcancel(void);

/* Cleanup handlers: run by pthread_exit (and by pop with a nonzero
 * argument), last pushed first. The two macros must pair in one block. */
struct __cowos_cleanup {
    void (*fn)(void *);
    void *arg;
    struct __cowos_cleanup *next;
};
void __cowos_cleanup_push(struct __cowos_cleanup *c, void (*fn)(void *), void *arg);
void __cowos_cleanup_pop(struct __cowos_cleanup *c, int execute);
#define pthread_cleanup_push(fn, arg)                                                          \
    do {                                                                                       \
        struct __cowos_cleanup __cowos_c;                                                      \
        __cowos_cleanup_push(&__cowos_c, (fn), (arg));
#define pthread_cleanup_pop(execute)                                                           \
    __cowos_cleanup_pop(&__cowos_c, (execute));                                                \
    }                                                                                          \
    while (0)

/* ---- thread attributes (pthread.c) ---- */
/* Stack sizes below PTHREAD_STACK_MIN are EINVAL; the default stack is
 * 2 MiB with a one-page guard (PROT_NONE) below it; guardsize is rounded
 * up to pages; a caller's stack (setstack) gets no guard. */
int pthread_attr_init(pthread_attr_t *a);
int pthread_attr_destroy(pthread_attr_t *a);
int pthread_attr_setdetachstate(pthread_attr_t *a, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state);
int pthread_attr_setstacksize(pthread_attr_t *a, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size);
int pthread_attr_setguardsize(pthread_attr_t *a, size_t size);
int pthread_attr_getguardsize(const pthread_attr_t *a, size_t *size);
int pthread_attr_setstack(pthread_attr_t *a, void *addr, size_t size);
int pthread_attr_getstack(const pthread_attr_t *a, void **addr, size_t *size);
int pthread_attr_setscope(pthread_attr_t *a, int scope);
int pthread_attr_getscope(const pthread_attr_t *a, int *scope);
int pthread_attr_setinheritsched(pthread_attr_t *a, int inherit);
int pthread_attr_getinheritsched(const pthread_attr_t *a, int *inherit);
int pthread_attr_setschedpolicy(pthread_attr_t *a, int policy);
int pthread_attr_getschedpolicy(const pthread_attr_t *a, int *policy);
/* Priority 0 only (SCHED_OTHER's); another is EINVAL. */
int pthread_attr_setschedparam(pthread_attr_t *a, const struct sched_param *p);
int pthread_attr_getschedparam(const pthread_attr_t *a, struct sched_param *p);
/* A thread's policy and priority: SCHED_OTHER, 0; setting them is ENOTSUP
 * for another policy, EINVAL for another priority; ESRCH for a thread gone. */
int pthread_getschedparam(pthread_t t, int *policy, struct sched_param *p);
int pthread_setschedparam(pthread_t t, int policy, const struct sched_param *p);

/* ---- mutexes and spinlocks (pthread_mutex.c) ---- */
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a);
int pthread_mutex_destroy(pthread_mutex_t *m);
/* NORMAL: relocking deadlocks; ERRORCHECK: EDEADLK, and EPERM unlocking a
 * mutex the caller does not hold; RECURSIVE: counts (EAGAIN at overflow). */
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);   /* EBUSY if held */
int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime); /* CLOCK_REALTIME; ETIMEDOUT, EINVAL */
int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_mutexattr_init(pthread_mutexattr_t *a);
int pthread_mutexattr_destroy(pthread_mutexattr_t *a);
int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type);
int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type);
int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared);
int pthread_mutexattr_getpshared(const pthread_mutexattr_t *a, int *pshared);
int pthread_mutexattr_setrobust(pthread_mutexattr_t *a, int robust);
int pthread_mutexattr_getrobust(const pthread_mutexattr_t *a, int *robust);
int pthread_mutexattr_setprotocol(pthread_mutexattr_t *a, int protocol);
int pthread_mutexattr_getprotocol(const pthread_mutexattr_t *a, int *protocol);
int pthread_spin_init(pthread_spinlock_t *s, int pshared);
int pthread_spin_destroy(pthread_spinlock_t *s);
int pthread_spin_lock(pthread_spinlock_t *s);
int pthread_spin_trylock(pthread_spinlock_t *s); /* EBUSY if held */
int pthread_spin_unlock(pthread_spinlock_t *s);

/* ---- condition variables and barriers (pthread_cond.c) ---- */
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
/* abstime on the condition's clock (CLOCK_REALTIME unless the attribute
 * chose CLOCK_MONOTONIC); ETIMEDOUT with the mutex held again; EINVAL. */
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);
int pthread_condattr_init(pthread_condattr_t *a);
int pthread_condattr_destroy(pthread_condattr_t *a);
int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock);
int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clock);
int pthread_condattr_setpshared(pthread_condattr_t *a, int pshared);
int pthread_condattr_getpshared(const pthread_condattr_t *a, int *pshared);
int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *a, unsigned count);
int pthread_barrier_destroy(pthread_barrier_t *b);
/* PTHREAD_BARRIER_SERIAL_THREAD in one thread of each round, 0 in the others. */
int pthread_barrier_wait(pthread_barrier_t *b);
int pthread_barrierattr_init(pthread_barrierattr_t *a);
int pthread_barrierattr_destroy(pthread_barrierattr_t *a);
int pthread_barrierattr_setpshared(pthread_barrierattr_t *a, int pshared);
int pthread_barrierattr_getpshared(const pthread_barrierattr_t *a, int *pshared);

/* ---- read-write locks (pthread_rwlock.c); readers are preferred, as glibc ---- */
int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a);
int pthread_rwlock_destroy(pthread_rwlock_t *l);
int pthread_rwlock_rdlock(pthread_rwlock_t *l);   /* EDEADLK if the caller writes */
int pthread_rwlock_tryrdlock(pthread_rwlock_t *l);
int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *abstime);
int pthread_rwlock_wrlock(pthread_rwlock_t *l);   /* EDEADLK if the caller writes */
int pthread_rwlock_trywrlock(pthread_rwlock_t *l);
int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *abstime);
int pthread_rwlock_unlock(pthread_rwlock_t *l);
int pthread_rwlockattr_init(pthread_rwlockattr_t *a);
int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a);
int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *a, int pshared);
int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *a, int *pshared);

/* ---- thread-specific data (pthread_key.c) ---- */
/* EAGAIN when PTHREAD_KEYS_MAX keys exist. Destructors run at thread exit
 * for non-NULL values, up to PTHREAD_DESTRUCTOR_ITERATIONS rounds. */
int pthread_key_create(pthread_key_t *k, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t k);  /* EINVAL for a key not in use */
void *pthread_getspecific(pthread_key_t k);
int pthread_setspecific(pthread_key_t k, const void *value); /* EINVAL, ENOMEM */

#endif
