/*
 * signal_handler_test.c - handlers and their frames: siginfo, masks,
 * SA_RESETHAND/SA_NODEFER/SA_RESTART, EINTR, caught faults (si_addr),
 * forced faults that kill, the FPU state surviving a handler, 10,000
 * signals counted exactly, hostile sigreturn frames, SIGPIPE, SIGCHLD,
 * fork and exec inheritance, stop/continue in wait, WCOREDUMP.
 */
#define _GNU_SOURCE /* glibc: REG_RIP and friends in <ucontext.h> (the host check) */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "utest.h"

static volatile int hits, last_sig, last_code, last_pid, blocked_inside;
static void *volatile last_addr;

static void on_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    last_sig = si->si_signo == sig ? sig : -1;
    last_code = si->si_code;
    last_pid = si->si_pid;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    blocked_inside = sigismember(&now, sig);
}

static void on_plain(int sig)
{
    (void)sig;
    hits++;
}

static void set(int sig, void (*fn)(int, siginfo_t *, void *), void (*plain)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    if (fn)
        sa.sa_sigaction = fn;
    else
        sa.sa_handler = plain;
    sa.sa_flags = flags | (fn ? SA_SIGINFO : 0);
    sigemptyset(&sa.sa_mask);
    EXPECT_EQ(0, sigaction(sig, &sa, NULL));
}

static int child_status(pid_t c)
{
    int st = -1;
    EXPECT_EQ(c, waitpid(c, &st, 0));
    return st;
}

static void handler_gets_siginfo_and_mask(void)
{
    hits = 0;
    set(SIGUSR1, on_info, NULL, 0);
    EXPECT_EQ(0, raise(SIGUSR1));
    EXPECT_EQ(1, hits);
    EXPECT_EQ(SIGUSR1, last_sig);
    EXPECT_EQ(SI_TKILL, last_code); /* raise is tgkill to the calling thread, as glibc */
    EXPECT_EQ(getpid(), last_pid);
    EXPECT_EQ(1, blocked_inside); /* blocked while its handler runs */
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    EXPECT_EQ(0, sigismember(&now, SIGUSR1)); /* and unblocked after sigreturn */
    set(SIGUSR1, on_info, NULL, SA_NODEFER);
    raise(SIGUSR1);
    EXPECT_EQ(0, blocked_inside);
    set(SIGUSR1, on_info, NULL, SA_RESETHAND);
    raise(SIGUSR1);
    struct sigaction old;
    EXPECT_EQ(0, sigaction(SIGUSR1, NULL, &old));
    EXPECT_TRUE(old.sa_handler == SIG_DFL);
    EXPECT_EQ(3, hits);
}

static void sigaction_errors(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_plain;
    EXPECT_ERR(EINVAL, sigaction(SIGKILL, &sa, NULL));
    EXPECT_ERR(EINVAL, sigaction(SIGSTOP, &sa, NULL));
    EXPECT_ERR(EINVAL, sigaction(0, &sa, NULL));
    EXPECT_ERR(EINVAL, sigaction(65, &sa, NULL));
    EXPECT_EQ(0, sigaction(SIGKILL, NULL, &sa)); /* reading is fine */
    sa.sa_flags = SA_ONSTACK; /* no sigaltstack: refused, not ignored */
    EXPECT_ERR(EINVAL, sigaction(SIGUSR2, &sa, NULL));
    EXPECT_ERR(EINVAL, sigprocmask(99, &(sigset_t){0}, NULL));
    EXPECT_ERR(EFAULT, sigprocmask(SIG_BLOCK, (sigset_t *)8, NULL));
    sigset_t s;
    sigemptyset(&s);
    EXPECT_ERR(EINVAL, sigaddset(&s, 0));
    EXPECT_ERR(EINVAL, sigaddset(&s, 65));
    EXPECT_TRUE(signal(SIGKILL, SIG_IGN) == SIG_ERR);
    EXPECT_EQ(0, strcmp("Interrupt", strsignal(SIGINT)));
}

