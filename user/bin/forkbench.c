/*
 * forkbench.c - what fork costs, in cycles, frames and page tables, for a
 * process with 1, 4, 16, 64... MiB resident, and what starting /bin/true
 * costs it three ways (fork+exec, vfork+exec, posix_spawn; each + waitpid).
 * Then what exec costs against the size of the program started: /bin/true
 * and programs with 1, 4 and 16 MiB of initialised data (data1m, data4m,
 * bigdata), left untouched and then read whole.
 * Plain POSIX C plus rdtsc, so the same file builds for cowos and for Linux;
 * the kernel counters it reads (memstat, vmmap) exist only on cowos
 * (#ifdef __cowos__), "n/a" elsewhere. One "FB,..." CSV line per size and
 * one "FE,..." line per program for tools/bench.sh; see README, Benchmarks.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __cowos__
#include <cowstat.h>
#endif

#define PAGE 4096L
#define PAGES_PER_MIB 256L
#define SLACK_PAGES 1024L /* page tables, kernel stacks, stdio: generous */
#define MAX_REPS 64

/* The CSV columns, in the order of the FB lines (tools/bench.sh relies on it). */
static const char csv_header[] =
    "system,mode,size_mib,pages,fork_cycles,fork_wait_cycles,write_cycles_per_page,"
    "fork_frames_copied,fork_other_frames,fork_pt_pages,pt_pages_min,cow_faults,"
    "fault_cycles_per_fault,copy_cycles_per_copy,fork_tables_shared,one_write_tables_copied,"
    "fork_exec_wait_cycles,vfork_exec_wait_cycles,spawn_wait_cycles";

/* The program the start-up measurements run: it does nothing and exits 0. */
static char true_path[] = "/bin/true";
static char *true_argv[] = {true_path, NULL};
static char *no_env[] = {NULL};

/* The CSV columns of the FE lines: exec against the size of the program. */
static const char exec_header[] =
    "system,mode,data_mib,data_pages,exec_wait_cycles,spawn_wait_cycles,"
    "touch_exec_wait_cycles,exec_pages_read,touch_pages_read";

/* The programs of the FE lines, in -x's directory (default /bin): the same
 * code with 1, 4 and 16 MiB of initialised data (argument "touch": read one
 * byte of every page of it), and true for none. */
static const struct {
    long mib;
    const char *name;
} exec_programs[] = {{0, "true"}, {1, "data1m"}, {4, "data4m"}, {16, "bigdata"}};

/* The time-stamp counter. Under QEMU's -icount it counts guest instructions. */
static inline unsigned long rdtsc(void)
{
    unsigned int lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((unsigned long)hi << 32) | lo;
}

static void die(const char *what)
{
    fprintf(stderr, "forkbench: %s: %s\n", what, strerror(errno));
    exit(2);
}

static int cmp_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

static unsigned long median(unsigned long *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_ulong);
    return v[n / 2];
}

static void wait_for(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "forkbench: child %d ended with status 0x%x\n", (int)pid, status);
        exit(2);
    }
}

/* ---- kernel counters: cowos only ---- */

/* One snapshot of what the kernel counts (all zero on Linux). */
struct counters {
    unsigned long frames_free, forks, pages_copied, pt_pages;
    unsigned long faults, copies, fault_cycles, copy_cycles;
    unsigned long tables_shared, tables_copied;
    unsigned long pagecache_fills; /* pages read from a file into the page cache */
};

#ifdef __cowos__
#define HAVE_COUNTERS 1
static void read_counters(struct counters *c)
{
    struct cowos_memstat m;
    if (cowos_memstat(&m) < 0)
        die("memstat");
    c->frames_free = m.frames_free;
    c->forks = m.forks;
    c->pages_copied = m.fork_pages_copied;
    c->pt_pages = m.fork_pt_pages;
    c->faults = m.cow_faults;
    c->copies = m.cow_copies;
    c->fault_cycles = m.cow_fault_cycles;
    c->copy_cycles = m.cow_copy_cycles;
    c->tables_shared = m.fork_tables_shared;
    c->tables_copied = m.tables_copied;
    c->pagecache_fills = m.pagecache_fills;
}

