/*
 * test_malloc.c - the allocator over the fake sbrk: alignment, malloc(0),
 * calloc zeroing and overflow, realloc keeping contents, a long random
 * workload with every byte checked and the heap invariants verified, memory
 * returned to the break once everything is freed, running out of memory,
 * a foreign sbrk in the middle, and invalid or double frees caught.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "cw.h"

#define SLOTS 2048

struct slot {
    unsigned char *p;
    size_t n;
    unsigned char seed;
};

static void fill(struct slot *s)
{
    for (size_t i = 0; i < s->n; i++)
        s->p[i] = (unsigned char)(s->seed + i * 7);
}

static int intact(const struct slot *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s->p[i] != (unsigned char)(s->seed + i * 7))
            return 0;
    return 1;
}

static size_t random_size(void)
{
    switch (rnd() % 10) {
    case 0: return rnd() % 300000; /* big: exercises growing and trimming */
    case 1: case 2: return rnd() % 4096;
    default: return rnd() % 200;
    }
}


static void test_basics(void)
{
    void *z1 = cw_malloc(0), *z2 = cw_malloc(0);
    CHECK(z1 && z2 && z1 != z2, "malloc(0) must give distinct pointers");
    for (int i = 1; i < 100; i++) {
        void *p = cw_malloc((size_t)i);
        CHECK(((uintptr_t)p & 15) == 0, "malloc(%d) = %p is not 16-aligned", i, p);
        cw_free(p);
    }
    cw_free(z1);
    cw_free(z2);
    cw_free(NULL);

    unsigned char *p = cw_malloc(1000);
    memset(p, 0xAA, 1000);
    cw_free(p);
    unsigned char *q = cw_calloc(10, 100);
    int zero = 1;
    for (int i = 0; i < 1000; i++)
        zero &= q[i] == 0;
    CHECK(zero, "calloc must zero reused memory");
    cw_free(q);

    cw_errno = 0;
    CHECK(cw_calloc(SIZE_MAX / 2, 3) == NULL && cw_errno == ENOMEM, "calloc overflow");
    cw_errno = 0;
    CHECK(cw_malloc(SIZE_MAX) == NULL && cw_errno == ENOMEM, "malloc(SIZE_MAX)");
    cw_errno = 0;
    void *huge = cw_malloc(200u << 20); /* beyond the arena: a mapping of its own */
    CHECK(huge != NULL && ((char *)huge < arena_base || (char *)huge >= arena_limit),
          "malloc beyond the arena is mapped");
    cw_free(huge);
    CHECK(cw_cowos_heap_check() == 0, "heap after failed allocations");

    /* realloc: NULL, grow, shrink, 0. */
    char *r = cw_realloc(NULL, 10);
    strcpy(r, "123456789");
    r = cw_realloc(r, 100000);
    CHECK(r && strcmp(r, "123456789") == 0, "realloc grow keeps contents");
    r = cw_realloc(r, 5);
    CHECK(r && memcmp(r, "12345", 5) == 0, "realloc shrink keeps contents");
    CHECK(cw_realloc(r, 0) == NULL, "realloc(p, 0) frees");
    CHECK(cw_cowos_heap_check() == 0, "heap after realloc basics");
}

