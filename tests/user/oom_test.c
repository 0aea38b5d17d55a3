/*
 * oom_test.c - memory exhausted on purpose, and the OOM killer's choice.
 * A hog holds all memory while an innocent process writes to a page it
 * shares with the hog (by a store, and by read() into it): the hog is
 * killed, the writer goes on with the right data. Children breaking the
 * sharing of more memory than there is: the killer takes writers, never
 * their parent, and the rest finish. Then fork, pipe, brk and exec with
 * 0-96 frames left.
 */
#include <sys/mman.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include "utest.h"

#define PAGE 4096L
#define STACK_TOP 0x00007ffffffff000UL
#define WRITERS 3

extern char _end[]; /* the end of bss (user.ld; also glibc) */

static long avail(void) { return sysconf(_SC_AVPHYS_PAGES); }

static uint64_t word_for(uint64_t who, uint64_t page)
{
    return (who + 1) * 0x9e3779b97f4a7c15ULL ^ page * 0xbf58476d1ce4e5b9ULL;
}

/*
 * Write once to every page from the start of data to the end of bss and over
 * the stack in use, so that none of them is shared copy-on-write with the
 * parent any more: afterwards the parent's own writes need no new frame.
 */
static void unshare_own_pages(const char *data_start)
{
    for (char *p = (char *)((uintptr_t)data_start & ~(PAGE - 1)); p < _end; p += PAGE)
        *(volatile char *)p = *(volatile char *)p;
    volatile char here;
    for (char *p = (char *)(((uintptr_t)&here - 16 * PAGE) & ~(PAGE - 1));
         (uintptr_t)p < STACK_TOP; p += PAGE)
        *(volatile char *)p = *(volatile char *)p;
}

static int data_anchor = 1; /* in .data: where the writable segment starts (about) */

/* Grow the stack now, while memory is plentiful. */
static __attribute__((noinline)) void pregrow_stack(void)
{
    volatile char pad[16 * PAGE];
    for (long i = 0; i < (long)sizeof(pad); i += PAGE / 2)
        pad[i] = 0;
}

/*
 * The writer: wait for the go (EOF on the pipe), then make every page of the
 * region its own with its own pattern, by user stores or (via_kernel) by
 * read() from a pipe, and check the whole region. 0 if all held.
 */
static int writer(int id, uint64_t *region, long pages, int go, int via_kernel)
{
    char x;
    read(go, &x, 1);
    int fds[2];
    if (via_kernel && pipe(fds) < 0)
        return 3;
    for (long pg = 0; pg < pages; pg++) {
        uint64_t *w = region + pg * (PAGE / 8);
        uint64_t v = word_for((uint64_t)id + 1, (uint64_t)pg);
        if (via_kernel) {
            if (write(fds[1], &v, sizeof(v)) != sizeof(v) || read(fds[0], w, sizeof(v)) != sizeof(v))
                return 4; /* (an out-of-memory read ends us with SIGKILL instead) */
        } else {
            *w = v;
        }
    }
    for (long pg = 0; pg < pages; pg++) {
        uint64_t *w = region + pg * (PAGE / 8);
        if (w[0] != word_for((uint64_t)id + 1, (uint64_t)pg) || w[1] != word_for(0, (uint64_t)pg))
            return 5;
    }
    return 0;
}

/* The holder: most of the free memory, shared with WRITERS children that
 * each want all of it. Its exit status says what happened (0 = as expected). */
static int holder(void)
{
    long free_now = avail();
    long pages = free_now * 45 / 100;
    uint64_t *region = sbrk(pages * PAGE);
    if (region == (void *)-1)
        return 10;
    for (long pg = 0; pg < pages; pg++) {
        region[pg * (PAGE / 8)] = word_for(0, (uint64_t)pg); /* the first two words of each page */
        region[pg * (PAGE / 8) + 1] = word_for(0, (uint64_t)pg);
    }
    pregrow_stack();
    int go[2];
    if (pipe(go) < 0)
        return 11;
    pid_t kids[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            close(go[1]);
            unshare_own_pages((const char *)&data_anchor);
            _exit(writer(i, region, pages, go[0], i == WRITERS - 1));
        }
        if (kids[i] < 0)
            return 12;
    }
    close(go[0]);
    close(go[1]); /* go */
    int finished = 0, killed = 0, other = 0;
    for (int i = 0; i < WRITERS; i++) {
        int status;
        if (waitpid(kids[i], &status, 0) != kids[i])
            return 13;
        if (status == 0)
            finished++;
        else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            killed++;
        else {
            printf("# writer %d: expected exit 0 or SIGKILL, got status %#x\n", i, status);
            other++;
        }
    }
    int bad_pages = 0;
    for (long pg = 0; pg < pages; pg++)
        bad_pages += region[pg * (PAGE / 8)] != word_for(0, (uint64_t)pg);
    printf("# oom: %ld pages held, %d writers: %d finished, %d killed by SIGKILL, %d other\n", pages,
           WRITERS, finished, killed, other);
    if (bad_pages)
        printf("# the holder's own pages changed: %d of %ld\n", bad_pages, pages);
    if (other || bad_pages)
        return 14;
    if (killed == 0)
        return 15; /* memory never ran out: the test did not test anything */
    if (finished == 0)
        return 16; /* one writer alone fits: someone should have finished */
    return 0;
}

