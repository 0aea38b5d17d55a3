/*
 * fd_test.c - descriptor flags: O_CLOEXEC, FD_CLOEXEC across exec, pipe2,
 * dup3, fcntl (every command and errno), O_NONBLOCK on pipes and the
 * console, open flags the kernel refuses, and the limits it reports.
 * The exec check runs this program again ("fd_test check o3 c4 ..."): the
 * new image says which descriptors it found open (oN) or closed (cN).
 */
#define _GNU_SOURCE /* pipe2, dup3 on Linux */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/wait.h>
#include "utest.h"

#define O_DIRECT_ 040000 /* Linux's O_DIRECT, FASYNC and O_NOATIME: not implemented */
#define FASYNC_ 020000
#define O_NOATIME_ 01000000
#define O_SYNC_ 04010000
#define O_PATH_ 010000000

/* The exec'd image: each argument is oN (fd N must be open) or cN (closed). */
static int check_main(int argc, char **argv)
{
    int bad = 0;
    for (int i = 2; i < argc; i++) {
        int fd = atoi(argv[i] + 1);
        errno = 0;
        int r = fcntl(fd, F_GETFD);
        if (argv[i][0] == 'o' && r != 0) {
            printf("# after exec: expected fd %d open without FD_CLOEXEC, got %d (errno %d)\n", fd,
                   r, errno);
            bad = 1;
        }
        if (argv[i][0] == 'c' && !(r == -1 && errno == EBADF)) {
            printf("# after exec: expected fd %d closed (EBADF), got %d (errno %d)\n", fd, r,
                   errno);
            bad = 1;
        }
    }
    return bad;
}

static void cloexec_across_exec(void)
{
    int file = open("/bin/true", O_RDONLY | O_CLOEXEC); /* closed by exec */
    EXPECT_EQ(FD_CLOEXEC, fcntl(file, F_GETFD));
    int p[2], q[2];
    EXPECT_EQ(0, pipe2(p, O_CLOEXEC));              /* both closed by exec */
    EXPECT_EQ(0, pipe(q));                          /* both kept ... */
    EXPECT_EQ(0, fcntl(q[1], F_SETFD, FD_CLOEXEC)); /* ... but this one */
    int plain = dup(file);                          /* dup clears the flag: kept */
    int dc = fcntl(q[0], F_DUPFD_CLOEXEC, 0);       /* closed */
    int d3 = dup3(q[0], 14, O_CLOEXEC);             /* closed */
    int d2 = dup2(p[0], 15);                        /* dup2 clears the flag: kept */
    EXPECT_EQ(14, d3);
    EXPECT_EQ(15, d2);
    EXPECT_EQ(0, fcntl(plain, F_GETFD));
    EXPECT_EQ(0, fcntl(d2, F_GETFD));
    char a[8][8];
    snprintf(a[0], 8, "c%d", file);
    snprintf(a[1], 8, "c%d", p[0]);
    snprintf(a[2], 8, "c%d", p[1]);
    snprintf(a[3], 8, "o%d", q[0]);
    snprintf(a[4], 8, "c%d", q[1]);
    snprintf(a[5], 8, "o%d", plain);
    snprintf(a[6], 8, "c%d", dc);
    snprintf(a[7], 8, "c%d", d3);
    pid_t c = fork();
    if (c == 0) {
        char *argv[] = {"fd_test", "check", a[0],  a[1], a[2], a[3], a[4], a[5],
                        a[6],      a[7],    "o15", "o0", "o1", "o2", NULL};
        execv("/tests/fd_test", argv);
        _exit(100 + errno);
    }
    int status;
    EXPECT_EQ(c, waitpid(c, &status, 0));
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(0, WEXITSTATUS(status));
    /* A failed exec closes nothing. */
    EXPECT_ERR(ENOENT, execv("/bin/no-such-program", (char *[]){"x", NULL}));
    EXPECT_EQ(FD_CLOEXEC, fcntl(file, F_GETFD));
    for (int fd = 3; fd < 16; fd++)
        close(fd);
}

