/*
 * test_pmm.c - the frame allocator: counts, refcount transitions, exhaustion,
 * and that reserved memory is never handed out.
 */
#include "kernel/string.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "tests/ktest.h"

extern char __kernel_start[], __kernel_end[];

KTEST(pmm_alloc_gives_zeroed_frame_with_count_one)
{
    uint64_t free0 = pmm_free_count();
    paddr_t pa = pmm_alloc();
    ASSERT_NE(0, pa);
    EXPECT_EQ(0, pa & (PAGE_SIZE - 1));
    EXPECT_EQ(1, pmm_refcount(pa));
    EXPECT_EQ(free0 - 1, pmm_free_count());
    const uint64_t *words = P2V(pa);
    uint64_t nonzero = 0;
    for (size_t i = 0; i < PAGE_SIZE / 8; i++)
        nonzero += words[i] != 0;
    EXPECT_EQ(0, nonzero);
    pmm_decref(pa);
    EXPECT_EQ(0, pmm_refcount(pa));
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(pmm_refcount_transitions)
{
    uint64_t free0 = pmm_free_count();
    paddr_t pa = pmm_alloc();
    ASSERT_NE(0, pa);
    pmm_incref(pa);
    EXPECT_EQ(2, pmm_refcount(pa));
    pmm_incref(pa);
    EXPECT_EQ(3, pmm_refcount(pa));
    pmm_decref(pa);
    EXPECT_EQ(2, pmm_refcount(pa));
    pmm_decref(pa);
    EXPECT_EQ(1, pmm_refcount(pa));
    EXPECT_EQ(free0 - 1, pmm_free_count()); /* still held: not free yet */
    pmm_decref(pa);
    EXPECT_EQ(0, pmm_refcount(pa));
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(pmm_freed_frame_is_zeroed_when_handed_out_again)
{
    paddr_t pa = pmm_alloc();
    ASSERT_NE(0, pa);
    memset(P2V(pa), 0xab, PAGE_SIZE);
    pmm_decref(pa);
    paddr_t again = pmm_alloc(); /* the free stack is LIFO: the same frame */
    EXPECT_EQ(pa, again);
    EXPECT_EQ(0, ((uint8_t *)P2V(again))[100]);
    pmm_decref(again);
}

/* Exhaust memory, chaining the frames through their first word; check that
 * none is reserved memory, then give them all back. */
KTEST(pmm_exhaustion_and_full_return)
{
    uint64_t free0 = pmm_free_count();
    paddr_t kstart = KIMG_V2P(__kernel_start), kend = KIMG_V2P(__kernel_end);
    paddr_t head = 0;
    uint64_t n = 0, bad = 0;
    for (paddr_t pa; (pa = pmm_alloc()) != 0; n++) {
        if (pa < 0x100000 || (pa >= kstart && pa < kend) || !pmm_is_managed(pa))
            bad++;
        *(paddr_t *)P2V(pa) = head;
        head = pa;
    }
    EXPECT_EQ(free0, n);
    EXPECT_EQ(0, pmm_free_count());
    EXPECT_EQ(0, bad);
    EXPECT_EQ(0, pmm_alloc()); /* still exhausted */
    while (head) {
        paddr_t next = *(paddr_t *)P2V(head);
        pmm_decref(head);
        head = next;
    }
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(pmm_reserved_memory_is_not_managed)
{
    EXPECT_TRUE(!pmm_is_managed(0));
    EXPECT_TRUE(!pmm_is_managed(0xb8000));                      /* VGA, below 1 MiB */
    EXPECT_TRUE(!pmm_is_managed(KIMG_V2P(__kernel_start)));     /* kernel image */
    EXPECT_TRUE(!pmm_is_managed(KIMG_V2P(__kernel_end) - PAGE_SIZE));
    EXPECT_EQ(0, pmm_refcount(KIMG_V2P(__kernel_start)));
    EXPECT_TRUE(pmm_total_count() > pmm_free_count());
}

KTEST(pmm_fail_after_injects_exhaustion)
{
    pmm_fail_after(2);
    paddr_t a = pmm_alloc(), b = pmm_alloc(), c = pmm_alloc();
    pmm_fail_after(-1);
    EXPECT_NE(0, a);
    EXPECT_NE(0, b);
    EXPECT_EQ(0, c);
    paddr_t d = pmm_alloc();
    EXPECT_NE(0, d);
    pmm_decref(a);
    pmm_decref(b);
    if (d)
        pmm_decref(d);
}
