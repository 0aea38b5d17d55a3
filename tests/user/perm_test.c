/*
 * perm_test.c - what a process may do to others (README "What a process may
 * do to others"): only pid 1 powers off (a setsid orphan adopted by init is
 * refused), the shell asks init through its request pipe and its programs
 * never hold that pipe, kill(-1) spares init and the caller, signals to init
 * do nothing, and vmmap reaches only the caller's own line of descent.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <cowos.h>
#include "utest.h"

#define PROBE "--request-fd-closed"

/* Sleep until killed, or until the parent is gone (so a failing run leaves
 * nothing behind). */
static _Noreturn void linger(pid_t parent)
{
    struct timespec tick = {0, 10 * 1000 * 1000};
    while (getppid() == parent)
        nanosleep(&tick, NULL);
    _exit(0);
}

/* Status 1 on purpose: if the kernel wrongly lets the call through, QEMU
 * ends with failure and the test run is cut short, so make test fails. */
static void poweroff_is_for_init_only(void)
{
    EXPECT_ERR(EPERM, cowos_poweroff(1));
    /* A child leads a new session and is orphaned: init adopts it. Before
     * the fix, such a session leader under init could power off. */
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    pid_t c = fork();
    if (c == 0) {
        if (fork() == 0) {
            setsid();
            for (int i = 0; i < 1000 && getppid() != 1; i++)
                sched_yield();
            int result[3] = {getppid(), cowos_poweroff(1), errno};
            write(fds[1], result, sizeof(result));
            _exit(0);
        }
        _exit(0);
    }
    close(fds[1]);
    waitpid(c, NULL, 0);
    int result[3] = {0, 0, 0};
    EXPECT_EQ(sizeof(result), read(fds[0], result, sizeof(result)));
    EXPECT_EQ(1, result[0]);  /* adopted by init */
    EXPECT_EQ(-1, result[1]); /* refused ... */
    EXPECT_EQ(EPERM, result[2]); /* ... with EPERM */
    close(fds[0]);
}

/* Run argv in a child whose COWOS_INIT_REQUEST_FD is the write end of a new
 * pipe (when with_pipe), as init does for its shell. Returns the wait
 * status; *request gets the byte the child wrote there, or -1 if none. */
static int run_with_request_pipe(char *const argv[], int with_pipe, int *request)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t c = fork();
    if (c == 0) {
        close(fds[0]);
        if (with_pipe)
            dup2(fds[1], COWOS_INIT_REQUEST_FD);
        else
            close(COWOS_INIT_REQUEST_FD);
        close(fds[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    int status = -1;
    waitpid(c, &status, 0);
    unsigned char byte;
    *request = read(fds[0], &byte, 1) == 1 ? byte : -1;
    close(fds[0]);
    return status;
}

static void the_shell_asks_init_and_only_its_own_pipe_counts(void)
{
    int request;
    /* A shell without init's pipe: refused (exit 1), nothing else happens. */
    char *refused[] = {"/bin/sh", "-c", "poweroff 3", NULL};
    EXPECT_EQ(1 << 8, run_with_request_pipe(refused, 0, &request));
    EXPECT_EQ(-1, request);
    /* With it: the status byte on the pipe, and the shell exits 0. */
    char *asks[] = {"/bin/sh", "-c", "poweroff 7; echo not reached", NULL};
    EXPECT_EQ(0, run_with_request_pipe(asks, 1, &request));
    EXPECT_EQ(7, request);
    /* A program the shell runs does not hold the pipe (the probe exits 0
     * when its COWOS_INIT_REQUEST_FD is closed), so it cannot ask. */
    char *probe[] = {"/bin/sh", "-c", "/tests/perm_test " PROBE, NULL};
    EXPECT_EQ(0, run_with_request_pipe(probe, 1, &request));
    EXPECT_EQ(-1, request);
}

static int probe_request_fd_closed(void)
{
    char x = 0;
    errno = 0;
    long r = write(COWOS_INIT_REQUEST_FD, &x, 1);
    if (r == -1 && errno == EBADF)
        return 0;
    printf("# write to descriptor %d: expected -1 (EBADF), got %ld (errno %d)\n",
           COWOS_INIT_REQUEST_FD, r, errno);
    return 1;
}

static void kill_minus_one_spares_init_and_the_caller(void)
{
    pid_t me = getpid();
    pid_t a = fork();
    if (a == 0)
        linger(me);
    pid_t b = fork();
    if (b == 0)
        linger(me);
    EXPECT_EQ(0, kill(-1, SIGKILL)); /* we are still here to check */
    int sa = -1, sb = -1;
    EXPECT_EQ(a, waitpid(a, &sa, 0));
    EXPECT_EQ(b, waitpid(b, &sb, 0));
    EXPECT_TRUE(WIFSIGNALED(sa) && WTERMSIG(sa) == SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(sb) && WTERMSIG(sb) == SIGKILL);
    EXPECT_EQ(1, getppid()); /* init (the test runner) lives */
    EXPECT_EQ(0, kill(1, 0));
}

static void signals_to_init_do_nothing(void)
{
    /* As on Linux: init has no handler, so these are accepted and dropped. */
    EXPECT_EQ(0, kill(1, SIGKILL));
    EXPECT_EQ(0, kill(1, SIGTERM));
    EXPECT_EQ(0, kill(1, SIGSEGV));
    sched_yield();
    EXPECT_EQ(1, getppid()); /* had init died, the machine would have ended */
    EXPECT_EQ(0, kill(1, 0));
}

static long vmmap_count(pid_t pid) { return cowos_syscall(SYS_vmmap, pid, 0, 0, 0, 0, 0); }

static void vmmap_reaches_only_the_line_of_descent(void)
{
    EXPECT_TRUE(vmmap_count(0) > 0);            /* itself */
    EXPECT_TRUE(vmmap_count(getpid()) > 0);     /* itself by pid */
    EXPECT_TRUE(vmmap_count(1) > 0);            /* an ancestor: init */
    pid_t me = getpid();
    pid_t a = fork();
    if (a == 0)
        linger(me);
    EXPECT_TRUE(vmmap_count(a) > 0);            /* a child */
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    pid_t b = fork();
    if (b == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0)
            linger(getppid());
        long r[4] = {vmmap_count(a), vmmap_count(me), vmmap_count(grandchild), 0};
        write(fds[1], r, sizeof(r));
        kill(grandchild, SIGKILL);
        waitpid(grandchild, NULL, 0);
        _exit(0);
    }
    long r[4] = {0, 0, 0, 0};
    EXPECT_EQ(sizeof(r), read(fds[0], r, sizeof(r)));
    EXPECT_EQ(-EPERM, r[0]);                    /* a sibling: refused */
    EXPECT_TRUE(r[1] > 0);                      /* its parent: allowed */
    EXPECT_TRUE(r[2] > 0);                      /* its own child: allowed */
    waitpid(b, NULL, 0);
    EXPECT_EQ(-ESRCH, vmmap_count(b));          /* reaped: no such process */
    kill(a, SIGKILL);
    waitpid(a, NULL, 0);
    close(fds[0]);
    close(fds[1]);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], PROBE) == 0)
        return probe_request_fd_closed();
    poweroff_is_for_init_only();
    the_shell_asks_init_and_only_its_own_pipe_counts();
    kill_minus_one_spares_init_and_the_caller();
    signals_to_init_do_nothing();
    vmmap_reaches_only_the_line_of_descent();
    utest_exit();
}
