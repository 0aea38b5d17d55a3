/*
 * cowsize.c - what fork costs a big process. The parent makes N MiB
 * resident (default 32) and forks, reading the kernel's counters just
 * before and just after; the child then writes half of the region and
 * counts the COW faults and frames that took. Boot with fork=copy to see
 * the same run pay for an eager copy instead.
 */
#include <stdio.h>

#ifndef __cowos__
int main(void)
{
    fputs("cowsize: needs cowos (it reads the kernel's memstat counters)\n", stderr);
    return 2;
}
#else
#include <cowstat.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096L
#define PAGES_PER_MIB 256L
#define SLACK_FRAMES 512L /* page tables, kernel stacks, stdio: generous */

/* Global, so each process writes them once (warm-up) before measuring. */
static struct cowos_memstat m0, m1;

static void counters(struct cowos_memstat *m)
{
    if (cowos_memstat(m) < 0) {
        perror("cowsize: memstat");
        exit(2);
    }
}

/* Counter differences m1 - m0 (free frames: how many were taken). */
#define DELTA(field) ((long)(m1.field - m0.field))
#define TAKEN() ((long)m0.frames_free - (long)m1.frames_free)

static double mib(long pages) { return (double)pages / PAGES_PER_MIB; }

/* Print "  ok: what" or "  WRONG: what"; returns 1 when wrong. */
static int expect(int cond, const char *what)
{
    printf("  %s %s\n", cond ? "ok:   " : "WRONG:", what);
    return !cond;
}

/* The child: wait for the parent's go, write one byte in each page of the
 * first half of the region, and report what the kernel did about it. */
static _Noreturn void child(volatile char *region, long pages, int go_fd, int eager)
{
    char c;
    if (read(go_fd, &c, 1) != 1) /* the parent is done printing */
        _exit(2);
    counters(&m0); /* first writes to these after fork: get them done */
    counters(&m1);
    long half = pages / 2;

    counters(&m0);
    for (long i = 0; i < half; i++)
        region[i * PAGE] = 2;
    counters(&m1);

    printf("\nThe child (pid %d) writes one byte in each page of the first half: %ld pages "
           "(%.1f MiB).\n",
           (int)getpid(), half, mib(half));
    printf("  COW faults %ld (copied %ld, reused %ld); free frames %lu -> %lu: %ld frames (%.1f "
           "MiB) taken\n",
           DELTA(cow_faults), DELTA(cow_copies), DELTA(cow_reuses), m0.frames_free,
           m1.frames_free, TAKEN(), mib(TAKEN()));
    int bad = 0;
    if (!eager) {
        printf("  Each first write to a shared page faulted, and the kernel copied that page\n"
               "  (the parent still maps the original), so the child pays one frame per page\n"
               "  it writes, when it writes it: the half it never writes stays shared.\n");
        bad += expect(DELTA(cow_faults) == half && DELTA(cow_copies) == half &&
                          DELTA(cow_reuses) == 0,
                      "one COW fault and one copy per page written");
        if (DELTA(tables_copied))
            printf("  The first write into each 2 MiB also copied the page table the fork had\n"
                   "  shared whole: %ld tables, taking the %ld references fork had deferred\n"
                   "  (fork=cow; boot with FORK=page to compare).\n",
                   DELTA(tables_copied), DELTA(fork_pages_deferred));
        bad += expect(TAKEN() == half + DELTA(tables_copied),
                      "one frame per page written, plus one per page table copied, no more");
    } else {
        printf("  fork=copy gave the child its own writable copy of everything at fork time,\n"
               "  so these writes fault on nothing and cost nothing more.\n");
        bad += expect(DELTA(cow_faults) == 0 && TAKEN() == 0, "no COW fault, no frame");
    }
    fflush(stdout);
    _exit(bad ? 1 : 0);
}

