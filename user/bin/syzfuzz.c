/*
 * syzfuzz.c - system-call fuzzer: /bin/syzfuzz SEED N [ROUNDS] [-v] [-m]. Per
 * round a driver and its nested children make N calls with adversarial
 * arguments while a watcher checks that its copy-on-write pages never change;
 * -m (pid 1 only) leaves 16-4096 frames free. A round passes when no oracle
 * fired, every process ended as planned and the free frames are all back.
 */
#include <sys/mman.h>
#include <cowos.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Kernel facts the fuzzer leans on (kernel/file.h, kernel/pipe.h, mm/memlayout.h). */
#define NOFILE 16
#define PIPE_SIZE 65536
#define PIPE_BUF_ 4096 /* writes up to this size are all or nothing */
#define USER_TOP 0x0000800000000000UL
#define STACK_TOP 0x00007ffffffff000UL
#define STACK_ZONE (8UL << 20)
#define BRK_LIMIT (1UL << 40)
#define PAGE 4096UL

#define WATCHED_PAGES 32
#define WATCHED_BYTES (WATCHED_PAGES * PAGE)
#define SCRATCH_BYTES (16 * PAGE)
#define HEAP_SLACK (2UL << 20) /* how far the heap may grow past scratch (across a 2 MiB table) */
#define MAX_DEPTH 3            /* driver 0; children 1..3; depth 3 never forks, nor half the others */
#define MAX_KIDS 6
#define CHILD_CALLS 40
#define TICK_EVERY 128         /* driver calls between watcher checks */
#define EXIT_FOUND_BUG 200     /* a child saw a problem below it */
#define SELF_KILL 12           /* SIGUSR2: what a child sends itself to end */

/* ---- randomness ---------------------------------------------------------- */

static uint64_t rng;

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dULL;
}
static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }
static int chance(int percent) { return (int)below(100) < percent; }
/* What word i of the watched pages holds in a round with this seed (cheap to check). */
static uint64_t pattern(uint64_t seed, uint64_t i)
{
    return (seed * 0x9e3779b97f4a7c15ULL) ^ (i * 0xbf58476d1ce4e5b9ULL) ^ (i << 7);
}

/* ---- the state of one fuzzing process -------------------------------------- */

enum fd_kind { FD_NONE, FD_CONSOLE, FD_PIPE_R, FD_PIPE_W, FD_FILE, FD_TICK };

struct fd_model {
    int kind;
    int pipe; /* index into fz.pipes for FD_PIPE_* */
};

/* A pipe this process alone holds (children close inherited pipes first). */
struct pipe_model {
    int readers, writers; /* descriptors on each end */
    long bytes;           /* unread bytes in the ring */
    int forked;           /* a child got copies (it closes them soon, but when?) */
};

struct kid {
    pid_t pid;
    int planned;       /* exit status it will choose */
    int leaf;          /* cannot fork: safe to kill (no orphans) */
    int sleeper;       /* ends in a call that never returns: only a signal ends it */
    uint64_t sigs;     /* bit s: signal s was sent to it */
};

static uint64_t watched[WATCHED_BYTES / 8] __attribute__((aligned(4096)));

static struct {
    int verbose;
    int depth;
    int leaf;                           /* may not fork (so it may be killed) */
    int sleeper;                        /* a leaf that ends by blocking forever */
    int as_init;                        /* the fuzzer is pid 1: orphans come back to it */
    int pressure;                       /* -m: memory nearly gone, SIGKILL is an answer */
    pid_t pid, ppid, top, watcher;
    long calls;                         /* system calls made (children: inherited count too) */
    long calls_end;                     /* stop when calls reaches this */
    int problems;
    int planned_exit;
    int tick_fd;                        /* the driver's end of the watcher's pipe */
    unsigned long heap_start;           /* the break before scratch was taken */
    unsigned long scratch, scratch_end; /* the heap never shrinks below scratch_end */
    unsigned long brk;                  /* the break as the kernel last reported it */
    unsigned long text_lo, text_hi, ro_lo, ro_hi;
    struct fd_model fd[NOFILE];
    struct pipe_model pipes[NOFILE];
    struct kid kids[MAX_KIDS];
    int nkids;
    long last_uptime;
    long frames_total;
    long last_nr, last_a[6];
    /* counters for the summary (the driver's own calls) */
    long per_nr[SYS_COUNT + 1];
    long forks, fork_refused, kills, reaped, errors, successes;
} fz;

/* ---- output (straight to fd 1: no stdio buffer to duplicate at fork) ------- */

static void say(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = (int)sizeof(buf) - 1;
    if (n > 0)
        write(1, buf, (size_t)n);
}

static const char *const nr_names[SYS_COUNT + 1] = {
    [0] = "0",
    [SYS_fork] = "fork", [SYS_exit] = "exit", [SYS_wait4] = "wait4", [SYS_getpid] = "getpid",
    [SYS_getppid] = "getppid", [SYS_read] = "read", [SYS_write] = "write",
    [SYS_close] = "close", [SYS_pipe] = "pipe", [SYS_dup] = "dup", [SYS_dup2] = "dup2",
    [SYS_execv] = "execv", [SYS_brk] = "brk", [SYS_kill] = "kill",
    [SYS_nanosleep] = "nanosleep", [SYS_sched_yield] = "sched_yield", [SYS_setsid] = "setsid",
    [SYS_sysconf] = "sysconf", [SYS_open] = "open", [SYS_getdents] = "getdents",
    [SYS_lseek] = "lseek", [SYS_getsid] = "getsid", [SYS_uptime_ms] = "uptime_ms",
    [SYS_poweroff] = "poweroff", [SYS_memstat] = "memstat", [SYS_cowtrace] = "cowtrace",
    [SYS_vmmap] = "vmmap",
    [SYS_COUNT] = "(unknown)",
};

static const char *nr_name(long nr)
{
    if (nr >= 0 && nr < SYS_COUNT && nr_names[nr])
        return nr_names[nr];
    return "(unknown)";
}

/* An oracle fired: say which call, with what, and what came back. */
static void bug(long r, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    say("syzfuzz: BUG: pid %d call %ld: %s(%#lx, %#lx, %#lx) = %ld: %s\n", fz.pid, fz.calls,
        nr_name(fz.last_nr), fz.last_a[0], fz.last_a[1], fz.last_a[2], r, why);
    fz.problems++;
}

/* ---- making a call ---------------------------------------------------------- */

/*
 * The raw system call, sometimes with odd flags the kernel must not trip on:
 * DF set (string instructions would run backwards) or AC set. The red zone
 * below rsp is stepped over before pushing.
 */
static long raw(long nr, long a1, long a2, long a3, long a4, long a5, long a6, int mode)
{
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    long r;
    if (mode == 1)
        __asm__ volatile("std\n\tsyscall\n\tcld"
                         : "=a"(r)
                         : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                         : "rcx", "r11", "memory", "cc");
    else if (mode == 2)
        __asm__ volatile("sub $128, %%rsp\n\t"
                         "pushfq\n\t"
                         "orq $0x40000, (%%rsp)\n\t"
                         "popfq\n\t"
                         "syscall\n\t"
                         "pushfq\n\t"
                         "andq $-0x40001, (%%rsp)\n\t"
                         "popfq\n\t"
                         "add $128, %%rsp"
                         : "=a"(r)
                         : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                         : "rcx", "r11", "memory", "cc");
    else
        __asm__ volatile("syscall"
                         : "=a"(r)
                         : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                         : "rcx", "r11", "memory");
    return r;
}

static long sys(long nr, long a1, long a2, long a3)
{
    if (nr == SYS_poweroff)
        return -EPERM; /* never: the one call that would end the machine */
    /* unused argument registers get garbage: the kernel must ignore them */
    long a4 = (long)rnd(), a5 = (long)rnd(), a6 = (long)rnd();
    fz.calls++;
    fz.last_nr = nr;
    fz.last_a[0] = a1, fz.last_a[1] = a2, fz.last_a[2] = a3, fz.last_a[3] = a4;
    if (fz.verbose)
        say("syzfuzz: pid %d call %ld: %s(%#lx, %#lx, %#lx)\n", fz.pid, fz.calls, nr_name(nr), a1,
            a2, a3);
    int mode = chance(90) ? 0 : (int)below(3);
    long r = raw(nr, a1, a2, a3, a4, a5, a6, mode);
    if (fz.depth == 0)
        fz.per_nr[nr >= 0 && nr < SYS_COUNT ? nr : SYS_COUNT]++;
    if (r < -4095)
        bug(r, "not a result and not an errno");
    if (r < 0)
        fz.errors++;
    else
        fz.successes++;
    if (fz.verbose)
        say("syzfuzz: pid %d call %ld: -> %ld\n", fz.pid, fz.calls, r);
    return r;
}

static void expect(long r, long want, const char *what)
{
    if (r != want)
        bug(r, "expected %ld (%s)", want, what);
}

/* ---- arguments ---------------------------------------------------------------- */

/* Addresses no system call may read or write through. */
static unsigned long bad_address(void)
{
    static const unsigned long list[] = {
        0x0,                 0x1,                 0xfff,               0x1000,
        0x3ff000,            0xffffffff80100000,  0xffffffff80000000,  0xffff800000000000,
        0xffff800000100000,  0xffffc00000000000,  0xffffc80000000000,  0xfffffffffffff000,
        0xffffffffffffffff,  0x0000800000000000,  0x00007ffffffff000,  0x00007fffffffffff,
        0x8000000000000000,  0x0000900000000000,  0x0000100000000000,  BRK_LIMIT,
        0x00007ffffffffff8,  0xffff800000000000 - 8,
    };
    if (chance(10))
        return (unsigned long)rnd() | 0x8000000000000000UL; /* kernel half or non-canonical */
    return list[below(sizeof(list) / sizeof(list[0]))];
}

