/*
 * pthread_test.c - the C library's POSIX threads: every call and its error
 * numbers, join/detach/exit, the mutex kinds, condition variables under
 * contention, keys and their destructors, once, spinlocks, barriers,
 * rwlocks, semaphores, signals to threads, thread-local errno and
 * variables, exit() and pthread_exit() with other threads alive, fork in a
 * threaded process (only the caller survives, atfork order, the child can
 * make threads, the parent's threads keep running, malloc and stdio still
 * work) and no frame leaked by threads that came and went. Passes on 1, 2
 * and 4 CPUs: nothing here depends on timing beyond "eventually".
 */
#define _GNU_SOURCE /* glibc: sched_getcpu, the _NP initializers (hostcheck) */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include "utest.h"
#ifdef __cowos__
#include <cowos.h>
#endif

static void *ret_arg(void *arg) { return arg; }

static void ms_sleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* An absolute time ms from now on clock clk. */
static struct timespec after_ms(clockid_t clk, long ms)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    ts.tv_nsec += (ms % 1000) * 1000000L;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

/* Run fn in a forked child; its wait status. */
static int in_child(int (*fn)(void))
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(fn());
    int status = -1;
    waitpid(c, &status, 0);
    return status;
}

/* ---- create, join, detach, exit ---- */

static void *exit_nested(void *arg)
{
    (void)arg;
    pthread_exit((void *)42);
}

static volatile int detached_ran;
static void *detached_fn(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&detached_ran, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static pthread_t main_thread;
static void *join_main_fn(void *arg)
{
    (void)arg;
    /* Joining the caller of pthread_join... is fine; joining ourselves is not. */
    return (void *)(long)pthread_join(pthread_self(), NULL);
}

static void *self_fn(void *arg)
{
    *(pthread_t *)arg = pthread_self();
    return NULL;
}

static void test_lifecycle(void)
{
    pthread_t t;
    void *res = NULL;
    EXPECT_EQ(0, pthread_create(&t, NULL, ret_arg, (void *)1234));
    EXPECT_EQ(0, pthread_join(t, &res));
    EXPECT_EQ(1234, (long)res);

    EXPECT_EQ(0, pthread_create(&t, NULL, exit_nested, NULL));
    EXPECT_EQ(0, pthread_join(t, &res));
    EXPECT_EQ(42, (long)res);
    EXPECT_EQ(ESRCH, pthread_join(t, NULL)); /* gone once joined */

    pthread_t seen = 0;
    EXPECT_EQ(0, pthread_create(&t, NULL, self_fn, &seen));
    EXPECT_EQ(0, pthread_join(t, NULL));
    EXPECT_TRUE(pthread_equal(seen, t));
    EXPECT_TRUE(!pthread_equal(seen, pthread_self()));
    EXPECT_TRUE(pthread_equal(main_thread, pthread_self()));

    EXPECT_EQ(EDEADLK, pthread_join(pthread_self(), NULL));
    EXPECT_EQ(0, pthread_create(&t, NULL, join_main_fn, NULL));
    EXPECT_EQ(0, pthread_join(t, &res));
    EXPECT_EQ(EDEADLK, (long)res);

    /* Detached: by attribute and by pthread_detach, before and after it ended. */
    pthread_attr_t a;
    EXPECT_EQ(0, pthread_attr_init(&a));
    int st = -1;
    EXPECT_EQ(0, pthread_attr_getdetachstate(&a, &st));
    EXPECT_EQ(PTHREAD_CREATE_JOINABLE, st);
    EXPECT_EQ(EINVAL, pthread_attr_setdetachstate(&a, 7));
    EXPECT_EQ(0, pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED));
    detached_ran = 0;
    EXPECT_EQ(0, pthread_create(&t, &a, detached_fn, NULL));
    EXPECT_EQ(0, pthread_create(&t, NULL, detached_fn, NULL));
    EXPECT_EQ(0, pthread_detach(t));
    int r = pthread_join(t, NULL); /* running: EINVAL; ended and freed: ESRCH */
    EXPECT_TRUE(r == EINVAL || r == ESRCH);
    pthread_t late;
    EXPECT_EQ(0, pthread_create(&late, NULL, detached_fn, NULL));
    while (__atomic_load_n(&detached_ran, __ATOMIC_SEQ_CST) < 3)
        sched_yield();
    ms_sleep(20);
    EXPECT_EQ(0, pthread_detach(late)); /* it has ended: detach frees it */
    r = pthread_join(late, NULL);
    EXPECT_TRUE(r == ESRCH || r == EINVAL); /* ours: ESRCH (gone); glibc: EINVAL */
    pthread_attr_destroy(&a);
}

/* ---- attributes and stacks ---- */

static char user_stack[64 * 1024] __attribute__((aligned(16)));

static void *stack_addr_fn(void *arg)
{
    int local;
    *(uintptr_t *)arg = (uintptr_t)&local;
    return NULL;
}

static int deep(int n)
{
    volatile char buf[1024];
    buf[0] = (char)n;
    return n == 0 ? buf[0] : deep(n - 1) + buf[0];
}

static void *overflow_fn(void *arg)
{
    (void)arg;
    return (void *)(long)deep(1 << 20); /* far beyond 64 KiB: into the guard page */
}

static int overflow_child(void)
{
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 64 * 1024);
    pthread_t t;
    if (pthread_create(&t, &a, overflow_fn, NULL))
        return 3;
    pthread_join(t, NULL);
    return 4; /* not reached: the guard page stops it */
}

