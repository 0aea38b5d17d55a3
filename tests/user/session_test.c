/*
 * session_test.c - setsid/getsid, orphans reparented to init, nanosleep.
 */
#include <errno.h>
#include <sys/wait.h>
#include <time.h>
#include "utest.h"

static void setsid_rules(void)
{
    /* The runner made us a group leader? Only if our pid is a group id. Use a child. */
    pid_t c = fork();
    if (c == 0) {
        pid_t sid = setsid();
        if (sid != getpid())
            _exit(1);
        if (getsid(0) != sid)
            _exit(2);
        if (setsid() != -1 || errno != EPERM) /* already a leader */
            _exit(3);
        _exit(0);
    }
    int status;
    waitpid(c, &status, 0);
    EXPECT_EQ(0, status);
    EXPECT_ERR(ESRCH, getsid(99999));
}

/* A child forks a grandchild and exits; the grandchild, orphaned, sees
 * getppid() become 1 and reports it through a pipe. */
static void orphans_go_to_init(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    pid_t c = fork();
    if (c == 0) {
        if (fork() == 0) {
            for (int i = 0; i < 1000 && getppid() != 1; i++)
                sched_yield();
            char ppid = (char)getppid();
            write(fds[1], &ppid, 1);
            _exit(0);
        }
        _exit(0);
    }
    close(fds[1]);
    int status;
    waitpid(c, &status, 0);
    char ppid = 0;
    EXPECT_EQ(1, read(fds[0], &ppid, 1));
    EXPECT_EQ(1, ppid);
    close(fds[0]);
}

static void nanosleep_sleeps(void)
{
    struct timespec t = {0, 50 * 1000 * 1000};
    EXPECT_EQ(0, nanosleep(&t, NULL));
    struct timespec bad = {0, 1000000000};
    EXPECT_ERR(EINVAL, nanosleep(&bad, NULL));
    struct timespec neg = {-1, 0};
    EXPECT_ERR(EINVAL, nanosleep(&neg, NULL));
    EXPECT_EQ(0, sleep(0));
}

int main(void)
{
    setsid_rules();
    orphans_go_to_init();
    nanosleep_sleeps();
    utest_exit();
}
