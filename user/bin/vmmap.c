/*
 * vmmap.c - a process's memory. By default its areas, one line each as
 * Linux's /proc/PID/maps shows them (range, rwxp/rwxs, file offset, name),
 * with the page counts smaps gives per area: resident, shared, private,
 * copy-on-write, zero page. `vmmap -p` shows the mapped user pages as the
 * page tables hold them: virtual address, frame, flags, reference count.
 * `vmmap --demo` forks and lets the child show that it and its parent map
 * one frame until the child writes to it. Exit 1 when a rule is broken.
 */
#include <stdio.h>

#ifndef __cowos__
int main(void)
{
    fputs("vmmap: needs cowos (it reads page tables with the vmmap system call)\n", stderr);
    return 2;
}
#else
#include <cowstat.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL

static struct cowos_vmentry *fetch(int pid, long *n) { return cowos_vmmap_all(pid, n); }

/* "rw- u COW AD": read (always), write, execute, user, copy-on-write, accessed, dirty. */
static const char *flag_text(unsigned long f, char s[16])
{
    snprintf(s, 16, "r%c%c %c %s %c%c", f & COWOS_PTE_W ? 'w' : '-',
             f & COWOS_PTE_NX ? '-' : 'x', f & COWOS_PTE_U ? 'u' : '-',
             f & COWOS_PTE_COW ? "COW" : "---", f & COWOS_PTE_A ? 'A' : '-',
             f & COWOS_PTE_D ? 'D' : '-');
    return s;
}

static int same_flags(const struct cowos_vmentry *a, const struct cowos_vmentry *b)
{
    const unsigned long shown = COWOS_PTE_W | COWOS_PTE_NX | COWOS_PTE_U | COWOS_PTE_COW |
                                COWOS_PTE_A | COWOS_PTE_D;
    return (a->flags & shown) == (b->flags & shown);
}

/*
 * Print the map, merging runs of pages whose addresses and frames both
 * follow on, with the same flags and reference count. The page at mark
 * (0: none) stays on a line of its own, flagged. Returns the number of
 * entries that break the kernel's rules (COW and writable, not user, no
 * reference), which it also prints.
 */
static int print_map(const struct cowos_vmentry *e, long n, unsigned long mark)
{
    long shared = 0, cow = 0, ranges = 0;
    int bad = 0;
    printf("    virtual address range      pages  frame(s)             flags        refs\n");
    for (long i = 0; i < n;) {
        long j = i + 1;
        while (j < n && e[j].va == e[j - 1].va + PAGE && e[j].frame == e[j - 1].frame + PAGE &&
               same_flags(&e[j], &e[i]) && e[j].refcount == e[i].refcount && e[j].va != mark &&
               e[i].va != mark)
            j++;
        char frames[40], flags[16];
        if (j - i == 1)
            snprintf(frames, sizeof(frames), "%lx", e[i].frame);
        else
            snprintf(frames, sizeof(frames), "%lx-%lx", e[i].frame, e[j - 1].frame + PAGE - 1);
        printf("    %12lx-%-12lx %6ld  %-19s  %s  %4lu%s\n", e[i].va, e[j - 1].va + PAGE - 1, j - i,
               frames, flag_text(e[i].flags, flags), e[i].refcount,
               e[i].va == mark ? "  <- the demo page" : "");
        for (long k = i; k < j; k++) {
            shared += e[k].refcount > 1;
            cow += (e[k].flags & COWOS_PTE_COW) != 0;
            if ((e[k].flags & COWOS_PTE_COW) && (e[k].flags & COWOS_PTE_W)) {
                printf("    !! %lx is both COW and writable: a COW page must be read-only\n",
                       e[k].va);
                bad++;
            }
            if (!(e[k].flags & COWOS_PTE_U) || e[k].refcount == 0) {
                printf("    !! %lx: a user page with %s and refcount %lu\n", e[k].va,
                       e[k].flags & COWOS_PTE_U ? "the user bit" : "no user bit", e[k].refcount);
                bad++;
            }
        }
        ranges++;
        i = j;
    }
    printf("    %ld pages (%ld KiB) in %ld lines; %ld on a frame shared with another mapping "
           "(refs > 1); %ld marked COW\n",
           n, n * 4, ranges, shared, cow);
    return bad;
}