static const char *mode_name(void)
{
    struct cowos_memstat m;
    if (cowos_memstat(&m) < 0)
        die("memstat");
    /* cow: shared page tables (the default); page: per-page COW; copy: eager */
    return m.fork_mode_copy ? "copy" : m.fork_mode_page ? "page" : "cow";
}

static int cmp_va(const void *a, const void *b)
{
    unsigned long x = ((const struct cowos_vmentry *)a)->va;
    unsigned long y = ((const struct cowos_vmentry *)b)->va;
    return x < y ? -1 : x > y;
}

/*
 * The fewest page-table pages that can map every page this process has
 * mapped: one PML4, plus one PDPT per 512 GiB slot used, one PD per 1 GiB,
 * one PT per 2 MiB. The region (cap bytes) is the scratch buffer for the
 * list, so no other memory is mapped just to count. Prints the breakdown.
 */
static long pt_pages_minimum(void *scratch, long cap)
{
    struct cowos_vmentry *e = scratch;
    long max = cap / (long)sizeof(*e);
    long n = cowos_vmmap(0, e, max);
    if (n < 0)
        die("vmmap");
    if (n > max) {
        fprintf(stderr, "forkbench: %ld pages mapped, room to list only %ld\n", n, max);
        exit(2);
    }
    qsort(e, (size_t)n, sizeof(*e), cmp_va);
    long pdpt = 0, pd = 0, pt = 0;
    for (long i = 0; i < n; i++) {
        unsigned long va = e[i].va, prev = i ? e[i - 1].va : ~0UL;
        pdpt += i == 0 || va >> 39 != prev >> 39;
        pd += i == 0 || va >> 30 != prev >> 30;
        pt += i == 0 || va >> 21 != prev >> 21;
    }
    printf("  %ld pages mapped need at least 1 PML4 + %ld PDPT + %ld PD + %ld PT = %ld "
           "page-table pages\n",
           n, pdpt, pd, pt, 1 + pdpt + pd + pt);
    return 1 + pdpt + pd + pt;
}
#else
#define HAVE_COUNTERS 0
static void read_counters(struct counters *c) { memset(c, 0, sizeof(*c)); }
static const char *mode_name(void) { return "cow"; }
static long pt_pages_minimum(void *scratch, long cap)
{
    (void)scratch;
    (void)cap;
    return -1;
}
#endif

/* ---- the measurements ---- */

struct result {
    unsigned long fork_cycles, fork_wait_cycles;
    double write_cycles_per_page;
    long frames_copied, other_frames, pt_pages, pt_min, faults;
    long tables_shared, one_write_tables;
    unsigned long fork_exec_cycles, vfork_exec_cycles, spawn_cycles;
    double fault_cycles, copy_cycles; /* per COW fault, per 4 KiB copy; < 0: none */
};

/* What the writing child sends back through its pipe. */
struct write_report {
    unsigned long cycles;
    struct counters before, after;
};

/*
 * fork, and stop the clock when it returns in the parent. The child waits
 * on go so that it still shares (or owns) every page while the parent reads
 * the counters. Frames the fork took = free frames gone, less the ones the
 * parent's own COW copies took after fork returned (its stack, mostly).
 */
static void time_fork(struct result *r, int reps)
{
    unsigned long t[MAX_REPS];
    int go[2];
    if (pipe(go) < 0)
        die("pipe");
    for (int i = 0; i < reps; i++) {
        struct counters c0, c1;
        read_counters(&c0);
        unsigned long t0 = rdtsc();
        pid_t pid = fork();
        if (pid == 0) {
            char c;
            _exit(read(go[0], &c, 1) == 1 ? 0 : 3);
        }
        unsigned long t1 = rdtsc();
        if (pid < 0)
            die("fork");
        read_counters(&c1);
        t[i] = t1 - t0;
        r->frames_copied = (long)(c1.pages_copied - c0.pages_copied);
        r->pt_pages = (long)(c1.pt_pages - c0.pt_pages);
        r->tables_shared = (long)(c1.tables_shared - c0.tables_shared);
        /* Our own writes since fork returned may have copied a shared table
         * (the stack's) and a page or two: frames, but not the fork's. */
        long taken = (long)c0.frames_free - (long)c1.frames_free;
        r->other_frames = taken - (long)(c1.copies - c0.copies) -
                          (long)(c1.tables_copied - c0.tables_copied) - r->pt_pages -
                          r->frames_copied;
        if (write(go[1], "g", 1) != 1)
            die("write");
        wait_for(pid);
    }
    close(go[0]);
    close(go[1]);
    r->fork_cycles = median(t, reps);
}