int main(int argc, char **argv)
{
    long size_mib = 32;
    if (argc > 1) {
        char *end;
        size_mib = strtol(argv[1], &end, 10);
        if (argc > 2 || *end || end == argv[1] || size_mib < 1 || size_mib > 4096) {
            fprintf(stderr, "usage: cowsize [MIB]   (1 to 4096, default 32)\n");
            return 2;
        }
    }
    long pages = size_mib * PAGES_PER_MIB;
    counters(&m0);
    int eager = (int)m0.fork_mode_copy;

    /* The region, plus a full copy at fork (fork=copy) or the child's half. */
    long need = pages + (eager ? pages : pages / 2) + SLACK_FRAMES;
    if (need > (long)m0.frames_free) {
        long fits = ((long)m0.frames_free - SLACK_FRAMES) * 2 / (eager ? 4 : 3) / PAGES_PER_MIB;
        printf("cowsize: %ld MiB does not fit: it needs about %.0f MiB free (the region, plus %s),\n"
               "but %.0f MiB are free. Try cowsize %ld, or more memory (make run MEM=256M).\n",
               size_mib, mib(need),
               eager ? "the whole copy fork=copy makes" : "the half the child copies",
               mib((long)m0.frames_free), fits);
        return 2;
    }
    char *block = malloc((size_t)(pages + 1) * PAGE);
    if (!block) {
        printf("cowsize: cannot allocate %ld MiB: %s\n", size_mib, strerror(errno));
        return 2;
    }
    volatile char *region = (char *)(((unsigned long)block + PAGE - 1) & ~(PAGE - 1));
    for (long i = 0; i < pages * PAGE; i += 64)
        region[i] = 1; /* every page written: really resident */
    int go[2];
    if (pipe(go) < 0) {
        perror("cowsize: pipe");
        return 2;
    }
    printf("cowsize: pid %d wrote %ld MiB (%ld pages) at %p; the kernel %s.\n", (int)getpid(),
           size_mib, pages, (void *)region,
           eager ? "was booted with fork=copy: fork copies every page now"
                 : "shares pages copy-on-write at fork");
    fflush(stdout);

    counters(&m1); /* warm-up: both buffers written, the stack this deep used */
    counters(&m0);
    long mapped = cowos_vmmap(0, NULL, 0);
    counters(&m0);
    pid_t pid = fork();
    if (pid == 0)
        child(region, pages, go[0], eager);
    counters(&m1);
    if (pid < 0) {
        int err = errno;
        printf("cowsize: fork failed: %s%s\n", strerror(err),
               eager ? " (fork=copy needs a free frame for every page; try MEM=256M)" : "");
        printf("  free frames %lu before the fork, %lu after: ", m0.frames_free, m1.frames_free);
        if (m1.frames_free != m0.frames_free) {
            printf("WRONG: the failed fork did not give back all it took\n");
            return 1;
        }
        printf("the failed fork gave back all it took\n");
        return 2;
    }

    long taken = TAKEN(), pt = DELTA(fork_pt_pages), copied = DELTA(fork_pages_copied);
    long copies = DELTA(cow_copies);
    printf("\nfork() with %ld pages mapped (the region, plus program, stack, heap):\n", mapped);
    printf("  free frames %lu -> %lu: the fork took %ld frames (%.2f MiB)\n", m0.frames_free,
           m1.frames_free, taken, mib(taken));
    printf("    %6ld page-table pages for the child (fork_pt_pages; pt_pages rose by %ld)\n", pt,
           DELTA(pt_pages));
    printf("    %6ld pages copied by fork (fork_pages_copied)\n", copied);
    if (!eager)
        printf("    %6ld pages copied on COW faults since fork (%ld faults, %ld reused: the stack\n"
               "           written on the way back from fork; the first process to write a\n"
               "           shared page copies it, the other then reuses the original)\n",
               copies, DELTA(cow_faults), DELTA(cow_reuses));
    else
        printf("    %6ld pages copied on COW faults since fork (%ld faults: nothing is shared)\n",
               copies, DELTA(cow_faults));
    printf("    %6ld other frames (the child's kernel stack is 4)\n", taken - pt - copied - copies);
    printf("  and %ld pages shared instead of copied (fork_pages_shared)\n",
           DELTA(fork_pages_shared));
    if (DELTA(fork_tables_shared))
        printf("  and %ld page tables shared whole (fork=cow): the fork touched none of their\n"
               "  entries and took no reference on their frames; a write that copies a table\n"
               "  takes them then (fork_pages_deferred)\n",
               DELTA(fork_tables_shared));
    int bad = 0;
    if (!eager) {
        printf("  COW fork: %ld frames for a %ld-page process (%.2f%%): page tables, not data.\n",
               taken, mapped, 100.0 * (double)taken / (double)mapped);
        /* page by page, or (fork=cow) whole tables of up to 512 pages each */
        bad += expect(copied == 0 && DELTA(fork_pages_shared) <= mapped &&
                          DELTA(fork_pages_shared) + 512 * DELTA(fork_tables_shared) >= mapped &&
                          (DELTA(fork_tables_shared) || DELTA(fork_pages_shared) == mapped),
                      "every mapped page shared (alone or in a shared table), none copied");
        bad += expect(taken < pages / 16, "the fork took less than 1/16 of the region's size");
    } else {
        printf("  fork=copy: %ld frames (%.1f MiB) to duplicate a %ld-page process, "
               "before the child has done anything.\n",
               taken, mib(taken), mapped);
        bad += expect(copied == mapped && DELTA(fork_pages_shared) == 0,
                      "every mapped page copied, none shared");
        bad += expect(taken >= copied + pt, "the fork took a frame for each page copied");
    }
    fflush(stdout);
    if (write(go[1], "g", 1) != 1) {
        perror("cowsize: write");
        return 2;
    }

    int status;
    if (waitpid(pid, &status, 0) < 0) {
        perror("cowsize: waitpid");
        return 2;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
        printf("cowsize: the child %s %d%s\n", WIFEXITED(status) ? "exited with" : "was killed by signal",
               WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
               WIFSIGNALED(status) && WTERMSIG(status) == 9 ? " (out of memory?)" : "");
        return 2;
    }
    bad += WEXITSTATUS(status);

    /* The child is gone: every frame of the region has one user again. */
    struct cowos_memstat before_fork = m0;
    counters(&m1);
    counters(&m0);
    printf("\nThe child exited: free frames back to %lu (before the fork: %lu).\n", m0.frames_free,
           before_fork.frames_free);
    bad += expect(m0.frames_free == before_fork.frames_free,
                  "everything the fork and the child took was given back");
    for (long i = 0; i < pages; i++)
        region[i * PAGE] = 3;
    counters(&m1);
    printf("The parent now writes every page of the region: COW faults %ld (copied %ld, reused "
           "%ld), %ld frames taken.\n",
           DELTA(cow_faults), DELTA(cow_copies), DELTA(cow_reuses), TAKEN());
    if (!eager && m1.fork_mode_page) {
        printf("  Its pages were still marked COW, but each frame has one user now: the kernel\n"
               "  makes the page writable again and copies nothing.\n");
        bad += expect(DELTA(cow_faults) == pages && DELTA(cow_reuses) == pages &&
                          DELTA(cow_copies) == 0 && TAKEN() == 0,
                      "one reuse per page, no copy, no frame");
    } else if (!eager) {
        printf("  Its page tables: %ld taken back without a copy (the last sharer). Pages the\n"
               "  child copied a table over were marked COW and are reused now; pages in tables\n"
               "  the child never touched were never marked at all: no fault.\n",
               DELTA(tables_reused));
        bad += expect(DELTA(cow_faults) == DELTA(cow_reuses) && DELTA(cow_faults) <= pages &&
                          DELTA(cow_copies) == 0 && TAKEN() == 0,
                      "reuses only, at most one per page, no copy, no frame");
    } else {
        printf("  Nothing was ever shared, so there is nothing to fault on.\n");
        bad += expect(DELTA(cow_faults) == 0 && TAKEN() == 0, "no fault, no frame");
    }
    printf("cowsize: %s\n", bad ? "FAILED (see WRONG above)" : "ok");
    return bad ? 1 : 0;
}
#endif