static void blocked_signals_do_not_queue(void)
{
    hits = 0;
    set(SIGUSR2, NULL, on_plain, 0);
    sigset_t b, old, pend;
    sigemptyset(&b);
    sigaddset(&b, SIGUSR2);
    sigaddset(&b, SIGKILL); /* silently left out, as on Linux */
    EXPECT_EQ(0, sigprocmask(SIG_BLOCK, &b, &old));
    raise(SIGUSR2);
    raise(SIGUSR2);
    raise(SIGUSR2);
    EXPECT_EQ(0, hits);
    EXPECT_EQ(0, sigpending(&pend));
    EXPECT_EQ(1, sigismember(&pend, SIGUSR2));
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    EXPECT_EQ(0, sigismember(&now, SIGKILL));
    EXPECT_EQ(0, sigprocmask(SIG_SETMASK, &old, NULL));
    EXPECT_EQ(1, hits); /* three sends, one delivery */
    /* ignoring a pending signal discards it */
    sigprocmask(SIG_BLOCK, &b, NULL);
    raise(SIGUSR2);
    signal(SIGUSR2, SIG_IGN);
    sigpending(&pend);
    EXPECT_EQ(0, sigismember(&pend, SIGUSR2));
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR2, SIG_DFL);
}

static volatile double fpu_seen;
static void fpu_handler(int sig)
{
    volatile double x = 1.0;
    for (int i = 0; i < 50; i++)
        x = x * 3.25 + sig;
    fpu_seen = x;
}

static void fpu_survives_a_handler(void)
{
    set(SIGUSR1, NULL, fpu_handler, 0);
    volatile double a = 1.5, b = 2.25;
    double c = a * b; /* live in an xmm register across raise */
    raise(SIGUSR1);
    double d = c + a;
    EXPECT_TRUE(fpu_seen != 0);
    EXPECT_TRUE(d == 1.5 * 2.25 + 1.5);
    signal(SIGUSR1, SIG_DFL);
}

static char *page;
static void fix_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    hits++;
    last_addr = si->si_addr;
    last_code = si->si_code;
    mprotect(page, 4096, PROT_READ | PROT_WRITE); /* the write is retried and succeeds */
}

static void caught_fault_with_si_addr(void)
{
    page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!(page != MAP_FAILED)) { EXPECT_TRUE(page != MAP_FAILED); return; }
    hits = 0;
    set(SIGSEGV, fix_segv, NULL, 0);
    *(volatile char *)&page[100] = 7;
    EXPECT_EQ(1, hits);
    EXPECT_TRUE(last_addr == page + 100);
    EXPECT_EQ(SEGV_ACCERR, last_code);
    EXPECT_EQ(7, page[100]);
    munmap(page, 4096);
    signal(SIGSEGV, SIG_DFL);
}

static void fault_in_handler(int sig)
{
    (void)sig;
    *(volatile int *)0 = 1; /* SIGSEGV again, blocked: forced, kills */
}

static void fault_while_blocked_kills_with_core(void)
{
    pid_t c = fork();
    if (c == 0) {
        signal(SIGSEGV, fault_in_handler);
        *(volatile int *)0 = 1;
        _exit(0);
    }
    int st = child_status(c);
    EXPECT_TRUE(WIFSIGNALED(st));
    EXPECT_EQ(SIGSEGV, WTERMSIG(st));
    EXPECT_TRUE(WCOREDUMP(st) != 0);
    c = fork();
    if (c == 0)
        for (;;)
            pause();
    kill(c, SIGTERM);
    st = child_status(c);
    EXPECT_EQ(SIGTERM, WTERMSIG(st));
    EXPECT_EQ(0, WCOREDUMP(st)); /* SIGTERM's default has no core */
    c = fork();
    if (c == 0) {
        raise(SIGQUIT);
        _exit(0);
    }
    st = child_status(c);
    EXPECT_EQ(SIGQUIT | 0x80, st);
}

/* A child that sends us sig every 50 ms until it is killed (no race with
 * the call it interrupts, however slow the machine). */
static pid_t pester(int sig)
{
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0)
        for (;;) {
            struct timespec t = {0, 50 * 1000 * 1000};
            nanosleep(&t, NULL);
            kill(parent, sig);
        }
    return c;
}

static void stop_pester(pid_t c)
{
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
}

