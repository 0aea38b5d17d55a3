/*
 * test_file.c - descriptor tables on a hand-made struct proc (no scheduler):
 * console install, dup, dup2, dup3, close, EMFILE, fork's table copy, exit's
 * close; FD_CLOEXEC and exec, fcntl, status flags; open on the root file
 * system and the open flags it refuses; and the console's line discipline, fed bytes
 * as the COM1 interrupt would, read without blocking.
 */
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/pipe.h"
#include "kernel/string.h"
#include "kernel/tty.h"
#include "proc/proc.h"
#include "tests/ktest.h"

static struct proc tp, tchild;

static void fresh(struct proc *p) { memset(p, 0, sizeof(*p)); }

static int open_fds(const struct proc *p)
{
    int n = 0;
    for (int fd = 0; fd < NOFILE; fd++)
        n += p->files[fd] != NULL;
    return n;
}

KTEST(file_console_dup_close)
{
    int files0 = file_open_count();
    fresh(&tp);
    ASSERT_EQ(0, file_install_console(&tp));
    struct file *con = file_get(&tp, 0);
    ASSERT_TRUE(con != NULL);
    EXPECT_PTR_EQ(con, file_get(&tp, 1));
    EXPECT_PTR_EQ(con, file_get(&tp, 2));
    EXPECT_EQ(3, con->refcount);
    EXPECT_EQ(FILE_READ | FILE_WRITE, con->flags);
    EXPECT_EQ(files0 + 1, file_open_count());

    EXPECT_PTR_EQ(NULL, file_get(&tp, -1));
    EXPECT_PTR_EQ(NULL, file_get(&tp, NOFILE));
    EXPECT_PTR_EQ(NULL, file_get(&tp, 3));
    EXPECT_PTR_EQ(NULL, file_get(NULL, 0));

    EXPECT_EQ(3, file_fd_dup(&tp, 1)); /* lowest free */
    EXPECT_EQ(4, con->refcount);
    EXPECT_EQ(0, file_fd_close(&tp, 1));
    EXPECT_EQ(1, file_fd_dup(&tp, 0)); /* the hole is reused first */
    EXPECT_EQ(0, file_fd_close(&tp, 3));
    EXPECT_EQ(-EBADF, file_fd_close(&tp, 3));
    EXPECT_EQ(-EBADF, file_fd_close(&tp, -1));
    EXPECT_EQ(-EBADF, file_fd_close(&tp, NOFILE));
    EXPECT_EQ(-EBADF, file_fd_dup(&tp, 3));
    EXPECT_EQ(-EBADF, file_fd_dup(&tp, -5));
    EXPECT_EQ(3, con->refcount);

    /* Installing again replaces what 0-2 held without leaking it. */
    ASSERT_EQ(0, file_install_console(&tp));
    EXPECT_EQ(files0 + 1, file_open_count());
    file_close_all(&tp);
    EXPECT_EQ(0, open_fds(&tp));
    EXPECT_EQ(files0, file_open_count());
}