static void test_attributes(void)
{
    pthread_attr_t a;
    size_t sz = 0;
    pthread_attr_init(&a);
    EXPECT_EQ(0, pthread_attr_getstacksize(&a, &sz));
    EXPECT_TRUE(sz >= PTHREAD_STACK_MIN);
    EXPECT_EQ(EINVAL, pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN - 1));
    EXPECT_EQ(0, pthread_attr_setstacksize(&a, 256 * 1024));
    EXPECT_EQ(0, pthread_attr_getstacksize(&a, &sz));
    EXPECT_EQ(256 * 1024, sz);
    EXPECT_EQ(0, pthread_attr_getguardsize(&a, &sz));
    EXPECT_EQ(4096, sz);
    EXPECT_EQ(0, pthread_attr_setguardsize(&a, 3 * 4096));
    EXPECT_EQ(0, pthread_attr_getguardsize(&a, &sz));
    EXPECT_EQ(3 * 4096, sz);
    int v = -1;
    EXPECT_EQ(0, pthread_attr_getscope(&a, &v));
    EXPECT_EQ(PTHREAD_SCOPE_SYSTEM, v);
    EXPECT_EQ(ENOTSUP, pthread_attr_setscope(&a, PTHREAD_SCOPE_PROCESS));
#ifdef __cowos__ /* refused here; glibc takes it (and pthread_create may fail later) */
    EXPECT_EQ(ENOTSUP, pthread_attr_setschedpolicy(&a, SCHED_FIFO));
#endif
    pthread_t t;
    uintptr_t where = 0;
    EXPECT_EQ(0, pthread_create(&t, &a, stack_addr_fn, &where));
    EXPECT_EQ(0, pthread_join(t, NULL));
    EXPECT_TRUE(where != 0);

    /* One policy, priority 0; a sleep to an absolute time; strerror_r. */
    struct sched_param sp = {1};
    int pol = -1;
    EXPECT_EQ(0, pthread_getschedparam(pthread_self(), &pol, &sp));
    EXPECT_EQ(SCHED_OTHER, pol);
    EXPECT_EQ(0, sp.sched_priority);
    EXPECT_EQ(0, pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp));
    EXPECT_EQ(0, sched_get_priority_min(SCHED_OTHER));
    struct timespec d = {0, 1000000};
    EXPECT_EQ(0, clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL));
    struct timespec until = after_ms(CLOCK_MONOTONIC, 5);
    EXPECT_EQ(0, clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL));
    char eb[64];
    EXPECT_EQ(0, strcmp("Bad address", strerror_r(EFAULT, eb, sizeof(eb))));

    /* A stack of the caller's own. */
    pthread_attr_t b;
    pthread_attr_init(&b);
    EXPECT_EQ(EINVAL, pthread_attr_setstack(&b, user_stack, 100));
    EXPECT_EQ(0, pthread_attr_setstack(&b, user_stack, sizeof(user_stack)));
    where = 0;
    EXPECT_EQ(0, pthread_create(&t, &b, stack_addr_fn, &where));
    EXPECT_EQ(0, pthread_join(t, NULL));
    EXPECT_TRUE(where >= (uintptr_t)user_stack && where < (uintptr_t)user_stack + sizeof(user_stack));

    /* The guard page is real: running off the stack is SIGSEGV, not corruption. */
    int status = in_child(overflow_child);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
        printf("# stack overflow in a thread: expected SIGSEGV, got status 0x%x\n", status);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

/* ---- thread-local storage and errno ---- */

static _Thread_local int tls_init = 77;
static __thread long tls_zero;
static _Thread_local char tls_big[3000]; /* more static TLS than fits in the main thread's bss block */

static void *tls_fn(void *arg)
{
    long *out = arg;
    out[0] = tls_init;
    out[1] = tls_zero;
    out[2] = tls_big[2999];
    tls_init = 5;
    tls_zero = 6;
    tls_big[2999] = 7;
    errno = 0;
    out[3] = close(-1);
    out[4] = errno;
    out[5] = (long)&errno;
    out[6] = (long)&tls_init;
    return NULL;
}

static void test_tls(void)
{
    tls_init = 1;
    tls_zero = 2;
    tls_big[2999] = 3;
    errno = 1234;
    long out[7] = {0};
    pthread_t t;
    EXPECT_EQ(0, pthread_create(&t, NULL, tls_fn, out));
    EXPECT_EQ(0, pthread_join(t, NULL));
    EXPECT_EQ(77, out[0]); /* the thread starts from the initial values */
    EXPECT_EQ(0, out[1]);
    EXPECT_EQ(0, out[2]);
    EXPECT_EQ(-1, out[3]);
    EXPECT_EQ(EBADF, out[4]);
    EXPECT_TRUE(out[5] != (long)&errno);
    EXPECT_TRUE(out[6] != (long)&tls_init);
    EXPECT_EQ(1234, errno); /* ours is untouched */
    EXPECT_EQ(1, tls_init);
    EXPECT_EQ(2, tls_zero);
    EXPECT_EQ(3, tls_big[2999]);
    /* %fs:0 points at itself (the ABI's thread pointer) and is pthread_self. */
    uintptr_t fs0;
    __asm__("mov %%fs:0, %0" : "=r"(fs0));
    EXPECT_EQ((long)pthread_self(), (long)fs0);
}

/* ---- mutexes ---- */

static pthread_mutex_t shared_m;
static long counter;

static void *trylock_fn(void *arg)
{
    (void)arg;
    return (void *)(long)pthread_mutex_trylock(&shared_m);
}

static void *unlock_fn(void *arg)
{
    (void)arg;
    return (void *)(long)pthread_mutex_unlock(&shared_m);
}