/* The same, but never NULL (where NULL would mean "none" rather than "bad"). */
static unsigned long bad_nonnull(void)
{
    unsigned long a;
    do
        a = bad_address();
    while (a == 0);
    return a;
}

static unsigned long heap_end(void) { return (fz.brk + PAGE - 1) & ~(PAGE - 1); }

enum ptr_class {
    P_OK,   /* memory the kernel may read and write */
    P_HALF, /* the first bytes mapped, then unmapped: partial at most */
    P_RO,   /* mapped, never writable: text and rodata */
    P_BAD,  /* not user memory at all */
};

struct ptr {
    unsigned long addr;
    int cls;
};

/*
 * Somewhere the kernel may be asked to write up to maxw bytes. Never the
 * fuzzer's own stack or state: only scratch (the top of the heap, with
 * nothing of ours above it), the watched pages (whole writes only), the
 * deep stack zone (small writes only), and places that must fail.
 */
static struct ptr pick_dest(unsigned long maxw)
{
    for (;;) {
        switch (below(10)) {
        case 0:
        case 1:
        case 2:
        {
            unsigned long off = below(SCRATCH_BYTES);
            unsigned long a = fz.scratch + (chance(50) ? off & ~7UL : off);
            /* near the top of the heap the write may run off its end */
            return (struct ptr){a, maxw > heap_end() - a ? P_HALF : P_OK};
        }
        case 3:
            if (maxw <= WATCHED_BYTES)
                return (struct ptr){(unsigned long)watched + below(WATCHED_BYTES - maxw + 1), P_OK};
            break;
        case 4:
            return (struct ptr){heap_end() - 1 - below(64), P_HALF};
        case 5:
            return (struct ptr){fz.text_lo + below(fz.text_hi - fz.text_lo), P_RO};
        case 6:
            if (fz.ro_hi > fz.ro_lo)
                return (struct ptr){fz.ro_lo + below(fz.ro_hi - fz.ro_lo), P_RO};
            break;
        case 7:
            if (maxw <= 65536)
                return (struct ptr){STACK_TOP - STACK_ZONE + below(STACK_ZONE / 2), P_OK};
            break;
        default:
            return (struct ptr){bad_address(), P_BAD};
        }
    }
}

/* Somewhere the kernel may be asked to read from: anything we can see, or not. */
static struct ptr pick_src(void)
{
    long local;
    switch (below(8)) {
    case 0:
        return (struct ptr){(unsigned long)&local - below(256), P_OK};
    case 1:
        return (struct ptr){fz.text_lo + below(fz.text_hi - fz.text_lo), P_RO};
    case 2:
        return (struct ptr){heap_end() - 1 - below(64), P_HALF};
    case 3:
        return (struct ptr){(unsigned long)watched + below(WATCHED_BYTES), P_OK};
    case 4:
    case 5:
        return (struct ptr){bad_address(), P_BAD};
    default:
        return (struct ptr){fz.scratch + below(SCRATCH_BYTES), P_OK};
    }
}

static unsigned long pick_len(void)
{
    static const unsigned long edges[] = {
        0,           1,           4095,        4096,        4097,
        8192,        65536,       0x7ffff000,  0x7ffff001,  1UL << 31,
        1UL << 32,   1UL << 62,   (1UL << 63) - 1, 1UL << 63, ~0UL,
        ~0UL - 4095, USER_TOP,    USER_TOP - 1,
    };
    switch (below(6)) {
    case 0:
    case 1:
        return below(64);
    case 2:
        return below(PIPE_SIZE + 1);
    case 3:
        return below(1UL << 20);
    default:
        return edges[below(sizeof(edges) / sizeof(edges[0]))];
    }
}

/* Would the kernel's range check on (addr, n) fail before any data moves? */
static int range_bad(unsigned long addr, unsigned long n)
{
    return addr >= USER_TOP || n > USER_TOP - addr;
}

static long pick_fd(void)
{
    switch (below(10)) {
    case 7: {
        static const long odd[] = {-1, -2, NOFILE, NOFILE + 1, 1000, 0x7fffffff, -0x7fffffff - 1};
        return odd[below(sizeof(odd) / sizeof(odd[0]))];
    }
    case 8:
        return (long)((1UL << 32) + below(NOFILE)); /* the kernel sees only the low 32 bits */
    case 9:
        return (long)rnd();
    default:
        return (long)below(NOFILE);
    }
}

/* The model's slot for a raw fd argument, as the kernel truncates it; NULL if closed. */
static struct fd_model *slot(long v)
{
    int f = (int)v;
    if (f < 0 || f >= NOFILE || fz.fd[f].kind == FD_NONE)
        return NULL;
    return &fz.fd[f];
}

/* Descriptors the fuzzer needs for itself: output, and the watcher's ticks. */
static int is_protected(long v)
{
    int f = (int)v;
    return f == 1 || f == 2 || (fz.depth == 0 && f == fz.tick_fd);
}

static int lowest_free(void)
{
    for (int f = 0; f < NOFILE; f++)
        if (fz.fd[f].kind == FD_NONE)
            return f;
    return -EMFILE;
}

static void model_drop(int f)
{
    struct fd_model *m = &fz.fd[f];
    if (m->kind == FD_PIPE_R)
        fz.pipes[m->pipe].readers--;
    if (m->kind == FD_PIPE_W)
        fz.pipes[m->pipe].writers--;
    m->kind = FD_NONE;
}

static void model_copy(int to, int from)
{
    struct fd_model m = fz.fd[from];
    model_drop(to);
    fz.fd[to] = m;
    if (m.kind == FD_PIPE_R)
        fz.pipes[m.pipe].readers++;
    if (m.kind == FD_PIPE_W)
        fz.pipes[m.pipe].writers++;
}

/* ---- one system call each --------------------------------------------------- */

static void do_read(void)
{
    long fd = pick_fd();
    unsigned long n = pick_len();
    struct fd_model *m = slot(fd);
    unsigned long maxw = n;
    if (m && m->kind == FD_PIPE_R)
        maxw = (unsigned long)fz.pipes[m->pipe].bytes < n ? (unsigned long)fz.pipes[m->pipe].bytes : n;
    struct ptr p = pick_dest(maxw);
    /* Never block: the console has no input, and a pipe whose writer is
     * alive blocks while empty. A bad range fails before that point. */
    if (m && n > 0 && !range_bad(p.addr, n)) {
        if (m->kind == FD_CONSOLE)
            return;
        if (m->kind == FD_PIPE_R && fz.pipes[m->pipe].bytes == 0 && fz.pipes[m->pipe].writers > 0)
            return;
    }
    long r = sys(SYS_read, fd, (long)p.addr, (long)n);
    if (!m || (m->kind != FD_CONSOLE && m->kind != FD_PIPE_R && m->kind != FD_FILE) ||
        (m->kind == FD_FILE && (m->pipe & 2))) {
        expect(r, -EBADF, "read from a descriptor not open for reading");
        return;
    }
    if (r > 0 && (p.cls == P_RO || p.cls == P_BAD))
        bug(r, "read() wrote into memory the program cannot write");
    if (r > 0 && (unsigned long)r > n)
        bug(r, "read() returned more than asked");
    if (range_bad(p.addr, n) && r != -EFAULT)
        bug(r, "expected -EFAULT for a buffer outside user space");
    if (m->kind == FD_PIPE_R && r > 0) {
        if (r > fz.pipes[m->pipe].bytes)
            bug(r, "read %ld bytes from a pipe holding %ld", r, fz.pipes[m->pipe].bytes);
        fz.pipes[m->pipe].bytes -= r;
    }
    if (m->kind == FD_PIPE_R && r == 0 && n > 0 && fz.pipes[m->pipe].bytes > 0)
        bug(r, "end of file from a pipe holding %ld bytes", fz.pipes[m->pipe].bytes);
}

static void do_write(void)
{
    long fd = pick_fd();
    unsigned long n = pick_len();
    struct fd_model *m = slot(fd);
    struct ptr p = pick_src();
    if (m && n > 0 && !range_bad(p.addr, n)) {
        /* nothing on the console but failures: no garbage in the log */
        if ((m->kind == FD_CONSOLE || m->kind == FD_TICK) && p.cls != P_BAD)
            return;
        if (m->kind == FD_PIPE_W) {
            struct pipe_model *pp = &fz.pipes[m->pipe];
            if (pp->readers > 0 && n > (unsigned long)(PIPE_SIZE - pp->bytes))
                return; /* would wait for room that never comes */
        }
    }
    long room = m && m->kind == FD_PIPE_W ? PIPE_SIZE - fz.pipes[m->pipe].bytes : 0;
    long r = sys(SYS_write, fd, (long)p.addr, (long)n);
    if (!m || (m->kind != FD_CONSOLE && m->kind != FD_PIPE_W && m->kind != FD_TICK &&
               !(m->kind == FD_FILE && m->pipe))) {
        expect(r, -EBADF, "write to a descriptor not open for writing");
        return;
    }
    if (n == 0 && !range_bad(p.addr, n))
        expect(r, 0, "a write of 0 bytes");
    if (r > 0 && p.cls == P_BAD)
        bug(r, "write() took bytes from memory that is not the program's");
    if (range_bad(p.addr, n))
        expect(r, -EFAULT, "a buffer outside user space");
    if (m->kind == FD_PIPE_W && r > 0) {
        struct pipe_model *pp = &fz.pipes[m->pipe];
        if (pp->readers == 0 && !pp->forked)
            bug(r, "wrote to a pipe with no reader");
        /* (a longer one may run off the end of its P_OK source: short is fine) */
        if (r != (long)n && p.cls == P_OK && pp->readers > 0 && n <= (unsigned long)room &&
            n <= PIPE_BUF_)
            bug(r, "a %lu-byte pipe write that fits came back short", n);
        pp->bytes += r;
    }
    if (m->kind == FD_PIPE_W && fz.pipes[m->pipe].readers == 0 && !fz.pipes[m->pipe].forked &&
        n > 0 && !range_bad(p.addr, n))
        expect(r, -EPIPE, "a pipe with no reader");
}