static void eintr_and_restart(void)
{
    int p[2];
    if (pipe(p) != 0) {
        EXPECT_TRUE(0);
        return;
    }
    char ch;
    set(SIGALRM, NULL, on_plain, 0); /* no SA_RESTART */
    pid_t pest = pester(SIGALRM);
    EXPECT_ERR(EINTR, read(p[0], &ch, 1));
    /* nanosleep reports the time left */
    struct timespec req = {5, 0}, rem = {0, 0};
    EXPECT_ERR(EINTR, nanosleep(&req, &rem));
    EXPECT_TRUE(rem.tv_sec <= 4 && rem.tv_sec >= 3);
    EXPECT_ERR(EINTR, pause());
    sigset_t none;
    sigemptyset(&none);
    EXPECT_ERR(EINTR, sigsuspend(&none));
    /* SA_RESTART: the read goes on after the handlers, until data comes */
    set(SIGALRM, NULL, on_plain, SA_RESTART);
    pid_t c = fork();
    if (c == 0) {
        struct timespec t = {1, 0};
        nanosleep(&t, NULL);
        write(p[1], "x", 1);
        _exit(0);
    }
    hits = 0;
    EXPECT_EQ(1, read(p[0], &ch, 1));
    EXPECT_TRUE(hits >= 2);
    stop_pester(pest);
    EXPECT_EQ(0, WEXITSTATUS(child_status(c)));
    /* alarm: SIGALRM after the time, and what was left of the previous one */
    set(SIGALRM, NULL, on_plain, 0);
    hits = 0;
    alarm(1);
    while (hits == 0)
        pause();
    EXPECT_EQ(0, alarm(0));
    alarm(100);
    EXPECT_TRUE(alarm(0) >= 99);
    close(p[0]);
    close(p[1]);
    signal(SIGALRM, SIG_DFL);
}

static void sigpipe_kills_or_is_epipe(void)
{
    int p[2];
    if (pipe(p) != 0) { EXPECT_TRUE(0); return; }
    close(p[0]);
    pid_t c = fork();
    if (c == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    int st = child_status(c);
    EXPECT_TRUE(WIFSIGNALED(st));
    EXPECT_EQ(SIGPIPE, WTERMSIG(st));
    signal(SIGPIPE, SIG_IGN);
    EXPECT_ERR(EPIPE, write(p[1], "x", 1));
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);
}

static void sigchld_reports_the_exit(void)
{
    hits = 0;
    set(SIGCHLD, on_info, NULL, 0);
    pid_t c = fork();
    if (c == 0)
        _exit(3);
    while (hits == 0)
        pause();
    EXPECT_EQ(c, last_pid);
    EXPECT_EQ(CLD_EXITED, last_code);
    child_status(c);
    /* SIGCHLD ignored leaves no zombie: reap_test (the fork lab's) */
}

static void fork_inherits_exec_resets(char *self)
{
    set(SIGUSR1, NULL, on_plain, 0);
    signal(SIGUSR2, SIG_IGN);
    sigset_t b, old;
    sigemptyset(&b);
    sigaddset(&b, SIGHUP);
    sigprocmask(SIG_BLOCK, &b, &old);
    raise(SIGHUP); /* pending in the parent, not in the child */
    pid_t c = fork();
    if (c == 0) {
        sigset_t pend;
        sigpending(&pend);
        hits = 0;
        raise(SIGUSR1);
        if (hits != 1 || sigismember(&pend, SIGHUP))
            _exit(1);
        char *argv[] = {self, "exec-child", NULL};
        execv(self, argv);
        _exit(2);
    }
    EXPECT_EQ(0, WEXITSTATUS(child_status(c)));
    signal(SIGHUP, SIG_IGN); /* discard the pending one */
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

/* After exec: SIGUSR1 (caught before) is default, SIGUSR2 still ignored, SIGHUP still blocked. */
static int exec_child(void)
{
    struct sigaction a;
    sigaction(SIGUSR1, NULL, &a);
    if (a.sa_handler != SIG_DFL)
        return 3;
    sigaction(SIGUSR2, NULL, &a);
    if (a.sa_handler != SIG_IGN)
        return 4;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    return sigismember(&now, SIGHUP) ? 0 : 5;
}

static volatile unsigned long *shared;
static void count_usr1(int sig)
{
    (void)sig;
    shared[0]++;
}

static void ten_thousand_signals(void)
{
    shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!(shared != MAP_FAILED)) { EXPECT_TRUE(shared != MAP_FAILED); return; }
    shared[0] = 0;
    set(SIGUSR1, NULL, count_usr1, 0);
    pid_t c = fork();
    if (c == 0) {
        for (volatile unsigned long spin = 0;; spin++)
            if (shared[1])
                _exit(shared[0] == 10000 ? 0 : 1);
    }
    signal(SIGUSR1, SIG_DFL);
    unsigned long lost = 0;
    for (unsigned long i = 1; i <= 10000; i++) {
        kill(c, SIGUSR1);
        int spins = 0;
        while (shared[0] < i && spins++ < 100000)
            sched_yield();
        if (shared[0] != i)
            lost++;
    }
    shared[1] = 1;
    EXPECT_EQ(0, lost);
    EXPECT_EQ(10000, shared[0]);
    EXPECT_EQ(0, child_status(c));
    munmap((void *)shared, 4096);
}

