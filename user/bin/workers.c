/*
 * workers.c - parallel work on shared data. The parent builds a 4 MiB table
 * of numbers and forks workers that each sum one slice of it ROUNDS times
 * and send the result through a pipe; the parent checks the total against
 * its own sum. It runs twice, with 1 worker and with N (default 4), and
 * reports the wall time of each and the speedup: on several CPUs the
 * workers really run at once. The kernel's counters show the machine holds
 * about one copy of the table, not N+1: the workers only read it, and
 * reading copies nothing.
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
#include <time.h>
#include <unistd.h>

#define TABLE_ENTRIES (1L << 19) /* 4 MiB of unsigned long */
#define TABLE_PAGES (TABLE_ENTRIES * 8 / 4096)
#define MAX_WORKERS 32
#define MAX_ROUNDS 100000
#define FEW_PAGES 32 /* what "a few pages" per worker means below */

static unsigned long table[TABLE_ENTRIES] __attribute__((aligned(4096)));

/* One worker's result, sent through the results pipe (atomic: < PIPE_BUF). */
struct result {
    long worker, pid;
    unsigned long sum;
    long faults_summing, frames_summing; /* the kernel's counters around the loop */
    unsigned long free_after;            /* free frames once its work was done */
};

/* What one run (n workers) measured, seen from the parent. */
struct run {
    int n, reported, bad;
    unsigned long total;
    long faults, frames; /* summed over the workers' own measurements */
    long ms;             /* wall time from "go" to the last result */
    unsigned long lowest;
    struct cowos_memstat before, peak, after;
};