KTEST(file_dup2_semantics)
{
    int files0 = file_open_count();
    fresh(&tp);
    ASSERT_EQ(0, file_install_console(&tp));
    struct file *con = file_get(&tp, 0);
    int fds[2];
    ASSERT_EQ(0, file_fd_pipe(&tp, fds, 0));
    EXPECT_EQ(3, fds[0]);
    EXPECT_EQ(4, fds[1]);
    struct file *r = file_get(&tp, 3), *w = file_get(&tp, 4);
    EXPECT_EQ(FILE_READ, r->flags);
    EXPECT_EQ(FILE_WRITE, w->flags);

    EXPECT_EQ(4, file_fd_dup2(&tp, 4, 4)); /* same fd: just checked */
    EXPECT_EQ(1, w->refcount);
    EXPECT_EQ(-EBADF, file_fd_dup2(&tp, 9, 9)); /* same but closed */
    EXPECT_EQ(-EBADF, file_fd_dup2(&tp, 9, 5));
    EXPECT_EQ(-EBADF, file_fd_dup2(&tp, 4, NOFILE));
    EXPECT_EQ(-EBADF, file_fd_dup2(&tp, 4, -1));
    EXPECT_EQ(-EBADF, file_fd_dup2(&tp, -1, 2));

    /* The shell's "> pipe": stdout becomes the write end. */
    EXPECT_EQ(1, file_fd_dup2(&tp, 4, 1));
    EXPECT_PTR_EQ(w, file_get(&tp, 1));
    EXPECT_EQ(2, w->refcount);
    EXPECT_EQ(2, con->refcount); /* fd 1 let go of it */
    EXPECT_EQ(0, file_fd_close(&tp, 4));
    EXPECT_EQ(5, pipe_kwrite(file_get(&tp, 1), "hello", 5));
    char buf[8];
    EXPECT_EQ(5, pipe_kread(file_get(&tp, 3), buf, sizeof(buf)));
    EXPECT_EQ(0, memcmp(buf, "hello", 5));
    /* Closing the last write end: end of file for the reader. */
    EXPECT_EQ(0, file_fd_close(&tp, 1));
    EXPECT_EQ(0, pipe_kread(file_get(&tp, 3), buf, sizeof(buf)));

    /* dup2 onto a free slot above the lowest. */
    EXPECT_EQ(12, file_fd_dup2(&tp, 0, 12));
    EXPECT_EQ(3, con->refcount);
    EXPECT_EQ(1, file_fd_dup(&tp, 12));
    file_close_all(&tp);
    EXPECT_EQ(files0, file_open_count());
}

KTEST(file_table_full_is_emfile)
{
    int files0 = file_open_count();
    fresh(&tp);
    ASSERT_EQ(0, file_install_console(&tp));
    for (int fd = 3; fd < NOFILE - 1; fd++)
        ASSERT_EQ(fd, file_fd_dup(&tp, 0));
    int fds[2] = {-1, -1};
    EXPECT_EQ(-EMFILE, file_fd_pipe(&tp, fds, 0)); /* one slot is not enough */
    EXPECT_EQ(files0 + 1, file_open_count());    /* and no pipe was made */
    EXPECT_EQ(NOFILE - 1, open_fds(&tp));
    EXPECT_EQ(NOFILE - 1, file_fd_dup(&tp, 0));
    EXPECT_EQ(-EMFILE, file_fd_dup(&tp, 0));
    EXPECT_EQ(-EMFILE, file_open(&tp, "/", O_RDONLY, 0));
    EXPECT_EQ(-EBADF, file_fd_dup(&tp, NOFILE)); /* EBADF wins over EMFILE */
    EXPECT_EQ(NOFILE, file_get(&tp, 0)->refcount);
    /* dup2 onto an open slot still works in a full table. */
    EXPECT_EQ(7, file_fd_dup2(&tp, 2, 7));
    struct file *r, *w;
    ASSERT_EQ(0, pipe_create(&r, &w));
    EXPECT_EQ(-EMFILE, file_fd_install(&tp, r)); /* r is still ours */
    file_close(r);
    file_close(w);
    file_close_all(&tp);
    EXPECT_EQ(files0, file_open_count());
}

KTEST(file_fork_copy_and_exit_close)
{
    int files0 = file_open_count();
    fresh(&tp);
    fresh(&tchild);
    ASSERT_EQ(0, file_install_console(&tp));
    int fds[2];
    ASSERT_EQ(0, file_fd_pipe(&tp, fds, 0));
    EXPECT_EQ(0, file_fd_close(&tp, 1)); /* a hole, copied as a hole */
    EXPECT_EQ(0, file_copy_table(&tchild, &tp));
    for (int fd = 0; fd < NOFILE; fd++)
        EXPECT_PTR_EQ(tp.files[fd], tchild.files[fd]);
    EXPECT_EQ(4, file_get(&tp, 0)->refcount); /* fds 0 and 2, in both */
    EXPECT_EQ(2, file_get(&tp, fds[1])->refcount);

    /* The parent closes its write end: the child's keeps the pipe open. */
    struct file *r = file_get(&tp, fds[0]);
    EXPECT_EQ(0, file_fd_close(&tp, fds[1]));
    char c;
    EXPECT_EQ(-EAGAIN, pipe_kread(r, &c, 1));
    file_close_all(&tchild); /* the child exits */
    EXPECT_EQ(0, open_fds(&tchild));
    EXPECT_EQ(0, pipe_kread(r, &c, 1)); /* now end of file */
    EXPECT_EQ(2, file_get(&tp, 0)->refcount);
    file_close_all(&tp);
    EXPECT_EQ(files0, file_open_count());
}

