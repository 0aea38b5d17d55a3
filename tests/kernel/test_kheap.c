/*
 * test_kheap.c - kmalloc/kfree: alignment, zeroing, no overlap, whole pages
 * for large requests with a guard after them, and frames all given back.
 */
#include "kernel/errno.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/vmm.h"
#include "tests/ktest.h"

KTEST(kheap_small_sizes_aligned_zeroed_distinct)
{
    uint64_t frames0 = kheap_frames_in_use();
    static const size_t sizes[] = {1, 8, 16, 17, 33, 64, 100, 128, 255, 512, 1000, 2048};
    void *p[ARRAY_SIZE(sizes)];
    int misaligned = 0, nonzero = 0;
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        p[i] = kmalloc(sizes[i]);
        ASSERT_NE(0, (uintptr_t)p[i]);
        misaligned += ((uintptr_t)p[i] & 15) != 0;
        for (size_t j = 0; j < sizes[i]; j++)
            nonzero += ((uint8_t *)p[i])[j] != 0;
        memset(p[i], (int)i + 1, sizes[i]);
    }
    EXPECT_EQ(0, misaligned);
    EXPECT_EQ(0, nonzero);
    int corrupted = 0;
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
        for (size_t j = 0; j < sizes[i]; j++)
            corrupted += ((uint8_t *)p[i])[j] != (uint8_t)(i + 1);
    EXPECT_EQ(0, corrupted);
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
        kfree(p[i]);
    EXPECT_EQ(frames0, kheap_frames_in_use());
}

KTEST(kheap_many_objects_span_slabs)
{
    uint64_t free0 = pmm_free_count();
    enum { N = 1000 };
    void **v = kmalloc(N * sizeof(void *)); /* a large allocation itself */
    ASSERT_NE(0, (uintptr_t)v);
    for (int i = 0; i < N; i++) {
        v[i] = kmalloc(64);
        ASSERT_NE(0, (uintptr_t)v[i]);
        *(int *)v[i] = i;
    }
    EXPECT_TRUE(kheap_frames_in_use() >= N * 64 / PAGE_SIZE);
    int wrong = 0;
    for (int i = 0; i < N; i++)
        wrong += *(int *)v[i] != i;
    EXPECT_EQ(0, wrong);
    for (int i = 0; i < N; i += 2) /* free evens, then odds backwards */
        kfree(v[i]);
    for (int i = N - 1; i > 0; i -= 2)
        kfree(v[i]);
    kfree(v);
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(kheap_large_gets_pages_and_guard)
{
    uint64_t free0 = pmm_free_count(), frames0 = kheap_frames_in_use();
    size_t size = 3 * PAGE_SIZE + 100;
    uint8_t *p = kmalloc(size);
    ASSERT_NE(0, (uintptr_t)p);
    EXPECT_EQ(frames0 + 4, kheap_frames_in_use()); /* header + 3 pages + 100 bytes */
    memset(p, 0x5a, size);
    EXPECT_EQ(0x5a, p[size - 1]);
    vaddr_t end = page_round_up((vaddr_t)p + size);
    EXPECT_EQ(-ENOENT, vmm_translate(vmm_kernel_space(), end, NULL, NULL)); /* guard */
    kfree(p);
    EXPECT_EQ(free0, pmm_free_count());
    /* freed virtual space is reused */
    uint8_t *q = kmalloc(size);
    EXPECT_EQ((uintptr_t)p, (uintptr_t)q);
    kfree(q);
}

KTEST(kheap_zero_and_out_of_memory)
{
    uint64_t free0 = pmm_free_count();
    EXPECT_EQ(0, (uintptr_t)kmalloc(0));
    pmm_fail_after(1); /* a 2-page request gets one page, then fails */
    void *p = kmalloc(PAGE_SIZE + 1);
    pmm_fail_after(-1);
    EXPECT_EQ(0, (uintptr_t)p);
    EXPECT_EQ(free0, pmm_free_count());
    kfree(NULL);
}
