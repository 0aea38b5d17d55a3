/*
 * stress_test.c - a fork bomb that fills the process table (refused with
 * EAGAIN, every process reaped by its own parent), 10,000 fork/exit/wait
 * cycles, a crowd of processes writing random patterns into pages they
 * shared, by stores and through read(), checking every word, and traffic on
 * every CPU at once (two workers per CPU, each a fixed number of rounds of
 * mmap, fork, COW writes on both sides, munmap and a pipe round trip).
 * Frames and page-table pages come back exactly; a lock-checker report
 * would have ended the kernel (it panics), so getting to the end is the
 * proof there was none.
 */
#include <sys/mman.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <cowstat.h>
#include "utest.h"

#define PAGE 4096L

static long avail(void) { return sysconf(_SC_AVPHYS_PAGES); }

/* ---- a branching fork bomb --------------------------------------------- */

/*
 * Every process forks two children, each doing the same, until fork fails:
 * the tree fills the process table. A parent reports 'c' for each child made
 * and then 'r' once it is done forking ('E' for EAGAIN, '?' for anything
 * else); a new child waits until its parent has reported it, so "every 'c'
 * has its 'r'" means the whole tree is done. Then each waits for the go (EOF
 * on the go pipe), reaps its own children and exits with the number of
 * processes in its subtree (mod 256).
 */
static int bomb(int report, int go)
{
    int made = 0;
    while (made < 2) {
        int hold[2];
        if (pipe(hold) < 0) {
            write(report, "?", 1);
            break;
        }
        pid_t c = fork();
        if (c == 0) {
            char x;
            close(hold[1]);
            read(hold[0], &x, 1); /* until the parent has reported us */
            close(hold[0]);
            made = 0; /* a new process: the root of its own subtree */
            continue;
        }
        close(hold[0]);
        if (c < 0) {
            close(hold[1]);
            write(report, errno == EAGAIN ? "E" : "?", 1);
            break;
        }
        made++;
        write(report, "c", 1);
        close(hold[1]);
    }
    write(report, "r", 1);
    char x;
    read(go, &x, 1);
    int total = 1, status;
    while (wait(&status) > 0)
        total += WIFEXITED(status) ? WEXITSTATUS(status) : 1000;
    return total & 0xff;
}

static void fork_bomb_is_refused_and_reaped(void)
{
    long free0 = avail();
    int report[2], go[2];
    EXPECT_EQ(0, pipe(report));
    EXPECT_EQ(0, pipe(go));
    pid_t root = fork();
    if (root == 0) {
        close(report[0]);
        close(go[1]);
        _exit(bomb(report[1], go[0]));
    }
    close(report[1]);
    close(go[0]);
    /* the tree is complete when every process made has reported 'r' */
    long created = 1, ready = 0, refused = 0, other = 0;
    char buf[64];
    while (ready < created) {
        long n = read(report[0], buf, sizeof(buf));
        if (n <= 0)
            break;
        for (long i = 0; i < n; i++) {
            created += buf[i] == 'c';
            ready += buf[i] == 'r';
            refused += buf[i] == 'E';
            other += buf[i] == '?';
        }
    }
    EXPECT_EQ(created, ready);
    EXPECT_TRUE(refused > 0); /* the table filled up */
    EXPECT_EQ(0, other);      /* and the only refusal was EAGAIN */
    close(go[1]);             /* go: everyone reaps and exits */
    int status = -1;
    EXPECT_EQ(root, waitpid(root, &status, 0));
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(created & 0xff, WEXITSTATUS(status)); /* every process counted by its parent */
    close(report[0]);
    printf("# fork bomb: %ld processes, %ld forks refused\n", created, refused);
    EXPECT_ERR(ECHILD, wait(NULL));
    EXPECT_EQ(free0, avail());
}

/* ---- fork, exit, wait, many times -------------------------------------- */

#define CYCLES 10000

static void ten_thousand_fork_exit_wait(void)
{
    long free0 = avail();
    unsigned long t0 = (unsigned long)time(NULL);
    int wrong = 0, failed = 0;
    for (int i = 0; i < CYCLES; i++) {
        pid_t c = fork();
        if (c == 0)
            _exit(i & 0xff);
        if (c < 0) {
            failed++;
            continue;
        }
        int status = -1;
        if (waitpid(c, &status, 0) != c || !WIFEXITED(status) || WEXITSTATUS(status) != (i & 0xff))
            wrong++;
    }
    EXPECT_EQ(0, failed);
    EXPECT_EQ(0, wrong);
    EXPECT_EQ(free0, avail());
    printf("# %d fork/exit/wait cycles in about %lu s\n", CYCLES, (unsigned long)time(NULL) - t0);
}

