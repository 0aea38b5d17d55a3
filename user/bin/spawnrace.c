/*
 * spawnrace.c - the "fork in the road" demo (Baumann et al., HotOS 2019):
 * starting a tiny program (/bin/true) from a parent of 1, 4, 16, 64... MiB
 * resident, three ways: fork+exec+waitpid, vfork+exec+waitpid and
 * posix_spawn+waitpid. It prints the cycles (rdtsc, best of 5) and the frames
 * each took, and says from those numbers whose cost grows with the parent.
 * Checked exactly: every frame is back after each start; vfork and
 * posix_spawn share and copy no page and build no page table (memstat).
 * Exit 0 when every check holds, 1 after a WRONG: line, 2 if it cannot run.
 */
#include <stdio.h>

#ifndef __cowos__
int main(void)
{
    fputs("spawnrace: needs cowos (it reads the kernel's counters)\n", stderr);
    return 2;
}
#else
#include <cowstat.h>
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096L
#define PAGES_PER_MIB 256L
#define SLACK_FRAMES 1024L /* page tables, kernel stacks, /bin/true itself: generous */
#define REPS 5
#define MAX_SIZES 16
#define NWAYS 3

static char true_path[] = "/bin/true";
static char *true_argv[] = {true_path, NULL};
static const char *const way_name[NWAYS] = {"fork+exec+wait", "vfork+exec+wait",
                                            "posix_spawn+wait"};

/* One size's results: per way, the fewest cycles and the frames of the last run. */
struct row {
    long mib;
    unsigned long cycles[NWAYS];
    long frames[NWAYS];
};

/* In bss, written during the warm-up, so reading them later takes no frame. */
static struct cowos_memstat m0, m1;
static struct row rows[MAX_SIZES];

static inline unsigned long rdtsc(void)
{
    unsigned int lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((unsigned long)hi << 32) | lo;
}

static void counters(struct cowos_memstat *m)
{
    if (cowos_memstat(m) < 0) {
        perror("spawnrace: memstat");
        exit(2);
    }
}

#define DELTA(field) ((long)(m1.field - m0.field))

static int expect(int cond, const char *what)
{
    if (!cond)
        printf("    WRONG: %s\n", what);
    return !cond;
}

/* Start /bin/true one way (0 fork, 1 vfork, 2 posix_spawn) and wait for it.
 * Exits 2 if the start itself fails; 1 if /bin/true did not exit 0. */
static int start_and_wait(int way)
{
    pid_t pid;
    if (way == 2) {
        int err = posix_spawn(&pid, true_path, NULL, NULL, true_argv, environ);
        if (err) {
            printf("spawnrace: posix_spawn: %s\n", strerror(err));
            exit(2);
        }
    } else {
        pid = way == 1 ? vfork() : fork();
        if (pid == 0) {
            execv(true_path, true_argv);
            _exit(127);
        }
        if (pid < 0) {
            printf("spawnrace: %s: %s\n", way == 1 ? "vfork" : "fork", strerror(errno));
            exit(2);
        }
    }
    int status = -1;
    if (waitpid(pid, &status, 0) != pid) {
        perror("spawnrace: waitpid");
        exit(2);
    }
    if (status != 0) {
        printf("    WRONG: /bin/true ended with status 0x%x (%s)\n", status, way_name[way]);
        return 1;
    }
    return 0;
}

/*
 * Frames a start took to give the child an address space: the page tables
 * fork built, the pages it copied (fork=copy), and the pages and tables
 * copied on write while the child still shared them (by either process).
 * The new program's own frames are the same whichever way started it.
 */
static long start_frames(void)
{
    return DELTA(fork_pt_pages) + DELTA(fork_pages_copied) + DELTA(cow_copies) +
           DELTA(tables_copied);
}