static void fcntl_commands(void)
{
    int p[2];
    EXPECT_EQ(0, pipe(p)); /* 3, 4 */
    EXPECT_EQ(3, p[0]);
    /* F_DUPFD: the lowest free descriptor >= arg, flag clear. */
    EXPECT_EQ(5, fcntl(p[0], F_DUPFD, 0));
    EXPECT_EQ(10, fcntl(p[0], F_DUPFD, 10));
    EXPECT_EQ(11, fcntl(p[0], F_DUPFD_CLOEXEC, 10));
    EXPECT_EQ(0, fcntl(10, F_GETFD));
    EXPECT_EQ(FD_CLOEXEC, fcntl(11, F_GETFD));
    EXPECT_EQ(15, fcntl(p[0], F_DUPFD, 15));
    EXPECT_ERR(EMFILE, fcntl(p[0], F_DUPFD, 15)); /* nothing free at or above 15 */
    EXPECT_ERR(EINVAL, fcntl(p[0], F_DUPFD, 16)); /* beyond the table */
    EXPECT_ERR(EINVAL, fcntl(p[0], F_DUPFD, -1));
    EXPECT_ERR(EINVAL, fcntl(p[0], F_DUPFD_CLOEXEC, 1 << 20));
    /* F_SETFD: only FD_CLOEXEC means anything; per descriptor, not per file. */
    EXPECT_EQ(0, fcntl(5, F_SETFD, 0xff));
    EXPECT_EQ(FD_CLOEXEC, fcntl(5, F_GETFD));
    EXPECT_EQ(0, fcntl(p[0], F_GETFD)); /* the same open file, another descriptor */
    EXPECT_EQ(0, fcntl(5, F_SETFD, 0));
    EXPECT_EQ(0, fcntl(5, F_GETFD));
    /* F_GETFL: access mode and status flags. */
    EXPECT_EQ(O_RDONLY, fcntl(p[0], F_GETFL));
    EXPECT_EQ(O_WRONLY, fcntl(p[1], F_GETFL));
    EXPECT_EQ(O_RDWR, fcntl(0, F_GETFL) & O_ACCMODE); /* the console */
    int file = open("/bin/true", O_RDONLY | O_NONBLOCK);
    EXPECT_EQ(O_RDONLY | O_NONBLOCK | O_LARGEFILE, fcntl(file, F_GETFL));
    close(file);
    /* F_SETFL: O_APPEND and O_NONBLOCK change, per open file (dups see it);
     * the access mode and creation flags are ignored, as Linux does. */
    EXPECT_EQ(0, fcntl(p[1], F_SETFL, O_NONBLOCK | O_APPEND | O_RDWR | O_CREAT | O_TRUNC));
    EXPECT_EQ(O_WRONLY | O_NONBLOCK | O_APPEND, fcntl(p[1], F_GETFL));
    int d = dup(p[1]);
    EXPECT_EQ(O_WRONLY | O_NONBLOCK | O_APPEND, fcntl(d, F_GETFL));
    EXPECT_EQ(0, fcntl(d, F_SETFL, 0));
    EXPECT_EQ(O_WRONLY, fcntl(p[1], F_GETFL));
    /* What the kernel does not implement is refused, never ignored. */
    EXPECT_ERR(EINVAL, fcntl(p[1], F_SETFL, FASYNC_));
    EXPECT_ERR(EINVAL, fcntl(p[1], F_SETFL, O_DIRECT_));
    EXPECT_ERR(EINVAL, fcntl(p[1], F_SETFL, O_NOATIME_ | O_NONBLOCK));
    EXPECT_EQ(O_WRONLY, fcntl(p[1], F_GETFL)); /* a refused F_SETFL changed nothing */
    /* Unknown commands, and descriptors that are not open. */
    EXPECT_ERR(EINVAL, fcntl(p[0], 5));          /* F_GETLK: no locks here */
    EXPECT_ERR(EINVAL, fcntl(p[0], 8, 1));       /* F_SETOWN */
    EXPECT_ERR(EINVAL, fcntl(p[0], 1031, 4096)); /* F_SETPIPE_SZ */
    EXPECT_ERR(EINVAL, fcntl(p[0], 12345));
    EXPECT_ERR(EINVAL, fcntl(p[0], -1));
    static const int cmds[] = {F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, 12345};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        EXPECT_ERR(EBADF, fcntl(7, cmds[i], 0));
        EXPECT_ERR(EBADF, fcntl(-1, cmds[i], 0));
        EXPECT_ERR(EBADF, fcntl(16, cmds[i], 0));
    }
    for (int fd = 3; fd < 16; fd++)
        close(fd);
}

