/*
 * clone_test.c - threads without a threads library: raw clone (a tiny
 * assembly helper starts fn(arg) on a new stack), futex, gettid,
 * set_tid_address, arch_prctl, exit vs exit_group, tkill/tgkill and
 * process-directed signals, fork and exec from a thread, and the frame
 * count after all of it. Every case that could hang runs under alarm().
 */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <cowos.h>
#include <cowstat.h>
#include <dirent.h>
#include <fcntl.h> /* after cowos.h: glibc's stat macros (st_atime) would break its struct */
#include "utest.h"

#define CLONE_VM 0x00000100UL
#define CLONE_FS 0x00000200UL
#define CLONE_FILES 0x00000400UL
#define CLONE_SIGHAND 0x00000800UL
#define CLONE_VFORK 0x00004000UL
#define CLONE_PARENT 0x00008000UL
#define CLONE_THREAD 0x00010000UL
#define CLONE_SYSVSEM 0x00040000UL
#define CLONE_SETTLS 0x00080000UL
#define CLONE_PARENT_SETTID 0x00100000UL
#define CLONE_CHILD_CLEARTID 0x00200000UL
#define CLONE_CHILD_SETTID 0x01000000UL
#define THREAD_FLAGS                                                                           \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
     CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE 128
#define FUTEX_CLOCK_REALTIME 256
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

/*
 * long thr_clone(flags, stack_top, ptid, ctid, tls, fn, arg): clone; the
 * child pops fn and arg from its new stack, runs fn(arg) and ends the
 * thread (SYS_exit) with its result. The parent gets the raw result.
 */
long thr_clone(unsigned long flags, void *stack_top, int *ptid, int *ctid, unsigned long tls,
               long (*fn)(void *), void *arg);
__asm__(".text\n"
        ".globl thr_clone\n"
        "thr_clone:\n"
        "    movq 8(%rsp), %rax\n"  /* arg */
        "    subq $16, %rsi\n"
        "    movq %r9, 0(%rsi)\n"   /* fn */
        "    movq %rax, 8(%rsi)\n"
        "    movq %rcx, %r10\n"
        "    movl $97, %eax\n"      /* SYS_clone */
        "    syscall\n"
        "    testq %rax, %rax\n"
        "    jnz 1f\n"
        "    popq %rax\n"
        "    popq %rdi\n"
        "    xorl %ebp, %ebp\n"
        "    callq *%rax\n"
        "    movq %rax, %rdi\n"
        "    movl $2, %eax\n"       /* SYS_exit: this thread only */
        "    syscall\n"
        "    hlt\n"
        "1:  ret\n");

#define STACK_SIZE 16384
#define NSTACKS 8
static char stacks[NSTACKS][STACK_SIZE] __attribute__((aligned(16)));

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
    return cowos_syscall(nr, a, b, c, d, e, f);
}

static long futex(volatile int *uaddr, int op, int val, const struct timespec *ts, volatile int *uaddr2,
                  int val3)
{
    return sys6(SYS_futex, (long)uaddr, op, val, (long)ts, (long)uaddr2, val3);
}

/* Start fn(arg) as a thread on stack i; *ctid is cleared (and woken) when it ends. */
static long start_thread(int i, long (*fn)(void *), void *arg, volatile int *ctid)
{
    int ptid = 0;
    long tid = thr_clone(THREAD_FLAGS, stacks[i] + STACK_SIZE, &ptid, (int *)ctid, 0, fn, arg);
    if (tid > 0 && ptid != tid)
        printf("# CLONE_PARENT_SETTID wrote %d, clone returned %ld\n", ptid, tid);
    return tid;
}

/* Wait until the thread whose ctid this is has ended (CLONE_CHILD_CLEARTID). */
static void join(volatile int *ctid)
{
    int v;
    while ((v = *ctid) != 0)
        futex(ctid, FUTEX_WAIT, v, NULL, NULL, 0);
}

static void thread_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- creation, sharing and ids ---- */

static volatile int shared_counter;
static volatile long seen_tid, seen_pid;

static long bump(void *arg)
{
    shared_counter += (int)(long)arg;
    seen_tid = sys6(SYS_gettid, 0, 0, 0, 0, 0, 0);
    seen_pid = getpid();
    return 0;
}

static void creation_and_ids(void)
{
    static volatile int ctid;
    shared_counter = 0;
    EXPECT_EQ(getpid(), sys6(SYS_gettid, 0, 0, 0, 0, 0, 0)); /* the leader's tid is the pid */
    ctid = -1;
    long tid = start_thread(0, bump, (void *)5L, &ctid);
    EXPECT_TRUE(tid > 0);
    join(&ctid);
    EXPECT_EQ(5, shared_counter); /* the thread wrote our memory */
    EXPECT_EQ(tid, seen_tid);
    EXPECT_TRUE(seen_tid != getpid());
    EXPECT_EQ(getpid(), seen_pid); /* getpid is the group's */
    EXPECT_EQ(0, ctid);
}

/* Several threads at once, each adding under a futex-based lock. */
static volatile int lock_word;
static volatile long sum;

