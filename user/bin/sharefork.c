/*
 * sharefork.c - one MAP_SHARED page and one MAP_PRIVATE page across one
 * fork, side by side: the program section 8 of the GDB tour stops in
 * (docs/gdb-tour.md; tools/gdb/gdbcheck.py follows it).
 * The parent writes 1 in both pages and forks; the child writes 2 in both;
 * the parent waits and reads them: the shared page holds the child's 2, the
 * private one still its own 1. Around the fork the program reads the
 * kernel's view of both pages (the vmmap system call): the shared page is
 * one frame in both processes, writable, refs 3 (two page tables and the
 * shared-memory object); the private one is copy-on-write with refs 2
 * (fork=copy: the child's own copy, refs 1), and the child's write copies it.
 * Exit 0 when every number agrees, 1 after a WRONG: line, 2 if it cannot run.
 */
#include <stdio.h>

#ifndef __cowos__
int main(void)
{
    fputs("sharefork: needs cowos (it reads the kernel's page tables)\n", stderr);
    return 2;
}
#else
#include <cowstat.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* Globals, so that GDB finds them by name: ptwalk shared_page. */
volatile int *shared_page;
volatile int *private_page;

static int eager; /* booted with fork=copy */

static void die(const char *what)
{
    perror(what);
    exit(2);
}

/* Print "ok:" or "WRONG:" and what; 1 when wrong. */
static int expect(int cond, const char *what)
{
    printf("    %s %s\n", cond ? "ok:   " : "WRONG:", what);
    return !cond;
}

static void entry_of(volatile int *va, struct cowos_vmentry *e)
{
    if (cowos_vmpage(0, (unsigned long)va, e) != 1)
        die("sharefork: vmmap");
}

static void show(const char *who, const char *name, const struct cowos_vmentry *e)
{
    printf("  %-7s %-11s frame %lx, refs %lu, %s\n", who, name, e->frame, e->refcount,
           e->flags & COWOS_PTE_COW ? "COW (read-only)"
           : e->flags & COWOS_PTE_W ? "writable"
                                    : "read-only");
}

/* The child: check both pages as fork left them, write 2 in each; its exit status. */
static int child(unsigned long shared_frame, unsigned long private_frame)
{
    struct cowos_vmentry s, p;
    entry_of(shared_page, &s);
    entry_of(private_page, &p);
    show("child", "MAP_SHARED", &s);
    show("child", "MAP_PRIVATE", &p);
    int bad = expect(s.frame == shared_frame && s.refcount == 3 && (s.flags & COWOS_PTE_W) &&
                         !(s.flags & COWOS_PTE_COW),
                     "shared: the parent's frame, writable, refs 3 (two tables, the object)");
    if (eager)
        bad += expect(p.frame != private_frame && p.refcount == 1 && (p.flags & COWOS_PTE_W),
                      "private, fork=copy: fork gave the child a copy, refs 1, writable");
    else
        bad += expect(p.frame == private_frame && p.refcount == 2 && (p.flags & COWOS_PTE_COW) &&
                          !(p.flags & COWOS_PTE_W),
                      "private: the parent's frame, copy-on-write, refs 2 (two tables)");
    *shared_page = 2;  /* no fault: the entry is writable */
    *private_page = 2; /* a COW fault copies the page (not with fork=copy) */
    struct cowos_vmentry s2, p2;
    entry_of(shared_page, &s2);
    entry_of(private_page, &p2);
    show("child", "MAP_SHARED", &s2);
    show("child", "MAP_PRIVATE", &p2);
    bad += expect(s2.frame == s.frame && s2.refcount == 3,
                  "after its writes: shared, the same frame and refs 3");
    bad += expect((eager ? p2.frame == p.frame : p2.frame != private_frame) &&
                      p2.refcount == 1 && (p2.flags & COWOS_PTE_W),
                  eager ? "private: its own frame still, no copy needed"
                        : "private: the write copied it, a frame of its own, refs 1");
    return bad ? 1 : 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct cowos_memstat m;
    if (cowos_memstat(&m) < 0)
        die("sharefork: memstat");
    eager = m.fork_mode_copy != 0;
    shared_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    private_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (shared_page == MAP_FAILED || private_page == MAP_FAILED)
        die("sharefork: mmap");
    *shared_page = 1;
    *private_page = 1;
    struct cowos_vmentry s, p;
    entry_of(shared_page, &s);
    entry_of(private_page, &p);
    printf("sharefork: a MAP_SHARED page at %p and a MAP_PRIVATE page at %p, both 1 (fork %s)\n",
           (void *)shared_page, (void *)private_page, eager ? "copies: fork=copy" : "shares COW");
    show("parent", "MAP_SHARED", &s);
    show("parent", "MAP_PRIVATE", &p);
    int bad = expect(s.refcount == 2, "shared: refs 2 before fork (its table and the object)");
    bad += expect(p.refcount == 1, "private: refs 1 before fork (its table alone)");

    pid_t pid = fork();
    if (pid < 0)
        die("sharefork: fork");
    if (pid == 0)
        exit(child(s.frame, p.frame));
    int status;
    if (waitpid(pid, &status, 0) != pid)
        die("sharefork: waitpid");
    bad += expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child's checks passed");

    struct cowos_vmentry s2, p2;
    entry_of(shared_page, &s2);
    entry_of(private_page, &p2);
    printf("  the child has exited; the parent reads shared %d, private %d\n", *shared_page,
           *private_page);
    show("parent", "MAP_SHARED", &s2);
    show("parent", "MAP_PRIVATE", &p2);
    bad += expect(*shared_page == 2, "shared: the parent sees the child's 2");
    bad += expect(*private_page == 1, "private: the parent still sees its own 1");
    bad += expect(s2.frame == s.frame && s2.refcount == 2,
                  "shared: the same frame, back to refs 2");
    bad += expect(p2.frame == p.frame && p2.refcount == 1,
                  "private: the parent's own frame, refs 1 again");
    printf("sharefork: %s\n", bad ? "FAILED (see WRONG above)" : "every count as expected");
    return bad ? 1 : 0;
}
#endif