static void do_close(void)
{
    long fd = pick_fd();
    if (is_protected(fd))
        fd = NOFILE + 3;
    struct fd_model *m = slot(fd);
    long r = sys(SYS_close, fd, 0, 0);
    if (!m) {
        expect(r, -EBADF, "closing a descriptor that is not open");
        return;
    }
    expect(r, 0, "closing an open descriptor");
    if (r == 0)
        model_drop((int)fd);
}

static void do_dup(void)
{
    long fd = pick_fd();
    struct fd_model *m = slot(fd);
    int want = lowest_free();
    long r = sys(SYS_dup, fd, 0, 0);
    if (!m) {
        expect(r, -EBADF, "dup of a descriptor that is not open");
        return;
    }
    expect(r, want, "dup gives the lowest free descriptor");
    if (r >= 0 && r < NOFILE)
        model_copy((int)r, (int)fd);
}

static void do_dup2(void)
{
    long oldfd = pick_fd(), newfd = pick_fd();
    if (is_protected(newfd))
        newfd = -1;
    struct fd_model *m = slot(oldfd);
    int nf = (int)newfd;
    long r = sys(SYS_dup2, oldfd, newfd, 0);
    if (!m || nf < 0 || nf >= NOFILE) {
        expect(r, -EBADF, "dup2 with a bad descriptor");
        return;
    }
    expect(r, nf, "dup2 returns newfd");
    if (r == nf && (int)oldfd != nf)
        model_copy(nf, (int)oldfd);
}

static void do_pipe(void)
{
    struct ptr p = pick_dest(8);
    int free_slots = 0, first = -1, second = -1;
    for (int f = 0; f < NOFILE; f++)
        if (fz.fd[f].kind == FD_NONE) {
            free_slots++;
            if (first < 0)
                first = f;
            else if (second < 0)
                second = f;
        }
    long r = sys(SYS_pipe, (long)p.addr, 0, 0);
    if (free_slots < 2) {
        expect(r, -EMFILE, "pipe with fewer than two free descriptors");
        return;
    }
    if (p.cls == P_BAD || p.cls == P_RO || p.cls == P_HALF) {
        /* P_HALF: the 8 bytes fit only when aimed at least 8 below the end */
        if (r == 0 && (p.cls != P_HALF || heap_end() - p.addr < 8)) {
            bug(r, "pipe() stored its descriptors where the program cannot write");
            return;
        }
        if (r != 0 && r != -EFAULT && r != -ENOMEM) /* the ends are made before the copy */
            bug(r, "expected 0, -EFAULT or -ENOMEM");
        if (r != 0)
            return;
    }
    if (r == -ENOMEM)
        return;
    if (r != 0) {
        bug(r, "pipe() failed with two free descriptors");
        return;
    }
    int got[2];
    memcpy(got, (void *)p.addr, sizeof(got));
    if (got[0] != first || got[1] != second) {
        bug(r, "pipe() gave %d and %d, expected the lowest free %d and %d", got[0], got[1], first,
            second);
        return;
    }
    int idx = 0;
    while (idx < NOFILE && (fz.pipes[idx].readers || fz.pipes[idx].writers))
        idx++;
    if (idx == NOFILE) /* cannot happen: each pipe holds two of the 16 slots */
        return;
    fz.pipes[idx] = (struct pipe_model){1, 1, 0, 0};
    fz.fd[first] = (struct fd_model){FD_PIPE_R, idx};
    fz.fd[second] = (struct fd_model){FD_PIPE_W, idx};
}

/*
 * A path: directories and odd spellings outside, names inside the round's
 * scratch directory (the driver's working directory, removed after the
 * round), too long, unterminated, bad. No path names a file outside the
 * scratch directory: every file is writable now, and the fuzzer must not
 * truncate the programs the other tests run.
 */
static struct ptr pick_path(void)
{
    static const char *const paths[] = {
        "/bin", "/bin/", "/", "/tests", "//bin//", "/bin/true/", "/bin/true/x", "/nonexistent/x",
        "", ".", "..", "/proc", "/proc/self/maps", "/proc/meminfo", "/proc/self/", "/tmp",
        "f", "g", "d", "d/", "d/f", "d/../f", "l", "l/", "./f/", "e/f",
    };
    char *s = (char *)fz.scratch + SCRATCH_BYTES - 512; /* a string area at scratch's end */
    switch (below(8)) {
    case 0:
        return (struct ptr){bad_address(), P_BAD};
    case 1: { /* longer than any path buffer */
        size_t len = 200 + below(200); /* a name of up to 255 bytes is made in scratch */
        memset(s, 'a', len);
        s[len] = '\0';
        return (struct ptr){(unsigned long)s, P_OK};
    }
    case 2: { /* no terminator before the heap ends */
        unsigned long end = heap_end(), start = end - 1 - below(300);
        if (start >= fz.scratch)
            memset((void *)start, 'b', end - start);
        return (struct ptr){start, P_HALF};
    }
    default:
        strcpy(s, paths[below(sizeof(paths) / sizeof(paths[0]))]);
        return (struct ptr){(unsigned long)s, P_OK};
    }
}

static void do_open(void)
{
    static const long flags_list[] = {O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_CREAT | O_EXCL,
                                      O_TRUNC, O_DIRECTORY, O_RDONLY | O_CLOEXEC, 3, -1};
    struct ptr p = pick_path();
    long flags = chance(80) ? flags_list[below(sizeof(flags_list) / sizeof(flags_list[0]))]
                            : (long)rnd();
    int want = lowest_free();
    long r = sys(SYS_open, (long)p.addr, flags, 0);
    if (p.cls == P_BAD && r != -EFAULT)
        bug(r, "expected -EFAULT for a path that is not in user memory");
    if (r >= 0) {
        if (r != want || r >= NOFILE) {
            bug(r, "open gave fd %ld, expected the lowest free %d", r, want);
            return;
        }
        /* .pipe of a file: 1 if open for writing, 2 if not for reading */
        int acc = (int)(flags & 3);
        fz.fd[r] = (struct fd_model){FD_FILE, acc == 1 ? 3 : acc == 2 ? 1 : 0};
    }
}

static void do_getdents(void)
{
    long fd = pick_fd();
    unsigned long count = chance(50) ? below(64) : pick_len();
    unsigned long maxw = count > (1UL << 40) ? ~0UL : count * sizeof(struct cowos_dirent);
    struct ptr p = pick_dest(maxw);
    struct fd_model *m = slot(fd);
    long r = sys(SYS_getdents, fd, (long)p.addr, (long)count);
    if (!m)
        expect(r, -EBADF, "getdents on a descriptor that is not open");
    else if (m->kind != FD_FILE)
        expect(r, -ENOTDIR, "getdents on a pipe or the console");
    if (r > 0 && (p.cls == P_RO || p.cls == P_BAD))
        bug(r, "getdents wrote into memory the program cannot write");
}

static void do_lseek(void)
{
    static const long offs[] = {0, 1, -1, 4096, 1L << 40, 0x7fffffffffffffffL,
                                -0x7fffffffffffffffL - 1};
    long fd = pick_fd();
    long off = chance(70) ? offs[below(sizeof(offs) / sizeof(offs[0]))] : (long)rnd();
    long whence = chance(80) ? (long)below(3) : (long)rnd();
    struct fd_model *m = slot(fd);
    long r = sys(SYS_lseek, fd, off, whence);
    if (!m)
        expect(r, -EBADF, "lseek on a descriptor that is not open");
    else if (m->kind != FD_FILE)
        expect(r, -ESPIPE, "lseek on a pipe or the console");
}

/* ---- the file system (names inside the scratch directory) ------------------------- */