/* ---- shared, then private: patterns and checksums ---------------------- */

#define REGION_PAGES 96
#define WORKERS 12

static uint64_t region[REGION_PAGES * PAGE / 8] __attribute__((aligned(4096)));

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint64_t base_word(long i) { return (uint64_t)i * 0x9e3779b97f4a7c15ULL + 1; }

/*
 * Worker w: some pages get a few words of its own (the rest of the page must
 * still read as the parent left it), some get a whole page through read()
 * from a pipe, and a grandchild writes its own pattern into the same pages
 * while they are shared again. Every word is checked at the end, and the
 * grandchild's checked by it. Exit 0 when everything held.
 */
static int worker(int w)
{
    uint64_t seed = 0x1234567ULL * (uint64_t)(w + 1), s = seed;
    static uint64_t mine[REGION_PAGES * PAGE / 8]; /* what each word should be */
    for (long i = 0; i < REGION_PAGES * PAGE / 8; i++)
        mine[i] = base_word(i);
    /* first check the shared pages read as the parent wrote them */
    for (long i = 0; i < REGION_PAGES * PAGE / 8; i++)
        if (region[i] != mine[i])
            return 1;
    int fds[2];
    if (pipe(fds) < 0)
        return 2;
    for (int round = 0; round < 3; round++) {
        for (int k = 0; k < REGION_PAGES / 2; k++) {
            long pg = (long)(xorshift(&s) % REGION_PAGES);
            uint64_t *page = region + pg * (PAGE / 8);
            uint64_t *want = mine + pg * (PAGE / 8);
            if (xorshift(&s) % 4 == 0) { /* the kernel writes it: a whole page via read() */
                uint64_t buf[PAGE / 8];
                for (long j = 0; j < PAGE / 8; j++)
                    buf[j] = want[j] = xorshift(&s);
                if (write(fds[1], buf, PAGE) != PAGE || read(fds[0], page, PAGE) != PAGE)
                    return 3;
            } else { /* a few stores */
                for (int j = 0; j < 3; j++) {
                    long at = (long)(xorshift(&s) % (PAGE / 8));
                    page[at] = want[at] = xorshift(&s);
                }
            }
        }
        if (round == 1) {
            /* share it all again with a grandchild, who scribbles and checks */
            pid_t g = fork();
            if (g == 0) {
                uint64_t gs = seed ^ 0xabcdef;
                for (int k = 0; k < 64; k++) {
                    long at = (long)(xorshift(&gs) % (REGION_PAGES * PAGE / 8));
                    region[at] = mine[at] = xorshift(&gs);
                }
                for (long i = 0; i < REGION_PAGES * PAGE / 8; i++)
                    if (region[i] != mine[i])
                        _exit(1);
                _exit(0);
            }
            if (g < 0)
                return 4;
            sched_yield();
            int status;
            if (waitpid(g, &status, 0) != g || status != 0)
                return 5;
        }
        sched_yield();
    }
    for (long i = 0; i < REGION_PAGES * PAGE / 8; i++)
        if (region[i] != mine[i]) {
            printf("# worker %d: word %ld of page %ld is %#lx, expected %#lx\n", w,
                   i % (PAGE / 8), i / (PAGE / 8), (unsigned long)region[i],
                   (unsigned long)mine[i]);
            return 6;
        }
    return 0;
}

static void shared_then_private_patterns(void)
{
    for (long i = 0; i < REGION_PAGES * PAGE / 8; i++)
        region[i] = base_word(i);
    long free0 = avail();
    pid_t kids[WORKERS];
    for (int w = 0; w < WORKERS; w++) {
        kids[w] = fork();
        if (kids[w] == 0)
            _exit(worker(w));
        EXPECT_TRUE(kids[w] > 0);
    }
    for (int w = 0; w < WORKERS; w++) {
        int status = -1;
        EXPECT_EQ(kids[w], waitpid(kids[w], &status, 0));
        if (status != 0)
            printf("# worker %d: expected status 0, got %#x\n", w, status);
        EXPECT_EQ(0, status);
    }
    long changed = 0;
    for (long i = 0; i < REGION_PAGES * PAGE / 8; i++)
        changed += region[i] != base_word(i);
    EXPECT_EQ(0, changed); /* none of their writes reached the parent */
    EXPECT_EQ(free0, avail());
}