static void *timedlock_fn(void *arg)
{
    struct timespec ts = after_ms(CLOCK_REALTIME, 30);
    long r = pthread_mutex_timedlock(&shared_m, &ts);
    struct timespec bad = {0, 2000000000L};
    long r2 = pthread_mutex_timedlock(&shared_m, &bad);
    *(long *)arg = r2;
    return (void *)r;
}

static long run_in_thread(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    void *r = (void *)-1;
    if (pthread_create(&t, NULL, fn, arg) != 0)
        return -1;
    pthread_join(t, &r);
    return (long)r;
}

static void *count_fn(void *arg)
{
    pthread_mutex_t *m = arg;
    for (int i = 0; i < 20000; i++) {
        pthread_mutex_lock(m);
        counter++;
        pthread_mutex_unlock(m);
    }
    return NULL;
}

static void test_mutexes(void)
{
    pthread_mutexattr_t ma;
    int type = -1;
    EXPECT_EQ(0, pthread_mutexattr_init(&ma));
    EXPECT_EQ(0, pthread_mutexattr_gettype(&ma, &type));
    EXPECT_EQ(PTHREAD_MUTEX_DEFAULT, type);
    EXPECT_EQ(EINVAL, pthread_mutexattr_settype(&ma, 99));
#ifdef __cowos__ /* not implemented here: refused, never pretended */
    EXPECT_EQ(ENOTSUP, pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST));
    EXPECT_EQ(ENOTSUP, pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT));
#endif
    EXPECT_EQ(EINVAL, pthread_mutexattr_setpshared(&ma, 5));

    /* normal */
    pthread_mutex_t n = PTHREAD_MUTEX_INITIALIZER;
    EXPECT_EQ(0, pthread_mutex_lock(&n));
    EXPECT_EQ(EBUSY, pthread_mutex_trylock(&n));
    EXPECT_EQ(EBUSY, pthread_mutex_destroy(&n));
    EXPECT_EQ(0, pthread_mutex_unlock(&n));
    EXPECT_EQ(0, pthread_mutex_trylock(&n));
    EXPECT_EQ(0, pthread_mutex_unlock(&n));
    EXPECT_EQ(0, pthread_mutex_destroy(&n));

    /* errorcheck */
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
    EXPECT_EQ(0, pthread_mutex_init(&shared_m, &ma));
    EXPECT_EQ(EPERM, pthread_mutex_unlock(&shared_m)); /* not locked */
    EXPECT_EQ(0, pthread_mutex_lock(&shared_m));
    EXPECT_EQ(EDEADLK, pthread_mutex_lock(&shared_m));
    EXPECT_EQ(EBUSY, pthread_mutex_trylock(&shared_m));
    EXPECT_EQ(EBUSY, run_in_thread(trylock_fn, NULL));
    EXPECT_EQ(EPERM, run_in_thread(unlock_fn, NULL)); /* not the owner */
    long bad = 0;
    EXPECT_EQ(ETIMEDOUT, run_in_thread(timedlock_fn, &bad));
    EXPECT_EQ(EINVAL, bad);
    EXPECT_EQ(0, pthread_mutex_unlock(&shared_m));
    EXPECT_EQ(0, run_in_thread(trylock_fn, NULL)); /* the thread ends holding it... */
    EXPECT_EQ(EPERM, pthread_mutex_unlock(&shared_m)); /* ...and it is not ours */
    pthread_mutex_t ec = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
    EXPECT_EQ(0, pthread_mutex_lock(&ec));
    EXPECT_EQ(EDEADLK, pthread_mutex_lock(&ec));
    EXPECT_EQ(0, pthread_mutex_unlock(&ec));

    /* recursive */
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    EXPECT_EQ(0, pthread_mutex_init(&shared_m, &ma));
    EXPECT_EQ(0, pthread_mutex_lock(&shared_m));
    EXPECT_EQ(0, pthread_mutex_lock(&shared_m));
    EXPECT_EQ(0, pthread_mutex_trylock(&shared_m));
    EXPECT_EQ(EBUSY, run_in_thread(trylock_fn, NULL));
    EXPECT_EQ(EPERM, run_in_thread(unlock_fn, NULL));
    EXPECT_EQ(0, pthread_mutex_unlock(&shared_m));
    EXPECT_EQ(0, pthread_mutex_unlock(&shared_m));
    EXPECT_EQ(EBUSY, run_in_thread(trylock_fn, NULL)); /* still held once */
    EXPECT_EQ(0, pthread_mutex_unlock(&shared_m));
    EXPECT_EQ(EPERM, pthread_mutex_unlock(&shared_m));
    pthread_mutexattr_destroy(&ma);

    /* timedlock that gets the lock, and a bad time when it need not wait */
    pthread_mutex_t tm = PTHREAD_MUTEX_INITIALIZER;
    struct timespec ts = after_ms(CLOCK_REALTIME, 1000);
    EXPECT_EQ(0, pthread_mutex_timedlock(&tm, &ts));
    EXPECT_EQ(0, pthread_mutex_unlock(&tm));

    /* contention: 4 threads, exact count */
    pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
    pthread_t t[4];
    counter = 0;
    for (int i = 0; i < 4; i++)
        EXPECT_EQ(0, pthread_create(&t[i], NULL, count_fn, &cm));
    for (int i = 0; i < 4; i++)
        EXPECT_EQ(0, pthread_join(t[i], NULL));
    EXPECT_EQ(80000, counter);
}

/* ---- condition variables ---- */