static const char legend[] =
    "flags: r always (present pages are readable); w writable; x executable (- = no-execute);\n"
    "       u user page; COW copy-on-write (read-only until written, then copied or reused);\n"
    "       A accessed, D dirty (set by the CPU). refs: page tables mapping the frame.\n";

/* ---- the areas ---- */

static const char area_legend[] =
    "perms: r read, w write, x execute; p private (copy-on-write), s shared (MAP_SHARED).\n"
    "Page counts (as Linux's smaps): rss resident (mapped now); shr on a frame someone else\n"
    "also holds (refcount > 1: another process, or the page cache); priv its own frame;\n"
    "cow marked copy-on-write; zero the shared zero frame (read, never written).\n";

/* Print one area as a line of /proc/PID/maps plus its counts; returns the
 * number of its counts that contradict each other (also printed). */
static int print_area(const struct cowos_vmarea *a)
{
    char perms[5] = {a->prot & COWOS_PROT_READ ? 'r' : '-', a->prot & COWOS_PROT_WRITE ? 'w' : '-',
                     a->prot & COWOS_PROT_EXEC ? 'x' : '-',
                     a->flags & COWOS_VMA_SHARED ? 's' : 'p', '\0'};
    char extra[40] = "";
    if (a->flags & (COWOS_VMA_DONTFORK | COWOS_VMA_WIPEONFORK))
        snprintf(extra, sizeof(extra), " (%s)",
                 a->flags & COWOS_VMA_DONTFORK ? "dontfork" : "wipeonfork");
    printf("%012lx-%012lx %s %08lx %6lu %5lu %5lu %5lu %5lu %5lu  %s%s\n", a->start, a->end, perms,
           a->offset, (a->end - a->start) / PAGE, a->resident, a->shared, a->private_, a->cow,
           a->zero, a->name, extra);
    int bad = 0;
    const char *why = NULL;
    if (a->start >= a->end || (a->start | a->end) % PAGE)
        why = "an empty or unaligned range";
    else if (a->resident > (a->end - a->start) / PAGE)
        why = "more pages resident than the area has";
    else if (a->shared + a->private_ != a->resident)
        why = "shared + private is not resident";
    else if (a->cow > a->resident || a->zero > a->resident)
        why = "more COW or zero pages than resident ones";
    else if ((a->flags & COWOS_VMA_SHARED) && (a->cow || a->zero))
        why = "a MAP_SHARED area with COW or zero-page pages";
    if (why) {
        printf("    !! the area above: %s\n", why);
        bad++;
    }
    return bad;
}

static int show_areas(int pid)
{
    long n;
    struct cowos_vmarea *a = cowos_vmareas_all(pid, &n);
    if (!a) {
        fprintf(stderr, "vmmap: pid %d: %s\n", pid, strerror(errno));
        return 2;
    }
    printf("Memory areas of pid %d%s:\n", pid ? pid : (int)getpid(), pid ? "" : " (vmmap itself)");
    fputs(area_legend, stdout);
    printf("%-25s %-4s %-8s %6s %5s %5s %5s %5s %5s  %s\n", "range", "perm", "offset", "pages",
           "rss", "shr", "priv", "cow", "zero", "name");
    int bad = 0;
    unsigned long tot[6] = {0};
    for (long i = 0; i < n; i++) {
        bad += print_area(&a[i]);
        if (i > 0 && a[i].start < a[i - 1].end) {
            printf("    !! the area above overlaps the one before it\n");
            bad++;
        }
        tot[0] += (a[i].end - a[i].start) / PAGE;
        tot[1] += a[i].resident;
        tot[2] += a[i].shared;
        tot[3] += a[i].private_;
        tot[4] += a[i].cow;
        tot[5] += a[i].zero;
    }
    printf("%-25s %-4s %-8s %6lu %5lu %5lu %5lu %5lu %5lu  (%ld areas)\n", "total", "", "", tot[0],
           tot[1], tot[2], tot[3], tot[4], tot[5], n);
    if (n == 0)
        printf("    (no areas: the process has exited and waits to be reaped)\n");
    free(a);
    return bad ? 1 : 0;
}