/* ---- traffic on every CPU ---------------------------------------------- */

#define TRAFFIC_ROUNDS 60
#define TRAFFIC_PAGES 6

/*
 * One worker's rounds: map pages and fill them, fork; the child checks them,
 * writes its own (COW copies), unmaps half, and sends its sum down a pipe;
 * the parent writes too, checks the child's sum and its own pages (the
 * child's writes must not show), unmaps. Exit status: rounds that went wrong.
 */
static int traffic_worker(int w)
{
    int bad = 0;
    for (int r = 0; r < TRAFFIC_ROUNDS; r++) {
        long len = TRAFFIC_PAGES * PAGE;
        uint64_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return 100;
        uint64_t seed = (uint64_t)w * 1000 + (uint64_t)r;
        for (long p = 0; p < TRAFFIC_PAGES; p++)
            m[p * PAGE / 8] = seed + (uint64_t)p;
        int fds[2];
        if (pipe(fds) < 0)
            return 101;
        pid_t c = fork();
        if (c == 0) {
            uint64_t sum = 0;
            for (long p = 0; p < TRAFFIC_PAGES; p++) {
                sum += m[p * PAGE / 8];
                m[p * PAGE / 8] = ~(seed + (uint64_t)p); /* a COW copy */
            }
            munmap(m, len / 2);
            write(fds[1], &sum, sizeof(sum));
            _exit(0);
        }
        if (c < 0)
            return 102;
        volatile uint64_t *v = m;
        for (long p = 0; p < TRAFFIC_PAGES; p += 2)
            v[p * PAGE / 8] = v[p * PAGE / 8]; /* a write: the parent's own copy (or reuse) */
        uint64_t sum = 0, want = 0;
        for (long p = 0; p < TRAFFIC_PAGES; p++)
            want += seed + (uint64_t)p;
        if (read(fds[0], &sum, sizeof(sum)) != (ssize_t)sizeof(sum) || sum != want)
            bad++;
        int st = -1;
        if (waitpid(c, &st, 0) != c || st != 0)
            bad++;
        for (long p = 0; p < TRAFFIC_PAGES; p++)
            if (m[p * PAGE / 8] != seed + (uint64_t)p)
                bad++;
        close(fds[0]);
        close(fds[1]);
        munmap(m, len);
    }
    return bad;
}

static void traffic_round(int workers)
{
    pid_t kids[16];
    for (int w = 0; w < workers; w++) {
        kids[w] = fork();
        if (kids[w] == 0)
            _exit(traffic_worker(w));
        EXPECT_TRUE(kids[w] > 0);
    }
    for (int w = 0; w < workers; w++) {
        int st = -1;
        EXPECT_EQ(kids[w], waitpid(kids[w], &st, 0));
        EXPECT_TRUE(WIFEXITED(st));
        EXPECT_EQ(0, WEXITSTATUS(st));
    }
}

static void traffic_on_every_cpu(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int workers = cpus < 1 ? 2 : cpus > 8 ? 16 : (int)(2 * cpus);
    traffic_round(workers); /* the first round fills caches (pipes, the heap) */
    struct cowos_memstat m0, m1;
    cowos_memstat(&m0);
    cowos_memstat(&m0);
    long free0 = avail();
    traffic_round(workers);
    cowos_memstat(&m1);
    EXPECT_EQ(free0, avail());
    EXPECT_EQ((long)m0.frames_free, (long)m1.frames_free);
    EXPECT_EQ((long)m0.pt_pages, (long)m1.pt_pages);
    EXPECT_EQ((long)m0.cpus, cpus);
    printf("# traffic: %d workers on %ld CPU(s): %lu forks, %lu COW copies, %lu migrations, "
           "%lu shootdowns, %lu klock spins\n",
           workers, cpus, m1.forks - m0.forks, m1.cow_copies - m0.cow_copies,
           m1.sched_migrations - m0.sched_migrations, m1.tlb_shootdowns - m0.tlb_shootdowns,
           m1.klock_contended - m0.klock_contended);
}

int main(void)
{
    mlockall(MCL_CURRENT); /* every page resident now: exact frame counts from here on */
    fork_bomb_is_refused_and_reaped();
    ten_thousand_fork_exit_wait();
    shared_then_private_patterns();
    traffic_on_every_cpu();
    utest_exit();
}
