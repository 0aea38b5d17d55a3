/*
 * cowlist.c - copy-on-write beyond the kernel, 2: a copy-on-write array list
 * (Java's java.util.concurrent.CopyOnWriteArrayList) shared by processes.
 *
 * The list is a pointer to an immutable array (a "version"). A reader loads
 * the pointer once and reads that array: no lock, and whatever writers do
 * meanwhile, it sees one consistent array. A writer takes the writers' lock,
 * copies the current array, changes the copy, and publishes it by storing
 * the pointer (a release store: the copy's bytes are visible before the
 * pointer is). cowos has processes but no threads, so readers and writers
 * are processes and the list lives in MAP_SHARED memory; old versions are
 * never reused during the run (Java's garbage collector frees an old array
 * once no reader holds it).
 *
 * It counts array copies per write, elements copied, reads, and reads that
 * ran while a write was under way (each writer gives the CPU away between
 * its copy and its publication, so that readers run mid-write). Then the
 * same with a writer that changes the array in place, to show what the copy
 * buys: readers see half-made arrays.
 * Invariants: a published version never changes (phase 1); its sum field
 * is the sum of its items. Exit 0 when every count is as expected, 1 after
 * a WRONG: line, 2 if it cannot run. Runs on cowos and on Linux.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define READERS 3
#define WRITERS 2
#define ADDS_EACH 20               /* each writer appends this many items */
#define CHANGES 5                  /* then sets, then removes, this many each */
#define INPLACE_WRITES 20          /* phase 2: changes made in place */
#define ARENA (64 * 1024)          /* longs for all the versions of a run */

struct version {
    long serial; /* 0 for the first array; one more for each published write */
    long len;
    long sum;    /* of items[0..len) */
    long items[];
};

struct shared {
    struct version *current; /* the list: loaded and stored atomically */
    long write_lock;         /* writers only (Java: a ReentrantLock) */
    long writing;            /* writers between taking the lock and publishing */
    long phase;              /* 1: copy-on-write; 2: in place; 3: readers stop */
    long started;            /* readers running */
    long copies, elements_copied, next;
    long reads[3][READERS], during[3][READERS], torn[3][READERS], backwards[READERS];
    long arena[ARENA];
};

static struct shared *sh;