/* fork + the child's immediate _exit + waitpid in the parent. */
static void time_fork_wait(struct result *r, int reps)
{
    unsigned long t[MAX_REPS];
    for (int i = 0; i < reps; i++) {
        unsigned long t0 = rdtsc();
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid < 0)
            die("fork");
        wait_for(pid);
        t[i] = rdtsc() - t0;
    }
    r->fork_wait_cycles = median(t, reps);
}

/*
 * The child writes one byte in every page of the region, once. It starts
 * when the parent says go, after the parent's own writes since fork (whose
 * COW faults would land in the global counters too). Its first counter
 * reads are a warm-up: they make the pages holding its stack and the report
 * private, so the measured counts are the region's alone.
 */
static _Noreturn void writer(volatile char *region, long pages, int go_fd, int fd)
{
    static struct write_report rep;
    char c;
    if (read(go_fd, &c, 1) != 1)
        _exit(3);
    read_counters(&rep.before);
    read_counters(&rep.after);
    rep.cycles = rdtsc();

    read_counters(&rep.before);
    unsigned long t0 = rdtsc();
    for (long i = 0; i < pages; i++)
        region[i * PAGE] = (char)i;
    unsigned long t1 = rdtsc();
    read_counters(&rep.after);
    rep.cycles = t1 - t0;
    _exit(write(fd, &rep, sizeof(rep)) == (ssize_t)sizeof(rep) ? 0 : 3);
}

static void time_writes(struct result *r, volatile char *region, long pages, int reps)
{
    double best = -1;
    for (int i = 0; i < reps; i++) {
        int go[2], fds[2];
        if (pipe(go) < 0 || pipe(fds) < 0)
            die("pipe");
        pid_t pid = fork();
        if (pid == 0)
            writer(region, pages, go[0], fds[1]);
        if (pid < 0)
            die("fork");
        struct write_report rep;
        if (write(go[1], "g", 1) != 1)
            die("write");
        long got = 0;
        while (got < (long)sizeof(rep)) {
            ssize_t k = read(fds[0], (char *)&rep + got, sizeof(rep) - (size_t)got);
            if (k <= 0)
                die("read from the writing child");
            got += k;
        }
        wait_for(pid);
        close(go[0]);
        close(go[1]);
        close(fds[0]);
        close(fds[1]);
        double per_page = (double)rep.cycles / (double)pages;
        if (best < 0 || per_page < best)
            best = per_page;
        long faults = (long)(rep.after.faults - rep.before.faults);
        long copies = (long)(rep.after.copies - rep.before.copies);
        r->faults = faults;
        r->fault_cycles = faults ? (double)(rep.after.fault_cycles - rep.before.fault_cycles) /
                                       (double)faults
                                 : -1;
        r->copy_cycles = copies ? (double)(rep.after.copy_cycles - rep.before.copy_cycles) /
                                      (double)copies
                                : -1;
    }
    r->write_cycles_per_page = best;
}

/*
 * What one write costs in page tables: fork, the child writes one byte in the
 * middle of the region and reads the counters. Tables copied from just
 * before the fork to then, both processes' stack writes included (with
 * shared tables: the stack's table, copied by whichever writes first, and
 * the region's 2 MiB table, copied by the child; zero in the other modes).
 */
