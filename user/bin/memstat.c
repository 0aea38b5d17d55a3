/*
 * memstat.c - the kernel's memory and copy-on-write counters as a table,
 * each with one line on what it counts (fork and copy-on-write, then memory
 * areas: the zero page, demand-zero faults, the page cache, MAP_SHARED). Run it before and after another
 * program to see what that program cost. Exits 1 if the counters contradict
 * each other (faults = copies + reuses, a fork mode that never shares...).
 */
#include <stdio.h>

#ifndef __cowos__
int main(void)
{
    fputs("memstat: needs cowos (it reads the kernel's memstat counters)\n", stderr);
    return 2;
}
#else
#include <cowstat.h>

static void row(const char *name, unsigned long value, const char *what)
{
    printf("  %-25s %10lu  %s\n", name, value, what);
}

static double mib(unsigned long frames) { return (double)frames * 4096.0 / (1024.0 * 1024.0); }

/* Print "memstat: inconsistent: why" and count it when cond is false. */
static int check(int cond, const char *why)
{
    if (!cond)
        printf("memstat: inconsistent: %s\n", why);
    return cond ? 0 : 1;
}

int main(void)
{
    struct cowos_memstat m;
    if (cowos_memstat(&m) < 0) {
        perror("memstat");
        return 2;
    }
    unsigned long used = m.frames_total - m.frames_free;
    printf("Kernel memory counters (a frame is one 4 KiB page of RAM; \"since boot\" counts add up):\n");
    row("frames_total", m.frames_total, "frames of RAM the kernel manages");
    row("frames_free", m.frames_free, "of which free right now");
    row("pt_pages", m.pt_pages, "page-table pages in use now (all address spaces)");
    row("forks", m.forks, "successful fork() calls since boot");
    row("fork_pages_shared", m.fork_pages_shared, "pages a COW fork shared instead of copying");
    row("fork_pages_copied", m.fork_pages_copied, "pages an eager (fork=copy) fork copied");
    row("fork_pt_pages", m.fork_pt_pages, "page-table pages forks built for children");
    row("cow_faults", m.cow_faults, "writes that hit a copy-on-write page");
    row("cow_copies", m.cow_copies, "... where the frame was shared: copied");
    row("cow_reuses", m.cow_reuses, "... where it was the last sharer: made writable, no copy");
    row("fork_mode_copy", m.fork_mode_copy,
        m.fork_mode_copy ? "1: booted with fork=copy (every fork copies every page)"
                         : "0: fork shares pages copy-on-write");
    row("fork_mode_page", m.fork_mode_page,
        m.fork_mode_page ? "1: booted with fork=page (COW page by page, no table shared)"
                         : "0: no (fork=cow shares whole page tables where it can)");
    row("fork_tables_shared", m.fork_tables_shared, "page tables forks shared whole (fork=cow)");
    row("fork_pages_deferred", m.fork_pages_deferred,
        "... pages in them: no entry touched, no count taken");
    row("tables_copied", m.tables_copied, "shared tables copied on a change (first write, munmap...)");
    row("tables_reused", m.tables_reused, "... where the last sharer took it back, no copy");
    row("cow_fault_cycles", m.cow_fault_cycles, "CPU cycles (TSC) spent handling COW faults");
    row("cow_copy_cycles", m.cow_copy_cycles, "... of which copying 4 KiB pages");
    printf("Memory areas (mmap, the zero page, the page cache of program files):\n");
    row("areas", m.areas, "memory areas in all processes now (text, data, heap, mmaps...)");
    row("zero_page_maps", m.zero_page_maps, "reads of untouched private memory: mapped the zero frame");
    row("demand_zero_faults", m.demand_zero_faults, "first writes there: a fresh zeroed frame, no copy");
    row("file_faults", m.file_faults, "faults that mapped a page of a file (program or mmap)");
    row("pagecache_pages", m.pagecache_pages, "frames holding file pages now (one per page, shared)");
    row("pagecache_hits", m.pagecache_hits, "file pages found already in memory: no read, no frame");
    row("pagecache_fills", m.pagecache_fills, "file pages read in from the initrd");
    row("shared_anon_pages", m.shared_anon_pages, "frames of MAP_SHARED anonymous memory now");
    row("shared_faults", m.shared_faults, "faults in MAP_SHARED areas (mapped the object's frame)");
    row("fork_pages_shared_mapping", m.fork_pages_shared_mapping,
        "pages fork gave a child as MAP_SHARED: not COW, not copied");
    row("cpus", m.cpus, "CPUs running processes");
    row("sched_migrations", m.sched_migrations, "switches to a process that last ran on another CPU");
    row("tlb_shootdowns", m.tlb_shootdowns, "times other CPUs had to drop translations (IPI and wait)");
    row("tlb_ipis", m.tlb_ipis, "shootdown IPIs sent");
    row("tlb_pages_flushed", m.tlb_pages_flushed, "pages other CPUs invalidated for them");
    row("tlb_wait_cycles", m.tlb_wait_cycles, "TSC cycles spent waiting for their acknowledgments");
    row("klock_contended", m.klock_contended, "times a CPU spun for the big kernel lock");
    if (m.cow_faults)
        printf("On average a COW fault took %lu cycles, and copying one page %lu.\n",
               m.cow_fault_cycles / m.cow_faults,
               m.cow_copies ? m.cow_copy_cycles / m.cow_copies : 0);
    printf("In use: %lu frames (%.1f MiB) of %lu (%.1f MiB); free: %.1f MiB.\n", used, mib(used),
           m.frames_total, mib(m.frames_total), mib(m.frames_free));

    int bad = 0;
    bad += check(m.frames_free <= m.frames_total, "more frames free than there are");
    bad += check(m.cow_faults == m.cow_copies + m.cow_reuses,
                 "cow_faults is not cow_copies + cow_reuses");
    /* (No check that copying took fewer cycles than the faults: the kernel's
     * own writes into user memory (read() into a COW page) copy outside any
     * page fault, so their copy cycles have no fault cycles around them.) */
    bad += check(m.pt_pages <= used, "more page-table pages than frames in use");
    bad += check(m.pagecache_pages + m.shared_anon_pages + m.pt_pages <= used,
                 "more page-cache, shared and page-table frames than frames in use");
    bad += check(m.pagecache_pages <= m.pagecache_fills,
                 "more file pages in memory than were ever read in");
    /* (COW faults still happen under fork=copy: a program's first write to a
     * data page copies it from the page cache.) */
    if (m.fork_mode_copy)
        bad += check(m.fork_pages_shared == 0, "fork=copy shares nothing, yet pages were shared");
    else
        bad += check(m.fork_pages_copied == 0, "COW mode, yet forks copied pages eagerly");
    return bad ? 1 : 0;
}
#endif