static void do_fsop(void)
{
    struct ptr a = pick_path(), b;
    long r = 0;
    int nr;
    switch (below(15)) {
    case 0: nr = SYS_mkdir; r = sys(nr, (long)a.addr, 0755, 0); break;
    case 1: nr = SYS_rmdir; r = sys(nr, (long)a.addr, 0, 0); break;
    case 2: nr = SYS_unlink; r = sys(nr, (long)a.addr, 0, 0); break;
    case 3: b = pick_path(); nr = SYS_rename;
        r = sys(nr, (long)a.addr, (long)b.addr, 0);
        if (b.cls == P_BAD && a.cls == P_OK && r != -EFAULT)
            bug(r, "rename to a path not in user memory");
        break;
    case 4: b = pick_path(); nr = SYS_link; r = sys(nr, (long)a.addr, (long)b.addr, 0); break;
    case 5: { /* targets stay inside scratch: a link to "/bin" would let "d/f" make files there */
        static const char *const targets[] = {"f", "d", "l", "e", "d/f", "/nonexistent/x", "l/"};
        char *t = (char *)fz.scratch + SCRATCH_BYTES - 1024;
        strcpy(t, targets[below(sizeof(targets) / sizeof(targets[0]))]);
        nr = SYS_symlink;
        r = sys(nr, (long)t, (long)a.addr, 0);
        break;
    }
    case 6: nr = SYS_truncate; r = sys(nr, (long)a.addr, (long)below(3 * 4096), 0); break;
    case 7: {
        struct ptr d = pick_dest(144);
        nr = chance(50) ? SYS_stat : SYS_lstat;
        r = sys(nr, (long)a.addr, (long)d.addr, 0);
        if (r == 0 && (d.cls == P_RO || d.cls == P_BAD))
            bug(r, "stat wrote into memory the program cannot write");
        break;
    }
    case 8: {
        unsigned long len = below(300);
        struct ptr d = pick_dest(len);
        nr = SYS_readlink;
        r = sys(nr, (long)a.addr, (long)d.addr, (long)len);
        if (r > 0 && (d.cls == P_RO || d.cls == P_BAD))
            bug(r, "readlink wrote into memory the program cannot write");
        if (len == 0) { /* a size of 0 is EINVAL before the path is read, as Linux */
            expect(r, -EINVAL, "readlink with size 0");
            return;
        }
        break;
    }
    case 9: /* a bad mode is EINVAL before the path is looked at */
        nr = SYS_access; r = sys(nr, (long)a.addr, (long)below(8), 0); break;
    case 10: {
        long fd = pick_fd();
        unsigned long len = chance(50) ? below(8192) : pick_len();
        struct ptr d = pick_dest(len);
        nr = chance(50) ? SYS_pread64 : SYS_getdents64;
        r = raw(nr, fd, (long)d.addr, (long)len, (long)below(10000), 0, 0, 0);
        if (!slot(fd))
            expect(r, -EBADF, "pread/getdents64 on a descriptor that is not open");
        if (r > 0 && (d.cls == P_RO || d.cls == P_BAD))
            bug(r, "pread/getdents64 wrote into memory the program cannot write");
        return;
    }
    case 11: /* any mode bits: one user with root's powers, so cleaning up still works */
        nr = chance(50) ? SYS_fchmodat : SYS_fchmod;
        if (nr == SYS_fchmod) {
            long fd = pick_fd();
            r = sys(nr, fd, (long)below(010000), 0);
            if (!slot(fd))
                expect(r, -EBADF, "fchmod on a descriptor that is not open");
            return;
        }
        r = sys(nr, COWOS_AT_FDCWD, (long)a.addr, (long)below(010000));
        break;
    case 12: { /* times from anywhere: a bad pointer is EFAULT, a bad tv_nsec EINVAL */
        struct ptr t = chance(20) ? (struct ptr){0, P_OK} : pick_dest(32);
        nr = SYS_utimensat;
        r = raw(nr, COWOS_AT_FDCWD, (long)a.addr, (long)t.addr,
                chance(50) ? 0 : COWOS_AT_SYMLINK_NOFOLLOW, 0, 0, 0);
        if (r == 0 && t.cls == P_BAD && t.addr != 0) /* NULL means now */
            bug(r, "utimensat read times from memory the program cannot read");
        if (a.cls == P_BAD && r != -EFAULT && r != -EINVAL) /* a bad tv_nsec comes first */
            bug(r, "utimensat: expected -EFAULT or -EINVAL for a path not in user memory");
        return;
    }
    case 13: { /* the *at calls, from the working directory or a descriptor */
        /* Calls that make or remove names start only in scratch (a descriptor
         * of ours may name /bin or /tmp); any descriptor for the others. */
        int op = (int)below(5);
        long own = op <= 2 && chance(50) ? sys(SYS_open, (long)".", O_RDONLY | O_DIRECTORY, 0) : -1;
        long dirfd = own >= 0 ? own : op <= 2 || chance(50) ? COWOS_AT_FDCWD : pick_fd();
        struct ptr d = pick_dest(144);
        switch (op) {
        case 0: nr = SYS_openat;
            r = raw(nr, dirfd, (long)a.addr, chance(50) ? O_RDONLY : O_CREAT | O_WRONLY, 0644, 0, 0, 0);
            if (r >= 0)
                raw(SYS_close, r, 0, 0, 0, 0, 0, 0); /* not tracked: close it at once */
            break;
        case 1: nr = SYS_mkdirat; r = sys(nr, dirfd, (long)a.addr, 0755); break;
        case 2: nr = SYS_unlinkat; r = sys(nr, dirfd, (long)a.addr, chance(50) ? COWOS_AT_REMOVEDIR : 0); break;
        case 3: nr = SYS_newfstatat;
            r = raw(nr, dirfd, (long)a.addr, (long)d.addr, chance(50) ? COWOS_AT_SYMLINK_NOFOLLOW : 0, 0, 0, 0);
            if (r == 0 && (d.cls == P_RO || d.cls == P_BAD))
                bug(r, "fstatat wrote into memory the program cannot write");
            break;
        default: nr = SYS_faccessat; r = sys(nr, dirfd, (long)a.addr, (long)below(8)); break;
        }
        if (own >= 0)
            raw(SYS_close, own, 0, 0, 0, 0, 0, 0);
        break;
    }
    default: {
        long fd = pick_fd();
        nr = chance(50) ? SYS_ftruncate : SYS_fsync;
        r = sys(nr, fd, (long)below(10000), 0);
        if (!slot(fd))
            expect(r, nr == SYS_ftruncate ? -EBADF : -EBADF, "ftruncate/fsync on a closed descriptor");
        return;
    }
    }
    if (a.cls == P_BAD && r != -EFAULT)
        bug(r, "expected -EFAULT for a path that is not in user memory (call %d)", nr);
}

/* Remove path and everything under it (not following links). */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        char sub[600];
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            remove_tree(sub);
            rewinddir(d); /* the listing changed under us */
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* ---- processes ---------------------------------------------------------------- */

static int kid_index(pid_t pid)
{
    for (int i = 0; i < fz.nkids; i++)
        if (fz.kids[i].pid == pid)
            return i;
    return -1;
}

/* A reaped child: did it end the way it could have? */
static void reaped(pid_t pid, int status, int status_known)
{
    int i = kid_index(pid);
    if (i < 0) {
        bug(pid, "reaped pid %d, which is not our child", pid);
        return;
    }
    struct kid k = fz.kids[i];
    fz.kids[i] = fz.kids[--fz.nkids];
    fz.reaped++;
    if (!status_known)
        return;
    if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        if (code == EXIT_FOUND_BUG)
            fz.problems++; /* it said why already */
        else if (code != k.planned && code != 0 && code != 1) /* 0, 1: it exec'd true or false */
            bug(pid, "child %d exited with %d, expected %d", pid, code, k.planned);
    } else if (fz.pressure && WTERMSIG(status) == 9) {
        /* out of memory in a page fault or a copy to user memory */
    } else if (k.sleeper && !k.sigs) {
        bug(pid, "child %d should still be asleep, but ended with status %#x", pid, status);
    } else if (WTERMSIG(status) != SELF_KILL && !((k.sigs >> (WTERMSIG(status) & 63)) & 1)) {
        bug(pid, "child %d was killed by signal %d, which nobody sent it", pid, WTERMSIG(status));
    }
}

static void close_inherited(void)
{
    for (int f = 0; f < NOFILE; f++) {
        int kind = fz.fd[f].kind;
        if (kind == FD_PIPE_R || kind == FD_PIPE_W || kind == FD_TICK) {
            long r = raw(SYS_close, f, 0, 0, 0, 0, 0, 0);
            if (r != 0)
                bug(r, "closing inherited fd %d", f);
            model_drop(f);
            fz.fd[f].kind = FD_NONE;
        }
    }
    memset(fz.pipes, 0, sizeof(fz.pipes));
}

static void do_fork(void)
{
    if (fz.leaf || fz.nkids >= MAX_KIDS) {
        sys(SYS_getpid, 0, 0, 0);
        return;
    }
    int planned = 2 + (int)below(150);
    int leaf = fz.depth + 1 == MAX_DEPTH || chance(50);
    int sleeper = leaf && chance(15);
    long budget = chance(20) ? (long)below(400) : (long)below(CHILD_CALLS);
    for (int i = 0; i < NOFILE; i++)
        fz.pipes[i].forked = 1;
    uint64_t child_seed = rnd();
    pid_t parent = fz.pid;
    long r = sys(SYS_fork, 0, 0, 0);
    if (r == 0) {
        /* the child: a new fuzzing process of its own */
        rng = mix64(child_seed) | 1;
        fz.depth++;
        fz.leaf = leaf;
        fz.sleeper = sleeper;
        fz.pid = (pid_t)raw(SYS_getpid, 0, 0, 0, 0, 0, 0, 0);
        fz.ppid = parent;
        fz.nkids = 0;
        fz.calls_end = fz.calls + budget;
        fz.planned_exit = planned;
        fz.problems = 0;
        close_inherited();
        return;
    }
    if (fz.depth == 0)
        fz.forks++;
    if (r < 0) {
        if (r != -EAGAIN && r != -ENOMEM)
            bug(r, "fork failed with an unexpected errno");
        fz.fork_refused += fz.depth == 0;
        return;
    }
    fz.kids[fz.nkids++] = (struct kid){(pid_t)r, planned, leaf, sleeper, 0};
}

