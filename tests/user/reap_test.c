/*
 * reap_test.c - who waits for a child that exits (the fork lab's
 * proc_exit bookkeeping, docs/labs/fork.md step 4): with SIGCHLD at its
 * default a child leaves a zombie holding its exit status until waitpid;
 * with SIGCHLD ignored, or SA_NOCLDWAIT, it leaves none, and wait sleeps
 * until the last child is gone, then fails with ECHILD (as Linux). The
 * runner's frame check then proves nothing of the children was kept.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include "utest.h"

static void nap(long ms)
{
    struct timespec t = {0, ms * 1000 * 1000};
    nanosleep(&t, NULL);
}

/* A child that exits with status after ms milliseconds. */
static pid_t child_exiting(int status, long ms)
{
    pid_t c = fork();
    if (c == 0) {
        if (ms)
            nap(ms);
        _exit(status);
    }
    EXPECT_TRUE(c > 0);
    return c;
}

/* The default: the zombie keeps the status until the parent asks. */
static void zombie_keeps_the_status(void)
{
    pid_t c = child_exiting(7, 0);
    nap(20); /* it has exited by now: a zombie */
    int status = 0;
    EXPECT_EQ(c, waitpid(c, &status, 0));
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(7, WEXITSTATUS(status));
    EXPECT_ERR(ECHILD, waitpid(c, &status, WNOHANG)); /* reaped once, gone */
}

/* wait must find no child: print what it found instead, for the student. */
static void expect_no_zombie(pid_t c, const char *how)
{
    int status = 0;
    errno = 0;
    pid_t got = waitpid(-1, &status, 0);
    if (got == -1 && errno == ECHILD)
        return;
    if (got == c)
        printf("# waitpid returned the child %d (exit status %d) although its parent %s;\n"
               "# expected -1/ECHILD: nobody will wait for such a child, so it must leave no\n"
               "# zombie (proc_exit decides; the scheduler frees the slot)\n",
               (int)c, WIFEXITED(status) ? WEXITSTATUS(status) : -1, how);
    else
        printf("# waitpid returned %d (errno %d) although the parent %s; expected -1/ECHILD\n",
               (int)got, errno, how);
    utest_failures++;
}

static void ignored_sigchld_leaves_no_zombie(void)
{
    signal(SIGCHLD, SIG_IGN);
    pid_t c = child_exiting(3, 0);
    nap(20);
    expect_no_zombie(c, "ignores SIGCHLD");
    /* wait sleeps while a child lives, then says ECHILD */
    c = child_exiting(4, 30);
    expect_no_zombie(c, "ignores SIGCHLD (wait asked while the child still ran)");
    signal(SIGCHLD, SIG_DFL);
}

static void nocldwait_leaves_no_zombie(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL; /* no handler: SA_NOCLDWAIT alone decides */
    sa.sa_flags = SA_NOCLDWAIT;
    EXPECT_EQ(0, sigaction(SIGCHLD, &sa, NULL));
    pid_t c = child_exiting(5, 30);
    expect_no_zombie(c, "set SA_NOCLDWAIT");
    sa.sa_flags = 0;
    EXPECT_EQ(0, sigaction(SIGCHLD, &sa, NULL));
    /* back to the default: zombies again */
    zombie_keeps_the_status();
}

int main(void)
{
    zombie_keeps_the_status();
    ignored_sigchld_leaves_no_zombie();
    nocldwait_leaves_no_zombie();
    utest_exit();
}