#define QSIZE 8
#define ITEMS 3000
static struct {
    pthread_mutex_t m;
    pthread_cond_t not_empty, not_full;
    long buf[QSIZE];
    int head, count, done_producers;
    long consumed_sum, consumed_n;
} q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, 0, 0, 0, 0};

static void *producer(void *arg)
{
    long base = (long)arg;
    for (long i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&q.m);
        while (q.count == QSIZE)
            pthread_cond_wait(&q.not_full, &q.m);
        q.buf[(q.head + q.count++) % QSIZE] = base + i;
        pthread_cond_signal(&q.not_empty);
        pthread_mutex_unlock(&q.m);
    }
    pthread_mutex_lock(&q.m);
    q.done_producers++;
    pthread_cond_broadcast(&q.not_empty);
    pthread_mutex_unlock(&q.m);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&q.m);
        while (q.count == 0 && q.done_producers < 2)
            pthread_cond_wait(&q.not_empty, &q.m);
        if (q.count == 0) {
            pthread_mutex_unlock(&q.m);
            return NULL;
        }
        long v = q.buf[q.head];
        q.head = (q.head + 1) % QSIZE;
        q.count--;
        q.consumed_sum += v;
        q.consumed_n++;
        pthread_cond_signal(&q.not_full);
        pthread_mutex_unlock(&q.m);
    }
}

static pthread_mutex_t bm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bc = PTHREAD_COND_INITIALIZER;
static int go, waiting, woken;

static void *broadcast_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&bm);
    waiting++;
    while (!go)
        pthread_cond_wait(&bc, &bm);
    woken++;
    pthread_mutex_unlock(&bm);
    return NULL;
}

static void test_conds(void)
{
    pthread_t p[2], c[2];
    EXPECT_EQ(0, pthread_create(&c[0], NULL, consumer, NULL));
    EXPECT_EQ(0, pthread_create(&c[1], NULL, consumer, NULL));
    EXPECT_EQ(0, pthread_create(&p[0], NULL, producer, (void *)0L));
    EXPECT_EQ(0, pthread_create(&p[1], NULL, producer, (void *)1000000L));
    for (int i = 0; i < 2; i++) {
        EXPECT_EQ(0, pthread_join(p[i], NULL));
        EXPECT_EQ(0, pthread_join(c[i], NULL));
    }
    long expect = 2L * ITEMS * (ITEMS + 1) / 2 + 1000000L * ITEMS;
    EXPECT_EQ(2 * ITEMS, q.consumed_n);
    EXPECT_EQ(expect, q.consumed_sum);

    /* broadcast wakes every waiter */
    pthread_t w[3];
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(0, pthread_create(&w[i], NULL, broadcast_waiter, NULL));
    for (;;) {
        pthread_mutex_lock(&bm);
        int n = waiting;
        pthread_mutex_unlock(&bm);
        if (n == 3)
            break;
        sched_yield();
    }
    pthread_mutex_lock(&bm);
    go = 1;
    EXPECT_EQ(0, pthread_cond_broadcast(&bc));
    pthread_mutex_unlock(&bm);
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(0, pthread_join(w[i], NULL));
    EXPECT_EQ(3, woken);

    /* timedwait on both clocks; errors */
    pthread_condattr_t ca;
    clockid_t clk = -1;
    EXPECT_EQ(0, pthread_condattr_init(&ca));
    EXPECT_EQ(0, pthread_condattr_getclock(&ca, &clk));
    EXPECT_EQ(CLOCK_REALTIME, clk);
    EXPECT_EQ(EINVAL, pthread_condattr_setclock(&ca, 99));
    EXPECT_EQ(0, pthread_condattr_setclock(&ca, CLOCK_MONOTONIC));
    pthread_cond_t mc;
    EXPECT_EQ(0, pthread_cond_init(&mc, &ca));
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&m);
    struct timespec ts = after_ms(CLOCK_MONOTONIC, 30);
    EXPECT_EQ(ETIMEDOUT, pthread_cond_timedwait(&mc, &m, &ts));
    EXPECT_EQ(EBUSY, pthread_mutex_trylock(&m)); /* held again after the timeout */
    ts = after_ms(CLOCK_REALTIME, 30);
    EXPECT_EQ(ETIMEDOUT, pthread_cond_timedwait(&bc, &m, &ts));
    struct timespec badts = {0, -1};
    EXPECT_EQ(EINVAL, pthread_cond_timedwait(&bc, &m, &badts));
    struct timespec past = {0, 0};
    EXPECT_EQ(ETIMEDOUT, pthread_cond_timedwait(&bc, &m, &past));
    pthread_mutex_unlock(&m);
    pthread_mutex_t ecm = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
    EXPECT_EQ(EPERM, pthread_cond_wait(&bc, &ecm)); /* a mutex we do not hold */
    EXPECT_EQ(0, pthread_cond_signal(&mc)); /* nobody waits: nothing happens */
    EXPECT_EQ(0, pthread_cond_destroy(&mc));
    pthread_condattr_destroy(&ca);
}

/* ---- keys, once ---- */

static pthread_key_t key1, key2;
static int destroyed, destroyed_value_sum, reset_rounds;

static void dtor1(void *v)
{
    __atomic_add_fetch(&destroyed, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&destroyed_value_sum, (int)(long)v, __ATOMIC_SEQ_CST);
}

static void dtor2(void *v)
{
    /* Setting a value again makes another round, up to the limit. */
    if (++reset_rounds < 3)
        pthread_setspecific(key2, v);
}