static void do_wait4(void)
{
    long pid;
    switch (below(6)) {
    case 0:
        pid = -1;
        break;
    case 1:
        pid = fz.nkids ? fz.kids[below(fz.nkids)].pid : -1;
        break;
    case 2:
        pid = 0;
        break;
    case 3: {
        static const long odd[] = {1, 0x7fffffff, -0x7fffffffL - 1, 1L << 40, -(1L << 40), -2};
        pid = odd[below(sizeof(odd) / sizeof(odd[0]))];
        break;
    }
    case 4:
        pid = chance(50) ? fz.ppid : fz.watcher;
        break;
    default:
        pid = -(long)fz.pid;
        break;
    }
    static const long opts[] = {0, WNOHANG, WUNTRACED, WNOHANG | WUNTRACED, 8, 0x40000000, -1};
    long options = opts[below(sizeof(opts) / sizeof(opts[0]))];
    int ipid = (int)pid; /* what the kernel sees: pid_t is an int, as on Linux */
    for (int i = 0; i < fz.nkids; i++)
        if (fz.kids[i].sleeper && !fz.kids[i].sigs && (ipid <= 0 || ipid == fz.kids[i].pid))
            options |= WNOHANG; /* it would wait for a process that never ends */
    struct ptr p = chance(20) ? (struct ptr){0, P_OK} : pick_dest(4);
    long r = sys(SYS_wait4, pid, (long)p.addr, options);
    int valid_opts = (options & ~(long)(WNOHANG | WUNTRACED | 8)) == 0;
    if (!valid_opts)
        expect(r, -EINVAL, "unknown wait options");
    else if (ipid == -0x7fffffff - 1)
        expect(r, -ESRCH, "waiting for the group -INT_MIN, which cannot exist");
    else if (fz.nkids == 0 && r != -ECHILD)
        bug(r, "expected -ECHILD with no children");
    if (r > 0) {
        if (p.addr && (p.cls == P_RO || p.cls == P_BAD))
            bug(r, "wait stored a status where the program cannot write");
        int status = 0;
        int known = p.addr && p.cls == P_OK;
        if (known)
            memcpy(&status, (void *)p.addr, sizeof(status));
        reaped((pid_t)r, status, known);
    }
}

static void do_kill(void)
{
    /* (stop signals really stop now: they are no longer harmless to send
     * to ourselves, our parent or the watcher) */
    static const long harmless[] = {0, 17 /* SIGCHLD */, 18 /* SIGCONT */, 23 /* SIGURG */,
                                    28 /* SIGWINCH */};
    static const long real[] = {9, 15, 11, 10, 1, 2, 6, 14, 31, 64, 33};
    /* (1L << 32 is 0 to a kernel that truncates to int: still harmless) */
    static const long invalid[] = {-1, 65, 1000, -0x7fffffffL - 1, 1L << 32, -65};
    long pid, sig;
    int k = -1;
    switch (below(5)) {
    case 0: /* a real signal to a child that cannot have children of its own (or
             * any child, when we are init and orphans come back to us) */
        for (int i = 0; i < fz.nkids; i++)
            if (fz.kids[i].leaf || fz.as_init)
                if (k < 0 || fz.kids[i].sleeper || chance(50))
                    k = i;
        if (k < 0) {
            pid = fz.pid, sig = 0;
            break;
        }
        pid = fz.kids[k].pid;
        sig = real[below(sizeof(real) / sizeof(real[0]))];
        break;
    case 1: { /* anybody, even init and the watcher, with a signal that does nothing */
        const long who[] = {1, fz.ppid, fz.watcher, fz.top, fz.pid, 0, -1, -(long)fz.pid, 99999,
                            0x7fffffff};
        pid = who[below(sizeof(who) / sizeof(who[0]))];
        sig = harmless[below(sizeof(harmless) / sizeof(harmless[0]))];
        break;
    }
    case 2: /* anybody, with a signal number that is not one */
        pid = (long)rnd() % 100;
        sig = invalid[below(sizeof(invalid) / sizeof(invalid[0]))];
        break;
    case 3: /* pids that cannot exist, with real signals (as ints: groups near
             * -2^31, or pids near 2^31, that nobody has) */
        pid = chance(50) ? (1L << 31) + (long)below(1000) : -(1L << 31) - 1 - (long)below(1000);
        sig = real[below(sizeof(real) / sizeof(real[0]))];
        break;
    default: /* a child, signal 0 */
        pid = fz.nkids ? fz.kids[below(fz.nkids)].pid : fz.pid;
        sig = 0;
        break;
    }
    long r = sys(SYS_kill, pid, sig, 0);
    int isig = (int)sig; /* int parameters, as on Linux */
    if (isig < 0 || isig >= 65) {
        expect(r, -EINVAL, "an invalid signal number");
        return;
    }
    if (pid >= (1L << 31) || pid < -(1L << 31))
        expect(r, -ESRCH, "a pid that cannot exist");
    if ((pid == fz.pid || kid_index((pid_t)pid) >= 0) && r != 0)
        bug(r, "kill of a process that exists failed");
    if (k >= 0 && r == 0 && sig > 0) {
        fz.kids[k].sigs |= 1UL << (sig & 63); /* 64 on bit 0, which no other signal uses */
        fz.kills += fz.depth == 0;
    }
}

static void do_brk(void)
{
    unsigned long old = fz.brk, want;
    int may_move = 1;
    switch (below(8)) {
    case 0:
        want = 0;
        may_move = 0;
        break;
    case 1:
    case 2: /* grow or shrink within what we allow */
        want = fz.scratch_end + below(HEAP_SLACK);
        break;
    case 3: /* back to the floor */
        want = fz.scratch_end;
        break;
    case 4: { /* huge increments: past the limit, or (rarely: it fills all of
               * memory before giving up) more than the machine has */
        const unsigned long incs[] = {1UL << 40, 1UL << 62, BRK_LIMIT - old + 1, ~0UL - old,
                                      (unsigned long)fz.frames_total * PAGE + PAGE};
        want = old + incs[chance(3) ? 4 : below(4)];
        may_move = 0;
        break;
    }
    case 5: /* below the heap's start, or the kernel */
        want = chance(50) ? 0x400000 + below(0x1000) : bad_address();
        may_move = want >= fz.scratch_end && want <= BRK_LIMIT;
        break;
    default:
        want = chance(50) ? BRK_LIMIT + 1 : (unsigned long)rnd();
        may_move = want >= fz.scratch_end && want <= BRK_LIMIT;
        break;
    }
    if ((may_move && want > fz.scratch_end + HEAP_SLACK) ||
        (want >= fz.heap_start && want < fz.scratch_end)) {
        want = 0; /* never below our scratch, never eating the machine */
        may_move = 0;
    }
    long r = sys(SYS_brk, (long)want, 0, 0);
    if ((unsigned long)r != want && (unsigned long)r != old)
        bug(r, "brk returned neither the new nor the old break (%#lx)", old);
    if (!may_move && (unsigned long)r != old)
        bug(r, "brk moved the break to a place it must refuse (old %#lx)", old);
    if (r > 0)
        fz.brk = (unsigned long)r;
}

static void do_nanosleep(void)
{
    struct ptr p;
    long *ts = (long *)(fz.scratch + 64);
    int valid = 0;
    switch (below(5)) {
    case 0:
        p = (struct ptr){bad_address(), P_BAD};
        break;
    case 1: /* half-mapped: the seconds mapped, the nanoseconds not */
        p = (struct ptr){heap_end() - 8, P_HALF};
        break;
    case 2: {
        static const long bad[][2] = {{-1, 0}, {0, -1}, {0, 1000000000}, {0, -1000000000},
                                      {-0x7fffffffffffffffL - 1, 0}};
        int i = (int)below(5);
        ts[0] = bad[i][0], ts[1] = bad[i][1];
        p = (struct ptr){(unsigned long)ts, P_OK};
        break;
    }
    default: /* a short, valid sleep: at most 2 ms asked, one tick served */
        ts[0] = 0, ts[1] = (long)below(2000000);
        p = (struct ptr){(unsigned long)ts, P_OK};
        valid = 1;
        break;
    }
    struct ptr rem = chance(50) ? (struct ptr){0, P_OK} : pick_dest(16);
    long r = sys(SYS_nanosleep, (long)p.addr, (long)rem.addr, 0);
    if (p.cls == P_BAD || p.cls == P_HALF)
        expect(r, -EFAULT, "a timespec that is not all in user memory");
    else if (valid)
        expect(r, 0, "a short valid sleep");
    else
        expect(r, -EINVAL, "a timespec out of range");
}