static void lock(void)
{
    while (__sync_val_compare_and_swap(&lock_word, 0, 1) != 0)
        futex(&lock_word, FUTEX_WAIT | FUTEX_PRIVATE, 1, NULL, NULL, 0);
}

static void unlock(void)
{
    lock_word = 0;
    futex(&lock_word, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, NULL, 0);
}

static long adder(void *arg)
{
    for (int i = 0; i < 1000; i++) {
        lock();
        long s = sum;
        if (i % 100 == 0)
            sys6(SYS_sched_yield, 0, 0, 0, 0, 0, 0); /* let another thread hit the lock */
        sum = s + (long)arg;
        unlock();
    }
    return 0;
}

static void many_threads_share(void)
{
    static volatile int ctids[4];
    sum = 0;
    for (int i = 0; i < 4; i++) {
        ctids[i] = -1;
        EXPECT_TRUE(start_thread(i, adder, (void *)(long)(i + 1), &ctids[i]) > 0);
    }
    for (int i = 0; i < 4; i++)
        join(&ctids[i]);
    EXPECT_EQ(1000 * (1 + 2 + 3 + 4), sum);
}

/* Threads made and ended in a loop, several alive at once (on several
 * CPUs when there are): every id distinct from the live ones, every join
 * returns, the sum is exact. */
static volatile long churn_sum;

static long churn(void *arg)
{
    __sync_fetch_and_add(&churn_sum, (long)arg);
    return 0;
}

static void create_and_join_in_a_loop(void)
{
    static volatile int ct[3];
    churn_sum = 0;
    long expect = 0;
    for (int round = 0; round < 40; round++) {
        long tids[3];
        for (int i = 0; i < 3; i++) {
            ct[i] = -1;
            tids[i] = start_thread(i, churn, (void *)(long)(round * 3 + i), &ct[i]);
            expect += round * 3 + i;
        }
        EXPECT_TRUE(tids[0] > 0 && tids[1] > 0 && tids[2] > 0);
        EXPECT_TRUE(tids[0] != tids[1] && tids[1] != tids[2] && tids[0] != tids[2]);
        for (int i = 0; i < 3; i++)
            join(&ct[i]);
    }
    EXPECT_EQ(expect, churn_sum);
}

/* ---- clone's flag rules ---- */

static void clone_flag_rules(void)
{
    char *top = stacks[0] + STACK_SIZE;
    EXPECT_EQ(-EINVAL, thr_clone(CLONE_THREAD | CLONE_VM, top, 0, 0, 0, bump, 0)); /* no SIGHAND */
    EXPECT_EQ(-EINVAL, thr_clone(CLONE_SIGHAND, top, 0, 0, 0, bump, 0));          /* no VM */
    EXPECT_EQ(-EINVAL, thr_clone(CLONE_PARENT | SIGCHLD, top, 0, 0, 0, bump, 0)); /* not implemented */
    EXPECT_EQ(-EINVAL, thr_clone(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, top, 0, 0, 0, bump, 0));
    EXPECT_EQ(-EINVAL, thr_clone(CLONE_FILES | SIGCHLD, top, 0, 0, 0, bump, 0));
    EXPECT_EQ(-EINVAL, thr_clone(CLONE_VM | SIGCHLD, top, 0, 0, 0, bump, 0));
    EXPECT_EQ(-EPERM, thr_clone(THREAD_FLAGS | CLONE_SETTLS, top, 0, 0, 1UL << 60, bump, 0));
}

/* fork-like clone: SIGCHLD only, and CHILD_SETTID written in the child. */
static void clone_as_fork(void)
{
    static int child_tid_word;
    child_tid_word = 0;
    long pid = cowos_syscall(SYS_clone, SIGCHLD | CLONE_CHILD_SETTID, 0, 0, (long)&child_tid_word,
                             0, 0);
    if (pid == 0)
        _exit(child_tid_word == getpid() ? 0 : 1);
    EXPECT_TRUE(pid > 0);
    int st = -1;
    EXPECT_EQ(pid, waitpid((pid_t)pid, &st, 0));
    EXPECT_EQ(0, st);
    EXPECT_EQ(0, child_tid_word); /* only the child's copy was written */
}

/* vfork-like clone on a stack of its own (as posix_spawn does). */
static long vfork_child(void *arg)
{
    (void)arg;
    char *argv[] = {"true", NULL};
    execv("/bin/true", argv);
    _exit(127);
}

/* A vfork child that starts a thread and ends before it: the parent gets
 * its memory back only when that thread, the last, has ended. */
static long exit_five_later(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 20 * 1000000L};
    nanosleep(&ts, NULL);
    return 5;
}

static long vfork_child_with_thread(void *arg)
{
    static volatile int ct;
    (void)arg;
    ct = -1;
    start_thread(2, exit_five_later, 0, &ct);
    cowos_syscall(SYS_exit, 0, 0, 0, 0, 0, 0); /* this thread only */
    return 1;
}