static void *key_fn(void *arg)
{
    if (pthread_getspecific(key1) != NULL)
        return (void *)1;
    pthread_setspecific(key1, arg);
    pthread_setspecific(key2, (void *)1);
    return pthread_getspecific(key1) == arg ? NULL : (void *)2;
}

static int once_runs;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void once_init(void)
{
    ms_sleep(10); /* the others must wait for it, not skip it */
    once_runs++;
}
static void *once_fn(void *arg)
{
    (void)arg;
    pthread_once(&once, once_init);
    return (void *)(long)once_runs;
}

static void test_keys_once(void)
{
    EXPECT_EQ(0, pthread_key_create(&key1, dtor1));
    EXPECT_EQ(0, pthread_key_create(&key2, dtor2));
    EXPECT_EQ(0, pthread_setspecific(key1, (void *)100));
    pthread_t t[3];
    for (long i = 0; i < 3; i++)
        EXPECT_EQ(0, pthread_create(&t[i], NULL, key_fn, (void *)(i + 1)));
    for (int i = 0; i < 3; i++) {
        void *r = (void *)-1;
        EXPECT_EQ(0, pthread_join(t[i], &r));
        EXPECT_EQ(0, (long)r);
    }
    EXPECT_EQ(3, destroyed);
    EXPECT_EQ(6, destroyed_value_sum);
    EXPECT_TRUE(reset_rounds >= 3);
    EXPECT_EQ(100, (long)pthread_getspecific(key1)); /* ours stayed */
    EXPECT_EQ(0, pthread_key_delete(key1));
    EXPECT_EQ(EINVAL, pthread_key_delete(key1));
    EXPECT_EQ(EINVAL, pthread_setspecific(key1, (void *)1));
    pthread_key_t k3;
    EXPECT_EQ(0, pthread_key_create(&k3, NULL));
    EXPECT_EQ(0, (long)pthread_getspecific(k3)); /* a reused slot starts empty */
    EXPECT_EQ(0, pthread_key_delete(k3));
    EXPECT_EQ(0, pthread_key_delete(key2));

    for (long i = 0; i < 3; i++)
        EXPECT_EQ(0, pthread_create(&t[i], NULL, once_fn, NULL));
    for (int i = 0; i < 3; i++) {
        void *r = NULL;
        EXPECT_EQ(0, pthread_join(t[i], &r));
        EXPECT_EQ(1, (long)r);
    }
    EXPECT_EQ(0, pthread_once(&once, once_init));
    EXPECT_EQ(1, once_runs);
}

/* ---- spinlocks, barriers, rwlocks ---- */

static pthread_spinlock_t spin;
static pthread_barrier_t barrier;
static int serials, round_counts[5];

static void *spin_fn(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_spin_lock(&spin);
        counter++;
        pthread_spin_unlock(&spin);
    }
    return NULL;
}