static void do_execv(void)
{
    /* argv arrays and strings live at the end of scratch */
    unsigned long *argv = (unsigned long *)(fz.scratch + SCRATCH_BYTES - 2048);
    char *str = (char *)(fz.scratch + SCRATCH_BYTES - 3072);
    struct ptr path = pick_path();
    int sure_to_fail = 1;
    strcpy(str, "arg");
    switch (below(7)) {
    case 0: /* argv itself is bad (NULL would be an empty argv: fine) */
        argv = (unsigned long *)bad_nonnull();
        break;
    case 1: /* one string pointer is bad */
        argv[0] = (unsigned long)str, argv[1] = bad_nonnull(), argv[2] = 0;
        break;
    case 2: /* too many arguments */
        for (int i = 0; i < 70; i++)
            argv[i] = (unsigned long)str;
        argv[70] = 0;
        break;
    case 3: /* too many bytes of arguments */
        memset(str, 'x', 900);
        str[900] = '\0';
        for (int i = 0; i < 10; i++)
            argv[i] = (unsigned long)str;
        argv[10] = 0;
        break;
    case 4: /* an argv that runs off the end of the heap with no NULL */
        argv = (unsigned long *)(heap_end() - 8 * (1 + below(4)));
        for (unsigned long *a = argv; (unsigned long)a < heap_end(); a++)
            *a = (unsigned long)str;
        break;
    default: /* a plausible argv: the path alone decides */
        argv[0] = (unsigned long)str, argv[1] = 0;
        sure_to_fail = 0;
        break;
    }
    if (!sure_to_fail && path.cls == P_OK) {
        /* The driver must not be replaced: only paths that cannot run. */
        static const char *const nonrunnable[] = {"/bin", "/", "", "/nonexistent", "/bin/true/",
                                                  "/bin/true/x", "/tests"};
        strcpy((char *)path.addr, nonrunnable[below(sizeof(nonrunnable) / sizeof(nonrunnable[0]))]);
    }
    long r = sys(SYS_execv, (long)path.addr, (long)argv, 0);
    if (r >= 0)
        bug(r, "an exec that cannot succeed returned");
}

static void do_vmmap(void)
{
    long pid;
    switch (below(5)) {
    case 0:
        pid = 0;
        break;
    case 1:
        pid = fz.pid;
        break;
    case 2:
        pid = chance(50) ? fz.watcher : 1;
        break;
    case 3:
        pid = fz.nkids ? fz.kids[below(fz.nkids)].pid : fz.ppid;
        break;
    default: {
        static const long odd[] = {-1, 0x7fffffff, 1L << 32, (1L << 32) + 1, 99999};
        pid = odd[below(sizeof(odd) / sizeof(odd[0]))];
        break;
    }
    }
    long max = chance(60) ? (long)below(300) : (long)pick_len();
    unsigned long maxw = (unsigned long)max > (1UL << 40) ? ~0UL : (unsigned long)max * 32;
    struct ptr p = pick_dest(maxw);
    long r = sys(SYS_vmmap, pid, (long)p.addr, max);
    if (max < 0)
        expect(r, -EINVAL, "a negative count");
    else if (pid < 0 || pid > 0x7fffffff)
        expect(r, -ESRCH, "a pid out of range");
    else if (r > 0 && max > 0 && (p.cls == P_RO || p.cls == P_BAD))
        bug(r, "vmmap wrote into memory the program cannot write");
}

static void do_misc(void)
{
    long r;
    switch (below(11)) {
    case 0:
        expect(sys(SYS_getpid, 0, 0, 0), fz.pid, "getpid");
        break;
    case 1:
        r = sys(SYS_getppid, 0, 0, 0);
        if (r != fz.ppid && !(fz.as_init && r == 1)) /* an orphan's parent is init */
            bug(r, "getppid: expected %d", fz.ppid);
        break;
    case 2:
        expect(sys(SYS_sched_yield, 0, 0, 0), 0, "sched_yield");
        break;
    case 3:
        r = sys(SYS_setsid, 0, 0, 0);
        if (r != fz.pid && r != -EPERM)
            bug(r, "setsid returns the caller's pid or -EPERM");
        break;
    case 4: {
        const long who[] = {0, fz.pid, 1, fz.watcher, -1, 1L << 32, 0x7fffffff};
        sys(SYS_getsid, who[below(sizeof(who) / sizeof(who[0]))], 0, 0);
        break;
    }
    case 5: {
        const long names[] = {2, 30, 84, 85, 86, -1, 0, 1000, 1L << 32 | 30};
        long name = names[below(sizeof(names) / sizeof(names[0]))];
        r = sys(SYS_sysconf, name, 0, 0);
        if (name == 30)
            expect(r, 4096, "sysconf(_SC_PAGESIZE)");
        if (name == -1 || name == 0 || name == 1000)
            expect(r, -EINVAL, "sysconf of an unknown name");
        break;
    }
    case 6:
        r = sys(SYS_uptime_ms, 0, 0, 0);
        if (r < fz.last_uptime)
            bug(r, "the uptime went backwards from %ld", fz.last_uptime);
        fz.last_uptime = r;
        break;
    case 7: {
        struct ptr p = pick_dest(sizeof(struct cowos_memstat));
        r = sys(SYS_memstat, (long)p.addr, 0, 0);
        if (r == 0 && (p.cls == P_RO || p.cls == P_BAD))
            bug(r, "memstat wrote into memory the program cannot write");
        if (p.cls == P_BAD)
            expect(r, -EFAULT, "memstat into a bad buffer");
        break;
    }
    case 8: /* only ever ask: switching the trace on would flood the console */
        r = sys(SYS_cowtrace, -1 - (long)below(1000), 0, 0);
        if (r != 0 && r != 1)
            bug(r, "cowtrace query returns 0 or 1");
        break;
    case 9: { /* numbers that are no system call (and never poweroff) */
        const long nrs[] = {SYS_COUNT, SYS_COUNT + 1, 0, 255, 1000, -1, 1L << 32 | SYS_getpid,
                            0x7fffffffffffffffL, -0x7fffffffffffffffL - 1};
        expect(sys(nrs[below(sizeof(nrs) / sizeof(nrs[0]))], (long)rnd(), (long)rnd(), (long)rnd()),
               -ENOSYS, "an unknown system call");
        break;
    }
    default: /* our own stores into pages we share copy-on-write */
        for (int i = 0; i < 4; i++)
            watched[below(WATCHED_BYTES / 8)] = rnd();
        *(volatile char *)(fz.scratch + below(SCRATCH_BYTES)) = 1;
        break;
    }
}

static void finish_child(void) __attribute__((noreturn));

static void do_exit(void)
{
    if (fz.depth == 0) {
        do_misc();
        return;
    }
    finish_child();
}

/* A sleeper's last call: one that only a signal can end. */
static void block_forever(void) __attribute__((noreturn));
static void block_forever(void)
{
    int p[2];
    long ts[2] = {1L << 20, 0};
    long r;
    switch (below(5)) {
    case 0: /* an empty pipe whose only writer is ourselves */
        if (raw(SYS_pipe, (long)p, 0, 0, 0, 0, 0, 0) == 0) {
            r = sys(SYS_read, p[0], (long)ts, 1);
            bug(r, "read from an empty pipe with a live writer returned");
        }
        break;
    case 1: /* a full pipe whose only reader is ourselves */
        if (raw(SYS_pipe, (long)p, 0, 0, 0, 0, 0, 0) == 0) {
            r = sys(SYS_write, p[1], (long)fz.scratch, PIPE_SIZE);
            r = sys(SYS_write, p[1], (long)fz.scratch, 1 + (long)below(PIPE_SIZE));
            bug(r, "write to a full pipe with a live reader returned");
        }
        break;
    case 2: /* the console, which has no input here */
        for (int f = 0; f < NOFILE; f++)
            if (fz.fd[f].kind == FD_CONSOLE) {
                sys(SYS_read, f, (long)fz.scratch, 16);
                break;
            }
        break;
    case 3: /* about twelve days */
        r = sys(SYS_nanosleep, (long)ts, (long)(fz.scratch + 128), 0);
        bug(r, "a long nanosleep returned");
        break;
    default: /* beyond any uptime */
        ts[0] = 0x7fffffffffffffffL;
        r = sys(SYS_nanosleep, (long)ts, 0, 0);
        bug(r, "an endless nanosleep returned");
        break;
    }
    for (;;) /* typed input, or a failed pipe: wait for the signal anyway */
        raw(SYS_nanosleep, (long)ts, 0, 0, 0, 0, 0, 0);
}

/* Reap every child, blocking: each runs a bounded number of calls, but
 * sleepers never end on their own and get SIGKILL first. */
static void reap_all(void)
{
    for (int i = 0; i < fz.nkids; i++)
        if (fz.kids[i].sleeper) {
            raw(SYS_kill, fz.kids[i].pid, 9, 0, 0, 0, 0, 0);
            fz.kids[i].sigs |= 1UL << 9;
        }
    while (fz.nkids > 0) {
        int status = 0;
        long r = raw(SYS_wait4, -1, (long)&status, 0, 0, 0, 0, 0);
        if (r > 0) {
            reaped((pid_t)r, status, 1);
        } else {
            bug(r, "wait4(-1) failed with %d children outstanding", fz.nkids);
            fz.nkids = 0;
        }
    }
}

static void finish_child(void)
{
    if (fz.sleeper && !fz.problems)
        block_forever();
    reap_all();
    if (fz.problems)
        _exit(EXIT_FOUND_BUG);
    if (chance(10)) {
        long r = sys(SYS_kill, fz.pid, SELF_KILL, 0);
        bug(r, "survived sending itself signal %d", SELF_KILL);
        _exit(EXIT_FOUND_BUG);
    }
    if (chance(20)) {
        /* become /bin/true or /bin/false: the exit status is then 0 or 1 */
        char *str = (char *)(fz.scratch + SCRATCH_BYTES - 3072);
        char *argv[4] = {str, str + 16, NULL, NULL};
        int t = chance(50);
        strcpy(str, t ? "true" : "false");
        strcpy(str + 16, "--fuzz");
        raw(SYS_execv, (long)(t ? "/bin/true" : "/bin/false"), (long)argv, 0, 0, 0, 0, 0);
    }
    /* only the low 8 bits of the status may count */
    raw(SYS_exit, fz.planned_exit | (long)(rnd() << 8), 0, 0, 0, 0, 0, 0);
    _exit(EXIT_FOUND_BUG);
}