/* ---- the pages ---- */

static int show(int pid)
{
    long n;
    struct cowos_vmentry *e = fetch(pid, &n);
    if (!e) {
        fprintf(stderr, "vmmap: pid %d: %s\n", pid, strerror(errno));
        return 2;
    }
    printf("Mapped user pages of pid %d%s:\n", pid ? pid : (int)getpid(), pid ? "" : " (vmmap itself)");
    fputs(legend, stdout);
    int bad = print_map(e, n, 0);
    if (n == 0)
        printf("    (no pages: the process has exited and waits to be reaped)\n");
    free(e);
    return bad ? 1 : 0;
}

/* ---- vmmap --demo ---- */

static char demo_page[PAGE] __attribute__((aligned(PAGE))); /* in bss: a page of its own */

static void counters(struct cowos_memstat *m)
{
    if (cowos_memstat(m) < 0) {
        perror("vmmap: memstat");
        exit(2);
    }
}

/* The entry for va in e[0..n), or an all-zero entry when va is not mapped. */
static struct cowos_vmentry find(const struct cowos_vmentry *e, long n, unsigned long va)
{
    struct cowos_vmentry none = {0, 0, 0, 0};
    for (long i = 0; i < n; i++)
        if (e[i].va == va)
            return e[i];
    return none;
}

/*
 * Read the child's map and the parent's first, then print both (printing
 * writes, and would change what the second read sees); the demo page's
 * entries go to *mine and *theirs. Returns the rule breaks print_map found.
 */
static int both_maps(int parent, unsigned long va, struct cowos_vmentry *mine,
                     struct cowos_vmentry *theirs)
{
    long n_mine, n_theirs;
    struct cowos_vmentry *e_mine = fetch(0, &n_mine);
    struct cowos_vmentry *e_theirs = e_mine ? fetch(parent, &n_theirs) : NULL;
    if (!e_theirs) {
        fprintf(stderr, "vmmap: %s\n", strerror(errno));
        exit(2);
    }
    printf("  the child, pid %d:\n", (int)getpid());
    int bad = print_map(e_mine, n_mine, va);
    printf("  the parent, pid %d (waiting for the child):\n", parent);
    bad += print_map(e_theirs, n_theirs, va);
    *mine = find(e_mine, n_mine, va);
    *theirs = find(e_theirs, n_theirs, va);
    free(e_mine);
    free(e_theirs);
    return bad;
}

static void describe(const char *who, const struct cowos_vmentry *e)
{
    printf("    %-7s page %lx -> frame %lx, refs %lu, %s\n", who, e->va, e->frame, e->refcount,
           e->flags & COWOS_PTE_COW ? "COW (read-only)"
           : e->flags & COWOS_PTE_W ? "writable"
                                    : "read-only");
}

/* Print "  ok: what" or "  WRONG: what"; returns 1 when wrong. */
static int expect(int cond, const char *what)
{
    printf("    %s %s\n", cond ? "ok:   " : "WRONG:", what);
    return !cond;
}

