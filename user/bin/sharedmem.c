/*
 * sharedmem.c - the demo of MAP_SHARED against MAP_PRIVATE across fork.
 * A counter lives in one page of mmap'd memory; the parent forks children
 * one after another and each adds 1. With MAP_SHARED every child sees the
 * previous ones' additions and so does the parent; with MAP_PRIVATE each
 * child sees the parent's 0 and its write stays its own. The frame numbers
 * and reference counts (the vmmap system call) show why: a shared page is
 * the same frame, writable, in every process (plus the memory object's
 * reference); a private one is copy-on-write and the write copies it.
 * Exit 0 when every number agrees, 1 after a WRONG: line, 2 if it cannot run.
 */
#include <stdio.h>

#ifndef __cowos__
int main(void)
{
    fputs("sharedmem: needs cowos (it reads the kernel's counters and page tables)\n", stderr);
    return 2;
}
#else
#include <cowstat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 3

static int eager; /* booted with fork=copy */

static void counters(struct cowos_memstat *m)
{
    if (cowos_memstat(m) < 0) {
        perror("sharedmem: memstat");
        exit(2);
    }
}

/* Print "ok:" or "WRONG:" and what; 1 when wrong. */
static int expect(int cond, const char *what)
{
    printf("      %s %s\n", cond ? "ok:   " : "WRONG:", what);
    return !cond;
}

static void page_of(int pid, volatile int *va, struct cowos_vmentry *e)
{
    if (cowos_vmpage(pid, (unsigned long)va, e) < 0) {
        perror("sharedmem: vmmap");
        exit(2);
    }
}

static const char *kind_of(const struct cowos_vmentry *e)
{
    return e->flags & COWOS_PTE_COW ? "COW (read-only)"
           : e->flags & COWOS_PTE_W ? "writable"
                                    : "read-only";
}

/* The child: look at the page, add 1, look again, check; its exit status. */
static int child(int n, int shared, volatile int *counter, unsigned long parent_frame)
{
    struct cowos_memstat m0, m1;
    struct cowos_vmentry before, after;
    counters(&m0); /* the first calls write these buffers: get that done now */
    counters(&m1);
    page_of(0, counter, &before);
    page_of(0, counter, &after);
    int saw = *counter;
    counters(&m0);
    *counter = saw + 1;
    counters(&m1);
    page_of(0, counter, &after);
    long copies = (long)(m1.cow_copies - m0.cow_copies);
    long frames = (long)m0.frames_free - (long)m1.frames_free;
    printf("    child %d (pid %d) read %d, wrote %d\n", n, (int)getpid(), saw, saw + 1);
    printf("      before its write: frame %lx, refs %lu, %s\n", before.frame, before.refcount,
           kind_of(&before));
    printf("      after its write:  frame %lx, refs %lu, %s  (%ld COW copies, %ld frames taken)\n",
           after.frame, after.refcount, kind_of(&after), copies, frames);
    int bad = 0;
    if (shared) {
        bad += expect(saw == n - 1, "it saw every earlier child's addition");
        bad += expect(before.frame == parent_frame && before.refcount == 3,
                      "the parent's frame, refs 3: parent, child and the memory object");
        bad += expect((before.flags & COWOS_PTE_W) && !(before.flags & COWOS_PTE_COW),
                      "writable in the child too, not COW");
        bad += expect(after.frame == before.frame && copies == 0 && frames == 0,
                      "the write went to that same frame: no copy, no frame");
    } else if (!eager) {
        bad += expect(saw == 0, "it saw the parent's 0, not the other children's writes");
        bad += expect(before.frame == parent_frame && before.refcount == 2 &&
                          (before.flags & COWOS_PTE_COW),
                      "before: the parent's frame, refs 2, copy-on-write");
        bad += expect(after.frame != parent_frame && after.refcount == 1 && copies == 1 &&
                          frames == 1 && (after.flags & COWOS_PTE_W),
                      "the write copied it: a frame of its own, refs 1, writable");
    } else {
        bad += expect(saw == 0, "it saw the parent's 0, not the other children's writes");
        bad += expect(before.frame != parent_frame && before.refcount == 1 &&
                          (before.flags & COWOS_PTE_W),
                      "fork=copy: fork already gave it its own copy, refs 1, writable");
        bad += expect(after.frame == before.frame && copies == 0 && frames == 0,
                      "the write needed no copy and no frame");
    }
    return bad ? 1 : 0;
}

/* One round: map the counter with flags, fork the children, check. */
static int round_(int shared)
{
    const char *name = shared ? "MAP_SHARED" : "MAP_PRIVATE";
    volatile int *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                 (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
    if (counter == MAP_FAILED) {
        perror("sharedmem: mmap");
        exit(2);
    }
    *counter = 0; /* the parent touches it: a frame before any fork */
    struct cowos_vmentry e;
    page_of(0, counter, &e);
    printf("\n%s: the parent (pid %d) set the counter at %p to 0\n", name, (int)getpid(),
           (void *)counter);
    printf("    parent: frame %lx, refs %lu, %s%s\n", e.frame, e.refcount, kind_of(&e),
           shared ? " (refs: its page table and the shared memory object)" : "");
    int bad = 0;
    if (shared)
        bad += expect(e.refcount == 2, "a shared page starts with refs 2: the parent and the object");
    else
        bad += expect(e.refcount == 1, "a private page starts with refs 1: the parent's alone");
    for (int n = 1; n <= CHILDREN; n++) {
        struct cowos_memstat m0, m1;
        counters(&m0);
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            perror("sharedmem: fork");
            exit(2);
        }
        if (pid == 0)
            exit(child(n, shared, counter, e.frame));
        int status;
        if (waitpid(pid, &status, 0) != pid) {
            perror("sharedmem: waitpid");
            exit(2);
        }
        counters(&m1);
        bad += expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child's checks passed");
        long mapped = (long)(m1.fork_pages_shared_mapping - m0.fork_pages_shared_mapping);
        printf("    fork gave the child %ld page(s) as MAP_SHARED; the parent now reads %d\n",
               mapped, *counter);
        bad += expect(mapped == (shared ? 1 : 0),
                      shared ? "fork shared the counter's page as MAP_SHARED (1 page)"
                             : "fork gave no page as MAP_SHARED");
        bad += expect(*counter == (shared ? n : 0),
                      shared ? "the parent sees the child's addition"
                             : "the parent still sees its own 0");
    }
    page_of(0, counter, &e);
    bad += expect(e.refcount == (shared ? 2UL : 1UL),
                  "with the children gone the parent's page is back to its starting refs");
    munmap((void *)counter, 4096);
    return bad;
}

int main(void)
{
    struct cowos_memstat m;
    counters(&m);
    eager = (int)m.fork_mode_copy;
    printf("sharedmem: a counter in one page; %d children in turn add 1 to it (fork %s).\n",
           CHILDREN, eager ? "copies eagerly: fork=copy" : "shares copy-on-write");
    int bad = round_(1);
    bad += round_(0);
    printf("\nsharedmem: %s\n", bad ? "FAILED (see WRONG above)" : "ok");
    return bad ? 1 : 0;
}
#endif