static void dup3_and_dup2_rules(void)
{
    int p[2];
    EXPECT_EQ(0, pipe(p));
    EXPECT_ERR(EINVAL, dup3(p[0], p[0], 0)); /* unlike dup2 */
    EXPECT_ERR(EINVAL, dup3(p[0], p[0], O_CLOEXEC));
    EXPECT_ERR(EINVAL, dup3(9, 9, 0)); /* the same number: EINVAL before EBADF */
    EXPECT_ERR(EINVAL, dup3(p[0], 9, O_NONBLOCK));
    EXPECT_ERR(EINVAL, dup3(99, 9, -1)); /* flags first */
    EXPECT_ERR(EBADF, dup3(p[0], -1, 0));
    EXPECT_ERR(EBADF, dup3(p[0], 16, 0));
    EXPECT_ERR(EBADF, dup3(9, 10, 0));
    EXPECT_ERR(EBADF, dup3(-1, 10, O_CLOEXEC));
    EXPECT_EQ(9, dup3(p[0], 9, O_CLOEXEC));
    EXPECT_EQ(FD_CLOEXEC, fcntl(9, F_GETFD));
    EXPECT_EQ(9, dup2(9, 9)); /* the same descriptor: nothing changes, flag kept */
    EXPECT_EQ(FD_CLOEXEC, fcntl(9, F_GETFD));
    EXPECT_EQ(9, dup3(p[1], 9, 0)); /* replaces it; the new one's flag is clear */
    EXPECT_EQ(0, fcntl(9, F_GETFD));
    EXPECT_EQ(O_WRONLY, fcntl(9, F_GETFL));
    EXPECT_EQ(0, fcntl(9, F_SETFD, FD_CLOEXEC));
    EXPECT_EQ(9, dup2(p[0], 9)); /* dup2 clears it */
    EXPECT_EQ(0, fcntl(9, F_GETFD));
    EXPECT_EQ(0, fcntl(p[0], F_SETFD, FD_CLOEXEC));
    int d = dup(p[0]); /* so does dup */
    EXPECT_EQ(0, fcntl(d, F_GETFD));
    close(d);
    close(9);
    close(p[0]);
    close(p[1]);
}