static int demo_child(int parent)
{
    unsigned long va = (unsigned long)demo_page;
    struct cowos_memstat m0, m1;
    counters(&m0); /* the first calls write these buffers: get that done now */
    counters(&m1);
    int eager = (int)m1.fork_mode_copy;
    struct cowos_vmentry c0, p0, c1, p1;

    printf("\n1. The child (pid %d) lists both maps before writing to the demo page.\n", (int)getpid());
    if (!eager)
        printf("   Text and rodata are shared read-only (refs 2, not COW). Pages the child has\n"
               "   already written since fork (stack, stdio buffers, heap) are its own copies\n"
               "   by now (refs 1); the parent still marks those COW, but with refs 1 its next\n"
               "   write there will reuse the frame without copying.\n");
    int bad = both_maps(parent, va, &c0, &p0);
    describe("child:", &c0);
    describe("parent:", &p0);

    printf("\n2. The child writes one byte to the demo page.\n");
    fflush(stdout);
    counters(&m0);
    ((volatile char *)demo_page)[0] = 'c';
    counters(&m1);
    long faults = (long)(m1.cow_faults - m0.cow_faults);
    long copies = (long)(m1.cow_copies - m0.cow_copies);
    long reuses = (long)(m1.cow_reuses - m0.cow_reuses);
    long frames = (long)m0.frames_free - (long)m1.frames_free;
    printf("    kernel counters around that one write: %ld COW fault(s), %ld copied, %ld reused, "
           "%ld frame(s) taken\n",
           faults, copies, reuses, frames);

    printf("\n3. Both maps again.\n");
    bad += both_maps(parent, va, &c1, &p1);
    describe("child:", &c1);
    describe("parent:", &p1);

    printf("\nWhat happened:\n");
    if (bad)
        printf("    WRONG: %d page(s) above break the kernel's rules (marked !!)\n", bad);
    if (!eager) {
        printf("  fork shared the frame: one copy of the data, two read-only COW mappings.\n");
        bad += expect(c0.frame == p0.frame && c0.refcount == 2 && p0.refcount == 2,
                      "before: child and parent map the same frame, refs 2");
        bad += expect((c0.flags & COWOS_PTE_COW) && (p0.flags & COWOS_PTE_COW),
                      "before: both mappings are COW");
        printf("  the write faulted; the frame had 2 users, so the kernel copied it for the child.\n");
        bad += expect(faults == 1 && copies == 1 && reuses == 0 && frames == 1,
                      "the write cost exactly 1 COW fault, 1 copy, 1 frame");
        bad += expect(c1.frame != c0.frame && c1.refcount == 1 && (c1.flags & COWOS_PTE_W) &&
                          !(c1.flags & COWOS_PTE_COW),
                      "after: the child has a new frame of its own, writable, refs 1");
        bad += expect(p1.frame == p0.frame && p1.refcount == 1 && (p1.flags & COWOS_PTE_COW),
                      "after: the parent keeps the old frame, refs 2 -> 1, still COW");
        printf("  the parent's next write to it will find refs 1 and just make it writable:\n"
               "  a reuse, no copy.\n");
    } else {
        printf("  booted with fork=copy: fork already gave the child a copy of every page.\n");
        bad += expect(c0.frame != p0.frame && c0.refcount == 1 && p0.refcount == 1,
                      "before: child and parent have different frames, refs 1");
        bad += expect(!(c0.flags & COWOS_PTE_COW) && (c0.flags & COWOS_PTE_W),
                      "before: the child's page is writable, not COW");
        bad += expect(faults == 0 && frames == 0, "the write cost no fault and no frame");
        bad += expect(c1.frame == c0.frame && p1.frame == p0.frame,
                      "after: nobody's frame changed");
    }
    return bad ? 1 : 0;
}

static int demo(void)
{
    memset(demo_page, 'p', sizeof(demo_page)); /* the parent's data, in a page of its own */
    printf("vmmap --demo: the parent (pid %d) filled the demo page at %lx and forks.\n",
           (int)getpid(), (unsigned long)demo_page);
    fputs(legend, stdout);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("vmmap: fork");
        return 2;
    }
    if (pid == 0)
        exit(demo_child((int)getppid()));
    int status; /* the parent writes nothing to the demo page meanwhile */
    if (waitpid(pid, &status, 0) < 0) {
        perror("vmmap: waitpid");
        return 2;
    }
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    printf("vmmap --demo: %s\n", ok ? "ok" : "FAILED (see WRONG above)");
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--demo") == 0)
        return demo();
    int pages = argc >= 2 && strcmp(argv[1], "-p") == 0;
    int first = 1 + pages;
    if (argc > first + 1 || (argc == first + 1 && argv[first][0] == '-')) {
        fprintf(stderr, "usage: vmmap [PID]     the memory areas of PID (default: vmmap itself)\n"
                        "       vmmap -p [PID]  its mapped pages: frames, flags, reference counts\n"
                        "       vmmap --demo    watch a COW page get copied\n");
        return 2;
    }
    int pid = 0;
    if (argc == first + 1) {
        char *end;
        long v = strtol(argv[first], &end, 10);
        if (*end || end == argv[first] || v <= 0 || v > 0x7fffffffL) {
            fprintf(stderr, "vmmap: %s: not a process id\n", argv[first]);
            return 2;
        }
        pid = (int)v;
    }
    return pages ? show(pid) : show_areas(pid);
}
#endif