KTEST(file_open_on_the_root_directory)
{
    int files0 = file_open_count();
    fresh(&tp);
    int fd = file_open(&tp, "/", O_RDONLY | O_DIRECTORY, 0);
    ASSERT_EQ(0, fd);
    struct file *d = file_get(&tp, fd);
    EXPECT_EQ(FILE_READ, d->flags);
    EXPECT_EQ(-EISDIR, d->ops->read(d, 0, 16));
    EXPECT_EQ(0, d->ops->lseek(d, 0, SEEK_SET));
    EXPECT_EQ(-EINVAL, d->ops->lseek(d, 0, SEEK_END));
    EXPECT_EQ(-EINVAL, d->ops->lseek(d, -1, SEEK_CUR));
    EXPECT_EQ(-EINVAL, d->ops->lseek(d, 0, 7));
    EXPECT_EQ(1, file_open(&tp, "//.", O_RDONLY, 0));

    EXPECT_EQ(-EISDIR, file_open(&tp, "/", O_WRONLY, 0));
    EXPECT_EQ(-EISDIR, file_open(&tp, "/", O_RDWR, 0));
    EXPECT_EQ(-EISDIR, file_open(&tp, "/", O_RDONLY | O_CREAT, 0));
    EXPECT_EQ(-EEXIST, file_open(&tp, "/", O_RDONLY | O_CREAT | O_EXCL, 0));
    EXPECT_EQ(-ENOENT, file_open(&tp, "", O_RDONLY, 0));
    EXPECT_EQ(-ENOENT, file_open(&tp, "/no-such-file", O_RDONLY, 0));
    EXPECT_EQ(-EISDIR, file_open(&tp, "/tmp/", O_WRONLY | O_CREAT, 0));
    EXPECT_EQ(-ENOENT, file_open(&tp, "/no-such-dir/f", O_WRONLY | O_CREAT, 0));
    EXPECT_EQ(2, open_fds(&tp));
    file_close_all(&tp);
    EXPECT_EQ(files0, file_open_count());
}

/* FD_CLOEXEC belongs to the descriptor: set by O_CLOEXEC, pipe2, dup3 and
 * F_DUPFD_CLOEXEC, cleared by dup and dup2, copied by fork, acted on by exec. */
KTEST(file_cloexec_per_descriptor)
{
    int files0 = file_open_count();
    fresh(&tp);
    fresh(&tchild);
    ASSERT_EQ(0, file_install_console(&tp));
    int fds[2];
    ASSERT_EQ(0, file_fd_pipe(&tp, fds, O_CLOEXEC)); /* 3, 4 */
    EXPECT_EQ(FD_CLOEXEC, file_fcntl(&tp, 3, F_GETFD, 0));
    EXPECT_EQ(FD_CLOEXEC, file_fcntl(&tp, 4, F_GETFD, 0));
    EXPECT_EQ(0, file_fcntl(&tp, 0, F_GETFD, 0));
    EXPECT_EQ(5, file_fd_dup(&tp, 3)); /* dup: clear */
    EXPECT_EQ(0, file_fcntl(&tp, 5, F_GETFD, 0));
    EXPECT_EQ(9, file_fd_dup3(&tp, 0, 9, O_CLOEXEC));
    EXPECT_EQ(FD_CLOEXEC, file_fcntl(&tp, 9, F_GETFD, 0));
    EXPECT_EQ(9, file_fd_dup2(&tp, 9, 9)); /* same descriptor: untouched */
    EXPECT_EQ(FD_CLOEXEC, file_fcntl(&tp, 9, F_GETFD, 0));
    EXPECT_EQ(9, file_fd_dup2(&tp, 1, 9)); /* onto it: clear */
    EXPECT_EQ(0, file_fcntl(&tp, 9, F_GETFD, 0));
    EXPECT_EQ(10, file_fcntl(&tp, 4, F_DUPFD_CLOEXEC, 10));
    EXPECT_EQ(FD_CLOEXEC, file_fcntl(&tp, 10, F_GETFD, 0));
    int fd = file_open(&tp, "/", O_RDONLY | O_CLOEXEC, 0);
    EXPECT_EQ(6, fd);
    EXPECT_EQ(FD_CLOEXEC, file_fcntl(&tp, 6, F_GETFD, 0));
    /* Closing a descriptor forgets its flag: the next one there starts clear. */
    EXPECT_EQ(0, file_fd_close(&tp, 6));
    EXPECT_EQ(6, file_fd_dup(&tp, 0));
    EXPECT_EQ(0, file_fcntl(&tp, 6, F_GETFD, 0));

    EXPECT_EQ(0, file_copy_table(&tchild, &tp));
    for (int i = 0; i < NOFILE; i++)
        EXPECT_EQ(tp.fd_flags[i], tchild.fd_flags[i]);
    file_close_on_exec(&tchild);
    /* 3, 4 and 10 went; 0-2, 5, 6 and 9 stayed. */
    EXPECT_EQ(6, open_fds(&tchild));
    EXPECT_PTR_EQ(NULL, file_get(&tchild, 3));
    EXPECT_PTR_EQ(NULL, file_get(&tchild, 4));
    EXPECT_PTR_EQ(NULL, file_get(&tchild, 10));
    EXPECT_TRUE(file_get(&tchild, 5) != NULL && file_get(&tchild, 9) != NULL);
    EXPECT_EQ(9, open_fds(&tp)); /* the parent's table is its own */
    file_close_all(&tchild);
    file_close_all(&tp);
    EXPECT_EQ(files0, file_open_count());
}

