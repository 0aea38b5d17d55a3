/*
 * rlimit_test.c - <limits.h>, sysconf and getrlimit/setrlimit tell the same
 * truth: 16 descriptors, 64 processes, an 8 MiB stack, no bound on the
 * address space or data; lowering RLIMIT_NOFILE and RLIMIT_NPROC is
 * enforced (EMFILE, EBADF, EINVAL, EAGAIN as Linux); Linux's EINVAL, EPERM
 * and EFAULT; other limits refuse a change with EINVAL.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "utest.h"

#ifndef OPEN_MAX /* glibc leaves them out (run-time values on Linux): for the host build */
#define OPEN_MAX 16
#define CHILD_MAX 64
#endif

#define BAD_PTR ((void *)0xffff800000001000UL) /* a kernel address */

static void expect_limit(int resource, rlim_t cur, rlim_t max)
{
    struct rlimit rl = {1, 1};
    EXPECT_EQ(0, getrlimit(resource, &rl));
    EXPECT_EQ(cur, rl.rlim_cur);
    EXPECT_EQ(max, rl.rlim_max);
}

static void what_the_kernel_reports(void)
{
    EXPECT_EQ(200809L, _POSIX_VERSION);
    EXPECT_EQ(OPEN_MAX, sysconf(_SC_OPEN_MAX));
    EXPECT_EQ(CHILD_MAX, sysconf(_SC_CHILD_MAX));
    EXPECT_EQ(4096, PIPE_BUF);
    expect_limit(RLIMIT_NOFILE, OPEN_MAX, OPEN_MAX);
    expect_limit(RLIMIT_NPROC, CHILD_MAX, CHILD_MAX);
    expect_limit(RLIMIT_STACK, 8UL << 20, 8UL << 20);
    expect_limit(RLIMIT_AS, RLIM_INFINITY, RLIM_INFINITY);
    expect_limit(RLIMIT_DATA, RLIM_INFINITY, RLIM_INFINITY);
    expect_limit(RLIMIT_CORE, 0, 0);
}

static void errors(void)
{
    struct rlimit rl;
    EXPECT_ERR(EINVAL, getrlimit(RLIMIT_NLIMITS, &rl));
    EXPECT_ERR(EINVAL, getrlimit(-1, &rl));
    EXPECT_ERR(EFAULT, getrlimit(RLIMIT_NOFILE, BAD_PTR));
    EXPECT_ERR(EFAULT, setrlimit(RLIMIT_NOFILE, BAD_PTR));
    EXPECT_ERR(EINVAL, setrlimit(RLIMIT_NLIMITS, &rl));
    rl = (struct rlimit){8, 4}; /* soft above hard */
    EXPECT_ERR(EINVAL, setrlimit(RLIMIT_NOFILE, &rl));
    rl = (struct rlimit){OPEN_MAX, OPEN_MAX + 1}; /* above the hard limit */
    EXPECT_ERR(EPERM, setrlimit(RLIMIT_NOFILE, &rl));
    rl = (struct rlimit){CHILD_MAX + 1, CHILD_MAX + 1};
    EXPECT_ERR(EPERM, setrlimit(RLIMIT_NPROC, &rl));
    /* Limits the kernel cannot enforce: the same values are fine, a change is refused. */
    rl = (struct rlimit){RLIM_INFINITY, RLIM_INFINITY};
    EXPECT_EQ(0, setrlimit(RLIMIT_AS, &rl));
    rl = (struct rlimit){1UL << 30, RLIM_INFINITY};
    EXPECT_ERR(EINVAL, setrlimit(RLIMIT_AS, &rl));
    EXPECT_ERR(EINVAL, setrlimit(RLIMIT_DATA, &rl));
    rl = (struct rlimit){1UL << 20, 8UL << 20};
    EXPECT_ERR(EINVAL, setrlimit(RLIMIT_STACK, &rl));
    expect_limit(RLIMIT_AS, RLIM_INFINITY, RLIM_INFINITY); /* unchanged */
    expect_limit(RLIMIT_NOFILE, OPEN_MAX, OPEN_MAX);
}

/* In a child: exit 0 when every check passed, else the number of the first failed one. */
static int nofile_lowered(void)
{
    for (int fd = 3; fd < OPEN_MAX; fd++)
        close(fd);
    struct rlimit rl = {4, 6};
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1;
    if (sysconf(_SC_OPEN_MAX) != 4)
        return 2;
    if (open("/bin/true", O_RDONLY) != 3) /* 0-2 are open: 3 is the last one allowed */
        return 3;
    if (open("/bin/true", O_RDONLY) != -1 || errno != EMFILE)
        return 4;
    int p[2];
    if (pipe(p) != -1 || errno != EMFILE)
        return 5;
    if (dup(0) != -1 || errno != EMFILE)
        return 6;
    if (dup2(0, 4) != -1 || errno != EBADF)
        return 7;
    if (fcntl(0, F_DUPFD, 4) != -1 || errno != EINVAL)
        return 8;
    rl = (struct rlimit){6, 6}; /* soft up to the hard limit: allowed */
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || dup2(0, 5) != 5)
        return 9;
    rl = (struct rlimit){OPEN_MAX, OPEN_MAX}; /* the hard limit never goes back up */
    if (setrlimit(RLIMIT_NOFILE, &rl) != -1 || errno != EPERM)
        return 10;
    pid_t c = fork(); /* inherited */
    if (c == 0)
        _exit(sysconf(_SC_OPEN_MAX) == 6 && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max == 6
                  ? 0 : 1);
    int st = -1;
    if (c < 0 || waitpid(c, &st, 0) != c || st != 0)
        return 11;
    return 0;
}

static int nproc_lowered(void)
{
    struct rlimit rl = {1, CHILD_MAX}; /* we alone already reach it */
    if (setrlimit(RLIMIT_NPROC, &rl) != 0)
        return 1;
    if (sysconf(_SC_CHILD_MAX) != 1)
        return 2;
    if (fork() != -1 || errno != EAGAIN)
        return 3;
    if (vfork() != -1 || errno != EAGAIN)
        return 4;
    rl.rlim_cur = CHILD_MAX; /* back up to the hard limit */
    if (setrlimit(RLIMIT_NPROC, &rl) != 0)
        return 5;
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    int st = -1;
    if (c < 0 || waitpid(c, &st, 0) != c || st != 0)
        return 6;
    return 0;
}

static void in_child(int (*check)(void))
{
    pid_t c = fork();
    if (c == 0)
        _exit(check());
    int st = -1;
    EXPECT_EQ(c, waitpid(c, &st, 0));
    EXPECT_EQ(0, WEXITSTATUS(st)); /* else: the number of the check that failed */
}

int main(void)
{
    what_the_kernel_reports();
    errors();
    in_child(nofile_lowered);
    in_child(nproc_lowered);
    utest_exit();
}