/* The writers each want the holder's whole region: memory runs out, and the
 * OOM killer picks a writer (they are the biggest and younger than their
 * parent) until the rest fit. The holder must never be the one killed. */
static void cow_faults_run_out_of_memory(void)
{
    long free0 = avail();
    pid_t h = fork();
    if (h == 0)
        _exit(holder());
    int status = -1;
    EXPECT_EQ(h, waitpid(h, &status, 0));
    EXPECT_EQ(0, status); /* 15: nobody killed; 16: nobody finished; 14: wrong data or signal */
    EXPECT_EQ(free0, avail());
}

/*
 * With about `left` free frames: fork, pipe, brk and exec must fail with
 * ENOMEM (or succeed); only a user-mode fault may end the process, by
 * SIGKILL. Exit 42 when exec failed, 0 if it became /bin/true.
 */
static int with_frames_left(long left)
{
    pregrow_stack();
    unshare_own_pages((const char *)&data_anchor);
    /* take everything but `left` frames: the heap grows lazily, so touch
     * its pages one at a time until only `left` are free */
    long pages = avail() + 64;
    char *heap = sbrk(pages * PAGE);
    if (heap == (void *)-1)
        return 1;
    for (long i = 0; i < pages && avail() > left; i++)
        heap[i * PAGE] = 1;
    int bad = 0;
    pid_t c = fork();
    if (c == 0)
        _exit(7);
    if (c > 0) {
        int status;
        waitpid(c, &status, 0);
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 7) &&
            !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
            printf("# %ld left: forked child ended with status %#x\n", left, status);
            bad = 1;
        }
    } else if (errno != ENOMEM && errno != EAGAIN) {
        printf("# %ld left: fork failed with errno %d\n", left, errno);
        bad = 1;
    }
    int fds[2];
    if (pipe(fds) == 0) {
        close(fds[0]);
        close(fds[1]);
    } else if (errno != ENOMEM) {
        printf("# %ld left: pipe failed with errno %d\n", left, errno);
        bad = 1;
    }
    if (sbrk(3 * PAGE) == (void *)-1 && errno != ENOMEM) {
        printf("# %ld left: sbrk failed with errno %d\n", left, errno);
        bad = 1;
    }
    if (bad)
        return 1;
    char *argv[] = {"true", NULL};
    execv("/bin/true", argv);
    if (errno != ENOMEM) {
        printf("# %ld left: execv failed with errno %d\n", left, errno);
        return 1;
    }
    return 42;
}

static void fork_pipe_exec_with_almost_nothing_left(void)
{
    static const long lefts[] = {0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 96};
    long free0 = avail();
    int exec_ok = 0, exec_enomem = 0, oom_killed = 0;
    for (size_t i = 0; i < sizeof(lefts) / sizeof(lefts[0]); i++) {
        pid_t c = fork();
        if (c == 0)
            _exit(with_frames_left(lefts[i]));
        int status = -1;
        EXPECT_EQ(c, waitpid(c, &status, 0));
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            exec_ok++;
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 42)
            exec_enomem++;
        else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            oom_killed++;
        else {
            printf("# %ld frames left: expected exit 0 or 42 or SIGKILL, got status %#x\n",
                   lefts[i], status);
            utest_failures++;
        }
        EXPECT_EQ(free0, avail());
    }
    printf("# with 0-96 frames left: exec worked %d times, ENOMEM %d, killed %d\n", exec_ok,
           exec_enomem, oom_killed);
    EXPECT_TRUE(exec_enomem > 0); /* with nothing left, exec cannot have worked */
}

/* Shared copy-on-write with the hog after the fork; in .data, so mapped. */
static char innocent_page[PAGE] __attribute__((aligned(4096))) = "innocent";
#define SCRAPS 8
static char scraps[SCRAPS * PAGE] __attribute__((aligned(4096))) = "scraps";

/* Write to every page of data, bss and the stack in use except the two
 * arrays above, so that afterwards only they are shared with the hog. */