KTEST(file_fcntl_errors_and_status_flags)
{
    int files0 = file_open_count();
    fresh(&tp);
    ASSERT_EQ(0, file_install_console(&tp));
    int fds[2];
    EXPECT_EQ(-EINVAL, file_fd_pipe(&tp, fds, O_APPEND));
    EXPECT_EQ(-EINVAL, file_fd_pipe(&tp, fds, 040000)); /* O_DIRECT */
    EXPECT_EQ(3, open_fds(&tp));
    ASSERT_EQ(0, file_fd_pipe(&tp, fds, O_NONBLOCK));
    struct file *r = file_get(&tp, 3);
    EXPECT_EQ(O_RDONLY | O_NONBLOCK, file_fcntl(&tp, 3, F_GETFL, 0));
    EXPECT_EQ(O_WRONLY | O_NONBLOCK, file_fcntl(&tp, 4, F_GETFL, 0));
    EXPECT_EQ(O_RDWR | O_LARGEFILE, file_fcntl(&tp, 0, F_GETFL, 0));
    EXPECT_EQ(0, file_fcntl(&tp, 3, F_SETFL, O_APPEND | O_WRONLY | O_CREAT));
    EXPECT_EQ(O_APPEND, r->status);
    EXPECT_EQ(-EINVAL, file_fcntl(&tp, 3, F_SETFL, 020000)); /* FASYNC */
    EXPECT_EQ(-EINVAL, file_fcntl(&tp, 3, F_SETFL, 01000000)); /* O_NOATIME */
    EXPECT_EQ(O_APPEND, r->status);
    EXPECT_EQ(0, file_fcntl(&tp, 3, F_SETFD, ~0L));
    EXPECT_EQ(FD_CLOEXEC, tp.fd_flags[3]);
    EXPECT_EQ(-EINVAL, file_fcntl(&tp, 3, 5, 0));
    EXPECT_EQ(-EINVAL, file_fcntl(&tp, 3, -1, 0));
    EXPECT_EQ(-EBADF, file_fcntl(&tp, 7, F_GETFD, 0));
    EXPECT_EQ(-EBADF, file_fcntl(&tp, 7, 12345, 0)); /* EBADF before the command */
    EXPECT_EQ(-EBADF, file_fcntl(&tp, NOFILE, F_GETFL, 0));
    EXPECT_EQ(-EINVAL, file_fcntl(&tp, 3, F_DUPFD, NOFILE));
    EXPECT_EQ(-EINVAL, file_fcntl(&tp, 3, F_DUPFD, -1));
    EXPECT_EQ(NOFILE - 1, file_fcntl(&tp, 3, F_DUPFD, NOFILE - 1));
    EXPECT_EQ(-EMFILE, file_fcntl(&tp, 3, F_DUPFD, NOFILE - 1));
    EXPECT_EQ(-EINVAL, file_fd_dup3(&tp, 3, 3, 0));
    EXPECT_EQ(-EINVAL, file_fd_dup3(&tp, 3, 5, O_NONBLOCK));
    EXPECT_EQ(-EBADF, file_fd_dup3(&tp, 3, NOFILE, 0));
    EXPECT_EQ(-EBADF, file_fd_dup3(&tp, 8, 5, 0));
    /* open: unimplemented flags are refused, before anything else. */
    EXPECT_EQ(-EINVAL, file_open(&tp, "/", 010000, 0));  /* O_DSYNC */
    EXPECT_EQ(-EINVAL, file_open(&tp, "/no-such-file", 010000000, 0)); /* O_PATH */
    int fd = file_open(&tp, "/", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0);
    EXPECT_EQ(5, fd);
    EXPECT_EQ(O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_LARGEFILE, file_fcntl(&tp, 5, F_GETFL, 0));
    file_close_all(&tp);
    EXPECT_EQ(files0, file_open_count());
}

