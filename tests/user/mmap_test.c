/*
 * mmap_test.c - memory areas as a program sees them: mmap, munmap, mprotect,
 * madvise, msync with Linux's results and error numbers; MAP_SHARED against
 * MAP_PRIVATE across fork; the zero page; file mappings (SIGBUS past the
 * end); MADV_DONTFORK and MADV_WIPEONFORK; exact frame counts throughout.
 * Written against POSIX and Linux: it also builds and passes on Linux,
 * where the cowos-only counts are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "utest.h"
#ifdef __cowos__
#include <cowstat.h>
#endif

#define PAGE 4096

static long avail(void) { return sysconf(_SC_AVPHYS_PAGES); }

/* Run fn in a child; its wait status. */
static int in_child(void (*fn)(void *), void *arg)
{
    pid_t c = fork();
    if (c == 0) {
        fn(arg);
        _exit(0);
    }
    int status = -1;
    waitpid(c, &status, 0);
    return status;
}

static void errors_as_linux(void)
{
    char *p;
    EXPECT_ERR(EINVAL, mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    EXPECT_ERR(EINVAL, mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0)); /* neither shared nor private */
    EXPECT_ERR(EINVAL, mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 123)); /* offset */
    EXPECT_ERR(EINVAL, mmap((void *)0x10000123, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                            -1, 0));
    EXPECT_ERR(EBADF, mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0));
    EXPECT_ERR(EBADF, mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 99, 0));
    EXPECT_ERR(ENOMEM, mmap(NULL, 1UL << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    int fds[2];
    if (pipe(fds) == 0) {
        EXPECT_ERR(ENODEV, mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fds[0], 0));
        close(fds[0]);
        close(fds[1]);
    }
    int fd = open("/bin/true", O_RDONLY);
    EXPECT_TRUE(fd >= 0);
    EXPECT_ERR(EACCES, mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    EXPECT_TRUE(p != MAP_FAILED);
    EXPECT_ERR(EACCES, mprotect(p, PAGE, PROT_READ | PROT_WRITE)); /* not open for writing */
    munmap(p, PAGE);
    close(fd);

    EXPECT_ERR(EINVAL, munmap((void *)0x10000123, PAGE));
    EXPECT_ERR(EINVAL, munmap((void *)0x10000000, 0));
    EXPECT_EQ(0, munmap((void *)0x10000000, PAGE)); /* nothing there: not an error */
    EXPECT_ERR(EINVAL, mprotect((void *)0x10000123, PAGE, PROT_READ));
    EXPECT_EQ(0, mprotect((void *)0x10000000, 0, PROT_READ));
    EXPECT_ERR(ENOMEM, mprotect((void *)0x10000000, PAGE, PROT_READ)); /* not mapped */
    EXPECT_ERR(EINVAL, madvise((void *)0x10000123, PAGE, MADV_NORMAL));
    EXPECT_ERR(ENOMEM, madvise((void *)0x10000000, PAGE, MADV_DONTNEED));
    EXPECT_ERR(EINVAL, msync((void *)0x10000000, PAGE, MS_SYNC | MS_ASYNC));
    EXPECT_ERR(ENOMEM, msync((void *)0x10000000, PAGE, MS_SYNC));

    /* a hole in the middle: mprotect over it is ENOMEM */
    p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_TRUE(p != MAP_FAILED);
    EXPECT_EQ(0, munmap(p + PAGE, PAGE));
    EXPECT_ERR(ENOMEM, mprotect(p, 3 * PAGE, PROT_READ));
    EXPECT_EQ(0, msync(p, PAGE, MS_SYNC));
    EXPECT_EQ(0, munmap(p, 3 * PAGE));

    /* MAP_FIXED_NOREPLACE refuses an occupied range */
    p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_ERR(EEXIST, mmap(p, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
    EXPECT_EQ(0, munmap(p, PAGE));
}

static void anonymous_private_is_zero_and_lazy(void)
{
    long free0 = avail();
    size_t len = 64 * PAGE;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_TRUE(p != MAP_FAILED);
    EXPECT_EQ(0, (long)p % PAGE);
    long nonzero = 0;
    for (size_t i = 0; i < len; i += 512)
        nonzero += p[i] != 0;
    EXPECT_EQ(0, nonzero);
#ifdef __cowos__
    EXPECT_TRUE(free0 - avail() <= 1); /* reads map the zero page: at most a page table */
    long mid = avail();
    for (int i = 0; i < 16; i++)
        p[i * PAGE] = (char)i;
    EXPECT_EQ(16, mid - avail()); /* one frame per written page */
#endif
    p[len - 1] = 7;
    EXPECT_EQ(7, p[len - 1]);
    EXPECT_EQ(0, munmap(p, len));
    EXPECT_EQ(free0, avail());
}

static void shared_anonymous_is_shared_across_fork(void)
{
    long free0 = avail();
    volatile long *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    volatile long *priv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_TRUE(shared != MAP_FAILED && priv != MAP_FAILED);
    shared[0] = 1;
    priv[0] = 1;
    /* a page the parent never touched before fork is shared too */
    volatile long *later = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    for (int k = 0; k < 3; k++) {
        pid_t c = fork();
        if (c == 0) {
            shared[0] += 10; /* children one after another: no lost update */
            priv[0] += 10;
            later[PAGE / sizeof(long)] = 42 + k;
            _exit(0);
        }
        waitpid(c, NULL, 0);
    }
    EXPECT_EQ(31, shared[0]);
    EXPECT_EQ(1, priv[0]);
    EXPECT_EQ(44, later[PAGE / sizeof(long)]);
    munmap((void *)shared, PAGE);
    munmap((void *)priv, PAGE);
    munmap((void *)later, 2 * PAGE);
    EXPECT_EQ(free0, avail());
}

static void fixed_replaces_and_partial_unmap_splits(void)
{
    char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 'a', 4 * PAGE);
    char *q = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    EXPECT_EQ((long)(p + PAGE), (long)q);
    EXPECT_EQ(0, q[0]); /* replaced: fresh zeros */
    EXPECT_EQ('a', p[0]);
    EXPECT_EQ('a', p[2 * PAGE]);
    EXPECT_EQ(0, munmap(p + 2 * PAGE, PAGE));
    EXPECT_EQ('a', p[3 * PAGE]);
    EXPECT_EQ(0, mprotect(p, PAGE, PROT_READ));
    EXPECT_EQ('a', p[0]);
    EXPECT_EQ(0, mprotect(p, PAGE, PROT_READ | PROT_WRITE));
    p[0] = 'b';
    EXPECT_EQ('b', p[0]);
    EXPECT_EQ(0, munmap(p, 4 * PAGE));
}

static void write_ro(void *p) { *(volatile char *)p = 1; }
static void read_none(void *p) { (void)*(volatile char *)p; }
static void touch_gone(void *p) { (void)*(volatile char *)p; }

static void protections_fault_as_linux(void)
{
    char *p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int st = in_child(write_ro, p);
    EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    EXPECT_EQ(0, mprotect(p + PAGE, PAGE, PROT_NONE));
    st = in_child(read_none, p + PAGE);
    EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    EXPECT_EQ(0, p[0]);
    munmap(p, 2 * PAGE);
    st = in_child(touch_gone, p);
    EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

static char *file_map;
static void read_past_file(void *off) { (void)((volatile char *)file_map)[(long)off]; }

static void file_mappings(void)
{
    long free0 = avail();
    int fd = open("/bin/true", O_RDONLY);
    EXPECT_TRUE(fd >= 0);
    char head[16];
    EXPECT_EQ(16, read(fd, head, 16));
    off_t size = lseek(fd, 0, SEEK_END);
    EXPECT_TRUE(size > PAGE);
    file_map = mmap(NULL, (size_t)size + 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    EXPECT_TRUE(file_map != MAP_FAILED);
    EXPECT_EQ(0, memcmp(file_map, head, 16)); /* "\177ELF..." */
    EXPECT_EQ(0, file_map[size]); /* the rest of the last page reads zeros */
    file_map[0] = 'X'; /* private: a copy, the file is untouched */
    char again[4];
    lseek(fd, 0, SEEK_SET);
    EXPECT_EQ(4, read(fd, again, 4));
    EXPECT_EQ(0x7f, (unsigned char)again[0]);
    long past = ((size + PAGE - 1) / PAGE) * PAGE + 10;
    int st = in_child(read_past_file, (void *)past);
    EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
    /* a private mapping of the same file by someone else still sees the file */
    char *other = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    EXPECT_EQ(0x7f, (unsigned char)other[0]);
    munmap(other, PAGE);
    munmap(file_map, (size_t)size + 3 * PAGE);
    close(fd);
    EXPECT_EQ(free0, avail());
}

static void dontfork_and_wipeonfork(void)
{
    long free0 = avail();
    char *gone = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *wiped = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    gone[0] = 1;
    wiped[0] = 2;
    EXPECT_EQ(0, madvise(gone, PAGE, MADV_DONTFORK));
    EXPECT_EQ(0, madvise(wiped, PAGE, MADV_WIPEONFORK));
    char *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    EXPECT_ERR(EINVAL, madvise(sh, PAGE, MADV_WIPEONFORK)); /* private anonymous only */
    munmap(sh, PAGE);
    int st = in_child(touch_gone, gone);
    EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    pid_t c = fork();
    if (c == 0)
        _exit(wiped[0] == 0 ? 0 : 1);
    waitpid(c, &st, 0);
    EXPECT_EQ(0, st);
    EXPECT_EQ(1, gone[0]);
    EXPECT_EQ(2, wiped[0]);
    munmap(gone, PAGE);
    munmap(wiped, PAGE);
    EXPECT_EQ(free0, avail());
}

static void dontneed_drops_private_keeps_shared(void)
{
    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    p[0] = 5;
    s[0] = 6;
    long before = avail();
    EXPECT_EQ(0, madvise(p, 2 * PAGE, MADV_DONTNEED));
    EXPECT_EQ(0, madvise(s, PAGE, MADV_DONTNEED));
#ifdef __cowos__
    EXPECT_TRUE(avail() - before >= 1 && avail() - before <= 2); /* the page (and maybe its table) */
#else
    (void)before;
#endif
    EXPECT_EQ(0, p[0]);
    EXPECT_EQ(6, s[0]);
    munmap(p, 2 * PAGE);
    munmap(s, PAGE);
}

static void many_areas(void)
{
    /* 2000 one-page areas with alternating protections: no merging, and
     * every lookup still right */
    long free0 = avail();
    char *base = mmap(NULL, 4000 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_TRUE(base != MAP_FAILED);
    int bad = 0;
    for (int i = 0; i < 4000; i += 2)
        bad += mprotect(base + (long)i * PAGE, PAGE, PROT_READ | PROT_WRITE) != 0;
    for (int i = 0; i < 4000; i += 2)
        base[(long)i * PAGE] = (char)i;
    for (int i = 0; i < 4000; i += 2)
        bad += base[(long)i * PAGE] != (char)i;
    EXPECT_EQ(0, bad);
    EXPECT_EQ(0, munmap(base, 4000 * PAGE));
    EXPECT_TRUE(avail() >= free0); /* the area array itself may have shrunk below its old size */
}

int main(void)
{
    mlockall(MCL_CURRENT); /* every page resident now: exact frame counts from here on */
    errors_as_linux();
    anonymous_private_is_zero_and_lazy();
    shared_anonymous_is_shared_across_fork();
    fixed_replaces_and_partial_unmap_splits();
    protections_fault_as_linux();
    file_mappings();
    dontfork_and_wipeonfork();
    dontneed_drops_private_keeps_shared();
    many_areas();
    utest_exit();
}
