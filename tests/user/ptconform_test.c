/*
 * ptconform_test.c - a pthreads program in the style of the conformance
 * suites written for Linux (Open POSIX Test Suite and the like): only
 * standard headers, no cowos helper, its own PASS/FAIL reporting, the
 * exit status 0 for PASS. It stands for the programs written elsewhere
 * that must build and pass here unchanged: if this needs an edit to build
 * for cowos, the C library is missing something. The parallel sum reports
 * its speedup but never fails on timing (tests do not time).
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PTS_PASS 0
#define PTS_FAIL 1
#define PTS_UNRESOLVED 2

static int failures;

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("# FAIL %s:%d: ", __FILE__, __LINE__);                                      \
            printf(__VA_ARGS__);                                                               \
            printf("\n");                                                                      \
            failures++;                                                                        \
        }                                                                                      \
    } while (0)

/* 1. pthread_create passes the argument and pthread_join returns the value */
static void *square(void *arg)
{
    long *p = malloc(sizeof(long));
    *p = (long)(intptr_t)arg * (long)(intptr_t)arg;
    return p;
}

static void test_create_join(void)
{
    pthread_t th[8];
    for (intptr_t i = 0; i < 8; i++) {
        int rc = pthread_create(&th[i], NULL, square, (void *)i);
        CHECK(rc == 0, "pthread_create: %s", strerror(rc));
    }
    for (int i = 0; i < 8; i++) {
        void *ret;
        int rc = pthread_join(th[i], &ret);
        CHECK(rc == 0, "pthread_join: %s", strerror(rc));
        CHECK(*(long *)ret == (long)i * i, "thread %d returned %ld", i, *(long *)ret);
        free(ret);
    }
}

/* 2. a mutex makes increments atomic */
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static long shared_count;

static void *incr(void *arg)
{
    (void)arg;
    for (int i = 0; i < 50000; i++) {
        pthread_mutex_lock(&mtx);
        shared_count++;
        pthread_mutex_unlock(&mtx);
    }
    return NULL;
}

static void test_mutex(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, incr, NULL);
    pthread_create(&b, NULL, incr, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    CHECK(shared_count == 100000, "count %ld, expected 100000", shared_count);
}

/* 3. condition variable handshake (ping-pong) */
static pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pc = PTHREAD_COND_INITIALIZER;
static int turn, volleys;

static void *player(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&pm);
        while (turn != me)
            pthread_cond_wait(&pc, &pm);
        volleys++;
        turn = !me;
        pthread_cond_broadcast(&pc);
        pthread_mutex_unlock(&pm);
    }
    return NULL;
}

static void test_cond(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, player, (void *)0);
    pthread_create(&b, NULL, player, (void *)1);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    CHECK(volleys == 1000, "volleys %d", volleys);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 50000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&pm);
    int rc = pthread_cond_timedwait(&pc, &pm, &ts);
    pthread_mutex_unlock(&pm);
    CHECK(rc == ETIMEDOUT, "pthread_cond_timedwait returned %d, expected ETIMEDOUT", rc);
}

/* 4. fork in a multithreaded process: the child has only the calling thread */
static volatile int spin_stop;
static volatile unsigned long spins;

static void *spin(void *arg)
{
    (void)arg;
    while (!spin_stop)
        spins++;
    return NULL;
}

static int prepared, in_parent, in_child;
static void prepare(void) { prepared++; }
static void parent(void) { in_parent++; }
static void child(void) { in_child++; }