static void one_write(struct result *r, volatile char *region, long pages)
{
    struct counters c0, c1;
    int fds[2];
    if (pipe(fds) < 0)
        die("pipe");
    read_counters(&c0);
    read_counters(&c0);
    pid_t pid = fork();
    if (pid == 0) {
        region[pages / 2 * PAGE] = 2;
        read_counters(&c1);
        _exit(write(fds[1], &c1, sizeof(c1)) == (ssize_t)sizeof(c1) ? 0 : 3);
    }
    if (pid < 0)
        die("fork");
    long got = 0;
    while (got < (long)sizeof(c1)) {
        ssize_t k = read(fds[0], (char *)&c1 + got, sizeof(c1) - (size_t)got);
        if (k <= 0)
            die("read from the writing child");
        got += k;
    }
    wait_for(pid);
    close(fds[0]);
    close(fds[1]);
    r->one_write_tables = (long)(c1.tables_copied - c0.tables_copied);
}

/*
 * Starting argv[0] and waiting for it, three ways; the median of reps.
 * how: 'f' fork + execv, 'v' vfork + execv, 's' posix_spawn.
 */
static unsigned long time_start(int how, char *argv[], int reps)
{
    unsigned long t[MAX_REPS];
    for (int i = 0; i < reps; i++) {
        pid_t pid;
        unsigned long t0 = rdtsc();
        if (how == 's') {
            int err = posix_spawn(&pid, argv[0], NULL, NULL, argv, no_env);
            if (err) {
                errno = err;
                die("posix_spawn");
            }
        } else {
            pid = how == 'v' ? vfork() : fork();
            if (pid == 0) {
                execv(argv[0], argv);
                _exit(127);
            }
            if (pid < 0)
                die(how == 'v' ? "vfork" : "fork");
        }
        wait_for(pid);
        t[i] = rdtsc() - t0;
    }
    return median(t, reps);
}

/* A counter for the CSV: the number, or n/a where the system has no such counter. */
static void put_count(long v)
{
    if (HAVE_COUNTERS && v >= 0)
        printf(",%ld", v);
    else
        printf(",n/a");
}

static void put_cycles(double v)
{
    if (HAVE_COUNTERS && v >= 0)
        printf(",%.0f", v);
    else
        printf(",n/a");
}

static int bench_size(long mib, int reps, int wreps)
{
    long pages = mib * PAGES_PER_MIB;
    long avail = sysconf(_SC_AVPHYS_PAGES);
    /* The region, plus a second copy of it (fork=copy, or the writing child). */
    if (avail > 0 && 2 * pages + SLACK_PAGES > avail) {
        printf("forkbench: %ld MiB skipped: needs about %ld MiB free, %ld MiB are\n", mib,
               (2 * pages + SLACK_PAGES) / PAGES_PER_MIB, avail / PAGES_PER_MIB);
        printf("FB-SKIP,%ld\n", mib);
        return 0;
    }
    char *region = malloc((size_t)(pages * PAGE));
    if (!region) {
        printf("forkbench: %ld MiB skipped: malloc failed\n", mib);
        printf("FB-SKIP,%ld\n", mib);
        return 0;
    }
    for (long i = 0; i < pages * PAGE; i += PAGE)
        region[i] = 1; /* resident: every page written once */

    struct result r;
    memset(&r, 0, sizeof(r));
    printf("forkbench: %ld MiB resident (%ld pages at %p)\n", mib, pages, (void *)region);
    r.pt_min = pt_pages_minimum(region, pages * PAGE);
    fflush(stdout);

    time_fork(&r, reps);
    time_fork_wait(&r, reps);
    time_writes(&r, region, pages, wreps);
    one_write(&r, region, pages);
    r.fork_exec_cycles = time_start('f', true_argv, reps);
    r.vfork_exec_cycles = time_start('v', true_argv, reps);
    r.spawn_cycles = time_start('s', true_argv, reps);
    free(region);

    printf("FB,%s,%s,%ld,%ld,%lu,%lu,%.1f", HAVE_COUNTERS ? "cowos" : "linux", mode_name(), mib,
           pages, r.fork_cycles, r.fork_wait_cycles, r.write_cycles_per_page);
    put_count(r.frames_copied);
    put_count(r.other_frames);
    put_count(r.pt_pages);
    put_count(r.pt_min);
    put_count(r.faults);
    put_cycles(r.fault_cycles);
    put_cycles(r.copy_cycles);
    put_count(r.tables_shared);
    put_count(r.one_write_tables);
    printf(",%lu,%lu,%lu\n", r.fork_exec_cycles, r.vfork_exec_cycles, r.spawn_cycles);
    fflush(stdout);
    return 1;
}