static void clone_as_vfork(void)
{
    long pid2 = thr_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, stacks[1] + STACK_SIZE, 0, 0, 0,
                          vfork_child_with_thread, 0);
    EXPECT_TRUE(pid2 > 0);
    int st2 = -1;
    EXPECT_EQ(pid2, waitpid((pid_t)pid2, &st2, 0));
    EXPECT_TRUE(WIFEXITED(st2));
    EXPECT_EQ(5, WEXITSTATUS(st2));

    long pid = thr_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, stacks[1] + STACK_SIZE, 0, 0, 0,
                         vfork_child, 0);
    EXPECT_TRUE(pid > 0);
    int st = -1;
    EXPECT_EQ(pid, waitpid((pid_t)pid, &st, 0));
    EXPECT_EQ(0, st);
}

/* ---- futex ---- */

static volatile int fword;
static volatile int woke_flag;

static long futex_waiter(void *arg)
{
    long r = futex(&fword, (int)(long)arg, 0, NULL, NULL, 0x1);
    woke_flag = r == 0 ? 1 : -1;
    return 0;
}

static void futex_errors(void)
{
    static int w = 7;
    struct timespec ts = {0, 20 * 1000000L}, bad = {0, 1000000000L};
    errno = 0;
    EXPECT_EQ(-EAGAIN, futex(&w, FUTEX_WAIT, 8, NULL, NULL, 0));
    EXPECT_EQ(-EAGAIN, futex(&w, FUTEX_WAIT | FUTEX_PRIVATE, 8, NULL, NULL, 0));
    EXPECT_EQ(-EINVAL, futex((int *)((char *)&w + 1), FUTEX_WAIT, 7, NULL, NULL, 0));
    EXPECT_EQ(-EFAULT, futex((int *)16, FUTEX_WAIT, 7, NULL, NULL, 0));
    EXPECT_EQ(-EFAULT, futex(&w, FUTEX_WAIT, 7, (struct timespec *)16, NULL, 0));
    EXPECT_EQ(-EINVAL, futex(&w, FUTEX_WAIT, 7, &bad, NULL, 0));
    EXPECT_EQ(-ETIMEDOUT, futex(&w, FUTEX_WAIT, 7, &ts, NULL, 0));
    EXPECT_EQ(-ETIMEDOUT, futex(&w, FUTEX_WAIT | FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME, 7, &ts, NULL, 0));
    /* WAIT_BITSET's timeout is absolute: one already past times out at once */
    struct timespec past = {0, 1};
    EXPECT_EQ(-ETIMEDOUT, futex(&w, FUTEX_WAIT_BITSET, 7, &past, NULL, -1));
    EXPECT_EQ(-EINVAL, futex(&w, FUTEX_WAIT_BITSET, 7, NULL, NULL, 0));
    EXPECT_EQ(-EINVAL, futex(&w, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0));
    EXPECT_EQ(0, futex(&w, FUTEX_WAKE, 1, NULL, NULL, 0)); /* nobody waits */
    EXPECT_EQ(-ENOSYS, futex(&w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));
    EXPECT_EQ(-ENOSYS, futex(&w, 5 /* WAKE_OP */, 1, NULL, NULL, 0));
    EXPECT_EQ(-ENOSYS, futex(&w, 6 /* LOCK_PI */, 1, NULL, NULL, 0));
    EXPECT_EQ(-EAGAIN, futex(&w, FUTEX_CMP_REQUEUE, 1, (struct timespec *)1, &fword, 8));
    EXPECT_EQ(-EINVAL, futex(&w, FUTEX_CMP_REQUEUE, -1, (struct timespec *)1, &fword, 7));
    EXPECT_EQ(-EFAULT, futex((int *)16, FUTEX_WAKE, 1, NULL, NULL, 0)); /* shared: must be mapped */
    EXPECT_EQ(0, futex((int *)16, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, NULL, 0)); /* private: just a key */
}

static void futex_wake_and_bitset(void)
{
    static volatile int ctid;
    fword = 0;
    woke_flag = 0;
    ctid = -1;
    EXPECT_TRUE(start_thread(2, futex_waiter, (void *)(long)FUTEX_WAIT_BITSET, &ctid) > 0);
    thread_sleep_ms(30); /* the waiter is asleep now */
    EXPECT_EQ(0, woke_flag);
    EXPECT_EQ(0, futex(&fword, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0x2)); /* it waits with bit 0 only */
    /* private memory: a private wake meets a plain wait (Linux keys both by address space) */
    EXPECT_EQ(1, futex(&fword, FUTEX_WAKE_BITSET | FUTEX_PRIVATE, 1, NULL, NULL, 0x1));
    join(&ctid);
    EXPECT_EQ(1, woke_flag);
}

/* Two waiters; REQUEUE wakes one and moves the other to fword2; waking
 * fword2 then wakes it. */
static volatile int fword2;
static volatile int woken_count;

static long requeue_waiter(void *arg)
{
    (void)arg;
    if (futex(&fword, FUTEX_WAIT, 0, NULL, NULL, 0) == 0)
        __sync_fetch_and_add(&woken_count, 1);
    return 0;
}

