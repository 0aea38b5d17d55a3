/*
 * proc_test.c - fork, _exit, wait, waitpid (-1, one child, WNOHANG, ECHILD),
 * getpid, getppid, exit status encoding, sched_yield.
 */
#include <errno.h>
#include <sched.h>
#include <sys/wait.h>
#include "utest.h"

static void fork_returns_twice(void)
{
    pid_t me = getpid();
    pid_t child = fork();
    if (child == 0) {
        /* in the child: a new pid, and the parent is the forker */
        _exit(getppid() == me && getpid() != me ? 0 : 1);
    }
    EXPECT_TRUE(child > 0);
    int status = -1;
    EXPECT_EQ(child, waitpid(child, &status, 0));
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(0, WEXITSTATUS(status));
}

static void exit_codes_are_encoded_like_linux(void)
{
    static const int codes[] = {0, 1, 42, 255, 256 + 7};
    for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        pid_t c = fork();
        if (c == 0)
            _exit(codes[i]);
        int status = -1;
        EXPECT_EQ(c, waitpid(c, &status, 0));
        EXPECT_EQ((codes[i] & 0xff) << 8, status);
        EXPECT_EQ(codes[i] & 0xff, WEXITSTATUS(status));
        EXPECT_TRUE(!WIFSIGNALED(status));
    }
}

static void wait_any_and_specific(void)
{
    pid_t a = fork();
    if (a == 0)
        _exit(1);
    pid_t b = fork();
    if (b == 0)
        _exit(2);
    int status;
    EXPECT_EQ(b, waitpid(b, &status, 0)); /* the specific one, whatever the order */
    EXPECT_EQ(2, WEXITSTATUS(status));
    EXPECT_EQ(a, wait(&status));
    EXPECT_EQ(1, WEXITSTATUS(status));
    EXPECT_ERR(ECHILD, wait(&status)); /* none left */
    EXPECT_ERR(ECHILD, waitpid(12345, &status, 0));
    EXPECT_ERR(EINVAL, waitpid(-1, &status, 0x4000));
}

static void wnohang_returns_zero_while_running(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    pid_t c = fork();
    if (c == 0) {
        char x;
        close(fds[1]);
        read(fds[0], &x, 1); /* wait for the parent's go */
        _exit(5);
    }
    close(fds[0]);
    int status = -1;
    EXPECT_EQ(0, waitpid(c, &status, WNOHANG));
    EXPECT_EQ(-1, status); /* untouched */
    write(fds[1], "g", 1);
    close(fds[1]);
    EXPECT_EQ(c, waitpid(c, &status, 0));
    EXPECT_EQ(5, WEXITSTATUS(status));
    EXPECT_ERR(ECHILD, waitpid(-1, &status, WNOHANG));
}

static void wait_null_status_and_many_children(void)
{
    enum { N = 20 };
    for (int i = 0; i < N; i++) {
        pid_t c = fork();
        if (c == 0) {
            for (int y = 0; y < i % 3; y++)
                sched_yield();
            _exit(i);
        }
        EXPECT_TRUE(c > 0);
    }
    int sum = 0, reaped = 0, status;
    pid_t w;
    while ((w = wait(&status)) > 0) {
        sum += WEXITSTATUS(status);
        reaped++;
    }
    EXPECT_EQ(N, reaped);
    EXPECT_EQ(N * (N - 1) / 2, sum);
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    EXPECT_EQ(c, waitpid(c, NULL, 0)); /* a NULL status pointer is allowed */
}

int main(void)
{
    fork_returns_twice();
    exit_codes_are_encoded_like_linux();
    wait_any_and_specific();
    wnohang_returns_zero_while_running();
    wait_null_status_and_many_children();
    EXPECT_EQ(0, sched_yield());
    utest_exit();
}
