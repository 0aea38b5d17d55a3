/*
 * workers.c - parallel work on shared data. The parent builds a 4 MiB table
 * of numbers, forks N workers (default 4) that each sum one slice and send
 * the result through a pipe, and checks the total against its own sum. The
 * kernel's counters show the machine holds about one copy of the table,
 * not N+1: the workers only read it, and reading copies nothing.
 */
#include <stdio.h>

#ifndef __cowos__
int main(void)
{
    fputs("workers: needs cowos (it reads the kernel's memstat counters)\n", stderr);
    return 2;
}
#else
#include <cowstat.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TABLE_ENTRIES (1L << 19) /* 4 MiB of unsigned long */
#define TABLE_PAGES (TABLE_ENTRIES * 8 / 4096)
#define MAX_WORKERS 32
#define FEW_PAGES 32 /* what "a few pages" per worker means below */

static unsigned long table[TABLE_ENTRIES] __attribute__((aligned(4096)));

/* One worker's result, sent through the results pipe (atomic: < PIPE_BUF). */
struct result {
    long worker, pid;
    unsigned long sum;
    long faults_summing, frames_summing; /* the kernel's counters around the loop */
    unsigned long free_after;            /* free frames once its work was done */
};

static void counters(struct cowos_memstat *m)
{
    if (cowos_memstat(m) < 0) {
        perror("workers: memstat");
        exit(2);
    }
}

static unsigned long slice_sum(long first, long end)
{
    unsigned long sum = 0;
    for (long i = first; i < end; i++)
        sum += table[i];
    return sum;
}

/* Sum slice w of n, report it, then stay alive until the parent closes
 * the release pipe, so that every worker is alive when the parent counts.
 * Nobody sums before every worker is forked and the parent has done its
 * own first writes (the go pipe): the counters are machine-wide, and a
 * write elsewhere must not land inside a worker's measurement. */
static _Noreturn void worker(int w, int n, int result_fd, int release_fd, int go_fd)
{
    struct cowos_memstat a, b;
    struct result r;
    memset(&r, 0, sizeof(r));
    counters(&a); /* first writes to these after fork: get them done */
    counters(&b);
    char c;
    if (read(go_fd, &c, 1) != 1)
        _exit(2);

    counters(&a);
    r.sum = slice_sum(TABLE_ENTRIES * w / n, TABLE_ENTRIES * (w + 1) / n);
    counters(&b);
    r.worker = w;
    r.pid = getpid();
    r.faults_summing = (long)(b.cow_faults - a.cow_faults);
    r.frames_summing = (long)a.frames_free - (long)b.frames_free;
    r.free_after = b.frames_free;
    if (write(result_fd, &r, sizeof(r)) != sizeof(r))
        _exit(2);
    while (read(release_fd, &c, 1) > 0) /* end of file: released */
        ;
    _exit(0);
}