/* REPS starts one way; checks each; fills the row. Returns the WRONG count. */
static int measure(struct row *r, int way, long pages, int eager)
{
    unsigned long best = ~0UL;
    int bad = 0;
    for (int i = 0; i < REPS; i++) {
        counters(&m0);
        unsigned long t0 = rdtsc();
        bad += start_and_wait(way);
        unsigned long t = rdtsc() - t0;
        if (t < best)
            best = t;
        counters(&m1);
        r->frames[way] = start_frames();
        char what[160];
        snprintf(what, sizeof(what), "%ld MiB, %s: free frames %lu before, %lu after", r->mib,
                 way_name[way], m0.frames_free, m1.frames_free);
        bad += expect(m1.frames_free == m0.frames_free, what);
        if (way == 0) {
            snprintf(what, sizeof(what),
                     "%ld MiB, fork: one fork that %s every page (%ld shared, %ld copied)",
                     r->mib, eager ? "copied" : "shared", DELTA(fork_pages_shared),
                     DELTA(fork_pages_copied));
            bad += expect(DELTA(forks) == 1 &&
                              (eager ? DELTA(fork_pages_copied) >= pages
                                     : DELTA(fork_pages_shared) +
                                               512 * DELTA(fork_tables_shared) >= pages &&
                                           DELTA(fork_pages_copied) == 0),
                          what);
        } else {
            snprintf(what, sizeof(what),
                     "%ld MiB, %s: no fork, no page shared, copied or COW-copied, no page "
                     "table (forks %ld, shared %ld, copied %ld, COW copies %ld, PT pages %ld, "
                     "tables shared %ld)",
                     r->mib, way_name[way], DELTA(forks), DELTA(fork_pages_shared),
                     DELTA(fork_pages_copied), DELTA(cow_copies), DELTA(fork_pt_pages),
                     DELTA(fork_tables_shared));
            bad += expect(DELTA(forks) == 0 && DELTA(fork_pages_shared) == 0 &&
                              DELTA(fork_pages_copied) == 0 && DELTA(cow_copies) == 0 &&
                              DELTA(fork_pt_pages) == 0 && DELTA(fork_tables_shared) == 0,
                          what);
        }
    }
    r->cycles[way] = best;
    return bad;
}

/* One size: make the region resident, warm up, then the three ways. -1: skipped. */
static int run_size(struct row *r, int eager)
{
    long pages = r->mib * PAGES_PER_MIB;
    counters(&m0);
    long need = pages + (eager ? pages : 0) + SLACK_FRAMES;
    if (need > (long)m0.frames_free) {
        printf("spawnrace: %ld MiB skipped: it needs about %ld MiB free (the region%s), %lu "
               "MiB are\n",
               r->mib, need / PAGES_PER_MIB, eager ? " and fork=copy's copy of it" : "",
               m0.frames_free / PAGES_PER_MIB);
        return -1;
    }
    char *region = malloc((size_t)(pages * PAGE));
    if (!region) {
        printf("spawnrace: %ld MiB skipped: malloc failed\n", r->mib);
        return -1;
    }
    for (long i = 0; i < pages; i++)
        region[i * PAGE] = (char)i; /* every page resident, private */
    /* Warm-up: /bin/true in the page cache, our stack as deep as it gets. */
    int bad = 0;
    for (int way = 0; way < NWAYS; way++)
        bad += start_and_wait(way);
    for (int way = 0; way < NWAYS; way++)
        bad += measure(r, way, pages, eager);
    free(region);
    return bad;
}

static const char *mode_text(const struct cowos_memstat *m)
{
    if (m->fork_mode_copy)
        return "copy (fork copies every page at once)";
    if (m->fork_mode_page)
        return "page (copy-on-write, page by page)";
    return "cow (copy-on-write, whole page tables shared)";
}

/* "grows" / "stays flat" from a measured ratio: the words follow the numbers. */
static const char *shape(double ratio)
{
    return ratio < 1.25 ? "stays flat" : ratio < 3 ? "grows a little" : "grows with the parent";
}

static void commas(char *buf, unsigned long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%lu", v), j = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            buf[j++] = ',';
        buf[j++] = tmp[i];
    }
    buf[j] = '\0';
}

static void print_table(struct row *r, int n)
{
    printf("\n%9s", "resident");
    for (int w = 0; w < NWAYS; w++)
        printf("  %22s", way_name[w]);
    printf("\n%9s", "");
    for (int w = 0; w < NWAYS; w++)
        printf("  %14s %7s", "cycles", "frames");
    printf("\n");
    for (int i = 0; i < n; i++) {
        if (!r[i].mib)
            continue;
        printf("%5ld MiB", r[i].mib);
        for (int w = 0; w < NWAYS; w++) {
            char c[32];
            commas(c, r[i].cycles[w]);
            printf("  %14s %7ld", c, r[i].frames[w]);
        }
        printf("\n");
    }
}