static void *barrier_fn(void *arg)
{
    (void)arg;
    for (int r = 0; r < 5; r++) {
        __atomic_add_fetch(&round_counts[r], 1, __ATOMIC_SEQ_CST);
        int e = pthread_barrier_wait(&barrier);
        if (e == PTHREAD_BARRIER_SERIAL_THREAD)
            __atomic_add_fetch(&serials, 1, __ATOMIC_SEQ_CST);
        else if (e != 0)
            return (void *)1;
        /* everyone of this round arrived before anyone left it */
        if (__atomic_load_n(&round_counts[r], __ATOMIC_SEQ_CST) != 3)
            return (void *)2;
    }
    return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int readers_in, max_readers;

static void *reader_fn(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        pthread_rwlock_rdlock(&rw);
        int n = __atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
        if (n > max_readers)
            max_readers = n;
        long seen = counter;
        sched_yield();
        if (counter != seen) /* no writer while we read */
            return (void *)1;
        __atomic_sub_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *writer_fn(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        pthread_rwlock_wrlock(&rw);
        if (readers_in)
            return (void *)1;
        counter++;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *trywr_fn(void *arg)
{
    (void)arg;
    return (void *)(long)pthread_rwlock_trywrlock(&rw);
}

static void *tryrd_fn(void *arg)
{
    (void)arg;
    long r = pthread_rwlock_tryrdlock(&rw);
    if (r == 0)
        pthread_rwlock_unlock(&rw);
    return (void *)r;
}

static void test_spin_barrier_rwlock(void)
{
    EXPECT_EQ(0, pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE));
    EXPECT_EQ(0, pthread_spin_trylock(&spin));
    EXPECT_EQ(EBUSY, pthread_spin_trylock(&spin));
    EXPECT_EQ(0, pthread_spin_unlock(&spin));
    pthread_t t[3];
    counter = 0;
    for (int i = 0; i < 2; i++)
        EXPECT_EQ(0, pthread_create(&t[i], NULL, spin_fn, NULL));
    for (int i = 0; i < 2; i++)
        EXPECT_EQ(0, pthread_join(t[i], NULL));
    EXPECT_EQ(40000, counter);
    EXPECT_EQ(0, pthread_spin_destroy(&spin));

    EXPECT_EQ(EINVAL, pthread_barrier_init(&barrier, NULL, 0));
    EXPECT_EQ(0, pthread_barrier_init(&barrier, NULL, 3));
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(0, pthread_create(&t[i], NULL, barrier_fn, NULL));
    for (int i = 0; i < 3; i++) {
        void *r = (void *)-1;
        EXPECT_EQ(0, pthread_join(t[i], &r));
        EXPECT_EQ(0, (long)r);
    }
    EXPECT_EQ(5, serials);
    EXPECT_EQ(0, pthread_barrier_destroy(&barrier));

    counter = 0;
    for (int i = 0; i < 2; i++)
        EXPECT_EQ(0, pthread_create(&t[i], NULL, reader_fn, NULL));
    EXPECT_EQ(0, pthread_create(&t[2], NULL, writer_fn, NULL));
    for (int i = 0; i < 3; i++) {
        void *r = (void *)-1;
        EXPECT_EQ(0, pthread_join(t[i], &r));
        EXPECT_EQ(0, (long)r);
    }
    EXPECT_EQ(200, counter);
    EXPECT_EQ(0, pthread_rwlock_rdlock(&rw));
    EXPECT_EQ(0, pthread_rwlock_rdlock(&rw)); /* twice: readers are counted */
    EXPECT_EQ(EBUSY, run_in_thread(trywr_fn, NULL));
    EXPECT_EQ(0, run_in_thread(tryrd_fn, NULL));
    EXPECT_EQ(0, pthread_rwlock_unlock(&rw));
    EXPECT_EQ(0, pthread_rwlock_unlock(&rw));
#ifdef __cowos__ /* glibc does not check */
    EXPECT_EQ(EPERM, pthread_rwlock_unlock(&rw));
#endif
    EXPECT_EQ(0, pthread_rwlock_wrlock(&rw));
    EXPECT_EQ(EDEADLK, pthread_rwlock_wrlock(&rw));
    EXPECT_EQ(EDEADLK, pthread_rwlock_rdlock(&rw));
    EXPECT_EQ(EBUSY, run_in_thread(tryrd_fn, NULL));
    struct timespec ts = after_ms(CLOCK_REALTIME, 20);
    EXPECT_EQ(0, pthread_rwlock_unlock(&rw));
    EXPECT_EQ(0, pthread_rwlock_timedwrlock(&rw, &ts));
    EXPECT_EQ(0, pthread_rwlock_unlock(&rw));
    EXPECT_EQ(0, pthread_rwlock_destroy(&rw));
}

/* ---- semaphores ---- */

static sem_t sem;

static void *sem_poster(void *arg)
{
    (void)arg;
    ms_sleep(20);
    sem_post(&sem);
    return NULL;
}

static void test_semaphores(void)
{
    int v = -1;
    EXPECT_ERR(EINVAL, sem_init(&sem, 0, (unsigned)SEM_VALUE_MAX + 1));
    EXPECT_EQ(0, sem_init(&sem, 0, 1));
    EXPECT_EQ(0, sem_trywait(&sem));
    EXPECT_ERR(EAGAIN, sem_trywait(&sem));
    EXPECT_EQ(0, sem_getvalue(&sem, &v));
    EXPECT_EQ(0, v);
    pthread_t t;
    EXPECT_EQ(0, pthread_create(&t, NULL, sem_poster, NULL));
    EXPECT_EQ(0, sem_wait(&sem)); /* sleeps until the post */
    EXPECT_EQ(0, pthread_join(t, NULL));
    struct timespec ts = after_ms(CLOCK_REALTIME, 20);
    EXPECT_ERR(ETIMEDOUT, sem_timedwait(&sem, &ts));
    struct timespec bad = {0, 1000000000L};
    EXPECT_ERR(EINVAL, sem_timedwait(&sem, &bad));
    EXPECT_EQ(0, sem_post(&sem));
    EXPECT_ERR(EINVAL, sem_timedwait(&sem, &bad)); /* checked even when it need not wait, as glibc */
    EXPECT_EQ(0, sem_trywait(&sem));
    sem_t full;
    sem_init(&full, 0, SEM_VALUE_MAX);
    EXPECT_ERR(EOVERFLOW, sem_post(&full));
    EXPECT_TRUE(sem_open("/x", 0) == SEM_FAILED);
#ifdef __cowos__ /* named semaphores are not implemented (glibc: ENOENT here) */
    EXPECT_EQ(ENOSYS, errno);
#endif
    EXPECT_EQ(0, sem_destroy(&sem));
}

/* ---- signals ---- */

static volatile pthread_t handled_by;
static volatile int handled;
static void on_usr1(int sig)
{
    (void)sig;
    handled_by = pthread_self();
    handled = 1;
}

static volatile int stop_spinner;
static void *spinner(void *arg)
{
    (void)arg;
    while (!stop_spinner)
        sched_yield();
    return NULL;
}

static void test_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    pthread_t t;
    stop_spinner = 0;
    EXPECT_EQ(0, pthread_create(&t, NULL, spinner, NULL));
    EXPECT_EQ(0, pthread_kill(t, 0));
    EXPECT_EQ(EINVAL, pthread_kill(t, 999));
    handled = 0;
    EXPECT_EQ(0, pthread_kill(t, SIGUSR1));
    while (!handled)
        sched_yield();
    EXPECT_TRUE(pthread_equal(handled_by, t)); /* the handler ran in that thread */
    stop_spinner = 1;
    EXPECT_EQ(0, pthread_join(t, NULL));
#ifdef __cowos__ /* glibc: undefined once joined */
    EXPECT_EQ(ESRCH, pthread_kill(t, 0));
#endif
    handled = 0;
    EXPECT_EQ(0, pthread_kill(pthread_self(), SIGUSR1));
    EXPECT_EQ(1, handled);

    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    EXPECT_EQ(0, pthread_sigmask(SIG_BLOCK, &set, &old));
    EXPECT_EQ(EINVAL, pthread_sigmask(12345, &set, NULL));
    handled = 0;
    pthread_kill(pthread_self(), SIGUSR1);
    EXPECT_EQ(0, handled); /* blocked */
    EXPECT_EQ(0, pthread_sigmask(SIG_SETMASK, &old, NULL));
    EXPECT_EQ(1, handled); /* delivered once unblocked */
    signal(SIGUSR1, SIG_DFL);

    EXPECT_EQ(ENOSYS, pthread_cancel(pthread_self()));
    int old_state = -1;
    EXPECT_EQ(ENOSYS, pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old_state));
    EXPECT_EQ(0, pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old_state));
    EXPECT_TRUE(sched_getcpu() >= 0);
    EXPECT_TRUE(sysconf(_SC_NPROCESSORS_ONLN) >= 1);
}