/* Type s into the line discipline, as the COM1 interrupt would. */
static void type(const char *s)
{
    for (; *s; s++)
        tty_input(*s);
}

static void expect_line(const char *want, size_t n)
{
    char buf[TTY_BUF + 1];
    long got = tty_kread(buf, n);
    EXPECT_EQ((long)strlen(want), got);
    buf[got > 0 ? got : 0] = '\0';
    EXPECT_STREQ(want, buf);
}

KTEST(file_tty_line_discipline)
{
    bool echo = tty_set_echo(false);
    tty_flush_input();
    char buf[TTY_BUF + 1];

    type("ls -l");
    EXPECT_EQ(-EAGAIN, tty_kread(buf, sizeof(buf))); /* no line yet */
    type("\r");
    expect_line("ls -l\n", sizeof(buf));
    EXPECT_EQ(-EAGAIN, tty_kread(buf, sizeof(buf)));

    type("cax\by\x7ft\n"); /* backspace and DEL erase one character each */
    expect_line("cat\n", sizeof(buf));
    type("\b\b\bok\n"); /* nothing to erase at the start of a line */
    expect_line("ok\n", sizeof(buf));
    type("rm -rf /\x15" "echo hi\n"); /* Ctrl-U kills the line */
    expect_line("echo hi\n", sizeof(buf));
    type("\x01\x1b" "x\n"); /* other control characters are dropped */
    expect_line("x\n", sizeof(buf));

    /* Ctrl-D: end of file on an empty line, "push" on a non-empty one. */
    type("\x04");
    EXPECT_EQ(0, tty_kread(buf, sizeof(buf)));
    EXPECT_EQ(-EAGAIN, tty_kread(buf, sizeof(buf)));
    type("abc\x04");
    expect_line("abc", sizeof(buf));
    EXPECT_EQ(-EAGAIN, tty_kread(buf, sizeof(buf)));
    type("ab\x04");
    expect_line("ab", 2); /* exactly filled: the marker goes with it */
    EXPECT_EQ(-EAGAIN, tty_kread(buf, sizeof(buf)));
    type("one\n\x04");
    expect_line("one\n", sizeof(buf));
    EXPECT_EQ(0, tty_kread(buf, sizeof(buf)));

    /* One line per read, and a short buffer takes a line in pieces. */
    type("first\nsecond\n");
    expect_line("fi", 2);
    expect_line("rst\n", sizeof(buf));
    expect_line("second\n", sizeof(buf));
    EXPECT_EQ(0, tty_kread(buf, 0));

    /* A full buffer drops characters but still takes the Enter. */
    for (int i = 0; i < TTY_BUF + 50; i++)
        tty_input('x');
    type("\n");
    EXPECT_EQ(TTY_BUF, tty_kread(buf, sizeof(buf)));
    EXPECT_EQ('\n', buf[TTY_BUF - 1]);
    EXPECT_EQ(-EAGAIN, tty_kread(buf, sizeof(buf)));

    tty_flush_input();
    tty_set_echo(echo);
}
