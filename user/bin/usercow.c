/*
 * usercow - copy-on-write done in user space, as JOS builds fork: cowdemo's
 * steps again, but for a region the kernel never copies.
 *
 * The region (eight pages: four variables and a four-page array) is a
 * MAP_SHARED mapping of a file, so after fork parent and child map the same
 * frames and the kernel's COW stays out of it. ufork() makes the region
 * read-only (mprotect) and forks: the state JOS's fork leaves behind, both
 * sides mapping one frame read-only. A write then faults; the SIGSEGV
 * handler takes the page from si_addr, maps a private page over it
 * (mmap MAP_PRIVATE|MAP_FIXED|MAP_POPULATE, writable), copies the shared
 * contents into it from a second read-only view of the file, and returns:
 * the write is retried and lands in the private copy. Nothing ever writes the
 * shared frames after ufork, so each side keeps seeing the values of the
 * moment of the fork. Exits 0 when every count is as expected, 1 if one
 * differs, 2 when it could not set up.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __cowos__
#include <cowstat.h>

#define PAGE 4096UL
#define REGION_PAGES 8

/* The region's layout: one variable per page, then a four-page array. */
struct region {
    struct {
        volatile long value;
        char pad[PAGE - sizeof(long)];
    } assigned, incremented, added_to, via_pointer;
    volatile int element[4 * PAGE / sizeof(int)];
};
_Static_assert(sizeof(struct region) == REGION_PAGES * PAGE, "one page per variable");

static struct region *r;     /* the region, read-only after ufork */
static const char *shared;   /* the same file pages, a read-only view for the handler */

/* The handler's counts and cycle stamps (written once before measuring, so
 * that the kernel's own COW never shows up in a measured step). */
static volatile unsigned long user_faults, user_copies, user_mmaps;
static volatile unsigned long t_entry, t_mapped, t_copied;

static inline unsigned long rdtsc(void)
{
    unsigned int lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((unsigned long)hi << 32) | lo;
}

/*
 * SIGSEGV: a write to a read-only page of the region gets a private,
 * writable copy of that page at the same address. Any other fault puts
 * the default action back and returns, so it happens again and kills.
 */
static void on_write_fault(int sig, siginfo_t *info, void *uc)
{
    (void)uc;
    unsigned long t0 = rdtsc();
    char *addr = info->si_addr;
    char *base = (char *)r;
    if (addr < base || addr >= base + REGION_PAGES * PAGE) {
        signal(sig, SIG_DFL);
        return;
    }
    user_faults++;
    char *page = base + ((unsigned long)(addr - base) & ~(PAGE - 1));
    void *p = mmap(page, PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, -1, 0);
    user_mmaps++;
    if (p != page) {
        signal(sig, SIG_DFL);
        return;
    }
    unsigned long t1 = rdtsc();
    memcpy(page, shared + (page - base), PAGE);
    user_copies++;
    t_entry = t0;
    t_mapped = t1;
    t_copied = rdtsc();
}

/* JOS's fork, with what this kernel offers: both sides keep the region's
 * frames, read-only. Returns what fork returns. */
static pid_t ufork(void)
{
    if (mprotect(r, sizeof(*r), PROT_READ) < 0)
        return -1;
    return fork();
}

/* Write the handler's variables and a few pages of stack (the signal frame
 * goes there), so that after the kernel's fork their COW copies are made
 * before anything is measured. */
static __attribute__((noinline)) void warm_up(void)
{
    volatile char stack[5 * PAGE];
    memset((char *)stack, 0, sizeof(stack));
    user_faults = user_copies = user_mmaps = 0;
    t_entry = t_mapped = t_copied = 0;
}

struct step {
    const char *what;
    unsigned long kernel_copies, user_faults, user_copies, expected;
};

/* A private page, written before the fork: a write to it in the child is
 * the kernel's COW, for comparison. */
static struct {
    volatile long value;
    char pad[PAGE - sizeof(long)];
} __attribute__((aligned(PAGE))) private_page;

/* Did the fork copy pages (fork=copy)? Its counter before ufork, read again
 * in the child. */
static unsigned long fork_copied_before;
static int forked_eagerly;

static __attribute__((noinline)) long by_value(long v) { return v * 2; }
#define KEEP(x) __asm__ volatile("" : : "r"((long)(x)))

