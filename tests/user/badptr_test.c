/*
 * badptr_test.c - every user pointer is checked: a bad one is -1 with
 * errno EFAULT, and nothing changes (no data consumed, no fd leaked, no
 * child reaped, no exec).
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include "utest.h"

#define KERNEL_ADDR ((void *)0xffffffff80100000UL)
#define NONCANON ((void *)0x0000900000000000UL)
#define UNMAPPED ((void *)0x0000100000000000UL)
#define NEAR_TOP ((void *)0x00007ffffffffff0UL)

static void read_write_bad_buffers(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    EXPECT_ERR(EFAULT, write(fds[1], KERNEL_ADDR, 8));
    EXPECT_ERR(EFAULT, write(fds[1], NONCANON, 8));
    EXPECT_ERR(EFAULT, write(fds[1], UNMAPPED, 8));
    EXPECT_ERR(EFAULT, write(fds[1], NULL, 8));
    EXPECT_EQ(3, write(fds[1], "abc", 3));
    EXPECT_ERR(EFAULT, read(fds[0], KERNEL_ADDR, 3));
    EXPECT_ERR(EFAULT, read(fds[0], NULL, 3));
    char buf[4] = {0};
    EXPECT_EQ(3, read(fds[0], buf, 3)); /* the failed reads consumed nothing */
    EXPECT_EQ(0, memcmp(buf, "abc", 3));
    close(fds[0]);
    close(fds[1]);
}

/* A buffer whose second half runs off the end of the heap into unmapped memory. */
static void half_mapped_buffer(void)
{
    char *end = sbrk(0);
    char *page_end = (char *)(((unsigned long)end + 4095) & ~4095UL);
    char *half = page_end - 8; /* 8 mapped bytes, then unmapped */
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    EXPECT_ERR(EFAULT, write(fds[1], half, 64)); /* a small pipe write is all or nothing */
    EXPECT_EQ(16, write(fds[1], "0123456789abcdef", 16));
    EXPECT_ERR(EFAULT, read(fds[0], half, 64)); /* 16 bytes do not fit in the mapped 8 */
    char b[16];
    EXPECT_EQ(16, read(fds[0], b, 16)); /* the failed read consumed nothing */
    close(fds[0]);
    close(fds[1]);
}

static void pipe_wait_exec_sleep(void)
{
    int before = dup(0); /* the lowest free fd now */
    close(before);
    EXPECT_ERR(EFAULT, pipe((int *)KERNEL_ADDR));
    EXPECT_ERR(EFAULT, pipe((int *)NULL));
    int after = dup(0);
    EXPECT_EQ(before, after); /* the failed pipes left no descriptor behind */
    close(after);

    pid_t c = fork();
    if (c == 0)
        _exit(3);
    EXPECT_ERR(EFAULT, waitpid(c, (int *)KERNEL_ADDR, 0));
    int status;
    EXPECT_EQ(c, waitpid(c, &status, 0)); /* still there to be waited for */
    EXPECT_EQ(3, WEXITSTATUS(status));

    EXPECT_ERR(EFAULT, execv((char *)KERNEL_ADDR, NULL));
    char *argv_bad[] = {"x", (char *)KERNEL_ADDR, NULL};
    EXPECT_ERR(EFAULT, execv("/bin/true", argv_bad));
    EXPECT_ERR(EFAULT, execv("/bin/true", (char **)NEAR_TOP));
    EXPECT_ERR(EFAULT, nanosleep((struct timespec *)KERNEL_ADDR, NULL));
}

static void huge_lengths(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    char buf[8];
    EXPECT_ERR(EFAULT, write(fds[1], buf, (size_t)1 << 62));
    EXPECT_ERR(EFAULT, write(fds[1], buf, (size_t)-1 >> 1));
    EXPECT_EQ(1, write(fds[1], "q", 1));
    close(fds[1]);
    char *small = malloc(16);
    /* a count far beyond the buffer, but a valid range: only what is there is copied */
    EXPECT_EQ(1, read(fds[0], small, 100000));
    free(small);
    close(fds[0]);
}

int main(void)
{
    read_write_bad_buffers();
    half_mapped_buffer();
    pipe_wait_exec_sleep();
    huge_lengths();
    utest_exit();
}
