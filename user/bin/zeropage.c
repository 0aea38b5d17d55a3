/*
 * zeropage.c - the demo of the zero page and demand-zero faults. It maps
 * 64 MiB (or the MiB given) of private anonymous memory, reads every page
 * (each read maps the one shared zero frame: no frame is used but page
 * tables), then writes one byte to every page (each write gets a zeroed
 * frame of its own), then unmaps it all (every frame comes back). The
 * kernel's counters, read around each step, must say exactly that.
 * Exit 0 when every number agrees, 1 after a WRONG: line, 2 if it cannot run.
 */
#include <stdio.h>

#ifndef __cowos__
int main(void)
{
    fputs("zeropage: needs cowos (it reads the kernel's counters)\n", stderr);
    return 2;
}
#else
#include <cowstat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096UL

static struct cowos_memstat m[5]; /* around each step; in bss, written before measuring */

static void counters(struct cowos_memstat *s)
{
    if (cowos_memstat(s) < 0) {
        perror("zeropage: memstat");
        exit(2);
    }
}

static int expect(int cond, const char *what)
{
    printf("    %s %s\n", cond ? "ok:   " : "WRONG:", what);
    return !cond;
}

/* frames taken between two readings (negative: returned) */
static long taken(int a, int b) { return (long)m[a].frames_free - (long)m[b].frames_free; }
static long d(unsigned long after, unsigned long before) { return (long)(after - before); }

/* The area holding va, copied to *out; exits 2 when there is none. */
static void area_of(void *va, struct cowos_vmarea *out)
{
    long n;
    struct cowos_vmarea *a = cowos_vmareas_all(0, &n);
    for (long i = 0; a && i < n; i++)
        if (a[i].start <= (unsigned long)va && (unsigned long)va < a[i].end) {
            *out = a[i];
            free(a);
            return;
        }
    fprintf(stderr, "zeropage: no area holds %p\n", va);
    exit(2);
}

/* The counters are the whole machine's: another process running meanwhile
 * (the one reading our output) may fault too. The checks use the counts it
 * cannot change: the zero-page and demand-zero counts of private anonymous
 * memory, the frames, and this area's own page counts. */
static void report(int a, int b)
{
    printf("  frames taken %ld, page-table pages %+ld, zero_page_maps %+ld, "
           "demand_zero_faults %+ld, cow_faults %+ld\n",
           taken(a, b), d(m[b].pt_pages, m[a].pt_pages),
           d(m[b].zero_page_maps, m[a].zero_page_maps),
           d(m[b].demand_zero_faults, m[a].demand_zero_faults), d(m[b].cow_faults, m[a].cow_faults));
}

int main(int argc, char **argv)
{
    long mib = argc > 1 ? atol(argv[1]) : 64;
    if (argc > 2 || mib <= 0 || mib > 1024) {
        fprintf(stderr, "usage: zeropage [MiB]   (1 to 1024; default 64)\n");
        return 2;
    }
    unsigned long len = (unsigned long)mib << 20, pages = len / PAGE;
    memset(m, 0, sizeof(m));
    struct cowos_vmarea area;
    memset(&area, 0, sizeof(area));
    counters(&m[0]);
    printf("zeropage: %ld MiB = %lu pages of private anonymous memory.\n", mib, pages);
    fflush(stdout);

    counters(&m[0]);
    volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    counters(&m[1]);
    if (p == MAP_FAILED) {
        perror("zeropage: mmap");
        return 2;
    }
    printf("\n1. mmap(%lu bytes) at %p\n", len, (void *)p);
    report(0, 1);
    int bad = expect(taken(0, 1) == 0, "mapping costs no frame: the area is only a promise");

    unsigned long sum = 0;
    counters(&m[1]);
    for (unsigned long i = 0; i < len; i += PAGE)
        sum += p[i];
    counters(&m[2]);
    area_of((void *)p, &area);
    printf("\n2. read one byte of every page (sum of the bytes read: %lu)\n", sum);
    report(1, 2);
    printf("  the area: %lu resident, %lu of them the zero frame, %lu private\n", area.resident,
           area.zero, area.private_);
    bad += expect(sum == 0, "every byte read was 0");
    bad += expect(d(m[2].zero_page_maps, m[1].zero_page_maps) == (long)pages,
                  "every page read mapped the shared zero frame");
    bad += expect(taken(1, 2) == d(m[2].pt_pages, m[1].pt_pages),
                  "no frame was used but for page tables");
    bad += expect(area.resident == pages && area.zero == pages,
                  "vmareas: every page resident, every one the zero frame");

    counters(&m[2]);
    for (unsigned long i = 0; i < len; i += PAGE)
        p[i] = 1;
    counters(&m[3]);
    area_of((void *)p, &area);
    printf("\n3. write one byte to every page\n");
    report(2, 3);
    printf("  the area: %lu resident, %lu of them the zero frame, %lu private\n", area.resident,
           area.zero, area.private_);
    bad += expect(d(m[3].demand_zero_faults, m[2].demand_zero_faults) == (long)pages,
                  "every write was a demand-zero fault");
    bad += expect(taken(2, 3) == (long)pages && d(m[3].pt_pages, m[2].pt_pages) == 0,
                  "each page got a frame of its own: exactly one frame per page");
    bad += expect(area.resident == pages && area.zero == 0 && area.private_ == pages &&
                      area.cow == 0,
                  "vmareas: every page resident and private, none the zero frame, none COW\n"
                  "           (the zero frame is replaced, not copied: no COW copy)");

    counters(&m[3]);
    int r = munmap((void *)p, len);
    counters(&m[4]);
    printf("\n4. munmap it\n");
    report(3, 4);
    bad += expect(r == 0, "munmap succeeded");
    bad += expect(-taken(3, 4) == (long)pages + d(m[3].pt_pages, m[4].pt_pages),
                  "every frame came back (and every page-table page freed)");

    printf("\nzeropage: %s\n", bad ? "FAILED (see WRONG above)" : "ok");
    return bad ? 1 : 0;
}
#endif