/* ---- exit with threads ---- */

static int exit_pipe[2];
static void at_exit_mark(void) { write(exit_pipe[1], "A", 1); }

static void *exit_racer(void *arg)
{
    (void)arg;
    exit(3);
}

static int two_exits_child(void)
{
    atexit(at_exit_mark);
    pthread_t t[2];
    pthread_create(&t[0], NULL, exit_racer, NULL);
    pthread_create(&t[1], NULL, exit_racer, NULL);
    exit(3);
}

static void *late_writer(void *arg)
{
    (void)arg;
    ms_sleep(30);
    printf("late"); /* buffered: only the last thread's exit(0) flushes it */
    return NULL;
}

static int main_exits_child(void)
{
    dup2(exit_pipe[1], 1);
    setvbuf(stdout, NULL, _IOFBF, 0);
    pthread_t t;
    pthread_create(&t, NULL, late_writer, NULL);
    pthread_exit(NULL);
}

static void *forever(void *arg)
{
    (void)arg;
    for (;;)
        ms_sleep(1000);
    return NULL;
}

static int exit_kills_all_child(void)
{
    pthread_t t;
    pthread_create(&t, NULL, forever, NULL);
    pthread_create(&t, NULL, spinner, NULL);
    _exit(9); /* exit_group: the other threads go too */
}

static void test_exit(void)
{
    char buf[16] = {0};
    EXPECT_EQ(0, pipe(exit_pipe));
    int status = in_child(two_exits_child);
    close(exit_pipe[1]);
    EXPECT_EQ(1, read(exit_pipe[0], buf, sizeof(buf))); /* the handler ran once */
    close(exit_pipe[0]);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(3, WEXITSTATUS(status));

    EXPECT_EQ(0, pipe(exit_pipe));
    status = in_child(main_exits_child);
    close(exit_pipe[1]);
    memset(buf, 0, sizeof(buf));
    EXPECT_EQ(4, read(exit_pipe[0], buf, sizeof(buf)));
    EXPECT_EQ(0, strcmp(buf, "late"));
    close(exit_pipe[0]);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(0, WEXITSTATUS(status));

    stop_spinner = 0;
    status = in_child(exit_kills_all_child);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(9, WEXITSTATUS(status));
}

/* ---- printf from two threads ---- */

static void *line_printer(void *arg)
{
    char c = (char)(long)arg;
    char line[121];
    memset(line, c, 120);
    line[120] = '\0';
    for (int i = 0; i < 100; i++)
        printf("%s\n", line);
    return NULL;
}

static int printers_child(void)
{
    dup2(exit_pipe[1], 1);
    close(exit_pipe[0]);
    pthread_t a, b;
    pthread_create(&a, NULL, line_printer, (void *)'a');
    pthread_create(&b, NULL, line_printer, (void *)'b');
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}

static char out[32768];