static void test_workload(void)
{
    static struct slot slots[SLOTS];
    size_t peak = 0;
    for (int op = 0; op < 300000; op++) {
        struct slot *s = &slots[rnd() % SLOTS];
        unsigned what = (unsigned)(rnd() % 3);
        if (!s->p) {
            s->n = random_size();
            s->seed = (unsigned char)rnd();
            s->p = what == 0 ? cw_calloc(1, s->n) : cw_malloc(s->n);
            CHECK(s->p != NULL, "allocation of %zu failed", s->n);
            if (what == 0) {
                int zero = 1;
                for (size_t i = 0; i < s->n; i++)
                    zero &= s->p[i] == 0;
                CHECK(zero, "calloc(%zu) not zeroed", s->n);
            }
            fill(s);
        } else if (what == 0) {
            size_t n = random_size();
            size_t keep = n < s->n ? n : s->n;
            CHECK(intact(s, s->n), "block of %zu damaged before realloc", s->n);
            unsigned char *p = cw_realloc(s->p, n);
            if (n == 0) {
                CHECK(p == NULL, "realloc to 0");
                s->p = NULL;
                continue;
            }
            CHECK(p != NULL, "realloc to %zu failed", n);
            s->p = p;
            CHECK(intact(s, keep), "realloc %zu -> %zu lost contents", s->n, n);
            s->n = n;
            fill(s);
        } else {
            CHECK(intact(s, s->n), "block of %zu damaged before free", s->n);
            cw_free(s->p);
            s->p = NULL;
        }
        if ((size_t)(fake_brk - arena_base) > peak)
            peak = (size_t)(fake_brk - arena_base);
        if (op % 1000 == 0)
            CHECK(cw_cowos_heap_check() == 0, "heap corrupt after op %d", op);
        if (failures > 20)
            return;
    }
    CHECK(cw_cowos_heap_check() == 0, "heap corrupt after the workload");
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].p) {
            CHECK(intact(&slots[i], slots[i].n), "block %d damaged at the end", i);
            cw_free(slots[i].p);
            slots[i].p = NULL;
        }
    }
    CHECK(cw_cowos_heap_check() == 0, "heap corrupt after freeing everything");
    size_t left = (size_t)(fake_brk - arena_base);
    CHECK(left < 200 * 1024, "heap still holds %zu bytes after freeing all (peak %zu)", left, peak);
}

static void test_foreign_sbrk(void)
{
    void *a = cw_malloc(100);
    char *foreign = cw_sbrk(1000); /* someone else moves the break */
    memset(foreign, 0x5A, 1000);
    void *big = cw_malloc(100000); /* below the mmap threshold: must grow past the foreign bytes */
    CHECK(big && (char *)big >= foreign + 1000, "malloc after a foreign sbrk");
    memset(big, 1, 100000);
    CHECK(cw_cowos_heap_check() == 0, "heap after a foreign sbrk");
    cw_free(big);
    cw_free(a);
    int untouched = 1;
    for (int i = 0; i < 1000; i++)
        untouched &= foreign[i] == 0x5A;
    CHECK(untouched, "the foreign bytes were overwritten");
    CHECK(cw_cowos_heap_check() == 0, "heap after freeing around a foreign sbrk");
}

static void test_bad_frees(void)
{
    int on_stack;
    void *p = cw_malloc(64);
    abort_armed = 1;
    abort_calls = 0;
    if (!setjmp(abort_jump))
        cw_free(&on_stack);
    if (!setjmp(abort_jump))
        cw_free((char *)p + 16);
    cw_free(p);
    if (!setjmp(abort_jump))
        cw_free(p); /* double free */
    abort_armed = 0;
    CHECK(abort_calls == 3, "bad frees: %d of 3 caught", abort_calls);
    CHECK(cw_cowos_heap_check() == 0, "heap after bad frees");
}

/* 128 KiB and up: a mapping of its own, given back by free and by a realloc
 * that shrinks it below the threshold. */
static void test_large_blocks_are_mapped(void)
{
    extern long mapped_now;
    long before = mapped_now;
    char *heap_before = fake_brk;
    char *big = cw_malloc(200000);
    CHECK(big && ((unsigned long)big & 15) == 0, "a large block, 16-aligned");
    CHECK(mapped_now == before + 1 && fake_brk == heap_before, "a large block is a mapping, not heap");
    memset(big, 7, 200000);
    big = cw_realloc(big, 300000);
    CHECK(big && big[199999] == 7, "realloc of a large block keeps its bytes");
    char *small = cw_realloc(big, 1000);
    CHECK(small && small[999] == 7 && mapped_now == before, "realloc to a small block unmaps");
    cw_free(small);
    void *again = cw_malloc(1 << 20);
    cw_free(again);
    CHECK(mapped_now == before, "free gives a large block back");
    CHECK(cw_cowos_heap_check() == 0, "heap after large blocks");
}

void test_malloc(void)
{
    test_large_blocks_are_mapped();
    capture_reset(); /* the bad-free messages go to the fake stderr */
    test_basics();
    test_workload();
    test_foreign_sbrk();
    test_bad_frees();
    CHECK(strstr(captured[2].data, "free(): invalid pointer or double free") != NULL,
          "bad free message: [%s]", captured[2].data);
}