static void futex_requeue(void)
{
    static volatile int ct[2];
    fword = 0;
    woken_count = 0;
    for (int i = 0; i < 2; i++) {
        ct[i] = -1;
        EXPECT_TRUE(start_thread(3 + i, requeue_waiter, 0, &ct[i]) > 0);
    }
    thread_sleep_ms(30);
    EXPECT_EQ(2, futex(&fword, FUTEX_CMP_REQUEUE, 1, (struct timespec *)1, &fword2, 0));
    thread_sleep_ms(30);
    EXPECT_EQ(1, woken_count);
    EXPECT_EQ(0, futex(&fword, FUTEX_WAKE, 1, NULL, NULL, 0)); /* nobody left on fword */
    EXPECT_EQ(1, futex(&fword2, FUTEX_WAKE, 1, NULL, NULL, 0));
    join(&ct[0]);
    join(&ct[1]);
    EXPECT_EQ(2, woken_count);
}

/* A futex in private memory after fork: the COW-shared page does not join
 * the two processes (a wake in the parent does not wake the child). A
 * futex in MAP_SHARED memory does. */
static void futex_across_fork(void)
{
    volatile int *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    EXPECT_TRUE(sh != MAP_FAILED);
    sh[0] = 0;
    fword = 0;
    pid_t c = fork();
    if (c == 0) {
        struct timespec ts = {0, 200 * 1000000L};
        long a = futex(&fword, FUTEX_WAIT, 0, &ts, NULL, 0); /* the parent's wake is not for us */
        sh[1] = 1;
        long b = futex(&sh[0], FUTEX_WAIT, 0, NULL, NULL, 0); /* the parent's wake is for us */
        _exit(a == -ETIMEDOUT && b == 0 ? 0 : 1);
    }
    thread_sleep_ms(50);
    EXPECT_EQ(0, futex(&fword, FUTEX_WAKE, 1, NULL, NULL, 0));
    long woke = 0;
    for (int i = 0; i < 100 && woke == 0; i++) {
        thread_sleep_ms(10);
        if (sh[1])
            woke = futex(&sh[0], FUTEX_WAKE, 1, NULL, NULL, 0);
    }
    EXPECT_EQ(1, woke);
    int st = -1;
    EXPECT_EQ(c, waitpid(c, &st, 0));
    EXPECT_EQ(0, st);
    munmap((void *)sh, 4096);
}

/* A handler interrupts a FUTEX_WAIT: EINTR. */
static void on_usr1(int sig) { (void)sig; }

