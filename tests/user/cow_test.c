/*
 * cow_test.c - copy-on-write as a program sees it: exact copy counts, the
 * reuse path, private views across generations, the kernel's own writes
 * (read into a shared buffer), and a fork of most of memory.
 * Counts come from the kernel (cowos_memstat), never from guesses.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <cowstat.h>
#include "utest.h"

#define PAGE 4096

/* Heap pages, written once so they are really there before any fork. */
static char *region(int pages, char fill)
{
    char *p = sbrk(0);
    p = (char *)(((unsigned long)p + PAGE - 1) & ~(unsigned long)(PAGE - 1));
    if (brk(p + (long)pages * PAGE) != 0)
        return NULL;
    memset(p, fill, (size_t)pages * PAGE);
    return p;
}

static void release(char *p) { brk(p); }

static int wait_ok(pid_t pid)
{
    int status = -1;
    if (waitpid(pid, &status, 0) != pid)
        return 0;
    if (status != 0)
        printf("# child %d ended with status 0x%x\n", pid, status);
    return status == 0;
}

/* Fork with N data pages, write K of them in the child: exactly K faults,
 * each a copy (the parent still shares every page). After the child exits,
 * the parent writes all N: every page is now mapped once, so N faults, all
 * reuses (made writable again), no copies. */
static void exact_copy_counts(void)
{
    enum { N = 64, K = 23 };
    char *r = region(N, 'p');
    EXPECT_TRUE(r != NULL);
    struct cowos_memstat m0, m1;
    cowos_memstat(&m0);
    pid_t c = fork();
    if (c == 0) {
        cowos_memstat(&m0); /* breaks sharing of this stack page now, not below */
        cowos_memstat(&m0);
        for (int i = 0; i < K; i++)
            r[i * PAGE + 100] = 'c';
        cowos_memstat(&m1);
        int bad = 0;
        if (m1.cow_faults - m0.cow_faults != K || m1.cow_copies - m0.cow_copies != K ||
            m1.cow_reuses != m0.cow_reuses) {
            printf("# child: expected %d faults, %d copies, 0 reuses; got %lu, %lu, %lu\n", K, K,
                   m1.cow_faults - m0.cow_faults, m1.cow_copies - m0.cow_copies,
                   m1.cow_reuses - m0.cow_reuses);
            bad = 1;
        }
        _exit(bad);
    }
    EXPECT_TRUE(wait_ok(c));
    /* The fork itself shared and copied no data frame. */
    cowos_memstat(&m1);
    EXPECT_EQ(0, m1.fork_pages_copied - m0.fork_pages_copied);
    /* page by page, or (fork=cow) in whole page tables of up to 512 pages */
    EXPECT_TRUE(m1.fork_pages_shared - m0.fork_pages_shared +
                    512 * (m1.fork_tables_shared - m0.fork_tables_shared) >= N);
    cowos_memstat(&m0);
    cowos_memstat(&m0);
    for (int i = 0; i < N; i++)
        r[i * PAGE] = 'q';
    cowos_memstat(&m1);
    EXPECT_EQ(N, m1.cow_faults - m0.cow_faults); /* the reuse path: count was 1 */
    EXPECT_EQ(N, m1.cow_reuses - m0.cow_reuses);
    EXPECT_EQ(0, m1.cow_copies - m0.cow_copies);
    int wrong = 0;
    for (int i = 0; i < N; i++)
        wrong += r[i * PAGE + 100] != 'p'; /* the child's writes never showed here */
    EXPECT_EQ(0, wrong);
    release(r);
}

/* Three generations write overlapping ranges; each sees only its own data
 * where it wrote and its ancestors' where it did not. */
static int check_pages(const char *r, const char *expect, const char *who)
{
    for (int i = 0; expect[i]; i++)
        for (int off = 0; off < PAGE; off += 512)
            if (r[i * PAGE + off] != expect[i]) {
                printf("# %s: page %d has '%c', expected '%c'\n", who, i, r[i * PAGE + off],
                       expect[i]);
                return 0;
            }
    return 1;
}

static void fill(char *r, int from, int to, char c)
{
    for (int i = from; i < to; i++)
        memset(r + i * PAGE, c, PAGE);
}

static void three_generations(void)
{
    char *r = region(8, 'P');
    pid_t a = fork();
    if (a == 0) {
        fill(r, 2, 6, 'A');
        pid_t b = fork();
        if (b == 0) {
            fill(r, 4, 8, 'B');
            _exit(check_pages(r, "PPAABBBB", "grandchild") ? 0 : 1);
        }
        int ok = check_pages(r, "PPAAAAPP", "child before grandchild exits");
        ok &= wait_ok(b);
        ok &= check_pages(r, "PPAAAAPP", "child after");
        _exit(ok ? 0 : 1);
    }
    EXPECT_TRUE(check_pages(r, "PPPPPPPP", "parent before"));
    EXPECT_TRUE(wait_ok(a));
    EXPECT_TRUE(check_pages(r, "PPPPPPPP", "parent after"));
    release(r);
}

