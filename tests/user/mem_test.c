/*
 * mem_test.c - sbrk/brk grow and shrink the heap with zeroed pages, lazily
 * (no frame until a page is touched), more than all of RAM at once fails
 * cleanly with ENOMEM, the stack grows on demand to 256 KiB
 * and more, and sysconf reports the memory counts.
 */
#include <sys/mman.h>
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include "utest.h"

static void sbrk_grows_and_shrinks(void)
{
    long free0 = sysconf(_SC_AVPHYS_PAGES);
    char *start = sbrk(0);
    char *p = sbrk(10 * 4096);
    EXPECT_EQ((long)start, (long)p);
    EXPECT_EQ((long)start + 10 * 4096, (long)sbrk(0));
    int nonzero = 0;
    for (int i = 0; i < 10 * 4096; i++)
        nonzero += p[i] != 0;
    EXPECT_EQ(0, nonzero);
    memset(p, 0x33, 10 * 4096);
    EXPECT_TRUE(sysconf(_SC_AVPHYS_PAGES) <= free0 - 9);
    EXPECT_EQ((long)start + 10 * 4096, (long)sbrk(-10 * 4096));
    EXPECT_EQ((long)start, (long)sbrk(0));
    EXPECT_EQ(free0, sysconf(_SC_AVPHYS_PAGES)); /* shrinking freed the frames */
}

static void huge_sbrk_is_enomem(void)
{
    char *before = sbrk(0);
    long free0 = sysconf(_SC_AVPHYS_PAGES), phys = sysconf(_SC_PHYS_PAGES);
    errno = 0;
    EXPECT_EQ(-1, (long)sbrk(1L << 45));
    EXPECT_EQ(ENOMEM, errno);
    /* more than all of RAM in one step (Linux's heuristic overcommit):
     * refused with nothing kept */
    errno = 0;
    EXPECT_EQ(-1, (long)sbrk((phys + 1) * 4096));
    EXPECT_EQ(ENOMEM, errno);
    EXPECT_EQ((long)before, (long)sbrk(0));
    EXPECT_EQ(free0, sysconf(_SC_AVPHYS_PAGES));
    EXPECT_EQ(-1, brk((void *)0xffffffff80000000UL));
}

/* The heap grows lazily: more than all free memory costs no frame until
 * touched, and touching one page costs one frame. */
static void big_sbrk_costs_nothing_until_touched(void)
{
    char *before = sbrk(0);
    long free0 = sysconf(_SC_AVPHYS_PAGES);
    char *p = sbrk((free0 + 10) * 4096);
    EXPECT_EQ((long)before, (long)p);
    EXPECT_EQ(free0, sysconf(_SC_AVPHYS_PAGES));
    EXPECT_EQ(0, p[12345]); /* a read maps the zero page: still no frame */
    EXPECT_EQ(free0, sysconf(_SC_AVPHYS_PAGES));
    p[free0 * 4096] = 1; /* one write, one frame (plus a page table) */
    long used = free0 - sysconf(_SC_AVPHYS_PAGES);
    EXPECT_TRUE(used >= 1 && used <= 3);
    EXPECT_EQ((long)p + (free0 + 10) * 4096, (long)sbrk(-(free0 + 10) * 4096));
    EXPECT_EQ(free0, sysconf(_SC_AVPHYS_PAGES));
}

static int recurse(int depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    if (depth == 0)
        return frame[0];
    return recurse(depth - 1) + frame[0] - (char)depth;
}

static void stack_grows_to_256k_and_beyond(void)
{
    pid_t c = fork();
    if (c == 0)
        _exit(recurse(1000) == 0 ? 0 : 1); /* about 1 MiB of stack */
    int status;
    waitpid(c, &status, 0);
    EXPECT_EQ(0, status);
}

static void stack_overflow_is_sigsegv(void)
{
    pid_t c = fork();
    if (c == 0)
        _exit(recurse(1 << 20)); /* about 1 GiB of stack: past the limit */
    int status;
    waitpid(c, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(11, WTERMSIG(status));
}

static void sysconf_values(void)
{
    EXPECT_EQ(4096, sysconf(_SC_PAGESIZE));
    long phys = sysconf(_SC_PHYS_PAGES), avail = sysconf(_SC_AVPHYS_PAGES);
    EXPECT_TRUE(phys > 1000);
    EXPECT_TRUE(avail > 0 && avail < phys);
    errno = 0;
    EXPECT_EQ(-1, sysconf(-5));
    EXPECT_EQ(EINVAL, errno);
}

static void malloc_round_trip(void)
{
    long free0 = sysconf(_SC_AVPHYS_PAGES);
    void *blocks[100];
    for (int i = 0; i < 100; i++) {
        blocks[i] = malloc((size_t)(i * 97 + 1));
        EXPECT_TRUE(blocks[i] != NULL);
        memset(blocks[i], i, (size_t)(i * 97 + 1));
    }
    for (int i = 0; i < 100; i += 2)
        free(blocks[i]);
    for (int i = 1; i < 100; i += 2)
        free(blocks[i]);
    char *big = malloc(3 << 20);
    EXPECT_TRUE(big != NULL);
    big[(3 << 20) - 1] = 1;
    free(big);
    EXPECT_TRUE(sysconf(_SC_AVPHYS_PAGES) > free0 - 1000);
}

int main(void)
{
    mlockall(MCL_CURRENT); /* every page resident now: exact frame counts from here on */
    sbrk_grows_and_shrinks();
    huge_sbrk_is_enomem();
    big_sbrk_costs_nothing_until_touched();
    stack_grows_to_256k_and_beyond();
    stack_overflow_is_sigsegv();
    sysconf_values();
    malloc_round_trip();
    utest_exit();
}