/* The child's side: cowdemo's steps, each measured with both counts. */
static int child(void)
{
    struct step steps[12];
    struct cowos_memstat before, after;
    cowos_memstat(&after);
    forked_eagerly = after.fork_pages_copied != fork_copied_before;
    int n = 0;
    memset(steps, 0, sizeof(steps));
    warm_up();
    cowos_memstat(&before);
    cowos_memstat(&after);
    unsigned long cycles_fault = 0, cycles_map = 0, cycles_copy = 0, cycles_back = 0, timed = 0;

#define MEASURE(text, exp, code)                                                                   \
    do {                                                                                           \
        unsigned long f0 = user_faults, c0 = user_copies;                                          \
        cowos_memstat(&before);                                                                    \
        unsigned long t = rdtsc();                                                                 \
        code;                                                                                      \
        unsigned long t_end = rdtsc();                                                             \
        cowos_memstat(&after);                                                                     \
        steps[n].what = text;                                                                      \
        steps[n].kernel_copies = after.cow_copies - before.cow_copies;                             \
        steps[n].user_faults = user_faults - f0;                                                   \
        steps[n].user_copies = user_copies - c0;                                                   \
        steps[n].expected = exp;                                                                   \
        if (steps[n].user_copies == 1) {                                                           \
            cycles_fault += t_entry - t;                                                           \
            cycles_map += t_mapped - t_entry;                                                      \
            cycles_copy += t_copied - t_mapped;                                                    \
            cycles_back += t_end - t_copied;                                                       \
            timed++;                                                                               \
        }                                                                                          \
        n++;                                                                                       \
    } while (0)

    MEASURE("read a variable:     x = assigned", 0, KEEP(r->assigned.value));
    MEASURE("compare:             incremented == 10", 0, KEEP(r->incremented.value == 10));
    MEASURE("take an address:     p = &added_to", 0, KEEP(&r->added_to.value));
    MEASURE("pass by value:       by_value(via_pointer)", 0, KEEP(by_value(r->via_pointer.value)));
    MEASURE("read an element:     array[1500]", 0, KEEP(r->element[1500]));
    MEASURE("assignment:          assigned = 42", 1, r->assigned.value = 42);
    MEASURE("increment:           incremented++", 1, r->incremented.value++);
    MEASURE("compound assignment: added_to += 5", 1, r->added_to.value += 5);
    MEASURE("through a pointer:   *p = 7", 1, {
        volatile long *p = &r->via_pointer.value;
        *p = 7;
    });
    MEASURE("array element:       array[1500] = 9", 1, r->element[1500] = 9);
    MEASURE("same page again:     assigned = 43", 0, r->assigned.value = 43);
    MEASURE("other array page:    array[10] = 5", 1, r->element[10] = 5);

    int wrong = 0;
    printf("child %d:\n", getpid());
    printf("  %-46s %7s %9s %8s\n", "", "kernel", "usercow", "usercow");
    printf("  %-46s %7s %9s %8s %9s\n", "step", "copies", "faults", "copies", "expected");
    for (int i = 0; i < n; i++) {
        int ok = steps[i].kernel_copies == 0 && steps[i].user_copies == steps[i].expected &&
                 steps[i].user_faults == steps[i].expected;
        wrong += !ok;
        printf("  %-46s %7lu %9lu %8lu %9lu%s\n", steps[i].what, steps[i].kernel_copies,
               steps[i].user_faults, steps[i].user_copies, steps[i].expected,
               ok ? "" : "   <-- differs");
    }
    printf("child sees: assigned=%ld incremented=%ld added_to=%ld via_pointer=%ld "
           "array[1500]=%d\n",
           r->assigned.value, r->incremented.value, r->added_to.value, r->via_pointer.value,
           r->element[1500]);
    printf("the kernel copied none of these pages (the region is MAP_SHARED, never COW);\n"
           "the handler copied %lu, one per page first written, as cowdemo's kernel does.\n",
           user_copies);
    if (timed)
        printf("\nwhere a write fault's cycles went (average of %lu; rdtsc, a rough guide "
               "under QEMU):\n"
               "  %9lu  the write faults into the kernel, which finds a read-only page,\n"
               "             pushes a signal frame (registers, siginfo, 512-byte FPU image)\n"
               "             and enters the handler\n"
               "  %9lu  mmap MAP_FIXED|MAP_POPULATE: a system call; the kernel splits the\n"
               "             area, drops the shared page and zeroes a fresh frame\n"
               "  %9lu  the handler's copy of the 4 KiB page\n"
               "  %9lu  return: the restorer's rt_sigreturn (a system call restoring\n"
               "             every register and the FPU), then the write again, which\n"
               "             now succeeds\n"
               "  %9lu  in all\n",
               timed, cycles_fault / timed, cycles_map / timed, cycles_copy / timed,
               cycles_back / timed, (cycles_fault + cycles_map + cycles_copy + cycles_back) / timed);

    /* The same write to a private page: the kernel's COW (none when the fork
     * copied every page: fork=copy, or a kernel whose cow_share shares nothing). */
    int eager = forked_eagerly;
    cowos_memstat(&before);
    unsigned long t = rdtsc();
    private_page.value = 1;
    unsigned long cycles = rdtsc() - t;
    cowos_memstat(&after);
    unsigned long kernel_copies = after.cow_copies - before.cow_copies;
    if (eager)
        printf("the same write to a private page: %lu cycles, %lu kernel copies (the fork\n"
               "copied it: no fault)\n", cycles, kernel_copies);
    else
        printf("the same write to a private page, the kernel's COW: %lu cycles, %lu copy;\n"
               "one fault, a frame filled by the copy (not zeroed first), no system call,\n"
               "no signal frame\n", cycles, kernel_copies);
    wrong += kernel_copies != (eager ? 0UL : 1UL);
    putchar('\n');
    return wrong ? 1 : 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char path[64];
    snprintf(path, sizeof(path), "/tmp/usercow.%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || ftruncate(fd, sizeof(struct region)) < 0) {
        printf("usercow: %s: %s\n", path, strerror(errno));
        return 2;
    }
    r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    shared = mmap(NULL, sizeof(*r), PROT_READ, MAP_SHARED, fd, 0);
    unlink(path); /* the mappings keep the file */
    close(fd);
    if (r == MAP_FAILED || shared == MAP_FAILED) {
        printf("usercow: mmap: %s\n", strerror(errno));
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_write_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);

    printf("usercow: copy-on-write in user space (JOS's fork) for cowdemo's steps\n");
    printf("parent %d: five variables in a MAP_SHARED region; ufork() = mprotect(read-only)\n"
           "+ fork, and a SIGSEGV handler that gives the writer a private copy of the page.\n\n",
           getpid());
    r->assigned.value = 1;
    r->incremented.value = 10;
    r->added_to.value = 100;
    r->via_pointer.value = 1000;
    r->element[1500] = 0;
    r->element[10] = 0;
    private_page.value = 0;
    warm_up();

    struct cowos_memstat m;
    cowos_memstat(&m);
    fork_copied_before = m.fork_pages_copied;
    pid_t c = ufork();
    if (c < 0) {
        printf("usercow: ufork: %s\n", strerror(errno));
        return 2;
    }
    if (c == 0)
        _exit(child());

    int status = -1;
    waitpid(c, &status, 0);
    printf("parent %d sees: assigned=%ld incremented=%ld added_to=%ld via_pointer=%ld "
           "array[1500]=%d\n",
           getpid(), r->assigned.value, r->incremented.value, r->added_to.value,
           r->via_pointer.value, r->element[1500]);
    int unchanged = r->assigned.value == 1 && r->incremented.value == 10 &&
                    r->added_to.value == 100 && r->via_pointer.value == 1000 &&
                    r->element[1500] == 0;
    printf("  -> %s\n", unchanged ? "unchanged: the child's writes went to its own copies"
                                  : "CHANGED: the child's writes leaked into the parent!");

    struct cowos_memstat before, after;
    cowos_memstat(&before);
    cowos_memstat(&before);
    unsigned long f0 = user_faults, c0 = user_copies;
    r->assigned.value = 2;
    cowos_memstat(&after);
    unsigned long faults = user_faults - f0, copies = user_copies - c0;
    printf("parent writes assigned = 2: %lu fault%s, the handler copied %lu page%s, the kernel %lu\n",
           faults, faults == 1 ? "" : "s", copies, copies == 1 ? "" : "s",
           after.cow_copies - before.cow_copies);
    printf("  -> user space cannot see that the child is gone (the kernel's COW finds the\n"
           "     frame's last user and reuses it, as cowdemo shows): the handler copies.\n");
    int ok = status == 0 && unchanged && faults == 1 && copies == 1 &&
             after.cow_copies == before.cow_copies && r->assigned.value == 2;
    printf("usercow: %s\n", ok ? "every count as expected" : "SOMETHING DIFFERED (see above)");
    return ok ? 0 : 1;
}
#else
int main(void)
{
    printf("usercow: needs cowos's counters (cowstat.h); nothing to show here\n");
    return 2;
}
#endif