static long load(long *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static void store(long *p, long v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static void add(long *p, long v) { __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }

static struct version *current(void) { return __atomic_load_n(&sh->current, __ATOMIC_ACQUIRE); }

/* A new version with room for len items, from the arena (never freed). */
static struct version *version_new(long len)
{
    long words = (long)(sizeof(struct version) / sizeof(long)) + len;
    long at = __atomic_fetch_add(&sh->next, words, __ATOMIC_RELAXED);
    if (at + words > ARENA) {
        fputs("cowlist: the arena is full\n", stderr);
        exit(2);
    }
    struct version *v = (struct version *)&sh->arena[at];
    v->len = len;
    return v;
}

static void lock(void)
{
    while (__atomic_exchange_n(&sh->write_lock, 1, __ATOMIC_ACQUIRE))
        sched_yield();
    add(&sh->writing, 1);
}

static void unlock(void)
{
    add(&sh->writing, -1);
    __atomic_store_n(&sh->write_lock, 0, __ATOMIC_RELEASE);
}

enum op { ADD, SET, REMOVE };

/* One write: copy the array, change the copy, publish it. */
static void cow_write(enum op op, long i, long value)
{
    lock();
    struct version *old = current();
    long len = old->len + (op == ADD) - (op == REMOVE);
    struct version *v = version_new(len);
    long k = 0;
    for (long j = 0; j < old->len; j++) /* the copy: the whole array, every write */
        if (!(op == REMOVE && j == i))
            v->items[k++] = old->items[j];
    if (op == ADD)
        v->items[k] = value;
    else if (op == SET)
        v->items[i] = value;
    v->sum = 0;
    for (long j = 0; j < len; j++)
        v->sum += v->items[j];
    v->serial = old->serial + 1;
    add(&sh->copies, 1);
    add(&sh->elements_copied, old->len);
    sched_yield(); /* readers run now, mid-write: they still see old */
    __atomic_store_n(&sh->current, v, __ATOMIC_RELEASE); /* the swap */
    unlock();
}

/* Phase 2, the same change without the copy: readers may see it half made. */
static void inplace_write(long i, long value)
{
    lock();
    struct version *v = current();
    long was = v->items[i];
    v->items[i] = value;
    sched_yield(); /* a reader now sees the new item and the old sum */
    v->sum += value - was;
    unlock();
}

/* A reader: read the list over and over, check each array it saw. */
static _Noreturn void reader(int r)
{
    add(&sh->started, 1);
    long last_serial = -1;
    long phase;
    while ((phase = load(&sh->phase)) < 3) {
        long mid = load(&sh->writing);
        struct version *v = current(); /* the one load: this array, whatever happens */
        long sum = 0;
        for (long j = 0; j < v->len; j++)
            sum += v->items[j];
        mid |= load(&sh->writing);
        sh->reads[phase][r]++;
        sh->during[phase][r] += mid != 0;
        sh->torn[phase][r] += sum != v->sum;
        if (phase == 1 && v->serial < last_serial)
            sh->backwards[r]++;
        last_serial = v->serial;
        sched_yield();
    }
    _exit(0);
}

static int failures;

static void expect(int ok, const char *what)
{
    printf("  %s %s\n", ok ? "ok:   " : "WRONG:", what);
    failures += !ok;
}

static long total(long counts[3][READERS], int phase)
{
    long n = 0;
    for (int r = 0; r < READERS; r++)
        n += counts[phase][r];
    return n;
}

int main(void)
{
    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        perror("cowlist: mmap");
        return 2;
    }
    memset(sh, 0, sizeof(*sh));
    sh->current = version_new(0); /* the empty list, serial 0 */
    sh->phase = 1;
    printf("cowlist: a copy-on-write array list (Java's CopyOnWriteArrayList)\n"
           "%d reader processes and %d writers share it in MAP_SHARED memory.\n\n",
           READERS, WRITERS);
    pid_t pids[READERS + WRITERS];
    for (int r = 0; r < READERS; r++)
        if ((pids[r] = fork()) == 0)
            reader(r);
    while (load(&sh->started) < READERS)
        sched_yield();

    /* Phase 1: WRITERS processes append, then this one sets and removes. */
    for (int w = 0; w < WRITERS; w++)
        if ((pids[READERS + w] = fork()) == 0) {
            for (long k = 0; k < ADDS_EACH; k++)
                cow_write(ADD, 0, 1000 * (w + 1) + k);
            _exit(0);
        }
    int bad_exit = 0;
    for (int w = 0; w < WRITERS; w++) {
        int st = -1;
        waitpid(pids[READERS + w], &st, 0);
        bad_exit |= st != 0;
    }
    for (long k = 0; k < CHANGES; k++)
        cow_write(SET, k, -k);
    for (long k = 0; k < CHANGES; k++)
        cow_write(REMOVE, 0, 0);
    struct version *v = current();
    long n = WRITERS * ADDS_EACH; /* the length before the sets */
    long writes = n + 2 * CHANGES;
    /* adds copy 0, 1, ..., n-1 items; sets n each; removes n, n-1, ... */
    long want_elements = n * (n - 1) / 2 + CHANGES * n + CHANGES * (2 * n - CHANGES + 1) / 2;
    printf("Copy-on-write: %ld writes (%ld appends, %d sets, %d removes)\n", writes, n, CHANGES,
           CHANGES);
    printf("  arrays copied %ld (expected %ld: one per write), elements copied %ld (expected %ld:\n"
           "  the whole array at every write)\n",
           sh->copies, writes, sh->elements_copied, want_elements);
    expect(sh->copies == writes && sh->elements_copied == want_elements && !bad_exit,
           "one copy of the whole array per write");
    expect(v->len == n - CHANGES && v->serial == writes,
           "the last version has every write (its serial) and the right length");
    long reads = total(sh->reads, 1), during = total(sh->during, 1), torn = total(sh->torn, 1);
    long backwards = 0;
    for (int r = 0; r < READERS; r++)
        backwards += sh->backwards[r];
    printf("  reads %ld, of which %ld ran while a write was under way (a reader-writer\n"
           "  lock would have made those wait); inconsistent arrays seen: %ld\n",
           reads, during, torn);
    expect(during > 0, "readers went on reading during writes, without a lock");
    expect(torn == 0 && backwards == 0,
           "every array a reader saw was whole, and no reader saw an older one after a newer");

    /* Phase 2: the same readers, a writer that does not copy. */
    long before = sh->copies;
    store(&sh->phase, 2);
    for (long k = 0; k < INPLACE_WRITES; k++)
        inplace_write(k % (n - CHANGES), 7 * k);
    printf("\nIn place, no copy: %d writes change the live array\n", INPLACE_WRITES);
    reads = total(sh->reads, 2);
    torn = total(sh->torn, 2);
    printf("  arrays copied %ld; reads %ld, inconsistent arrays seen: %ld (the item\n"
           "  changed, its sum not yet)\n",
           sh->copies - before, reads, torn);
    expect(torn > 0, "without the copy, readers saw half-made arrays");

    store(&sh->phase, 3);
    for (int r = 0; r < READERS; r++) {
        int st = -1;
        waitpid(pids[r], &st, 0);
        bad_exit |= st != 0;
    }
    expect(!bad_exit, "every reader and writer exited with status 0");
    printf("\nThe trade: reads cost nothing and never wait, a write copies the whole\n"
           "array (n elements for one change). Java's class is for lists read far\n"
           "more often than written (listeners, configuration). fork's copy-on-write\n"
           "is the other way round: the copy is per page and happens only for pages\n"
           "written, because the kernel can catch each first write with a fault.\n\n");
    printf("cowlist: %s\n", failures ? "FAILED (see WRONG above)" : "every count as expected");
    return failures ? 1 : 0;
}
