/*
 * kbugs_test.c - one minimal reproduction per kernel bug found while
 * hardening, each checked against what Linux does with the same call (the
 * file builds and passes on a Linux host). A case fails until the kernel is
 * fixed, then stays as a regression test.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include "utest.h"

/*
 * nanosleep({18446744074, 0}): about 584 years. The kernel turns seconds into
 * nanoseconds in 64 bits (proc/sched.c, sys_nanosleep) for any tv_sec up to
 * 2^40, so this wraps around to 0.29 s and the sleep returns. Linux sleeps.
 */
static void long_nanosleep_does_not_wrap(void)
{
    pid_t c = fork();
    if (c == 0) {
        struct timespec ts = {18446744074L, 0};
        nanosleep(&ts, NULL);
        _exit(0); /* woke up: the sleep was short */
    }
    int status = -1;
    pid_t r = 0;
    for (int i = 0; i < 15 && r == 0; i++) { /* 1.5 s */
        struct timespec tick = {0, 100 * 1000 * 1000};
        nanosleep(&tick, NULL);
        r = waitpid(c, &status, WNOHANG);
    }
    if (r == c)
        printf("# nanosleep of 18446744074 s returned within 1.5 s (status %#x)\n", status);
    EXPECT_EQ(0, r); /* still asleep */
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
}

/*
 * execv("") names no file: Linux says ENOENT. The kernel looks the empty
 * path up as the root directory and says EACCES (proc/exec.c maps the
 * directory's EISDIR to EACCES); open("") already says ENOENT.
 */
static void exec_of_empty_path_is_enoent(void)
{
    char *argv[] = {"x", NULL};
    EXPECT_ERR(ENOENT, execv("", argv));
}

/*
 * "file/.." is not a directory: Linux resolves ".." only after a directory,
 * so open("/bin/true/..") is ENOTDIR and "/nonexistent/../bin/true" ENOENT.
 * The kernel drops "x/.." by spelling alone (kernel/initrd.c, canonical), so
 * both open.
 */
static void dotdot_after_a_file_is_enotdir(void)
{
    int fd;
    errno = 0;
    fd = open("/bin/true/..", O_RDONLY);
    EXPECT_EQ(-1, fd);
    EXPECT_EQ(ENOTDIR, errno);
    if (fd >= 0)
        close(fd);
    errno = 0;
    fd = open("/nonexistent/../bin/true", O_RDONLY);
    EXPECT_EQ(-1, fd);
    EXPECT_EQ(ENOENT, errno);
    if (fd >= 0)
        close(fd);
}

/* O_CREAT of a name ending in '/' asks for a directory: Linux says EISDIR
 * before any question of a read-only file system; the kernel says EROFS. */
static void create_with_trailing_slash_is_eisdir(void)
{
    EXPECT_ERR(EISDIR, open("/bin/newfile/", O_CREAT | O_WRONLY));
}

/* waitpid(INT_MIN) would mean "the group -INT_MIN", which cannot be
 * represented: Linux says ESRCH (kernel/exit.c); the kernel says ECHILD. */
static void wait_for_int_min_is_esrch(void)
{
    EXPECT_ERR(ESRCH, waitpid(-0x7fffffff - 1, NULL, WNOHANG));
}

int main(void)
{
    long_nanosleep_does_not_wrap();
    exec_of_empty_path_is_enoent();
    dotdot_after_a_file_is_enotdir();
    create_with_trailing_slash_is_eisdir();
    wait_for_int_min_is_esrch();
    utest_exit();
}