static void test_fork(void)
{
    pthread_t th;
    pthread_atfork(prepare, parent, child);
    pthread_create(&th, NULL, spin, NULL);
    while (spins == 0)
        sched_yield();
    pid_t pid = fork();
    if (pid == 0) {
        unsigned long before = spins;
        usleep(20000);
        if (spins != before)
            _exit(PTS_FAIL); /* another thread runs in the child */
        if (in_child != 1 || prepared != 1)
            _exit(PTS_FAIL);
        pthread_t t2;
        void *r;
        if (pthread_create(&t2, NULL, square, (void *)3) != 0 || pthread_join(t2, &r) != 0 ||
            *(long *)r != 9)
            _exit(PTS_FAIL);
        printf("child: ok\n");
        exit(PTS_PASS);
    }
    CHECK(pid > 0, "fork: %s", strerror(errno));
    int status;
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == PTS_PASS, "child status 0x%x", status);
    CHECK(in_parent == 1 && prepared == 1 && in_child == 0, "atfork handlers %d %d %d", prepared,
          in_parent, in_child);
    unsigned long before = spins;
    usleep(20000);
    CHECK(spins != before, "the parent's thread stopped after fork");
    spin_stop = 1;
    pthread_join(th, NULL);
}

/* 5. a parallel sum over an array */
#define N (4 * 1024 * 1024)
static unsigned *data;
struct part {
    size_t lo, hi;
    unsigned long long sum;
};

static void *partial(void *arg)
{
    struct part *p = arg;
    unsigned long long s = 0;
    for (size_t i = p->lo; i < p->hi; i++)
        s += data[i];
    p->sum = s;
    return NULL;
}

static double now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

static unsigned long long psum(int nthreads)
{
    pthread_t th[16];
    struct part parts[16];
    for (int i = 0; i < nthreads; i++) {
        parts[i].lo = (size_t)N * i / nthreads;
        parts[i].hi = (size_t)N * (i + 1) / nthreads;
        pthread_create(&th[i], NULL, partial, &parts[i]);
    }
    unsigned long long total = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(th[i], NULL);
        total += parts[i].sum;
    }
    return total;
}

static void test_parallel_sum(void)
{
    data = malloc(N * sizeof(unsigned));
    assert(data != NULL);
    unsigned long long expect = 0;
    for (size_t i = 0; i < N; i++) {
        data[i] = (unsigned)(i * 2654435761u) >> 12;
        expect += data[i];
    }
    double t0 = now();
    unsigned long long s1 = psum(1);
    double t1 = now();
    unsigned long long s2 = psum(2);
    double t2 = now();
    CHECK(s1 == expect && s2 == expect, "sums %llu %llu, expected %llu", s1, s2, expect);
    printf("parallel sum: 1 thread %.3f s, 2 threads %.3f s, %ld CPUs\n", t1 - t0, t2 - t1,
           sysconf(_SC_NPROCESSORS_ONLN));
    free(data);
}

/* 6. pthread_once, keys, semaphores, errno per thread */
static int once_count;
static void once_fn(void) { once_count++; }
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static int dtor_calls;
static void dtor(void *p)
{
    __sync_fetch_and_add(&dtor_calls, 1);
    free(p);
}
static sem_t sem;

static void *misc(void *arg)
{
    (void)arg;
    pthread_once(&once, once_fn);
    pthread_setspecific(key, malloc(16));
    errno = 0;
    if (write(-1, "", 0) != -1 || errno != EBADF)
        return (void *)1;
    sem_post(&sem);
    return NULL;
}

static void test_misc(void)
{
    pthread_t th[4];
    pthread_key_create(&key, dtor);
    sem_init(&sem, 0, 0);
    errno = 0;
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, misc, NULL);
    for (int i = 0; i < 4; i++)
        CHECK(sem_wait(&sem) == 0, "sem_wait");
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(th[i], &r);
        CHECK(r == NULL, "errno in thread %d", i);
    }
    CHECK(errno == 0, "main's errno changed to %d", errno);
    CHECK(once_count == 1, "once ran %d times", once_count);
    CHECK(dtor_calls == 4, "%d destructor calls", dtor_calls);
    int v = -1;
    sem_getvalue(&sem, &v);
    CHECK(v == 0, "semaphore value %d", v);
    CHECK(pthread_join(pthread_self(), NULL) == EDEADLK, "join self");
}

int main(void)
{
    test_create_join();
    test_mutex();
    test_cond();
    test_fork();
    test_parallel_sum();
    test_misc();
    if (failures) {
        printf("Test FAILED: %d failures\n", failures);
        return PTS_FAIL;
    }
    printf("Test PASSED\n");
    return PTS_PASS;
}