static void counters(struct cowos_memstat *m)
{
    if (cowos_memstat(m) < 0) {
        perror("workers: memstat");
        exit(2);
    }
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned long slice_sum(long first, long end)
{
    unsigned long sum = 0;
    for (long i = first; i < end; i++)
        sum += table[i];
    return sum;
}

/* Sum slice w of n, rounds times (the compiler must reload the table each
 * round), report it, then stay alive until the parent closes the release
 * pipe, so that every worker is alive when the parent counts. Nobody sums
 * before every worker has done its own first writes after fork and said so
 * (the ready pipe) and the parent has done its own (the go pipe): the
 * counters are machine-wide, and with several CPUs a first write elsewhere
 * would land inside a worker's measurement. */
static _Noreturn void worker(int w, int n, int rounds, const int fds[4])
{
    int result_fd = fds[0], release_fd = fds[1], go_fd = fds[2], ready_fd = fds[3];
    struct cowos_memstat a, b;
    struct result r;
    memset(&r, 0, sizeof(r));
    counters(&a); /* first writes to these after fork: get them done */
    counters(&b);
    char c = 'r';
    if (write(ready_fd, &c, 1) != 1 || read(go_fd, &c, 1) != 1)
        _exit(2);

    counters(&a);
    for (int i = 0; i < rounds; i++) {
        r.sum = slice_sum(TABLE_ENTRIES * w / n, TABLE_ENTRIES * (w + 1) / n);
        __asm__ volatile("" ::: "memory");
    }
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

/* Fork n workers, let them sum at once, time them and collect their
 * results and the counters; every worker is reaped on return. Returns 0,
 * or -1 (with a message) if a fork or a pipe failed. */
static int run(int n, int rounds, struct run *out)
{
    memset(out, 0, sizeof(*out));
    out->n = n;
    int results[2], release[2], go[2], ready[2];
    if (pipe(results) < 0 || pipe(release) < 0 || pipe(go) < 0 || pipe(ready) < 0) {
        perror("workers: pipe");
        return -1;
    }
    pid_t pids[MAX_WORKERS];
    struct result r;
    memset(&r, 0, sizeof(r));
    char c;
    long t0 = 0, t1 = 0;
    counters(&out->after); /* warm-up: the buffers written before counting */
    counters(&out->peak);
    counters(&out->before);
    int started = 0;
    for (; started < n; started++) {
        pids[started] = fork();
        if (pids[started] == 0) {
            close(release[1]);
            close(go[1]);
            close(ready[0]);
            int fds[4] = {results[1], release[0], go[0], ready[1]};
            worker(started, n, rounds, fds);
        }
        if (pids[started] < 0)
            break;
    }
    int fork_errno = errno;
    out->lowest = out->before.frames_free;
    /* Our own first writes after the forks (these variables, the result
     * buffer, the stack), then wait until every worker is ready and let
     * them all sum at once. */
    memset(&r, 0, sizeof(r));
    counters(&out->peak);
    t0 = now_ms(); /* (a first call after fork: its stack pages are written now) */
    int ready_count = 0;
    while (ready_count < started && read(ready[0], &c, 1) == 1)
        ready_count++;
    t0 = now_ms();
    for (int i = 0; i < started; i++)
        if (write(go[1], "g", 1) != 1)
            break; /* (the pipes stay open until the end: their frames are counted in before) */
    if (started == n) {
        for (; out->reported < n; out->reported++) {
            if (read(results[0], &r, sizeof(r)) != sizeof(r))
                break;
            out->total += r.sum;
            out->faults += r.faults_summing;
            out->frames += r.frames_summing;
            if (r.free_after < out->lowest)
                out->lowest = r.free_after;
        }
        t1 = now_ms();
        counters(&out->peak); /* every worker alive, its work done: the high-water mark */
        if (out->peak.frames_free < out->lowest)
            out->lowest = out->peak.frames_free;
    }
    out->ms = t1 - t0;
    close(release[1]); /* let them go */
    for (int i = 0; i < started; i++) {
        int status;
        if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("workers: worker %d (pid %d) failed\n", i, (int)pids[i]);
            out->bad++;
        }
    }
    int eager = (int)out->before.fork_mode_copy;
    if (started < n) {
        printf("workers: fork %d failed: %s%s\n", started + 1, strerror(fork_errno),
               eager ? " (each fork=copy worker copies the table; try fewer or MEM=256M)" : "");
        return -1;
    }
    counters(&out->after); /* (before closing the pipes: their frames are counted in before) */
    int to_close[] = {results[0], results[1], release[0], go[0], go[1], ready[0], ready[1]};
    for (unsigned i = 0; i < sizeof(to_close) / sizeof(to_close[0]); i++)
        close(to_close[i]);
    return 0;
}

static int parse(const char *arg, long max, long *v)
{
    char *end;
    *v = strtol(arg, &end, 10);
    return !*end && end != arg && *v >= 1 && *v <= max;
}

int main(int argc, char **argv)
{
    long n = 4, rounds = 200;
    if (argc > 3 || (argc > 1 && !parse(argv[1], MAX_WORKERS, &n)) ||
        (argc > 2 && !parse(argv[2], MAX_ROUNDS, &rounds))) {
        fprintf(stderr,
                "usage: workers [N [ROUNDS]]   (1 to %d workers, default 4; each sums its "
                "slice ROUNDS times, 1 to %d, default 200)\n",
                MAX_WORKERS, MAX_ROUNDS);
        return 2;
    }
    for (long i = 0; i < TABLE_ENTRIES; i++)
        table[i] = (unsigned long)(i * 7 % 1000) + 1;
    unsigned long own = slice_sum(0, TABLE_ENTRIES);

    static struct cowos_memstat m0;
    counters(&m0);
    int eager = (int)m0.fork_mode_copy;
    if (eager && (long)m0.frames_free < n * (TABLE_PAGES + 64) + 256) {
        printf("workers: %ld workers under fork=copy need %ld copies of the %ld KiB table;\n"
               "that does not fit in %lu free frames. Use fewer workers or MEM=256M.\n",
               n, n, TABLE_ENTRIES * 8 / 1024, m0.frames_free);
        return 2;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    printf("workers: pid %d built a table of %ld numbers (%ld KiB, %ld pages); its own sum is %lu.\n"
           "1 worker, then %ld workers each summing 1/%ld of it, %ld times over, on %ld CPU%s.\n"
           "Fork mode: %s.\n",
           (int)getpid(), TABLE_ENTRIES, TABLE_ENTRIES * 8 / 1024, TABLE_PAGES, own, n, n, rounds,
           cpus, cpus == 1 ? "" : "s",
           eager ? "fork=copy (every fork copies every page)" : "copy-on-write");
    fflush(stdout);

    static struct run one, many;
    if (run(1, (int)rounds, &one) < 0 || run((int)n, (int)rounds, &many) < 0)
        return 2;
    int bad = one.bad + many.bad;
    printf("\nThe workers' sums add up to %lu (1 worker: %lu); the parent's own sum is %lu: %s.\n",
           many.total, one.total, own,
           many.total == own && one.total == own && many.reported == n ? "they agree" : "WRONG");
    bad += many.total != own || one.total != own || many.reported != n;
    printf("Wall time: 1 worker %ld ms, %ld workers %ld ms: %.2fx as fast on %ld CPU%s.\n",
           one.ms, n, many.ms, many.ms > 0 ? (double)one.ms / (double)many.ms : 0.0, cpus,
           cpus == 1 ? "" : "s");
    printf("While summing, the %ld workers took %ld COW faults and %ld frames in all: %s.\n", n,
           many.faults, many.frames,
           eager ? "each reads its own copy" : "reading shares the parent's frames");
    bad += many.faults != 0 || many.frames != 0 || one.faults != 0 || one.frames != 0;
    long used = (long)many.before.frames_free - (long)many.lowest;
    printf("Free frames: %lu before forking, %lu at the lowest (all %ld workers alive, done),\n"
           "%lu after reaping them.\n",
           many.before.frames_free, many.lowest, n, many.after.frames_free);
    printf("So %ld workers cost %ld frames (%ld KiB), %.1f frames each, against %ld pages for one "
           "copy of the table.\n",
           n, used, used * 4, (double)used / (double)n, TABLE_PAGES);
    long pt = (long)(many.peak.fork_pt_pages - many.before.fork_pt_pages);
    long copied = (long)(many.peak.fork_pages_copied - many.before.fork_pages_copied);
    long cow = (long)(many.peak.cow_copies - many.before.cow_copies);
    long at_peak = (long)many.before.frames_free - (long)many.peak.frames_free;
    printf("  = %ld page-table pages + %ld pages copied by fork + %ld copied on COW faults\n"
           "    + %ld other (kernel stacks, 4 pages per worker)%s\n",
           pt, copied, cow, at_peak - pt - copied - cow,
           at_peak == used ? "" : " (counted at the parent's high-water reading)");
    if (!eager) {
        printf("The machine holds one copy of the table; each worker adds only its page tables,\n"
               "kernel stack and the stack pages written since fork (by it and by the parent).\n");
        if (used > n * FEW_PAGES) {
            printf("WRONG: more than %d frames per worker\n", FEW_PAGES);
            bad++;
        }
    } else {
        printf("fork=copy gave each worker its own copy of everything: %ld copies of the table.\n",
               n);
        if (used < n * TABLE_PAGES) {
            printf("WRONG: fewer frames than %ld copies of the table\n", n);
            bad++;
        }
    }
    for (int i = 0; i < 2; i++) {
        struct run *x = i ? &many : &one;
        if (x->after.frames_free != x->before.frames_free) {
            printf("WRONG: %ld frames not given back after reaping the %d worker%s\n",
                   (long)x->before.frames_free - (long)x->after.frames_free, x->n,
                   x->n == 1 ? "" : "s");
            bad++;
        }
    }
    printf("workers: %s\n", bad ? "FAILED (see WRONG above)" : "ok");
    return bad ? 1 : 0;
}
#endif
