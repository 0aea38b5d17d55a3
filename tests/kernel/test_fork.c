/*
 * test_fork.c - fork=copy's eager copy (proc/fork.c, fork_copy_area): every
 * present page lands in a fresh frame of the child with the same bytes and
 * flags (a copy-on-write page becomes writable), the count is exact, and
 * the parent's frames are untouched.
 */
#include "kernel/errno.h"
#include "kernel/string.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vmm.h"
#include "proc/fork.h"
#include "tests/ktest.h"

#define VA 0x400000UL

KTEST(fork_copy_area_copies_every_page_into_fresh_frames)
{
    struct vmspace *parent = vmm_create(), *child = vmm_create();
    ASSERT_TRUE(parent && child);
    paddr_t a = pmm_alloc(), b = pmm_alloc();
    ASSERT_TRUE(a && b);
    memset(P2V(a), 0xaa, PAGE_SIZE);
    memset(P2V(b), 0xbb, PAGE_SIZE);
    ASSERT_EQ(0, vmm_map(parent, VA, a, PTE_W | PTE_U));
    ASSERT_EQ(0, vmm_map(parent, VA + 2 * PAGE_SIZE, b, pte_mkcow(PTE_U | PTE_W)));
    uint64_t copied = 0;
    EXPECT_EQ(0, fork_copy_area(child, parent, VA, VA + 4 * PAGE_SIZE, &copied));
    EXPECT_EQ(2, copied);
    paddr_t ca = 0, cb = 0;
    uint64_t fa = 0, fb = 0;
    EXPECT_EQ(0, vmm_translate(child, VA, &ca, &fa));
    EXPECT_EQ(0, vmm_translate(child, VA + 2 * PAGE_SIZE, &cb, &fb));
    EXPECT_EQ(-ENOENT, vmm_translate(child, VA + PAGE_SIZE, NULL, NULL));
    EXPECT_TRUE(ca && ca != a && cb && cb != b);
    if (ca && cb) {
        EXPECT_EQ(0xaa, ((uint8_t *)P2V(ca))[PAGE_SIZE - 1]);
        EXPECT_EQ(0xbb, ((uint8_t *)P2V(cb))[0]);
        EXPECT_EQ(1, pmm_refcount(ca));
    }
    EXPECT_EQ(PTE_W | PTE_U, fa & (PTE_W | PTE_U | PTE_COW));
    EXPECT_EQ(PTE_W | PTE_U, fb & (PTE_W | PTE_U | PTE_COW)); /* its own copy: writable */
    EXPECT_EQ(1, pmm_refcount(a));
    EXPECT_EQ(1, pmm_refcount(b));
    vmm_destroy(child);
    vmm_destroy(parent);
}