static void futex_eintr(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    pid_t c = fork();
    if (c == 0) {
        static int w;
        long r = futex(&w, FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(r == -EINTR ? 0 : 1);
    }
    thread_sleep_ms(30);
    kill(c, SIGUSR1);
    int st = -1;
    EXPECT_EQ(c, waitpid(c, &st, 0));
    EXPECT_EQ(0, st);
    signal(SIGUSR1, SIG_DFL);
}

/* ---- TLS ---- */

static volatile unsigned long tls_seen;

static long read_fs(void *arg)
{
    (void)arg;
    unsigned long v;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    tls_seen = v;
    return 0;
}

static void tls_through_fs(void)
{
    static unsigned long block_a[4] = {0xaaaa}, block_b[4] = {0xbbbb};
    unsigned long old = 0, got = 0;
    EXPECT_EQ(0, sys6(SYS_arch_prctl, ARCH_GET_FS, (long)&old, 0, 0, 0, 0));
    EXPECT_EQ(0, sys6(SYS_arch_prctl, ARCH_SET_FS, (long)block_a, 0, 0, 0, 0));
    EXPECT_EQ(0, sys6(SYS_arch_prctl, ARCH_GET_FS, (long)&got, 0, 0, 0, 0));
    EXPECT_EQ((long)block_a, (long)got);
    static volatile int ctid;
    ctid = -1;
    tls_seen = 0;
    int ptid;
    long tid = thr_clone(THREAD_FLAGS | CLONE_SETTLS, stacks[5] + STACK_SIZE, &ptid, (int *)&ctid,
                         (unsigned long)block_b, read_fs, 0);
    EXPECT_TRUE(tid > 0);
    join(&ctid);
    EXPECT_EQ(0xbbbb, (long)tls_seen); /* the thread's own FS base */
    unsigned long v;
    sys6(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    EXPECT_EQ(0xaaaa, (long)v); /* ours survived the switches */
    EXPECT_EQ(-EPERM, sys6(SYS_arch_prctl, ARCH_SET_FS, 1L << 60, 0, 0, 0, 0));
    EXPECT_EQ(-EFAULT, sys6(SYS_arch_prctl, ARCH_GET_FS, 16, 0, 0, 0, 0));
    EXPECT_EQ(-EINVAL, sys6(SYS_arch_prctl, 0x1001 /* ARCH_SET_GS */, 0, 0, 0, 0, 0));
    EXPECT_EQ(-EINVAL, sys6(SYS_arch_prctl, 0x3001, 0, 0, 0, 0, 0));
    EXPECT_EQ(0, sys6(SYS_arch_prctl, ARCH_SET_FS, (long)old, 0, 0, 0, 0));
    int tidv = 0;
    EXPECT_EQ(getpid(), sys6(SYS_set_tid_address, (long)&tidv, 0, 0, 0, 0, 0));
    sys6(SYS_set_tid_address, 0, 0, 0, 0, 0, 0);
}

/* ---- exit, exit_group, wait ---- */

static long exit_later(void *arg)
{
    thread_sleep_ms(40);
    return (long)arg; /* thr_clone's SYS_exit(this) */
}

static long group_exit_now(void *arg)
{
    thread_sleep_ms(20);
    sys6(SYS_exit_group, (long)arg, 0, 0, 0, 0, 0);
    return 99;
}

static long sleep_forever(void *arg)
{
    (void)arg;
    for (;;)
        thread_sleep_ms(1000);
    return 0;
}

static void exit_and_exit_group(void)
{
    /* The leader ends first; the process ends with its last thread, whose
     * status wait reports. Until then wait sees nothing. */
    pid_t c = fork();
    if (c == 0) {
        static volatile int ct;
        ct = -1;
        start_thread(0, exit_later, (void *)7L, &ct);
        sys6(SYS_exit, 3, 0, 0, 0, 0, 0);
        _exit(100);
    }
    int st = -1;
    thread_sleep_ms(10);
    EXPECT_EQ(0, waitpid(c, &st, WNOHANG)); /* the leader has gone, its thread runs */
    EXPECT_EQ(c, waitpid(c, &st, 0));
    EXPECT_TRUE(WIFEXITED(st));
    EXPECT_EQ(7, WEXITSTATUS(st));
    /* exit_group from a thread ends the sleeping leader too. */
    c = fork();
    if (c == 0) {
        static volatile int ct;
        ct = -1;
        start_thread(0, group_exit_now, (void *)9L, &ct);
        start_thread(1, sleep_forever, 0, &ct);
        for (;;)
            thread_sleep_ms(1000);
    }
    EXPECT_EQ(c, waitpid(c, &st, 0));
    EXPECT_TRUE(WIFEXITED(st));
    EXPECT_EQ(9, WEXITSTATUS(st));
    /* A fatal signal ends every thread: killed, whichever thread took it. */
    c = fork();
    if (c == 0) {
        static volatile int ct;
        ct = -1;
        start_thread(0, sleep_forever, 0, &ct);
        start_thread(1, sleep_forever, 0, &ct);
        for (;;)
            thread_sleep_ms(1000);
    }
    thread_sleep_ms(20);
    EXPECT_EQ(0, kill(c, SIGTERM));
    EXPECT_EQ(c, waitpid(c, &st, 0));
    EXPECT_TRUE(WIFSIGNALED(st));
    EXPECT_EQ(SIGTERM, WTERMSIG(st));
}

/* ---- signals to threads ---- */

static volatile long handled_by;

static void record_tid(int sig)
{
    (void)sig;
    handled_by = sys6(SYS_gettid, 0, 0, 0, 0, 0, 0);
}

static volatile int stop_spinning;

static long spin_until_told(void *arg)
{
    (void)arg;
    while (!stop_spinning)
        thread_sleep_ms(5);
    return 0;
}

static void signals_to_threads(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = record_tid;
    sigaction(SIGUSR2, &sa, NULL);
    static volatile int ct;
    ct = -1;
    stop_spinning = 0;
    long tid = start_thread(6, spin_until_told, 0, &ct);
    thread_sleep_ms(10);
    /* tgkill: exactly that thread */
    handled_by = 0;
    EXPECT_EQ(0, sys6(SYS_tgkill, getpid(), tid, SIGUSR2, 0, 0, 0));
    for (int i = 0; i < 50 && !handled_by; i++)
        thread_sleep_ms(5);
    EXPECT_EQ(tid, handled_by);
    EXPECT_EQ(-ESRCH, sys6(SYS_tgkill, getpid() + 1000, tid, SIGUSR2, 0, 0, 0));
    EXPECT_EQ(-EINVAL, sys6(SYS_tgkill, 0, tid, SIGUSR2, 0, 0, 0));
    EXPECT_EQ(-EINVAL, sys6(SYS_tkill, tid, 99, 0, 0, 0, 0));
    EXPECT_EQ(0, sys6(SYS_tkill, tid, 0, 0, 0, 0, 0));
    /* kill() with the leader blocking it: the other thread takes it */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    handled_by = 0;
    EXPECT_EQ(0, kill(getpid(), SIGUSR2));
    for (int i = 0; i < 50 && !handled_by; i++)
        thread_sleep_ms(5);
    EXPECT_EQ(tid, handled_by);
    /* blocked by the leader, sent to the leader alone: pending for it, in sigpending */
    handled_by = 0;
    EXPECT_EQ(0, sys6(SYS_tgkill, getpid(), getpid(), SIGUSR2, 0, 0, 0));
    sigset_t pend;
    sigemptyset(&pend);
    sigpending(&pend);
    EXPECT_TRUE(sigismember(&pend, SIGUSR2));
    sigprocmask(SIG_SETMASK, &old, NULL);
    EXPECT_EQ(getpid(), handled_by);
    stop_spinning = 1;
    join(&ct);
    EXPECT_EQ(-ESRCH, sys6(SYS_tkill, tid, 0, 0, 0, 0, 0)); /* gone */
    signal(SIGUSR2, SIG_DFL);
}

/* ---- fork and exec from a thread ---- */

static long count_status_threads(void);
static volatile long fork_result;
static char *cow_region;
static long sibling_tid;

static long fork_from_thread(void *arg)
{
    (void)arg;
    struct cowos_memstat f0;
    cowos_memstat(&f0);
    pid_t c = fork();
    if (c == 0) {
        /* one thread: ours, with the pid as tid */
        long ok = sys6(SYS_gettid, 0, 0, 0, 0, 0, 0) == getpid() && cow_region[0] == 'a';
        /* the region is copy-on-write: each page written is one fault, one copy
         * (none when the fork copied eagerly: fork=copy, or the cow lab's
         * handout, whose cow_share is not written yet) */
        struct cowos_memstat m0, m1;
        cowos_memstat(&m0);
        cowos_memstat(&m0);
        unsigned long want = m0.fork_pages_copied != f0.fork_pages_copied ? 0 : 4;
        for (int i = 0; i < 4; i++)
            cow_region[i * 4096] = 'c';
        cowos_memstat(&m1);
        if (m1.cow_faults - m0.cow_faults != want || m1.cow_copies - m0.cow_copies != want) {
            printf("# fork from a thread: expected %lu COW faults and copies, got %lu and %lu\n",
                   want, m1.cow_faults - m0.cow_faults, m1.cow_copies - m0.cow_copies);
            ok = 0;
        }
        /* the parent's other threads are not in this process */
        if (sys6(SYS_tgkill, getpid(), sibling_tid, 0, 0, 0, 0) != -ESRCH ||
            count_status_threads() != 1)
            ok = 0;
        _exit(ok ? 0 : 1);
    }
    int st = -1;
    fork_result = waitpid(c, &st, 0) == c && st == 0 ? 1 : -1;
    return 0;
}

static void fork_in_a_thread(void)
{
    cow_region = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_TRUE(cow_region != MAP_FAILED);
    memset(cow_region, 'a', 4 * 4096);
    static volatile int ct, ct2;
    ct = ct2 = -1;
    stop_spinning = 0;
    sibling_tid = start_thread(0, spin_until_told, 0, &ct2); /* a sibling that must not be copied */
    fork_result = 0;
    start_thread(1, fork_from_thread, 0, &ct);
    join(&ct);
    EXPECT_EQ(1, fork_result);
    EXPECT_EQ('a', cow_region[0]); /* the child's write stayed in the child */
    stop_spinning = 1;
    join(&ct2);
    munmap(cow_region, 4 * 4096);
}

/* /proc/self/status counts the threads; kill() with another thread's id
 * reaches the process; a non-leader thread waits for the process's child. */
static long count_status_threads(void)
{
    char buf[1024];
    int fd = open("/proc/self/status", O_RDONLY);
    if (fd < 0)
        return -1;
    long n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *l = strstr(buf, "Threads:");
    return l ? strtol(l + 8, NULL, 10) : -1;
}

static volatile long waited;

static long wait_for_child(void *arg)
{
    int st = -1;
    waited = waitpid((pid_t)(long)arg, &st, 0) == (long)arg && WEXITSTATUS(st) == 4 ? 1 : -1;
    return 0;
}

static void status_kill_and_wait(void)
{
    static volatile int ct, ct2;
    ct = ct2 = -1;
    stop_spinning = 0;
    EXPECT_EQ(1, count_status_threads());
    long tid = start_thread(0, spin_until_told, 0, &ct2);
    EXPECT_EQ(2, count_status_threads());
    /* /proc/self/task: one directory per thread, each with its status */
    DIR *d = opendir("/proc/self/task");
    EXPECT_TRUE(d != NULL);
    int entries = 0, found_tid = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        entries++;
        found_tid |= strtol(e->d_name, NULL, 10) == tid;
    }
    if (d)
        closedir(d);
    EXPECT_EQ(2, entries);
    EXPECT_TRUE(found_tid);
    char path[64], buf[512];
    snprintf(path, sizeof(path), "/proc/self/task/%ld/status", tid);
    int fd = open(path, O_RDONLY);
    EXPECT_TRUE(fd >= 0);
    long n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = 0;
    char want[32];
    snprintf(want, sizeof(want), "Pid:\t%ld\n", tid);
    EXPECT_TRUE(strstr(buf, want) != NULL);
    snprintf(want, sizeof(want), "Tgid:\t%d\n", getpid());
    EXPECT_TRUE(strstr(buf, want) != NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = record_tid;
    sigaction(SIGUSR2, &sa, NULL);
    handled_by = 0;
    EXPECT_EQ(0, kill((pid_t)tid, SIGUSR2)); /* the process: the leader takes it */
    EXPECT_EQ(getpid(), handled_by);
    signal(SIGUSR2, SIG_DFL);
    pid_t c = fork();
    if (c == 0) {
        thread_sleep_ms(20);
        _exit(4);
    }
    waited = 0;
    start_thread(1, wait_for_child, (void *)(long)c, &ct);
    join(&ct);
    EXPECT_EQ(1, waited);
    stop_spinning = 1;
    join(&ct2);
    EXPECT_EQ(1, count_status_threads());
}

/* SIGSTOP stops every thread; SIGCONT continues them all. */
static volatile int ticks_b;

static long tick_b(void *arg)
{
    (void)arg;
    for (;;) {
        ticks_b++;
        thread_sleep_ms(2);
    }
    return 0;
}

static void stop_and_continue_the_group(void)
{
    volatile int *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    EXPECT_TRUE(sh != MAP_FAILED);
    sh[0] = sh[1] = 0;
    pid_t c = fork();
    if (c == 0) {
        static volatile int ct;
        ct = -1;
        start_thread(0, tick_b, 0, &ct);
        for (;;) {
            sh[0]++;
            sh[1] = ticks_b;
            thread_sleep_ms(2);
        }
    }
    thread_sleep_ms(30);
    EXPECT_EQ(0, kill(c, SIGSTOP));
    int st = -1;
    EXPECT_EQ(c, waitpid(c, &st, WUNTRACED));
    EXPECT_TRUE(WIFSTOPPED(st));
    thread_sleep_ms(20); /* what was on its way out settles */
    int a = sh[0], b = sh[1];
    thread_sleep_ms(50);
    EXPECT_EQ(a, sh[0]); /* the leader is stopped */
    EXPECT_EQ(b, sh[1]); /* and so is the other thread (the leader copies its count) */
    EXPECT_EQ(0, kill(c, SIGCONT));
    EXPECT_EQ(c, waitpid(c, &st, WCONTINUED));
    EXPECT_TRUE(WIFCONTINUED(st));
    thread_sleep_ms(50);
    EXPECT_TRUE(sh[0] > a);
    EXPECT_TRUE(sh[1] > b);
    EXPECT_EQ(0, kill(c, SIGKILL));
    EXPECT_EQ(c, waitpid(c, &st, 0));
    EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    munmap((void *)sh, 4096);
}

/* sigwait in a thread: every thread blocks SIGUSR1 and SIGTERM; one
 * waits for them; kill() on the process reaches it (not a handler, not
 * death). sigtimedwait polls and times out with EAGAIN. */
static volatile int waited_sig, waited_code, waited_pid;

static long sigwaiter(void *arg)
{
    (void)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    waited_sig = sigwaitinfo(&set, &info);
    waited_code = info.si_code;
    waited_pid = info.si_pid;
    int sig = 0;
    if (sigwait(&set, &sig) == 0 && sig == SIGTERM)
        waited_sig += 100;
    return 0;
}

static void sigwait_in_a_thread(void)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, &old); /* the new thread inherits it */
    struct timespec zero = {0, 0}, short_ts = {0, 30 * 1000000L}, bad = {0, -1};
    EXPECT_ERR(EAGAIN, sigtimedwait(&set, NULL, &zero));
    EXPECT_ERR(EAGAIN, sigtimedwait(&set, NULL, &short_ts));
    EXPECT_ERR(EINVAL, sigtimedwait(&set, NULL, &bad));
    EXPECT_ERR(EFAULT, sigtimedwait((sigset_t *)16, NULL, &zero));
    raise(SIGUSR1); /* pending for this thread: taken at once */
    EXPECT_EQ(SIGUSR1, sigtimedwait(&set, NULL, &zero));
    static volatile int ct;
    ct = -1;
    waited_sig = 0;
    start_thread(7, sigwaiter, 0, &ct);
    thread_sleep_ms(20);
    EXPECT_EQ(0, kill(getpid(), SIGUSR1));
    thread_sleep_ms(20);
    EXPECT_EQ(SIGUSR1, waited_sig);
    EXPECT_EQ(SI_USER, waited_code);
    EXPECT_EQ(getpid(), waited_pid);
    EXPECT_EQ(0, kill(getpid(), SIGTERM)); /* blocked everywhere: waited for, not fatal */
    join(&ct);
    EXPECT_EQ(SIGUSR1 + 100, waited_sig);
    sigset_t pend;
    sigpending(&pend);
    EXPECT_TRUE(!sigismember(&pend, SIGTERM) && !sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Hostile arguments to the new calls: nothing may crash the kernel or
 * leak; each answer is one of the errors the call documents. */
static unsigned long rnd_state = 12345;
static unsigned long rnd(void)
{
    rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
    return rnd_state >> 11;
}

static long wild_pointer(void)
{
    static int word;
    switch (rnd() % 6) {
    case 0: return 0;
    case 1: return 16;
    case 2: return (long)&word + (long)(rnd() % 4);
    case 3: return (long)0xffff800000000000UL + (long)(rnd() % 4096) * 8;
    case 4: return (long)0x00007fffffffe000UL;
    default: return (long)&word;
    }
}

/* What a futex call may answer here. (One chain of && and != over these
 * values is miscompiled by GCC 12.2 at -O2: it calls 0 an error.) */
static int futex_result_ok(long r)
{
    if (r >= -EAGAIN)
        return 1; /* a count, 0, EAGAIN or EPERM */
    switch (r) {
    case -EFAULT:
    case -EINVAL:
    case -ENOSYS:
    case -ETIMEDOUT:
        return 1;
    default:
        return 0;
    }
}

/* Is r one of the n values that follow? */
static int one_of(long r, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    int found = 0;
    for (int i = 0; i < n; i++)
        found |= va_arg(ap, long) == r;
    va_end(ap);
    return found;
}

static void hostile_arguments(void)
{
    int bad = 0;
    for (int i = 0; i < 3000; i++) {
        long r = 0;
        int before = bad;
        unsigned long what = rnd() % 5;
        switch (what) {
        case 0: { /* futex: every op, wild words and timeouts, never a long wait */
            static struct timespec ts;
            ts.tv_sec = (long)(rnd() % 3) - 1;
            ts.tv_nsec = (long)(rnd() % 3) * 999999999L - 1;
            int op = (int)(rnd() % 16) | (rnd() % 2 ? FUTEX_PRIVATE : 0) |
                     (rnd() % 4 == 0 ? FUTEX_CLOCK_REALTIME : 0);
            long t = rnd() % 3 == 0 ? wild_pointer() : (long)&ts;
            if (t == 0 && (op & 127) != FUTEX_WAKE && (op & 127) != FUTEX_WAKE_BITSET)
                t = (long)&ts; /* no timeout: a wait could sleep for ever */
            r = sys6(SYS_futex, wild_pointer(), op, (long)(rnd() % 3) - 1, t, wild_pointer(),
                     (long)rnd());
            if (!futex_result_ok(r)) {
                bad++;
                printf("# futex op %d timeout %lx: %ld\n", op, t, r);
            }
            break;
        }
        case 1: { /* arch_prctl: wild codes; a SET_FS is undone at once */
            unsigned long old = 0;
            sys6(SYS_arch_prctl, ARCH_GET_FS, (long)&old, 0, 0, 0, 0);
            r = sys6(SYS_arch_prctl, 0x1000 + (long)(rnd() % 8), wild_pointer(), 0, 0, 0, 0);
            sys6(SYS_arch_prctl, ARCH_SET_FS, (long)old, 0, 0, 0, 0);
            bad += !one_of(r, 4, 0L, (long)-EINVAL, (long)-EFAULT, (long)-EPERM);
            break;
        }
        case 2: /* tkill/tgkill with signal 0 or an invalid one */
            r = sys6(rnd() % 2 ? SYS_tkill : SYS_tgkill, (long)(rnd() % 3000) - 5,
                     (long)(rnd() % 3000) - 5, rnd() % 2 ? 0 : 65 + (long)(rnd() % 100), 0, 0, 0);
            bad += !one_of(r, 3, 0L, (long)-EINVAL, (long)-ESRCH);
            break;
        case 3: /* getcpu with wild pointers */
            r = sys6(SYS_getcpu, wild_pointer(), wild_pointer(), wild_pointer(), 0, 0, 0);
            bad += !one_of(r, 2, 0L, (long)-EFAULT);
            break;
        default: /* clone with a flag it refuses, whatever else is set */
            r = sys6(SYS_clone, (long)(rnd() & ~0xffUL) | CLONE_PARENT, wild_pointer(),
                     wild_pointer(), wild_pointer(), wild_pointer(), 0);
            bad += !one_of(r, 2, (long)-EINVAL, (long)-EPERM);
            break;
        }
        if (bad != before && bad < 4)
            printf("# hostile call %d (kind %lu): unexpected result %ld\n", i, what, r);
    }
    EXPECT_EQ(0, bad);
}

static long exec_true(void *arg)
{
    (void)arg;
    char *argv[] = {"true", NULL};
    execv("/bin/true", argv);
    return 1;
}

static void exec_in_a_thread(void)
{
    pid_t c = fork();
    if (c == 0) {
        static volatile int ct, ct2;
        ct = ct2 = -1;
        start_thread(0, sleep_forever, 0, &ct2);
        start_thread(1, exec_true, 0, &ct);
        for (;;)
            thread_sleep_ms(1000);
    }
    int st = -1;
    EXPECT_EQ(c, waitpid(c, &st, 0)); /* /bin/true ran with our pid */
    EXPECT_TRUE(WIFEXITED(st));
    EXPECT_EQ(0, WEXITSTATUS(st));
}

static void run_all(void)
{
    creation_and_ids();
    many_threads_share();
    create_and_join_in_a_loop();
    clone_flag_rules();
    clone_as_fork();
    clone_as_vfork();
    futex_errors();
    futex_wake_and_bitset();
    futex_requeue();
    futex_across_fork();
    futex_eintr();
    tls_through_fs();
    exit_and_exit_group();
    signals_to_threads();
    fork_in_a_thread();
    exec_in_a_thread();
    status_kill_and_wait();
    stop_and_continue_the_group();
    hostile_arguments();
    sigwait_in_a_thread();
}

/* Run everything in a child; its exit status is the verdict. */
static int run_in_child(void)
{
    pid_t c = fork();
    if (c == 0) {
        alarm(60); /* a hang fails the test instead of stalling the suite */
        run_all();
        utest_exit();
    }
    int st = -1;
    waitpid(c, &st, 0);
    return st;
}

int main(void)
{
    EXPECT_EQ(0, run_in_child()); /* the first run fills caches (/bin/true's pages, ...) */
    struct cowos_memstat m0, m1;
    cowos_memstat(&m0);
    cowos_memstat(&m0);
    EXPECT_EQ(0, run_in_child());
    cowos_memstat(&m1);
    /* Every thread's stack, slot and page came back. */
    EXPECT_EQ((long)m0.frames_free, (long)m1.frames_free);
    EXPECT_EQ((long)m0.pt_pages, (long)m1.pt_pages);
    utest_exit();
}