static void pipe2_flags(void)
{
    int p[2] = {-1, -1};
    EXPECT_ERR(EINVAL, pipe2(p, O_APPEND));
    EXPECT_ERR(EINVAL, pipe2(p, -1));
    EXPECT_ERR(EINVAL, pipe2(p, O_DIRECT_)); /* Linux: packet mode; not implemented here */
    EXPECT_ERR(EINVAL, pipe2(p, O_CLOEXEC | O_RDWR));
    int *volatile bad = (int *)0xfff; /* volatile: no compile-time warning */
    EXPECT_ERR(EFAULT, pipe2(bad, O_CLOEXEC));
    bad = NULL;
    EXPECT_ERR(EFAULT, pipe2(bad, 0));
    EXPECT_EQ(3, dup(0)); /* the failures above left no descriptor behind */
    close(3);
    EXPECT_EQ(0, pipe2(p, 0));
    EXPECT_EQ(0, fcntl(p[0], F_GETFD));
    EXPECT_EQ(O_RDONLY, fcntl(p[0], F_GETFL));
    close(p[0]);
    close(p[1]);
    EXPECT_EQ(0, pipe2(p, O_CLOEXEC | O_NONBLOCK));
    EXPECT_EQ(FD_CLOEXEC, fcntl(p[0], F_GETFD));
    EXPECT_EQ(FD_CLOEXEC, fcntl(p[1], F_GETFD));
    EXPECT_EQ(O_RDONLY | O_NONBLOCK, fcntl(p[0], F_GETFL));
    EXPECT_EQ(O_WRONLY | O_NONBLOCK, fcntl(p[1], F_GETFL));
    char b[2];
    EXPECT_ERR(EAGAIN, read(p[0], b, 1));
    close(p[0]);
    close(p[1]);
    /* pipe2 with a full table: EMFILE, nothing installed. */
    int n = 0;
    while (dup(0) >= 0)
        n++;
    EXPECT_ERR(EMFILE, pipe2(p, O_CLOEXEC));
    EXPECT_ERR(EMFILE, fcntl(0, F_DUPFD, 0));
    for (int fd = 3; fd < 16; fd++)
        close(fd);
    EXPECT_EQ(13, n);
}

static void open_flags(void)
{
    /* Accepted: they mean something, or nothing on a read-only initrd of
     * plain files (no symbolic links, no terminals to open). */
    static const int ok[] = {O_RDONLY,   O_NONBLOCK,  O_CLOEXEC, O_NOCTTY,
                             O_NOFOLLOW, O_LARGEFILE, O_APPEND};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        int fd = open("/bin/true", ok[i]);
        EXPECT_EQ(3, fd);
        close(fd);
    }
    /* Not implemented: EINVAL, never accepted and ignored. */
    static const int refused[] = {O_DIRECT_, FASYNC_, O_NOATIME_, O_SYNC_,
                                  O_PATH_,   010000,  1 << 30,    -1};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        EXPECT_ERR(EINVAL, open("/bin/true", refused[i]));
    EXPECT_ERR(EFAULT, open((char *)0xfff, O_PATH_)); /* the path is read first */
    EXPECT_EQ(3, dup(0));                             /* nothing was left open */
    close(3);
}

/* O_NONBLOCK on the console: a read with no line waiting is EAGAIN. The
 * console is one open file shared by every process: restore its flags. */
static void nonblocking_console(void)
{
    int fl = fcntl(0, F_GETFL);
    EXPECT_TRUE(fl >= 0);
    if (!EXPECT_EQ(0, fcntl(0, F_SETFL, fl | O_NONBLOCK)))
        return; /* the read below would wait for typed input */
    char b[16];
    EXPECT_ERR(EAGAIN, read(0, b, sizeof(b)));
    EXPECT_EQ(3, write(1, "# \n", 3)); /* writes never wait anyway */
    EXPECT_EQ(0, fcntl(0, F_SETFL, fl));
    EXPECT_EQ(fl, fcntl(0, F_GETFL));
}

static void limits(void)
{
    EXPECT_EQ(4096, PIPE_BUF);
    EXPECT_EQ(16, sysconf(_SC_OPEN_MAX));
    EXPECT_EQ(64, sysconf(_SC_CHILD_MAX));
#ifdef OPEN_MAX
    EXPECT_EQ(OPEN_MAX, sysconf(_SC_OPEN_MAX));
#endif
#ifdef CHILD_MAX
    EXPECT_EQ(CHILD_MAX, sysconf(_SC_CHILD_MAX));
#endif
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "check") == 0)
        return check_main(argc, argv);
    cloexec_across_exec();
    fcntl_commands();
    dup3_and_dup2_rules();
    pipe2_flags();
    open_flags();
    nonblocking_console();
    limits();
    utest_exit();
}