/* The argument, stated from the smallest and largest sizes measured. */
static void print_shape(struct row *r, int n, const struct cowos_memstat *m)
{
    struct row *lo = NULL, *hi = NULL;
    for (int i = 0; i < n; i++)
        if (r[i].mib) {
            if (!lo)
                lo = &r[i];
            hi = &r[i];
        }
    if (!lo || lo == hi)
        return;
    printf("\nFrom %ld to %ld MiB (the parent %ldx bigger):\n", lo->mib, hi->mib,
           hi->mib / lo->mib);
    for (int w = 0; w < NWAYS; w++) {
        double ratio = (double)hi->cycles[w] / (double)lo->cycles[w];
        printf("  %-17s %.2fx the cycles, frames %ld -> %ld: it %s.\n", way_name[w], ratio,
               lo->frames[w], hi->frames[w], shape(ratio));
    }
    printf("  fork+exec at %ld MiB costs %.1fx posix_spawn.\n", hi->mib,
           (double)hi->cycles[0] / (double)hi->cycles[2]);
    if (m->fork_mode_copy)
        printf("fork=copy copies every page before the child execs and throws the copy\n"
               "away: the cost of fork+exec is the parent's size.\n");
    else if (m->fork_mode_page)
        printf("fork=page writes one entry and takes one reference per page of the parent,\n"
               "all undone when the child execs: fork+exec pays for the parent's size.\n");
    else
        printf("fork=cow shares the parent's page tables whole: one reference per 2 MiB\n"
               "table instead of one per page, so fork+exec grows with the tables, not the\n"
               "pages; still more than the vfork child, which borrows the parent's memory.\n");
    printf("vfork and posix_spawn (built on vfork here) share and copy nothing: the child\n"
           "runs on the parent's memory until it execs, so the parent's size does not matter.\n"
           "That is the \"fork in the road\" argument (Baumann et al., HotOS 2019), measured.\n");
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? argc - 1 : 4;
    static const long defaults[] = {1, 4, 16, 64};
    if (n > MAX_SIZES) {
        fprintf(stderr, "spawnrace: at most %d sizes\n", MAX_SIZES);
        return 2;
    }
    for (int i = 0; i < n; i++) {
        if (argc > 1) {
            char *end;
            rows[i].mib = strtol(argv[i + 1], &end, 10);
            if (*end || end == argv[i + 1] || rows[i].mib < 1 || rows[i].mib > 4096) {
                fprintf(stderr, "usage: spawnrace [MIB...]   (each 1 to 4096; default 1 4 16 64)\n");
                return 2;
            }
        } else
            rows[i].mib = defaults[i];
    }
    counters(&m0);
    counters(&m1);
    struct cowos_memstat mode = m0;
    int eager = (int)mode.fork_mode_copy;
    printf("spawnrace: pid %d starts /bin/true from a parent of each size, three ways; fork mode %s.\n"
           "cycles: rdtsc, best of %d (host time, noisy, unless booted with ICOUNT=1); frames: page tables\n"
           "and pages the start allocated to give the child an address space (fork_pt_pages +\n"
           "fork_pages_copied + cow_copies + tables_copied), last run.\n",
           (int)getpid(), mode_text(&mode), REPS);
    fflush(stdout);

    int bad = 0, measured = 0;
    for (int i = 0; i < n; i++) {
        int r = run_size(&rows[i], eager);
        if (r < 0)
            rows[i].mib = 0;
        else {
            bad += r;
            measured++;
        }
        fflush(stdout);
    }
    if (!measured) {
        printf("spawnrace: no size fits; try smaller sizes or more memory (make run MEM=512M)\n");
        return 2;
    }
    print_table(rows, n);
    print_shape(rows, n, &mode);
    printf("\nChecked after every start: all frames back (free frames equal before and after);\n"
           "fork shared (or copied) every page; vfork and posix_spawn: no fork, nothing shared,\n"
           "copied or COW-copied, no page table.\n");
    printf("spawnrace: %s\n", bad ? "FAILED (see WRONG above)" : "ok");
    return bad ? 1 : 0;
}
#endif