/* ---- the driver ---------------------------------------------------------------- */

struct op {
    void (*fn)(void);
    int weight;
};

static const struct op ops[] = {
    {do_read, 12},  {do_write, 12}, {do_close, 6},  {do_dup, 5},       {do_dup2, 5},
    {do_pipe, 5},   {do_open, 8},   {do_getdents, 5}, {do_lseek, 5},   {do_fork, 3},
    {do_wait4, 5},  {do_kill, 6},   {do_brk, 6},    {do_nanosleep, 1}, {do_execv, 3},
    {do_vmmap, 4},  {do_misc, 12},  {do_exit, 2},    {do_fsop, 10},
};

static void one_call(void)
{
    int total = 0;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        total += ops[i].weight;
    int pick = (int)below((uint64_t)total);
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (pick < ops[i].weight) {
            ops[i].fn();
            return;
        }
        pick -= ops[i].weight;
    }
}

/* Pages that are neither writable nor copy-on-write: text (executable) and rodata. */
static void find_readonly(void)
{
    static struct cowos_vmentry v[1024];
    long n = raw(SYS_vmmap, 0, (long)v, 1024, 0, 0, 0, 0);
    fz.text_lo = fz.ro_lo = ~0UL;
    fz.text_hi = fz.ro_hi = 0;
    for (long i = 0; i < n && i < 1024; i++) {
        if (v[i].flags & (COWOS_PTE_W | COWOS_PTE_COW))
            continue;
        unsigned long *lo = (v[i].flags & COWOS_PTE_NX) ? &fz.ro_lo : &fz.text_lo;
        unsigned long *hi = (v[i].flags & COWOS_PTE_NX) ? &fz.ro_hi : &fz.text_hi;
        if (v[i].va < *lo)
            *lo = v[i].va;
        if (v[i].va + PAGE > *hi)
            *hi = v[i].va + PAGE;
    }
    if (fz.text_hi == 0) /* cannot happen: we are running from text */
        fz.text_lo = 0x400000, fz.text_hi = 0x401000;
    if (fz.ro_hi == 0)
        fz.ro_lo = fz.ro_hi = 0;
}

static uint64_t checksum(unsigned long lo, unsigned long hi)
{
    uint64_t h = 0;
    for (const uint64_t *p = (const uint64_t *)lo; (unsigned long)p < hi; p++)
        h = mix64(h ^ *p);
    return h;
}

static uint64_t text_sum, ro_sum;

/* The driver's own memory: scratch, where text and rodata are, the model. */
static int drive_setup(uint64_t seed, int tick_fd)
{
    rng = mix64(seed) | 1;
    fz.pid = (pid_t)raw(SYS_getpid, 0, 0, 0, 0, 0, 0, 0);
    fz.ppid = fz.top;
    fz.depth = 0;
    fz.frames_total = sysconf(_SC_PHYS_PAGES);
    fz.last_uptime = 0;
    fz.brk = fz.heap_start = (unsigned long)raw(SYS_brk, 0, 0, 0, 0, 0, 0, 0);
    fz.scratch = (fz.brk + PAGE - 1) & ~(PAGE - 1);
    fz.scratch_end = fz.scratch + SCRATCH_BYTES;
    if ((unsigned long)raw(SYS_brk, (long)fz.scratch_end, 0, 0, 0, 0, 0, 0) != fz.scratch_end) {
        say("syzfuzz: no memory for scratch\n");
        return 1;
    }
    fz.brk = fz.scratch_end;
    find_readonly();
    text_sum = checksum(fz.text_lo, fz.text_hi);
    ro_sum = fz.ro_hi ? checksum(fz.ro_lo, fz.ro_hi) : 0;
    memset(fz.fd, 0, sizeof(fz.fd));
    memset(fz.pipes, 0, sizeof(fz.pipes));
    for (int f = 0; f < 3; f++)
        fz.fd[f].kind = FD_CONSOLE;
    fz.fd[tick_fd].kind = FD_TICK;
    fz.tick_fd = tick_fd;
    return 0;
}

/* The driver: N calls, then wait for every descendant. Returns problems seen. */
static int drive(uint64_t seed, long n, int tick_fd)
{
    fz.calls = 0;
    fz.calls_end = n;
    long last_tick = 0;
    while (fz.calls < fz.calls_end) {
        one_call();
        if (fz.depth == 0 && fz.calls - last_tick >= TICK_EVERY) {
            raw(SYS_write, tick_fd, (long)"t", 1, 0, 0, 0, 0); /* watcher: check now */
            last_tick = fz.calls;
        }
    }
    if (fz.depth > 0)
        finish_child();

    reap_all();
    if (checksum(fz.text_lo, fz.text_hi) != text_sum)
        bug(0, "our own text changed");
    if (fz.ro_hi && checksum(fz.ro_lo, fz.ro_hi) != ro_sum)
        bug(0, "our own rodata changed");
    say("syzfuzz: seed %lu: driver: %ld calls (%ld failed), %ld forks (%ld refused), %ld kills, "
        "%ld children reaped\n",
        (unsigned long)seed, fz.calls, fz.errors, fz.forks, fz.fork_refused, fz.kills, fz.reaped);
    if (fz.verbose) {
        char line[400];
        int len = 0;
        for (long nr = 0; nr <= SYS_COUNT; nr++)
            if (fz.per_nr[nr])
                len += snprintf(line + len, sizeof(line) - (size_t)len, " %s %ld", nr_name(nr),
                                fz.per_nr[nr]);
        say("syzfuzz: seed %lu: calls by number:%s\n", (unsigned long)seed, line);
    }
    return fz.problems;
}

/* ---- memory pressure (-m) ---------------------------------------------------------- */

/*
 * Write once to every page still shared copy-on-write with the fuzzer's top
 * process (but the watched ones), so that the top's own writes later need no
 * new frame: with memory gone, pid 1 must not be the one the kernel kills.
 */
static void unshare(void)
{
    static struct cowos_vmentry v[1024];
    volatile char below_sp[8 * 4096]; /* the stack depth we will use, mapped now */
    for (size_t i = 0; i < sizeof(below_sp); i += 1024)
        below_sp[i] = 0;
    long n = raw(SYS_vmmap, 0, (long)v, 1024, 0, 0, 0, 0);
    for (long i = 0; i < n && i < 1024; i++) {
        unsigned long va = v[i].va;
        if (!(v[i].flags & COWOS_PTE_COW))
            continue;
        if (va >= (unsigned long)watched && va < (unsigned long)watched + WATCHED_BYTES)
            continue;
        *(volatile char *)va = *(volatile char *)va;
    }
}

/* Take all free memory but `reserve` frames, in ever smaller pieces. */
static void hog(long reserve)
{
    long a = sysconf(_SC_AVPHYS_PAGES);
    sbrk((a - a / 256 - 16) * (long)PAGE);
    for (long chunk = sysconf(_SC_AVPHYS_PAGES) * (long)PAGE; chunk >= (long)PAGE;)
        if (sbrk(chunk) == (void *)-1)
            chunk /= 2;
    if (reserve > 0)
        sbrk(-reserve * (long)PAGE);
}

/* ---- the watcher ---------------------------------------------------------------- */

/* Checks, at every tick from the driver and once at the end, that the pages it
 * shares copy-on-write with the driver still hold exactly the pattern. */
static void watch(uint64_t seed, int tick_fd) __attribute__((noreturn));
static void watch(uint64_t seed, int tick_fd)
{
    volatile uint64_t canary[512];
    for (int i = 0; i < 512; i++)
        canary[i] = pattern(~seed, (uint64_t)i);
    long checks = 0;
    for (;;) {
        char buf[64];
        long r = raw(SYS_read, tick_fd, (long)buf, sizeof(buf), 0, 0, 0, 0);
        checks++;
        for (size_t i = 0; i < WATCHED_BYTES / 8; i++)
            if (watched[i] != pattern(seed, i)) {
                say("syzfuzz: BUG: watcher: word %zu of its memory (page %zu) changed from %#lx "
                    "to %#lx at check %ld\n",
                    i, i * 8 / PAGE, (unsigned long)pattern(seed, i), (unsigned long)watched[i],
                    checks);
                _exit(1);
            }
        for (int i = 0; i < 512; i++)
            if (canary[i] != pattern(~seed, (uint64_t)i)) {
                say("syzfuzz: BUG: watcher: its stack changed at check %ld\n", checks);
                _exit(1);
            }
        if (r <= 0)
            _exit(r == 0 ? 0 : 2);
    }
}

/* ---- rounds ---------------------------------------------------------------------- */

static long avail(void) { return sysconf(_SC_AVPHYS_PAGES); }

static unsigned long now_ms(void) { return (unsigned long)raw(SYS_uptime_ms, 0, 0, 0, 0, 0, 0, 0); }