/* Children read() from pipes into a buffer they share with the parent: the
 * kernel's writes break COW, so each child sees its data, the parent none. */
static void read_into_shared_buffer(void)
{
    char *buf = region(2, 'p');
    enum { KIDS = 4 };
    pid_t kids[KIDS];
    int wfd[KIDS];
    for (int k = 0; k < KIDS; k++) {
        int fds[2];
        EXPECT_EQ(0, pipe(fds));
        kids[k] = fork();
        if (kids[k] == 0) {
            close(fds[1]);
            char want = (char)('0' + k);
            ssize_t n = read(fds[0], buf + PAGE - 50, 100); /* straddles both pages */
            int ok = n == 100;
            for (int i = 0; i < 100 && ok; i++)
                ok = buf[PAGE - 50 + i] == want;
            _exit(ok ? 0 : 1);
        }
        close(fds[0]);
        wfd[k] = fds[1];
    }
    for (int k = 0; k < KIDS; k++) {
        char msg[100];
        memset(msg, '0' + k, sizeof(msg));
        EXPECT_EQ(100, write(wfd[k], msg, sizeof(msg)));
        close(wfd[k]);
    }
    for (int k = 0; k < KIDS; k++)
        EXPECT_TRUE(wait_ok(kids[k]));
    int changed = 0;
    for (int i = 0; i < 2 * PAGE; i++)
        changed += buf[i] != 'p';
    EXPECT_EQ(0, changed);
    release(buf);
}

/* 100 rounds: a child that forks twice more, every generation writing its
 * own pattern, while the parent checks that its memory never changes and
 * that every frame comes back. */
static void hundred_rounds(void)
{
    char *r = region(4, 0);
    long free0 = sysconf(_SC_AVPHYS_PAGES);
    int bad_rounds = 0;
    for (int round = 0; round < 100; round++) {
        char mine = (char)('a' + round % 26);
        memset(r, mine, 4 * PAGE);
        pid_t c = fork();
        if (c == 0) {
            memset(r + PAGE, 'C', 2 * PAGE);
            for (int g = 0; g < 2; g++) {
                pid_t gc = fork();
                if (gc == 0) {
                    memset(r + (g + 1) * PAGE, 'G', PAGE);
                    _exit(r[0] == mine && r[(g + 1) * PAGE + 7] == 'G' ? 0 : 1);
                }
                if (!wait_ok(gc))
                    _exit(2);
            }
            _exit(r[PAGE] == 'C' && r[2 * PAGE] == 'C' && r[3 * PAGE] == mine ? 0 : 3);
        }
        int ok = wait_ok(c);
        for (int i = 0; i < 4 * PAGE && ok; i += 256)
            ok = r[i] == mine;
        bad_rounds += !ok;
    }
    EXPECT_EQ(0, bad_rounds);
    EXPECT_EQ(free0, sysconf(_SC_AVPHYS_PAGES));
    release(r);
}

/* A process holding two thirds of free memory forks: impossible with eager
 * copies, cheap with COW. Done three times, nothing lost. */
static void fork_two_thirds_of_memory(void)
{
    long free_pages = sysconf(_SC_AVPHYS_PAGES);
    int pages = (int)(free_pages * 2 / 3);
    char *r = region(pages, 'm');
    EXPECT_TRUE(r != NULL);
    if (!r)
        return;
    long held = sysconf(_SC_AVPHYS_PAGES);
    for (int round = 0; round < 3; round++) {
        pid_t c = fork();
        if (c == 0) {
            long sum = 0;
            for (int i = 0; i < pages; i += 64)
                sum += r[i * PAGE];
            _exit(sum == 'm' * (long)((pages + 63) / 64) ? 0 : 1);
        }
        EXPECT_TRUE(c > 0);
        if (c < 0)
            printf("# fork with %d pages held failed: errno %d\n", pages, errno);
        else
            EXPECT_TRUE(wait_ok(c));
        EXPECT_EQ(held, sysconf(_SC_AVPHYS_PAGES));
    }
    release(r);
}

/* The trace switch: on, query, off, each returning the previous setting;
 * a traced fault prints one console line and changes no count. */
static void trace_switch(void)
{
    EXPECT_EQ(0, cowos_cowtrace(1));
    EXPECT_EQ(1, cowos_cowtrace(-1));
    char *r = region(1, 't');
    pid_t c = fork();
    if (c == 0) {
        r[0] = 'u'; /* one traced copy */
        _exit(0);
    }
    EXPECT_TRUE(wait_ok(c));
    EXPECT_EQ(1, cowos_cowtrace(0));
    EXPECT_EQ(0, cowos_cowtrace(-1));
    release(r);
}

int main(void)
{
    trace_switch();
    exact_copy_counts();
    three_generations();
    read_into_shared_buffer();
    hundred_rounds();
    fork_two_thirds_of_memory();
    utest_exit();
}
