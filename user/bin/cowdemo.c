/*
 * cowdemo - what copies a page after fork, and what does not.
 *
 * Each variable lives on a page of its own. After fork, the child reads,
 * compares, takes addresses and passes values (no copies), then changes one
 * variable at a time by assignment, ++, +=, a pointer and an array element
 * (one copy each), measuring every step with the kernel's own counters.
 * The parent then shows its values never changed, and that its own first
 * write now copies nothing (the child is gone, so the frame is all its own).
 * Booted with fork=copy it expects no copies after the fork, and says why.
 */
#include <cowstat.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define ON_OWN_PAGE __attribute__((aligned(PAGE)))

/* A long alone on its page: nothing else in the program writes there. */
struct alone {
    volatile long value;
    char pad[PAGE - sizeof(long)];
} ON_OWN_PAGE;

static struct alone assigned = {1, {0}};
static struct alone incremented = {10, {0}};
static struct alone added_to = {100, {0}};
static struct alone via_pointer = {1000, {0}};
static struct {
    volatile int element[4 * PAGE / sizeof(int)]; /* four whole pages */
} ON_OWN_PAGE array = {{1, 2, 3}};

struct step {
    const char *what;
    unsigned long copies, faults;
    unsigned long expected;
};

static __attribute__((noinline)) long by_value(long v) { return v * 2; }

/* Use a value so the compiler must compute it, without storing it anywhere:
 * an empty asm that takes it in a register (a store would touch a page). */
#define KEEP(x) __asm__ volatile("" : : "r"((long)(x)))

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct cowos_memstat at_fork; /* read before the fork; the child reads its copy */
    cowos_memstat(&at_fork);
    cowos_memstat(&at_fork);
    /* Booted with fork=copy, fork copies every page at once: no write copies later. */
    int eager = at_fork.fork_mode_copy != 0;
    printf("cowdemo: which operations copy a page after fork?\n");
    if (eager)
        printf("(booted with fork=copy: fork copies every page before it returns)\n");
    printf("parent %d: five variables, each on its own page; forking now.\n\n", getpid());
    fflush(stdout);
    /* A program's data starts as a copy-on-write view of its file (the page
     * cache keeps the file's copy): write each variable once, so that the
     * pages are the parent's own before the fork. */
    assigned.value = 1;
    incremented.value = 10;
    added_to.value = 100;
    via_pointer.value = 1000;
    array.element[1500] = 0;
    array.element[10] = array.element[10];

    pid_t child = fork();
    if (child == 0) {
        struct step steps[12];
        struct cowos_memstat before, after;
        int n = 0;
        memset(steps, 0, sizeof(steps)); /* our stack pages become private here, */
        cowos_memstat(&before);          /* before anything is measured */
        cowos_memstat(&after);
        unsigned long fork_copied = after.fork_pages_copied - at_fork.fork_pages_copied;
        unsigned long fork_shared = after.fork_pages_shared - at_fork.fork_pages_shared;

#define MEASURE(text, exp, code)                                                                   \
    do {                                                                                           \
        cowos_memstat(&before);                                                                    \
        code;                                                                                      \
        cowos_memstat(&after);                                                                     \
        steps[n].what = text;                                                                      \
        steps[n].copies = after.cow_copies - before.cow_copies;                                    \
        steps[n].faults = after.cow_faults - before.cow_faults;                                    \
        steps[n].expected = eager ? 0 : (exp);                                                     \
        n++;                                                                                       \
    } while (0)

        MEASURE("read a variable:     x = assigned", 0, KEEP(assigned.value));
        MEASURE("compare:             incremented == 10", 0, KEEP(incremented.value == 10));
        MEASURE("take an address:     p = &added_to", 0, KEEP(&added_to.value));
        MEASURE("pass by value:       by_value(via_pointer)", 0,
                KEEP(by_value(via_pointer.value)));
        MEASURE("read an element:     array[1500]", 0, KEEP(array.element[1500]));
        MEASURE("assignment:          assigned = 42", 1, assigned.value = 42);
        MEASURE("increment:           incremented++", 1, incremented.value++);
        MEASURE("compound assignment: added_to += 5", 1, added_to.value += 5);
        MEASURE("through a pointer:   *p = 7", 1, {
            volatile long *p = &via_pointer.value;
            *p = 7;
        });
        MEASURE("array element:       array[1500] = 9", 1, array.element[1500] = 9);
        MEASURE("same page again:     assigned = 43", 0, assigned.value = 43);
        MEASURE("other array page:    array[10] = 5", 1, array.element[10] = 5);

        int wrong = 0;
        printf("child %d:\n", getpid());
        printf("  %-46s %12s %9s\n", "step", "pages copied", "expected");
        for (int i = 0; i < n; i++) {
            int ok = steps[i].copies == steps[i].expected;
            wrong += !ok;
            printf("  %-46s %12lu %9lu%s\n", steps[i].what, steps[i].copies, steps[i].expected,
                   ok ? "" : "   <-- differs");
        }
        printf("child sees: assigned=%ld incremented=%ld added_to=%ld via_pointer=%ld "
               "array[1500]=%d\n",
               assigned.value, incremented.value, added_to.value, via_pointer.value,
               array.element[1500]);
        if (eager) {
            printf("fork=copy: the fork itself copied %lu pages (fork_pages_copied) and shared %lu,\n"
                   "so every page above was already the child's own: writes fault on nothing\n"
                   "and copy nothing. Boot without FORK=copy to see one copy per page written.\n",
                   fork_copied, fork_shared);
            wrong += fork_copied == 0 || fork_shared != 0;
        } else {
            printf("copy-on-write: the fork copied %lu pages and shared %lu; each page\n"
                   "is copied only when first written, as counted above.\n",
                   fork_copied, fork_shared);
            wrong += fork_copied != 0 || fork_shared == 0;
        }
        putchar('\n');
        _exit(wrong ? 1 : 0);
    }

    int status = 0;
    waitpid(child, &status, 0);
    printf("parent %d sees: assigned=%ld incremented=%ld added_to=%ld via_pointer=%ld "
           "array[1500]=%d\n",
           getpid(), assigned.value, incremented.value, added_to.value, via_pointer.value,
           array.element[1500]);
    int unchanged = assigned.value == 1 && incremented.value == 10 && added_to.value == 100 &&
                    via_pointer.value == 1000 && array.element[1500] == 0;
    printf("  -> %s\n", unchanged ? "unchanged: the child's writes went to its own copies"
                                  : "CHANGED: the child's writes leaked into the parent!");

    struct cowos_memstat before, after;
    cowos_memstat(&before);
    cowos_memstat(&before);
    assigned.value = 2;
    cowos_memstat(&after);
    unsigned long faults = after.cow_faults - before.cow_faults;
    printf("parent writes assigned = 2: %lu fault%s, %lu pages copied, %lu reused\n", faults,
           faults == 1 ? "" : "s", after.cow_copies - before.cow_copies,
           after.cow_reuses - before.cow_reuses);
    if (eager)
        printf("  -> fork=copy never shared the page: the write is an ordinary one, no fault.\n");
    else
        printf("  -> the child has exited, so the parent is the frame's only user: no copy.\n");
    unsigned long reuses_expected = eager ? 0 : 1;
    int reuse_ok = after.cow_copies == before.cow_copies &&
                   after.cow_reuses == before.cow_reuses + reuses_expected &&
                   after.cow_faults == before.cow_faults + reuses_expected;
    int ok = status == 0 && unchanged && reuse_ok;
    printf("cowdemo: %s\n", ok ? "every count as expected" : "SOMETHING DIFFERED (see above)");
    return ok ? 0 : 1;
}