/* Pages read into the page cache while argv runs once (fork+exec+waitpid). */
static long pages_read(char *argv[])
{
    struct counters c0, c1;
    read_counters(&c0);
    read_counters(&c0);
    time_start('f', argv, 1);
    read_counters(&c1);
    return HAVE_COUNTERS ? (long)(c1.pagecache_fills - c0.pagecache_fills) : -1;
}

/*
 * Exec against program size: each program of exec_programs started and
 * waited for, left untouched (fork+exec and posix_spawn) and with all its
 * data read (fork+exec, argument "touch"); medians of reps, and the pages
 * each way read from its file. One FE line per program found in dir.
 */
static void bench_exec(const char *dir, int reps)
{
    printf("forkbench: exec against program size: programs in %s, median of %d\n", dir, reps);
    printf("FE-HEADER,%s\n", exec_header);
    for (size_t k = 0; k < sizeof(exec_programs) / sizeof(exec_programs[0]); k++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, exec_programs[k].name);
        if (access(path, X_OK) != 0) {
            printf("forkbench: %s skipped: %s\n", path, strerror(errno));
            continue;
        }
        char touch_arg[] = "touch";
        char *idle[] = {path, NULL};
        char *touch[] = {path, touch_arg, NULL};
        unsigned long exec_cycles = time_start('f', idle, reps);
        unsigned long spawn_cycles = time_start('s', idle, reps);
        unsigned long touch_cycles = time_start('f', touch, reps);
        long read_idle = pages_read(idle), read_touch = pages_read(touch);
        printf("FE,%s,%s,%ld,%ld,%lu,%lu,%lu", HAVE_COUNTERS ? "cowos" : "linux", mode_name(),
               exec_programs[k].mib, exec_programs[k].mib * PAGES_PER_MIB, exec_cycles,
               spawn_cycles, touch_cycles);
        put_count(read_idle);
        put_count(read_touch);
        printf("\n");
        fflush(stdout);
    }
}

static _Noreturn void usage(void)
{
    fprintf(stderr, "usage: forkbench [-r REPS] [-w WRITE_REPS] [-x DIR] MIB...   (REPS 1-%d; "
                    "default: -r 3 -w 1 -x /bin 1 4 16 64; -x -: no exec measurements)\n",
            MAX_REPS);
    exit(2);
}

static long number(const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi)
        usage();
    return v;
}

int main(int argc, char **argv)
{
    int reps = 3, wreps = 1, i = 1;
    const char *exec_dir = "/bin";
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "-r") == 0)
            reps = (int)number(argv[i + 1], 1, MAX_REPS);
        else if (strcmp(argv[i], "-w") == 0)
            wreps = (int)number(argv[i + 1], 1, MAX_REPS);
        else if (strcmp(argv[i], "-x") == 0)
            exec_dir = argv[i + 1];
        else
            usage();
    }
    static char *defaults[] = {"1", "4", "16", "64"};
    char **sizes = i < argc ? argv + i : defaults;
    int nsizes = i < argc ? argc - i : 4;
    for (int k = 0; k < nsizes; k++)
        number(sizes[k], 1, 1 << 20);

    printf("forkbench: fork cost on %s, fork mode %s; cycles are rdtsc ticks, median of %d "
           "(writes: best of %d)\n",
           HAVE_COUNTERS ? "cowos" : "linux", mode_name(), reps, wreps);
    printf("FB-HEADER,%s\n", csv_header);
    for (int k = 0; k < nsizes; k++)
        bench_size(number(sizes[k], 1, 1 << 20), reps, wreps);
    if (strcmp(exec_dir, "-") != 0)
        bench_exec(exec_dir, reps);
    printf("forkbench: done\n");
    return 0;
}
