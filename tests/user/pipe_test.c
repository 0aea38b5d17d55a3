/*
 * pipe_test.c - pipe, read, write, close, dup, dup2: data order, blocking,
 * EOF when the writers close, EPIPE with no reader, descriptor rules.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include "utest.h"

static void data_through_a_pipe(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    EXPECT_EQ(5, write(fds[1], "hello", 5));
    char buf[16] = {0};
    EXPECT_EQ(5, read(fds[0], buf, sizeof(buf)));
    EXPECT_EQ(0, memcmp(buf, "hello", 5));
    EXPECT_EQ(0, close(fds[1]));
    EXPECT_EQ(0, read(fds[0], buf, sizeof(buf))); /* EOF: no writers, empty */
    EXPECT_EQ(0, close(fds[0]));
    EXPECT_ERR(EBADF, close(fds[0]));
}

static void epipe_without_reader(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    close(fds[0]);
    EXPECT_ERR(EPIPE, write(fds[1], "x", 1));
    close(fds[1]);
}

/* A child writes 64 KiB (16 times the pipe's buffer) in odd-sized chunks;
 * the parent reads it all back in order. Both sides block in turn. */
static void large_transfer_blocks_both_ways(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    pid_t c = fork();
    if (c == 0) {
        close(fds[0]);
        static unsigned char out[65536];
        for (unsigned i = 0; i < sizeof(out); i++)
            out[i] = (unsigned char)(i * 7 + 3);
        size_t off = 0;
        while (off < sizeof(out)) {
            size_t n = sizeof(out) - off < 1000 ? sizeof(out) - off : 1000;
            ssize_t w = write(fds[1], out + off, n);
            if (w <= 0)
                _exit(2);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    static unsigned char in[65536];
    size_t got = 0;
    ssize_t r;
    while ((r = read(fds[0], in + got, sizeof(in) - got < 777 ? sizeof(in) - got : 777)) > 0)
        got += (size_t)r;
    EXPECT_EQ(0, r);
    EXPECT_EQ(sizeof(in), got);
    int bad = 0;
    for (unsigned i = 0; i < sizeof(in); i++)
        bad += in[i] != (unsigned char)(i * 7 + 3);
    EXPECT_EQ(0, bad);
    int status;
    waitpid(c, &status, 0);
    EXPECT_EQ(0, status);
    close(fds[0]);
}

static void dup_and_dup2(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    int d = dup(fds[1]);
    EXPECT_TRUE(d > fds[1]);
    close(fds[1]);
    EXPECT_EQ(2, write(d, "ab", 2)); /* the duplicate still writes */
    EXPECT_EQ(10, dup2(d, 10));
    EXPECT_EQ(10, dup2(10, 10)); /* same fd: returned as is */
    EXPECT_EQ(1, write(10, "c", 1));
    close(d);
    close(10);
    char buf[4] = {0};
    EXPECT_EQ(3, read(fds[0], buf, 3));
    EXPECT_EQ(0, memcmp(buf, "abc", 3));
    EXPECT_EQ(0, read(fds[0], buf, 3)); /* every write end is closed now */
    EXPECT_ERR(EBADF, dup(99));
    EXPECT_ERR(EBADF, dup(-1));
    EXPECT_ERR(EBADF, dup2(fds[0], -1));
    EXPECT_ERR(EBADF, dup2(fds[0], 100000));
    EXPECT_ERR(EBADF, dup2(77, 5));
    EXPECT_ERR(EBADF, write(fds[0], "x", 1)); /* the read end is not writable */
    close(fds[0]);
}

static void fd_table_full_is_emfile(void)
{
    int opened[64], n = 0, fd;
    while ((fd = dup(0)) >= 0 && n < 64)
        opened[n++] = fd;
    EXPECT_EQ(EMFILE, errno);
    EXPECT_TRUE(n > 5);
    int fds[2];
    EXPECT_ERR(EMFILE, pipe(fds));
    for (int i = 0; i < n; i++)
        close(opened[i]);
}

static void zero_length_and_stdout(void)
{
    EXPECT_EQ(0, write(1, "", 0));
    EXPECT_EQ(3, write(1, "# \n", 3));
    EXPECT_ERR(EBADF, write(-1, "x", 1));
    EXPECT_ERR(EBADF, read(1000, NULL, 0));
}

int main(void)
{
    data_through_a_pipe();
    epipe_without_reader();
    large_transfer_blocks_both_ways();
    dup_and_dup2();
    fd_table_full_is_emfile();
    zero_length_and_stdout();
    utest_exit();
}
