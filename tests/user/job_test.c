/*
 * job_test.c - process groups and the console as a controlling terminal:
 * setpgid/getpgid/getpgrp with Linux's errors, kill to a group, stop signals
 * in a group that is not orphaned, SIGCONT, tcgetpgrp/tcsetpgrp, isatty.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "utest.h"

static int status_of(pid_t c)
{
    int st = -1;
    EXPECT_EQ(c, waitpid(c, &st, 0));
    return st;
}

static void setpgid_rules(void)
{
    EXPECT_EQ(getpgid(0), getpgrp());
    EXPECT_ERR(EINVAL, setpgid(0, -1));
    EXPECT_ERR(ESRCH, setpgid(1, 0));     /* not us, not our child */
    EXPECT_ERR(ESRCH, getpgid(99999));
    pid_t c = fork();
    if (c == 0) {
        for (;;)
            pause();
    }
    EXPECT_EQ(0, setpgid(c, c));          /* a group of its own */
    EXPECT_EQ(c, getpgid(c));
    EXPECT_ERR(EPERM, setpgid(c, 99999)); /* no such group in our session */
    EXPECT_EQ(0, setpgid(c, getpgrp()));  /* back into ours */
    EXPECT_EQ(0, setpgid(c, c));
    EXPECT_EQ(0, kill(-c, SIGTERM));      /* the group */
    EXPECT_EQ(SIGTERM, WTERMSIG(status_of(c)));
    EXPECT_ERR(ESRCH, kill(-c, SIGTERM)); /* empty now */
    /* a child that has called exec: EACCES; a session leader: EPERM */
    c = fork();
    if (c == 0) {
        char *argv[] = {"/tests/job_test", "wait", NULL};
        execv(argv[0], argv);
        _exit(9);
    }
    int spins = 0;
    while (setpgid(c, c) == 0 && spins++ < 1000)
        sched_yield(); /* until the exec happened */
    EXPECT_ERR(EACCES, setpgid(c, c));
    kill(c, SIGKILL);
    status_of(c);
    c = fork();
    if (c == 0) {
        setsid();
        _exit(setpgid(0, 0) == -1 && errno == EPERM ? 0 : 1);
    }
    EXPECT_EQ(0, status_of(c));
}

static void stops_in_a_group(void)
{
    /* A group of its own whose leader's parent (us) is in another group of
     * the same session: not orphaned, so SIGTSTP stops it. */
    pid_t c = fork();
    if (c == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
    setpgid(c, c);
    int st;
    EXPECT_EQ(0, kill(-c, SIGTSTP));
    EXPECT_EQ(c, waitpid(c, &st, WUNTRACED));
    EXPECT_TRUE(WIFSTOPPED(st));
    EXPECT_EQ(SIGTSTP, WSTOPSIG(st));
    EXPECT_EQ(0, killpg(c, SIGCONT));
    EXPECT_EQ(c, waitpid(c, &st, WCONTINUED));
    EXPECT_TRUE(WIFCONTINUED(st));
    kill(c, SIGKILL);
    EXPECT_EQ(SIGKILL, WTERMSIG(status_of(c)));
}

static void terminal_calls(void)
{
    int p[2];
    if (pipe(p) != 0) {
        EXPECT_TRUE(0);
        return;
    }
    EXPECT_EQ(0, isatty(p[0]));
    EXPECT_EQ(ENOTTY, errno);
    EXPECT_ERR(ENOTTY, tcgetpgrp(p[0]));
    EXPECT_ERR(EBADF, tcgetpgrp(99));
    EXPECT_EQ(1, isatty(1)); /* the console */
    close(p[0]);
    close(p[1]);
    /* A new session takes the console, if nobody has it, and runs groups on it. */
    pid_t c = fork();
    if (c == 0) {
        setsid();
        if (ioctl(0, TIOCSCTTY, 0) < 0)
            _exit(errno == EPERM ? 0 : 1); /* another session has the console */
        if (tcgetpgrp(0) != getpid())
            _exit(2);
        if (tcsetpgrp(0, -1) != -1 || errno != EINVAL)
            _exit(3);
        if (tcsetpgrp(0, 99999) != -1 || errno != EPERM)
            _exit(4);
        if (ioctl(0, TIOCSCTTY, 0) != -1 || errno != EPERM)
            _exit(5); /* has it already */
        _exit(0);
    }
    EXPECT_EQ(0, WEXITSTATUS(status_of(c)));
    EXPECT_ERR(ENOTTY, tcgetpgrp(0)); /* not our controlling terminal */
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "wait") == 0)
        for (;;)
            pause();
    setpgid_rules();
    stops_in_a_group();
    terminal_calls();
    utest_exit();
}
