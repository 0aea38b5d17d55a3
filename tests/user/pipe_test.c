/*
 * pipe_test.c - pipe, read, write, close, dup, dup2: data order, blocking,
 * EOF when the writers close, EPIPE with no reader, descriptor rules; the
 * 64 KiB capacity, PIPE_BUF atomicity with several writers, O_NONBLOCK, and
 * bad buffers found before a write sleeps (each such case runs in a child
 * under a deadline, so a hang shows as a failure, not a stuck suite).
 */
#define _GNU_SOURCE /* pipe2 on Linux */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include "utest.h"

#define CAPACITY 65536 /* Linux's default pipe size, and cowos's */
#define DEADLINE_MS 20000 /* only a hang takes this long */

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

/*
 * Run fn in a child; it passes by exiting 0. A child still running after
 * DEADLINE_MS is killed and the case fails as a hang.
 */
static void in_child_with_deadline(void (*fn)(void), const char *what)
{
    pid_t c = fork();
    if (c == 0) {
        utest_failures = 0; /* the verdict on fn alone */
        fn();
        _exit(utest_failures ? 1 : 0);
    }
    EXPECT_TRUE(c > 0);
    int status = 0;
    pid_t r = 0;
    for (int ms = 0; ms < DEADLINE_MS && (r = waitpid(c, &status, WNOHANG)) == 0; ms += 10)
        usleep(10000);
    if (r == 0) {
        printf("# %s: expected to finish, still blocked after %d ms: killed\n", what,
               DEADLINE_MS);
        kill(c, SIGKILL);
        waitpid(c, &status, 0);
        utest_failures++;
        return;
    }
    EXPECT_EQ(c, r);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("# %s: expected exit status 0, got wait status %#x\n", what, status);
        utest_failures++;
    }
}

static char chunk[CAPACITY];

/* Put n bytes into the pipe (n <= CAPACITY, the pipe has room). */
static void fill(int fd, size_t n)
{
    memset(chunk, 'f', n);
    EXPECT_EQ((long)n, write(fd, chunk, n));
}

/* A page-aligned buffer of `mapped` bytes at the very end of the heap:
 * whatever follows it is unmapped. */
static char *heap_tail(size_t mapped)
{
    unsigned long end = (unsigned long)sbrk(0);
    sbrk((long)((4096 - end % 4096) % 4096));
    char *p = sbrk((long)mapped);
    for (size_t i = 0; i < mapped; i++)
        p[i] = (char)(i * 13 + 5);
    return p;
}

/* Issue 10: a small write from an unmapped buffer slept for room first. */
static void bad_buffer_write_is_efault_at_once(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    fill(fds[1], 64);
    EXPECT_ERR(EFAULT, write(fds[1], (void *)0xfff, 4096));
    /* Nearly full: the write would have to wait, so the buffer is checked first. */
    fill(fds[1], CAPACITY - 64 - 100);
    EXPECT_ERR(EFAULT, write(fds[1], (void *)0xfff, 4096));
    EXPECT_ERR(EFAULT, write(fds[1], (void *)0xfff, 256 * 1024)); /* nothing readable */
    char *tail = heap_tail(4096);
    EXPECT_ERR(EFAULT, write(fds[1], tail + 4000, 200)); /* atomic: all or nothing */
    char b[64];
    EXPECT_EQ(64, read(fds[0], b, 64)); /* the failed writes left the data alone */
    close(fds[0]);
    close(fds[1]);
}

/* Issue 10: a large write whose buffer is mapped only at its start copies
 * what is mapped and returns that count instead of sleeping for room. */
static void half_mapped_large_write_returns_mapped_count(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    char *p = heap_tail(8192);
    EXPECT_EQ(8192, write(fds[1], p, 256 * 1024)); /* empty pipe: 8 KiB copied */
    static char back[8192];
    EXPECT_EQ(8192, read(fds[0], back, sizeof(back)));
    EXPECT_EQ(0, memcmp(back, p, 8192));
    /* 60 KiB in the pipe: the 4 KiB that are mapped fill it exactly, and the
     * next byte is unmapped: return, do not wait for room. */
    fill(fds[1], CAPACITY - 4096);
    char *q = p + 4096; /* its last page: 4096 mapped bytes */
    EXPECT_EQ(4096, write(fds[1], q, 100000));
    EXPECT_ERR(EFAULT, write(fds[1], q + 4096, 100000)); /* full, and nothing readable */
    close(fds[0]);
    close(fds[1]);
}

/* Linux's read checks the buffer only when it copies: a read with a bad
 * buffer on an empty pipe sleeps until data comes, then fails with EFAULT
 * and the data stays in the pipe. */
static void bad_buffer_read_waits_then_efault(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    pid_t c = fork();
    if (c == 0) {
        usleep(20000);
        _exit(write(fds[1], "hello", 5) == 5 ? 0 : 1);
    }
    EXPECT_ERR(EFAULT, read(fds[0], (void *)0xfff, 5));
    char b[8] = {0};
    EXPECT_EQ(5, read(fds[0], b, sizeof(b)));
    EXPECT_EQ(0, memcmp(b, "hello", 5));
    int status;
    EXPECT_EQ(c, waitpid(c, &status, 0));
    EXPECT_EQ(0, status);
    close(fds[0]);
    close(fds[1]);
}