int main(int argc, char **argv)
{
    int n = 4;
    if (argc > 1) {
        char *end;
        long v = strtol(argv[1], &end, 10);
        if (argc > 2 || *end || end == argv[1] || v < 1 || v > MAX_WORKERS) {
            fprintf(stderr, "usage: workers [N]   (1 to %d workers, default 4)\n", MAX_WORKERS);
            return 2;
        }
        n = (int)v;
    }
    for (long i = 0; i < TABLE_ENTRIES; i++)
        table[i] = (unsigned long)(i * 7 % 1000) + 1;
    unsigned long own = slice_sum(0, TABLE_ENTRIES);

    static struct cowos_memstat m0, m1, peak;
    counters(&m0);
    int eager = (int)m0.fork_mode_copy;
    if (eager && (long)m0.frames_free < (long)n * (TABLE_PAGES + 64) + 256) {
        printf("workers: %d workers under fork=copy need %d copies of the %ld KiB table;\n"
               "that does not fit in %lu free frames. Use fewer workers or MEM=256M.\n",
               n, n, TABLE_ENTRIES * 8 / 1024, m0.frames_free);
        return 2;
    }
    int results[2], release[2], go[2];
    if (pipe(results) < 0 || pipe(release) < 0 || pipe(go) < 0) {
        perror("workers: pipe");
        return 2;
    }
    printf("workers: pid %d built a table of %ld numbers (%ld KiB, %ld pages); its own sum is %lu.\n"
           "%d workers each sum 1/%d of it. Fork mode: %s.\n",
           (int)getpid(), TABLE_ENTRIES, TABLE_ENTRIES * 8 / 1024, TABLE_PAGES, own, n, n,
           eager ? "fork=copy (every fork copies every page)" : "copy-on-write");
    fflush(stdout);

    pid_t pids[MAX_WORKERS];
    struct result r;
    memset(&r, 0, sizeof(r));
    counters(&m1); /* warm-up: the buffers written before counting */
    counters(&peak);
    counters(&m0);
    int started = 0;
    for (; started < n; started++) {
        pids[started] = fork();
        if (pids[started] == 0) {
            close(release[1]);
            close(go[1]);
            worker(started, n, results[1], release[0], go[0]);
        }
        if (pids[started] < 0)
            break;
    }
    int fork_errno = errno;
    unsigned long total = 0, lowest = m0.frames_free;
    long faults = 0, frames = 0;
    int reported = 0;
    /* Our own first writes after the forks (these variables, the result
     * buffer, the stack), then let every worker sum at once. */
    memset(&r, 0, sizeof(r));
    counters(&peak);
    for (int i = 0; i < started; i++)
        if (write(go[1], "g", 1) != 1)
            break; /* (the go pipe stays open until the end: its frames are counted in m0) */
    if (started == n) {
        for (; reported < n; reported++) {
            if (read(results[0], &r, sizeof(r)) != sizeof(r))
                break;
            total += r.sum;
            faults += r.faults_summing;
            frames += r.frames_summing;
            if (r.free_after < lowest)
                lowest = r.free_after;
        }
        counters(&peak); /* every worker alive, its work done: the high-water mark */
        if (peak.frames_free < lowest)
            lowest = peak.frames_free;
    }
    close(release[1]); /* let them go */
    int bad = 0;
    for (int i = 0; i < started; i++) {
        int status;
        if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("workers: worker %d (pid %d) failed\n", i, (int)pids[i]);
            bad++;
        }
    }
    if (started < n) {
        printf("workers: fork %d failed: %s%s\n", started + 1, strerror(fork_errno),
               eager ? " (each fork=copy worker copies the table; try fewer or MEM=256M)" : "");
        return 2;
    }
    counters(&m1);
    close(go[0]);
    close(go[1]);

    long used = (long)m0.frames_free - (long)lowest;
    printf("\nThe workers' sums add up to %lu; the parent's own sum is %lu: %s.\n", total, own,
           total == own && reported == n ? "they agree" : "WRONG");
    bad += total != own || reported != n;
    printf("While summing, the %d workers took %ld COW faults and %ld frames in all: %s.\n", n,
           faults, frames,
           eager ? "each reads its own copy" : "reading shares the parent's frames");
    bad += faults != 0 || frames != 0;
    printf("Free frames: %lu before forking, %lu at the lowest (all %d workers alive, done),\n"
           "%lu after reaping them.\n",
           m0.frames_free, lowest, n, m1.frames_free);
    printf("So %d workers cost %ld frames (%ld KiB), %.1f frames each, against %ld pages for one "
           "copy of the table.\n",
           n, used, used * 4, (double)used / n, TABLE_PAGES);
    long pt = (long)(peak.fork_pt_pages - m0.fork_pt_pages);
    long copied = (long)(peak.fork_pages_copied - m0.fork_pages_copied);
    long cow = (long)(peak.cow_copies - m0.cow_copies);
    long at_peak = (long)m0.frames_free - (long)peak.frames_free;
    printf("  = %ld page-table pages + %ld pages copied by fork + %ld copied on COW faults\n"
           "    + %ld other (kernel stacks, 4 pages per worker)%s\n",
           pt, copied, cow, at_peak - pt - copied - cow,
           at_peak == used ? "" : " (counted at the parent's high-water reading)");
    if (!eager) {
        printf("The machine holds one copy of the table; each worker adds only its page tables,\n"
               "kernel stack and the stack pages written since fork (by it and by the parent).\n");
        if (used > (long)n * FEW_PAGES) {
            printf("WRONG: more than %d frames per worker\n", FEW_PAGES);
            bad++;
        }
    } else {
        printf("fork=copy gave each worker its own copy of everything: %d copies of the table.\n",
               n);
        if (used < (long)n * TABLE_PAGES) {
            printf("WRONG: fewer frames than %d copies of the table\n", n);
            bad++;
        }
    }
    if (m1.frames_free != m0.frames_free) {
        printf("WRONG: %ld frames not given back after reaping the workers\n",
               (long)m0.frames_free - (long)m1.frames_free);
        bad++;
    }
    printf("workers: %s\n", bad ? "FAILED (see WRONG above)" : "ok");
    return bad ? 1 : 0;
}
#endif