static void unshare_all_but_the_shared_arrays(void)
{
    for (char *p = (char *)((uintptr_t)&data_anchor & ~(PAGE - 1)); p < _end; p += PAGE) {
        int keep = (p >= innocent_page && p < innocent_page + PAGE) ||
                    (p >= scraps && p < scraps + sizeof(scraps));
        if (!keep)
            *(volatile char *)p = *(volatile char *)p;
    }
    volatile char here;
    for (char *p = (char *)(((uintptr_t)&here - 16 * PAGE) & ~(PAGE - 1));
         (uintptr_t)p < STACK_TOP; p += PAGE)
        *(volatile char *)p = *(volatile char *)p;
}

/* The hog: take every free frame (heap first, then the last few by copying
 * shared pages, which needs no page table), say so, and wait until killed
 * (or until its parent is gone, so a failing run leaves nothing behind). */
static _Noreturn void hog(int go, int ready, pid_t parent)
{
    char x;
    read(go, &x, 1);
    /* the heap grows lazily: touch its pages until (almost) none are free */
    long pages = avail() + 64;
    char *heap = sbrk(pages * PAGE);
    for (long i = 0; heap != (void *)-1 && i < pages && avail() > SCRAPS; i++)
        heap[i * PAGE] = 1;
    for (int i = 0; i < SCRAPS && avail() > 0; i++)
        scraps[i * PAGE + 1] = 1;
    write(ready, &x, 1);
    struct timespec tick = {0, 10 * 1000 * 1000};
    while (getppid() == parent)
        nanosleep(&tick, NULL);
    _exit(0);
}

/*
 * The innocent writer (a child of the test, so its death shows as a status):
 * it shares innocent_page with a hog that then takes all memory, and writes
 * to the page (by a store, or via_kernel by read() into it). The page needs
 * a frame and there is none: the hog must be killed, not the writer.
 * Exit status 0 when all held.
 */
static int innocent_writer(int via_kernel)
{
    pregrow_stack();
    int go[2], ready[2], bytes[2];
    if (pipe(go) < 0 || pipe(ready) < 0 || pipe(bytes) < 0 || write(bytes[1], "X", 1) != 1)
        return 20;
    pid_t me = getpid();
    pid_t h = fork();
    if (h == 0)
        hog(go[0], ready[1], me);
    if (h < 0)
        return 21;
    unshare_all_but_the_shared_arrays();
    char x = 0;
    write(go[1], &x, 1);
    if (read(ready[0], &x, 1) != 1)
        return 22;
    long left = avail();
    if (left != 0)
        printf("# the hog left %ld frames free; expected 0\n", left);
    if (via_kernel) {
        long r = read(bytes[0], innocent_page + 8, 1); /* the kernel's copy needs the frame */
        if (r != 1)
            printf("# read into the shared page: expected 1, got %ld (errno %d)\n", r, errno);
    } else {
        innocent_page[8] = 'X'; /* the store needs the frame */
    }
    int bad = 0;
    /* The killer empties its victim at once: no frame back means nobody was
     * killed (the page was not shared copy-on-write, or memory was left),
     * and the hog, waiting for this process to end, must be stopped here. */
    if (avail() <= left) {
        printf("# the write freed no memory: nobody was killed for it (%ld frames free before, "
               "%ld after; was the page shared copy-on-write with the hog?)\n", left, avail());
        kill(h, SIGKILL);
        bad = 1;
    }
    int status = -1;
    if (waitpid(h, &status, 0) != h)
        return 23;
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
        printf("# the hog: expected to be killed by SIGKILL, got status %#x\n", status);
        bad = 1;
    }
    if (memcmp(innocent_page, "innocent", 8) != 0 || innocent_page[8] != 'X') {
        printf("# the shared page: expected \"innocentX\", got \"%.9s\"\n", innocent_page);
        bad = 1;
    }
    return left == 0 && !bad ? 0 : 24;
}

static void the_hog_dies_not_the_innocent_writer(int via_kernel)
{
    long free0 = avail();
    pid_t c = fork();
    if (c == 0)
        _exit(innocent_writer(via_kernel));
    int status = -1;
    EXPECT_EQ(c, waitpid(c, &status, 0));
    if (status != 0)
        printf("# the innocent writer (%s): expected exit status 0, got %#x%s\n",
               via_kernel ? "read() into the page" : "a store",
               status, WIFSIGNALED(status) ? " (killed: it was chosen instead of the hog)" : "");
    EXPECT_EQ(0, status);
    EXPECT_EQ(free0, avail()); /* every frame back: the hog's, the copies, the pipes */
}

int main(void)
{
    mlockall(MCL_CURRENT); /* every page resident now: exact frame counts from here on */
    the_hog_dies_not_the_innocent_writer(0);
    the_hog_dies_not_the_innocent_writer(1);
    cow_faults_run_out_of_memory();
    fork_pipe_exec_with_almost_nothing_left();
    utest_exit();
}
