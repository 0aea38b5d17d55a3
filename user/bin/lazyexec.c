/*
 * lazyexec.c - the demo of lazy exec and the page cache. exec maps a
 * program's text read-only and its data copy-on-write from the page cache
 * of its file and reads nothing it does not touch: /bin/bigdata, with a
 * 16 MiB initialised array, costs what /bin/true costs until the array is
 * read, and then exactly one page-cache page per page read. N copies of a
 * program running at once map the same text frames (the page cache's).
 * Counters are read around each run. Exit 0 when every number agrees, 1
 * after a WRONG: line, 2 if it cannot run.
 */
#include <stdio.h>

#ifndef __cowos__
int main(void)
{
    fputs("lazyexec: needs cowos (it reads the kernel's counters)\n", stderr);
    return 2;
}
#else
#include <cowstat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARRAY_PAGES 4096L /* bigdata's 16 MiB array */
#define COPIES 4

static void counters(struct cowos_memstat *s)
{
    if (cowos_memstat(s) < 0) {
        perror("lazyexec: memstat");
        exit(2);
    }
}

static int expect(int cond, const char *what)
{
    printf("    %s %s\n", cond ? "ok:   " : "WRONG:", what);
    return !cond;
}

static void die(const char *what)
{
    perror(what);
    exit(2);
}

/* What one run of a program cost, from the counters around fork, exec, exit. */
struct cost {
    long file_faults, fills, hits, zero_maps, demand_zero, touched;
};

/* Run argv to its end; its cost in *c. Exits 2 if it did not exit 0. */
static void run(char *const argv[], const char *label, struct cost *c)
{
    static struct cowos_memstat m0, m1;
    counters(&m0);
    fflush(stdout);
    counters(&m0);
    pid_t pid = fork();
    if (pid < 0)
        die("lazyexec: fork");
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        die("lazyexec: waitpid");
    counters(&m1);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "lazyexec: %s %s failed (status 0x%x)\n", argv[0], argv[1] ? argv[1] : "",
                status);
        exit(2);
    }
    c->file_faults = (long)(m1.file_faults - m0.file_faults);
    c->fills = (long)(m1.pagecache_fills - m0.pagecache_fills);
    c->hits = (long)(m1.pagecache_hits - m0.pagecache_hits);
    c->zero_maps = (long)(m1.zero_page_maps - m0.zero_page_maps);
    c->demand_zero = (long)(m1.demand_zero_faults - m0.demand_zero_faults);
    c->touched = c->file_faults + c->zero_maps + c->demand_zero;
    printf("  %-20s %5ld %5ld %5ld %5ld %5ld   %5ld\n", label, c->file_faults, c->fills, c->hits,
           c->zero_maps, c->demand_zero, c->touched);
}

/* The text area of pid (r-x, backed by a file); exits 2 when none. */
static void text_of(int pid, struct cowos_vmarea *out)
{
    long n;
    struct cowos_vmarea *a = cowos_vmareas_all(pid, &n);
    for (long i = 0; a && i < n; i++)
        if ((a[i].flags & COWOS_VMA_FILE) && (a[i].prot & COWOS_PROT_EXEC)) {
            *out = a[i];
            free(a);
            return;
        }
    fprintf(stderr, "lazyexec: pid %d has no text area\n", pid);
    exit(2);
}