/* Exactly 64 KiB fit; a non-blocking writer then gets EAGAIN. */
static void capacity_is_64k(void)
{
    int fds[2];
    memset(chunk, 'c', sizeof(chunk)); /* its pages are ours before counting */
    long free0 = sysconf(_SC_AVPHYS_PAGES);
    if (!EXPECT_EQ(0, pipe2(fds, O_NONBLOCK)))
        return;
    long total = 0, r;
    while ((r = write(fds[1], chunk, 4096)) > 0)
        total += r;
    EXPECT_EQ(CAPACITY, total);
    EXPECT_ERR(EAGAIN, write(fds[1], chunk, 4096));
    EXPECT_ERR(EAGAIN, write(fds[1], chunk, 1));
    /* Empty it; a non-blocking write longer than PIPE_BUF takes what fits. */
    while (read(fds[0], chunk, sizeof(chunk)) > 0)
        ;
    EXPECT_EQ(EAGAIN, errno);
    EXPECT_EQ(CAPACITY, write(fds[1], chunk, CAPACITY + 5000));
    EXPECT_ERR(EAGAIN, write(fds[1], chunk, CAPACITY + 5000));
    close(fds[0]);
    close(fds[1]);
    EXPECT_EQ(free0, sysconf(_SC_AVPHYS_PAGES)); /* the ring's frames are back */
}

/* Several writers of PIPE_BUF-sized (and smaller) records: every record
 * arrives whole, never interleaved with another writer's bytes. */
static void pipe_buf_writes_are_atomic(void)
{
    enum { WRITERS = 4, RECORDS = 40 };
    static const size_t sizes[] = {PIPE_BUF, 3000};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t size = sizes[k];
        int fds[2];
        EXPECT_EQ(0, pipe(fds));
        for (int w = 0; w < WRITERS; w++) {
            if (fork() == 0) {
                close(fds[0]);
                static char rec[PIPE_BUF];
                memset(rec, 'A' + w, size);
                for (int i = 0; i < RECORDS; i++)
                    if (write(fds[1], rec, size) != (long)size)
                        _exit(1);
                _exit(0);
            }
        }
        close(fds[1]);
        static char in[WRITERS * RECORDS * PIPE_BUF];
        size_t got = 0;
        long r;
        while ((r = read(fds[0], in + got, 1 + (got * 7) % 5000)) > 0)
            got += (size_t)r;
        EXPECT_EQ(WRITERS * RECORDS * size, got);
        int torn = 0, counts[WRITERS] = {0};
        for (size_t off = 0; off + size <= got; off += size) {
            for (size_t i = 1; i < size; i++)
                torn += in[off + i] != in[off];
            if (in[off] >= 'A' && in[off] < 'A' + WRITERS)
                counts[in[off] - 'A']++;
        }
        EXPECT_EQ(0, torn);
        for (int w = 0; w < WRITERS; w++)
            EXPECT_EQ(RECORDS, counts[w]);
        for (int w = 0; w < WRITERS; w++) {
            int status;
            wait(&status);
            EXPECT_EQ(0, status);
        }
        close(fds[0]);
    }
}

/* O_NONBLOCK is per open file: set with fcntl, seen through a dup. */
static void nonblocking_read_and_write(void)
{
    int fds[2];
    char b[4];
    EXPECT_EQ(0, pipe(fds));
    EXPECT_EQ(0, fcntl(fds[0], F_SETFL, O_NONBLOCK));
    int d = dup(fds[0]);
    EXPECT_ERR(EAGAIN, read(d, b, 1));
    EXPECT_ERR(EAGAIN, read(fds[0], (void *)0xfff, 1)); /* empty: the buffer is never looked at */
    EXPECT_EQ(1, write(fds[1], "x", 1));
    EXPECT_EQ(1, read(d, b, sizeof(b)));
    close(fds[1]);
    EXPECT_EQ(0, read(d, b, 1)); /* no writer left: end of file, not EAGAIN */
    close(d);
    close(fds[0]);
}

int main(void)
{
    /* These check write's EPIPE; SIGPIPE's default (death) is signal_handler_test's. */
    signal(SIGPIPE, SIG_IGN);
    in_child_with_deadline(bad_buffer_write_is_efault_at_once, "bad buffer write");
    in_child_with_deadline(half_mapped_large_write_returns_mapped_count, "half-mapped write");
    in_child_with_deadline(bad_buffer_read_waits_then_efault, "bad buffer read");
    in_child_with_deadline(capacity_is_64k, "64 KiB capacity");
    in_child_with_deadline(pipe_buf_writes_are_atomic, "PIPE_BUF atomicity");
    in_child_with_deadline(nonblocking_read_and_write, "O_NONBLOCK");
    data_through_a_pipe();
    epipe_without_reader();
    large_transfer_blocks_both_ways();
    dup_and_dup2();
    fd_table_full_is_emfile();
    zero_length_and_stdout();
    utest_exit();
}
