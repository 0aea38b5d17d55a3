/*
 * signal_test.c - faults become signals in the parent's wait status, kill()
 * terminates, and the kernel survives all of it.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include "utest.h"

/* Run fn in a child and return its wait status. */
static int status_of(void (*fn)(void))
{
    pid_t c = fork();
    if (c == 0) {
        fn();
        _exit(0);
    }
    int status = 0;
    waitpid(c, &status, 0);
    return status;
}

static void null_write(void) { *(volatile int *)0 = 1; }
static void kernel_read(void) { (void)*(volatile long *)0xffffffff80100000UL; }
static void noncanonical(void) { (void)*(volatile long *)0x0000900000000000UL; }
static void bad_opcode(void) { __asm__ volatile("ud2"); }
static void breakpoint(void) { __asm__ volatile("int3"); }
static void privileged(void) { __asm__ volatile("cli"); }
static void divide(void)
{
    volatile int zero = 0, seven = 7; /* volatile: gcc may not fold 1/x into a compare */
    volatile int x = seven / zero;
    (void)x;
}
static void write_text(void);
static void write_text(void) { *(volatile unsigned char *)(void *)write_text = 0xc3; }
static void aborts(void) { abort(); }
static void self_kill(void) { kill(getpid(), SIGTERM); }

static void expect_signal(int sig, void (*fn)(void), const char *what)
{
    int status = status_of(fn);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != sig)
        printf("# %s: expected signal %d, got status 0x%x\n", what, sig, status);
    EXPECT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(sig, WTERMSIG(status));
}

static void kill_a_sleeping_child(void)
{
    pid_t c = fork();
    if (c == 0) {
        for (;;)
            sleep(10);
    }
    sched_yield();
    EXPECT_EQ(0, kill(c, 0)); /* it exists */
    EXPECT_EQ(0, kill(c, SIGKILL));
    int status;
    EXPECT_EQ(c, waitpid(c, &status, 0));
    EXPECT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(SIGKILL, WTERMSIG(status));
    EXPECT_ERR(ESRCH, kill(c, SIGKILL)); /* reaped: gone */
    EXPECT_ERR(EINVAL, kill(getpid(), 999));
    EXPECT_ERR(EINVAL, kill(getpid(), -1));
}

static void kill_a_spinning_child(void)
{
    pid_t c = fork();
    if (c == 0) {
        for (volatile int i = 0;; i++)
            ;
    }
    EXPECT_EQ(0, kill(c, SIGTERM));
    int status;
    EXPECT_EQ(c, waitpid(c, &status, 0));
    EXPECT_EQ(SIGTERM, WTERMSIG(status));
}

static void ignored_signals_do_nothing(void)
{
    pid_t c = fork();
    if (c == 0) {
        kill(getpid(), SIGCHLD);
        _exit(9);
    }
    int status;
    waitpid(c, &status, 0);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(9, WEXITSTATUS(status));
}

int main(void)
{
    expect_signal(SIGSEGV, null_write, "write to NULL");
    expect_signal(SIGSEGV, kernel_read, "read of kernel memory");
    expect_signal(SIGSEGV, noncanonical, "non-canonical address");
    expect_signal(SIGSEGV, write_text, "write to own text");
    expect_signal(SIGSEGV, privileged, "cli in ring 3");
    expect_signal(SIGILL, bad_opcode, "ud2");
    expect_signal(SIGTRAP, breakpoint, "int3");
    expect_signal(SIGFPE, divide, "divide by zero");
    expect_signal(SIGABRT, aborts, "abort()");
    expect_signal(SIGTERM, self_kill, "kill(getpid(), SIGTERM)");
    kill_a_sleeping_child();
    kill_a_spinning_child();
    ignored_signals_do_nothing();
    EXPECT_EQ(0, kill(1, 0)); /* init exists (and ignores every signal) */
    utest_exit();
}