static void test_stdio(void)
{
    EXPECT_EQ(0, pipe(exit_pipe));
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(printers_child());
    close(exit_pipe[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(exit_pipe[0], out + len, sizeof(out) - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(exit_pipe[0]);
    int status = -1;
    waitpid(c, &status, 0);
    EXPECT_EQ(0, status);
    EXPECT_EQ(200 * 121, len);
    int bad = 0, lines = 0;
    for (char *l = out; *l; l += 121, lines++) {
        for (int i = 1; i < 120; i++)
            bad += l[i] != l[0];
        bad += l[120] != '\n';
    }
    EXPECT_EQ(200, lines);
    EXPECT_EQ(0, bad); /* no line holds both threads' characters */
}

/* ---- fork in a threaded process ---- */

static volatile long ticks;
static volatile int stop_ticker;
static void *ticker(void *arg)
{
    (void)arg;
    while (!stop_ticker) {
        ticks++;
        sched_yield();
    }
    return NULL;
}

static volatile int stop_churn;
static void *churner(void *arg)
{
    (void)arg;
    while (!stop_churn) {
        void *p = malloc(100 + (size_t)(ticks % 5000));
        free(p);
        fprintf(stderr, "%s", "");
    }
    return NULL;
}

static char order[16];
static int norder;
static void pre1(void) { order[norder++] = 'p'; }
static void pre2(void) { order[norder++] = 'P'; }
static void par1(void) { order[norder++] = 'a'; }
static void par2(void) { order[norder++] = 'A'; }
static void chi1(void) { order[norder++] = 'c'; }
static void chi2(void) { order[norder++] = 'C'; }

static void *child_thread(void *arg)
{
    return arg;
}

/* In the child: checks, coded into the exit status (0 = all good). */
static int forked_child_checks(void)
{
    if (strcmp(order, "PpcC")) /* prepare 2 then 1; child 1 then 2 */
        return 10;
    long t0 = ticks;
    ms_sleep(30);
    if (ticks != t0)
        return 12; /* the ticker thread must not exist here */
    void *p = malloc(1000); /* malloc and stdio locks are usable */
    if (!p)
        return 13;
    free(p);
    fprintf(stderr, "%s", "");
    pthread_t t;
    void *r = NULL;
    if (pthread_create(&t, NULL, child_thread, (void *)55) || pthread_join(t, &r) || r != (void *)55)
        return 14;
#ifdef __cowos__
    if (cowos_heap_check() != 0)
        return 15;
#endif
    return 0;
}

static void *fork_from_thread(void *arg)
{
    (void)arg;
    pid_t c = fork();
    if (c == 0) {
        /* Only this thread lives here; it can still make one. */
        pthread_t t;
        void *r = NULL;
        if (pthread_create(&t, NULL, child_thread, (void *)7) || pthread_join(t, &r))
            _exit(20);
        _exit(r == (void *)7 ? 0 : 21);
    }
    int status = -1;
    waitpid(c, &status, 0);
    return (void *)(long)status;
}

static void test_fork(void)
{
    EXPECT_EQ(0, pthread_atfork(pre1, par1, chi1));
    EXPECT_EQ(0, pthread_atfork(pre2, par2, chi2));
    pthread_t tick, churn[2];
    stop_ticker = stop_churn = 0;
    EXPECT_EQ(0, pthread_create(&tick, NULL, ticker, NULL));
    EXPECT_EQ(0, pthread_create(&churn[0], NULL, churner, NULL));
    EXPECT_EQ(0, pthread_create(&churn[1], NULL, churner, NULL));
    while (ticks < 10)
        sched_yield();
    for (int round = 0; round < 5; round++) {
        norder = 0;
        memset(order, 0, sizeof(order));
        fflush(stdout);
        pid_t c = fork();
        if (c == 0)
            _exit(forked_child_checks());
        EXPECT_EQ(0, strcmp(order, "PpaA")); /* prepare 2, 1; parent 1, 2 */
        int status = -1;
        EXPECT_EQ(c, waitpid(c, &status, 0));
        if (status != 0)
            printf("# round %d: the child's checks failed: status 0x%x\n", round, status);
        EXPECT_EQ(0, status);
    }
    long t0 = ticks;
    while (ticks == t0) /* the parent's threads kept running */
        sched_yield();
    void *st = (void *)-1;
    pthread_t f;
    EXPECT_EQ(0, pthread_create(&f, NULL, fork_from_thread, NULL));
    EXPECT_EQ(0, pthread_join(f, &st));
    EXPECT_EQ(0, (long)st);
    stop_ticker = stop_churn = 1;
    EXPECT_EQ(0, pthread_join(tick, NULL));
    EXPECT_EQ(0, pthread_join(churn[0], NULL));
    EXPECT_EQ(0, pthread_join(churn[1], NULL));
#ifdef __cowos__
    EXPECT_EQ(0, cowos_heap_check());
#endif
}

/* ---- no frame leaked by threads that came and went ---- */

static void *touch_stack(void *arg)
{
    volatile char buf[32768];
    buf[0] = 1;
    buf[32767] = 2;
    return buf[0] == 1 ? arg : NULL;
}

static void test_no_leak(void)
{
    pthread_attr_t det;
    pthread_attr_init(&det);
    pthread_attr_setdetachstate(&det, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    /* Warm up: the heap and page tables the first threads need stay. */
    for (int i = 0; i < 3; i++) {
        pthread_create(&t, NULL, touch_stack, NULL);
        pthread_join(t, NULL);
    }
    detached_ran = 0; /* and detached ones, whose ends free what they held differently */
    for (int i = 0; i < 5; i++)
        pthread_create(&t, &det, detached_fn, NULL);
    while (__atomic_load_n(&detached_ran, __ATOMIC_SEQ_CST) < 5)
        sched_yield();
    ms_sleep(50);
    long before = sysconf(_SC_AVPHYS_PAGES);
    for (int i = 0; i < 10; i++) {
        EXPECT_EQ(0, pthread_create(&t, NULL, touch_stack, NULL));
        EXPECT_EQ(0, pthread_join(t, NULL));
    }
    detached_ran = 0;
    for (int i = 0; i < 5; i++)
        EXPECT_EQ(0, pthread_create(&t, &det, detached_fn, NULL));
    while (__atomic_load_n(&detached_ran, __ATOMIC_SEQ_CST) < 5)
        sched_yield();
    long after = 0;
    for (int tries = 0; tries < 100; tries++) { /* the last detached ones may still be unmapping */
        after = sysconf(_SC_AVPHYS_PAGES);
        if (after == before)
            break;
        ms_sleep(10);
    }
#ifdef __cowos__ /* (elsewhere the machine's free memory moves on its own) */
    EXPECT_EQ(before, after);
#endif
}

static const struct {
    const char *name;
    void (*fn)(void);
} parts[] = {
    {"lifecycle", test_lifecycle}, {"attributes", test_attributes}, {"tls", test_tls},
    {"mutexes", test_mutexes},     {"conds", test_conds},           {"keys_once", test_keys_once},
    {"spin_barrier_rwlock", test_spin_barrier_rwlock},             {"semaphores", test_semaphores},
    {"signals", test_signals},     {"exit", test_exit},             {"stdio", test_stdio},
    {"fork", test_fork},           {"no_leak", test_no_leak},
};

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    main_thread = pthread_self();
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        if (argc > 1 && strcmp(argv[1], parts[i].name) != 0)
            continue; /* pthread_test NAME: one part only */
        int before = utest_failures;
        parts[i].fn();
        if (utest_failures != before)
            printf("# part %s failed\n", parts[i].name);
    }
    utest_exit();
}