static unsigned long rng = 12345;
static unsigned long next_rand(void)
{
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return rng >> 11;
}

static void scribble(int sig, siginfo_t *si, void *ucv)
{
    (void)sig, (void)si;
    ucontext_t *uc = ucv;
    unsigned long r = next_rand();
    greg_t *g = uc->uc_mcontext.gregs;
    switch (r % 6) {
    case 0: g[REG_RIP] = (greg_t)next_rand() << (r % 20); break;
    case 1: g[REG_CSGSFS] = (greg_t)next_rand(); break;
    case 2: g[REG_EFL] = (greg_t)~0UL; g[REG_RIP] = 0; break;
    case 3: uc->uc_mcontext.fpregs = (void *)next_rand(); break;
    case 4: memset(uc->uc_mcontext.fpregs, 0xff, 512); break;
    default: g[REG_RSP] = (greg_t)next_rand() << 16; break;
    }
}

static void hostile_sigreturn_frames(void)
{
    for (int i = 0; i < 60; i++) {
        next_rand();
        pid_t c = fork();
        if (c == 0) {
            set(SIGUSR1, scribble, NULL, 0);
            raise(SIGUSR1);
            _exit(0); /* some scribbles are harmless (flags are masked) */
        }
        int st = child_status(c);
        EXPECT_TRUE(WIFEXITED(st) || WIFSIGNALED(st));
    }
    /* a raw rt_sigreturn with no frame at all */
    pid_t c = fork();
    if (c == 0) {
        __asm__ volatile("mov %0, %%rsp; mov $44, %%eax; syscall" ::"r"(0x1000UL) : "memory");
        _exit(0);
    }
    EXPECT_EQ(SIGSEGV, WTERMSIG(child_status(c)));
}

static void stop_and_continue_in_wait(void)
{
    pid_t c = fork();
    if (c == 0)
        for (;;)
            pause();
    int st;
    EXPECT_EQ(0, kill(c, SIGSTOP));
    EXPECT_EQ(c, waitpid(c, &st, WUNTRACED));
    EXPECT_TRUE(WIFSTOPPED(st));
    EXPECT_EQ(SIGSTOP, WSTOPSIG(st));
    EXPECT_EQ(0, waitpid(c, &st, WUNTRACED | WNOHANG)); /* reported once */
    EXPECT_EQ(0, kill(c, SIGCONT));
    EXPECT_EQ(c, waitpid(c, &st, WCONTINUED));
    EXPECT_TRUE(WIFCONTINUED(st));
    kill(c, SIGSTOP);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    EXPECT_EQ(0, waitid(P_PID, c, &si, WSTOPPED));
    EXPECT_EQ(CLD_STOPPED, si.si_code);
    EXPECT_EQ(c, si.si_pid);
    EXPECT_EQ(SIGSTOP, si.si_status);
    kill(c, SIGKILL); /* SIGKILL ends a stopped process */
    memset(&si, 0, sizeof(si));
    EXPECT_EQ(0, waitid(P_PID, c, &si, WEXITED | WNOWAIT));
    EXPECT_EQ(CLD_KILLED, si.si_code);
    EXPECT_EQ(c, waitpid(c, &st, 0)); /* WNOWAIT left it there */
    EXPECT_EQ(SIGKILL, WTERMSIG(st));
    EXPECT_ERR(EINVAL, waitid(P_ALL, 0, &si, WNOHANG)); /* no event asked for */
    EXPECT_ERR(EINVAL, waitpid(-1, &st, 0x40));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exec-child") == 0)
        return exec_child();
    handler_gets_siginfo_and_mask();
    sigaction_errors();
    blocked_signals_do_not_queue();
    fpu_survives_a_handler();
    caught_fault_with_si_addr();
    fault_while_blocked_kills_with_core();
    eintr_and_restart();
    sigpipe_kills_or_is_epipe();
    sigchld_reports_the_exit();
    fork_inherits_exec_resets("/tests/signal_handler_test");
    ten_thousand_signals();
    hostile_sigreturn_frames();
    stop_and_continue_in_wait();
    utest_exit();
}