/* Start COPIES copies of bigdata wait, check they share their text frames. */
static int copies(void)
{
    int to[COPIES], from[COPIES];
    pid_t pid[COPIES];
    struct cowos_memstat m0, m1;
    counters(&m0);
    fflush(stdout);
    counters(&m0);
    for (int i = 0; i < COPIES; i++) {
        int in[2], out[2];
        if (pipe(in) < 0 || pipe(out) < 0)
            die("lazyexec: pipe");
        pid[i] = fork();
        if (pid[i] < 0)
            die("lazyexec: fork");
        if (pid[i] == 0) {
            dup2(in[0], 0);
            dup2(out[1], 1);
            for (int j = 0; j < i; j++) { /* the earlier copies' pipes: theirs, not ours */
                close(to[j]);
                close(from[j]);
            }
            close(in[1]);
            close(out[0]);
            close(in[0]);
            close(out[1]);
            char *argv[] = {"/bin/bigdata", "wait", NULL};
            execv(argv[0], argv);
            _exit(127);
        }
        close(in[0]);
        close(out[1]);
        to[i] = in[1];
        from[i] = out[0];
        char c;
        if (read(from[i], &c, 1) != 1 || c != 'r') {
            fprintf(stderr, "lazyexec: copy %d of bigdata did not start\n", i + 1);
            exit(2);
        }
    }
    counters(&m1);

    struct cowos_vmarea text;
    text_of(pid[0], &text);
    long n0;
    struct cowos_vmentry *e0 = cowos_vmmap_all(pid[0], &n0);
    if (!e0)
        die("lazyexec: vmmap");
    long text_pages = 0, right_refs = 0, same_frames = 0;
    for (long k = 0; k < n0; k++) {
        if (e0[k].va < text.start || e0[k].va >= text.end)
            continue;
        text_pages++;
        right_refs += e0[k].refcount == COPIES + 1;
        int same = 1;
        for (int i = 1; i < COPIES; i++) {
            struct cowos_vmentry e;
            if (cowos_vmpage(pid[i], e0[k].va, &e) < 0)
                die("lazyexec: vmmap");
            same &= e.frame == e0[k].frame;
        }
        same_frames += same;
        if (text_pages <= 3)
            printf("    text page %lx -> frame %lx, refs %lu%s\n", e0[k].va, e0[k].frame,
                   e0[k].refcount, same ? ", the same frame in every copy" : "");
    }
    free(e0);
    long hits = (long)(m1.pagecache_hits - m0.pagecache_hits);
    printf("  %d copies of /bin/bigdata running; copy 1's text area %lx-%lx (%s): %lu resident "
           "pages, %lu shared\n",
           COPIES, text.start, text.end, text.name, text.resident, text.shared);
    printf("  page-cache hits while they started: %ld; pages in the cache now: %lu\n", hits,
           m1.pagecache_pages);
    int bad = expect(text_pages > 0 && same_frames == text_pages,
                     "every resident text page is one frame in all copies");
    bad += expect(right_refs == text_pages,
                  "each has refs 5: the 4 copies' page tables and the page cache");
    bad += expect(text.shared == text.resident && text.private_ == 0,
                  "vmareas: no text page is a copy's own");
    bad += expect(hits >= (COPIES - 1) * text_pages,
                  "copies 2 to 4 found every text page in the cache (hits)");
    for (int i = 0; i < COPIES; i++)
        close(to[i]);
    for (int i = 0; i < COPIES; i++) {
        int status;
        if (waitpid(pid[i], &status, 0) != pid[i])
            die("lazyexec: waitpid");
        bad += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        close(from[i]);
    }
    return bad;
}

int main(void)
{
    struct cowos_memstat m;
    counters(&m);
    printf("lazyexec: what exec costs. /bin/bigdata has a 16 MiB initialised array (%ld pages)\n"
           "in its file; /bin/true has nothing. Counters around each fork+exec+exit:\n"
           "file = file faults (pages mapped from the page cache), read = page-cache fills\n"
           "(read from the initrd), hit = found in the cache, zero = zero-page maps,\n"
           "dz = demand-zero faults, touched = file + zero + dz. (A file's pages leave the\n"
           "cache when its last mapper exits, so each run reads its pages in again.)\n\n",
           ARRAY_PAGES);
    printf("  %-20s %5s %5s %5s %5s %5s   %5s\n", "program", "file", "read", "hit", "zero", "dz",
           "touched");
    char *true_[] = {"/bin/true", NULL};
    char *idle[] = {"/bin/bigdata", "idle", NULL};
    char *touch[] = {"/bin/bigdata", "touch", NULL};
    struct cost t, b, bt;
    run(true_, "/bin/true", &t);
    run(idle, "/bin/bigdata idle", &b);
    run(touch, "/bin/bigdata touch", &bt);
    printf("\n");
    int bad = expect(b.touched < t.touched + 8 && b.fills < ARRAY_PAGES / 16,
                     "exec of bigdata cost about what exec of true did: the array was not read");
    bad += expect(bt.file_faults - b.file_faults == ARRAY_PAGES,
                  "reading the array faulted in exactly its 4096 pages from the page cache");
    bad += expect(bt.fills - b.fills == ARRAY_PAGES,
                  "... each read in from the initrd once (a page-cache fill)");
    printf("\n");
    bad += copies();
    printf("\nlazyexec: %s\n", bad ? "FAILED (see WRONG above)" : "ok");
    return bad ? 1 : 0;
}
#endif