/* waitpid with a deadline; 0 on timeout. */
static pid_t wait_until(pid_t pid, int *status, unsigned long deadline)
{
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r != 0)
            return r;
        if (now_ms() > deadline)
            return 0;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static int run_round(uint64_t seed, long n)
{
    for (size_t i = 0; i < WATCHED_BYTES / 8; i++)
        watched[i] = pattern(seed, i);
    /* The scratch directory, made (and listed once, so that opendir's
     * buffer is in our heap already) before the frames are counted. */
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/syzfuzz.%d.%lu", getpid(), (unsigned long)seed);
    remove_tree(dir);
    if (mkdir(dir, 0755) < 0) {
        say("syzfuzz: cannot make the scratch directory %s (errno %d)\n", dir, errno);
        return 0;
    }
    DIR *warm[3] = {opendir(dir), opendir(dir), opendir(dir)}; /* nested, as remove_tree */
    for (int i = 0; i < 3; i++)
        if (warm[i])
            closedir(warm[i]);
    long free0 = avail();
    unsigned long t0 = now_ms();
    /* tick: driver -> watcher. Under -m also start (top -> driver: go),
     * ready (hog -> top: memory taken) and release (top -> hog: give it back). */
    int tick[2], start[2] = {-1, -1}, ready[2] = {-1, -1}, release[2] = {-1, -1};
    if (pipe(tick) < 0 ||
        (fz.pressure && (pipe(start) < 0 || pipe(ready) < 0 || pipe(release) < 0))) {
        say("syzfuzz: pipe failed\n");
        return 0;
    }
    long reserve = 0;
    if (fz.pressure) {
        static const long reserves[] = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
        reserve = reserves[mix64(seed) % (sizeof(reserves) / sizeof(reserves[0]))];
    }
    fz.top = getpid();
    pid_t w = fork();
    if (w == 0) {
        close(tick[1]);
        if (fz.pressure) {
            close(start[0]), close(start[1]), close(ready[0]);
            close(release[0]), close(release[1]);
            unshare();
            write(ready[1], "w", 1);
            close(ready[1]);
        }
        watch(seed, tick[0]);
    }
    fz.watcher = w;
    pid_t d = fork();
    if (d == 0) {
        close(tick[0]);
        if (chdir(dir) < 0)
            _exit(1);
        if (drive_setup(seed, tick[1]))
            _exit(1);
        if (fz.pressure) {
            char x;
            close(start[1]), close(ready[0]), close(release[0]), close(release[1]);
            unshare();
            write(ready[1], "d", 1);
            close(ready[1]);
            raw(SYS_read, start[0], (long)&x, 1, 0, 0, 0, 0); /* until the hog is done */
            close(start[0]);
        }
        _exit(drive(seed, n, tick[1]) ? 1 : 0);
    }
    pid_t h = -1;
    if (fz.pressure) {
        /* the watcher and the driver first: their memory is theirs before it runs out */
        char two[2];
        for (long got = 0, r; got < 2; got += r)
            if ((r = read(ready[0], two, (size_t)(2 - got))) <= 0)
                break;
        h = fork();
        if (h == 0) {
            char x;
            close(tick[0]), close(tick[1]), close(start[0]), close(start[1]), close(ready[0]);
            close(release[1]);
            unshare();
            hog(reserve);
            write(ready[1], "r", 1);
            close(ready[1]);
            read(release[0], &x, 1);
            _exit(0);
        }
        char x;
        close(ready[1]), close(start[0]), close(release[0]);
        read(ready[0], &x, 1); /* the hog holds the memory (or died trying: EOF) */
        close(ready[0]);
        say("syzfuzz: seed %lu: memory pressure: %ld frames left free\n", (unsigned long)seed,
            avail());
        close(start[1]); /* driver: go */
    }
    close(tick[0]);
    close(tick[1]);
    int ok = w > 0 && d > 0 && (!fz.pressure || h > 0);
    int ds = -1, ws = -1, hs = -1;
    unsigned long limit = 120000 + (unsigned long)n * 20; /* generous even for TCG */
    if (d > 0 && wait_until(d, &ds, t0 + limit) != d) {
        say("syzfuzz: BUG: seed %lu: HANG: the driver (pid %d) is still running after %lu ms\n",
            (unsigned long)seed, d, limit);
        ok = 0;
    }
    if (fz.pressure) {
        close(release[1]); /* hog: give it all back */
        if (h > 0 && wait_until(h, &hs, now_ms() + 20000) != h) {
            say("syzfuzz: BUG: seed %lu: HANG: the hog (pid %d) did not finish\n",
                (unsigned long)seed, h);
            ok = 0;
        }
    }
    if (w > 0 && wait_until(w, &ws, now_ms() + 20000) != w) {
        say("syzfuzz: BUG: seed %lu: HANG: the watcher (pid %d) did not finish\n",
            (unsigned long)seed, w);
        ok = 0;
    }
    unsigned long ms = now_ms() - t0;
    remove_tree(dir); /* what the round made: its frames come back before the count */
    rmdir(dir);
    if (!ok) {
        /* leave nothing running behind us */
        if (getpid() == 1)
            kill(-1, SIGKILL);
        else
            kill(d, SIGKILL), kill(w, SIGKILL);
        while (waitpid(-1, NULL, 0) > 0)
            ;
        return 0;
    }
    if (fz.as_init) {
        /* Orphans came to us: some may still run or sleep. End and reap them. */
        int st;
        pid_t o;
        kill(-1, SIGKILL);
        while ((o = waitpid(-1, &st, 0)) > 0)
            if (WIFEXITED(st) && WEXITSTATUS(st) == EXIT_FOUND_BUG) {
                say("syzfuzz: seed %lu: orphan %d found problems\n", (unsigned long)seed, o);
                ok = 0;
            }
    }
    if (fz.pressure && ds == 9) {
        say("syzfuzz: seed %lu: the driver was killed by SIGKILL (out of memory): fine under -m\n",
            (unsigned long)seed);
    } else if (ds != 0) {
        say("syzfuzz: seed %lu: the driver ended with status %#x (it found problems)\n",
            (unsigned long)seed, ds);
        ok = 0;
    }
    if (fz.pressure && hs != 0) {
        say("syzfuzz: seed %lu: the hog ended with status %#x\n", (unsigned long)seed, hs);
        ok = 0;
    }
    if (ws != 0) {
        say("syzfuzz: seed %lu: the watcher ended with status %#x (its memory changed)\n",
            (unsigned long)seed, ws);
        ok = 0;
    }
    for (size_t i = 0; i < WATCHED_BYTES / 8; i++)
        if (watched[i] != pattern(seed, i)) {
            say("syzfuzz: BUG: seed %lu: the driver's writes reached our copy (word %zu)\n",
                (unsigned long)seed, i);
            ok = 0;
            break;
        }
    long free1 = avail();
    if (free1 != free0) {
        struct cowos_memstat m;
        raw(SYS_memstat, (long)&m, 0, 0, 0, 0, 0, 0);
        say("syzfuzz: BUG: seed %lu: %ld free frames before, %ld after (%+ld); page tables in "
            "use %lu\n",
            (unsigned long)seed, free0, free1, free1 - free0, m.pt_pages);
        ok = 0;
    }
    say("syzfuzz: seed %lu: %s%ld calls in %lu ms (%lu calls/s), frames %ld -> %ld: %s\n",
        (unsigned long)seed, ds == 0 ? "" : "up to ", n, ms, ms ? (unsigned long)n * 1000 / ms : 0,
        free0, free1, ok ? "ok" : "FAILED");
    return ok;
}

static void usage(void)
{
    say("usage: syzfuzz SEED N [ROUNDS] [-v] [-m]\n"
        "  N random system calls per round, ROUNDS rounds with seeds SEED, SEED+1, ...\n"
        "  -v prints every call before it is made (for finding the one that hurt)\n"
        "  -m memory pressure: a hog leaves only 16-4096 frames free (pid 1 only)\n");
    _exit(2);
}

/* Map the stack depth the rounds need now, so a round's first deep call is
 * not counted against it as a frame that went missing. */
static __attribute__((noinline)) void pregrow_stack(void)
{
    volatile char pad[65536];
    for (size_t i = 0; i < sizeof(pad); i += 512)
        pad[i] = 0;
}

int main(int argc, char **argv)
{
    mlockall(MCL_CURRENT); /* every page resident now: exact frame counts from here on */
    /* Its oracle expects EPIPE from a write with no reader, as with SIGPIPE
     * ignored (the default action would end the driver). */
    signal(SIGPIPE, SIG_IGN);
    long args[3] = {0, 0, 1};
    int nargs = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            fz.verbose = 1;
        else if (strcmp(argv[i], "-m") == 0)
            fz.pressure = 1;
        else if (nargs < 3)
            args[nargs++] = strtol(argv[i], NULL, 0);
        else
            usage();
    }
    if (nargs < 2 || args[1] < 0 || args[2] < 1)
        usage();
    fz.as_init = getpid() == 1;
    if (fz.pressure && !fz.as_init) {
        /* out-of-memory kills would leave orphans with a parent that is not us */
        say("syzfuzz: -m needs to run as pid 1 (make fuzz FUZZ_FLAGS=-m)\n");
        return 2;
    }
    /* only 0, 1 and 2 open: a descriptor we do not know about could block us */
    for (int f = 3; f < NOFILE; f++)
        close(f);
    pregrow_stack();

    uint64_t seed = (uint64_t)args[0];
    int passed = 0;
    say("syzfuzz: %ld round(s) of %ld calls from seed %lu%s\n", args[2], args[1],
        (unsigned long)seed, getpid() == 1 ? " (as init)" : "");
    for (long r = 0; r < args[2]; r++)
        passed += run_round(seed + (uint64_t)r, args[1]);
    say("syzfuzz: %d of %ld round(s) passed: %s\n", passed, args[2],
        passed == args[2] ? "ok" : "FAILED");
    return passed == args[2] ? 0 : 1;
}
