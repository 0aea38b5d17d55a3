/*
 * test_cow.c - copy-on-write on hand-made address spaces: what fork shares,
 * reference-count transitions, the copy and the reuse at count 1, read-only
 * text staying shared, re-fork keeping COW, the kernel's own user copies
 * breaking COW first, and running out of memory during the copy.
 */
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "mm/cow.h"
#include "mm/fault.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/uaccess.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "tests/ktest.h"

#define TEXT_VA 0x400000UL /* read-only, executable */
#define DATA_VA 0x600000UL /* writable, no-execute */

/* A "parent" with one text page ("TEXT") and two data pages ("DATA0", "DATA1"). */
static struct vmspace *make_space(void)
{
    struct vmspace *vs = vmm_create();
    paddr_t t = pmm_alloc(), d0 = pmm_alloc(), d1 = pmm_alloc();
    memcpy(P2V(t), "TEXT", 5);
    memcpy(P2V(d0), "DATA0", 6);
    memcpy(P2V(d1), "DATA1", 6);
    vmm_map(vs, TEXT_VA, t, PTE_U);
    vmm_map(vs, DATA_VA, d0, PTE_U | PTE_W | PTE_NX);
    vmm_map(vs, DATA_VA + PAGE_SIZE, d1, PTE_U | PTE_W | PTE_NX);
    return vs;
}

static pte_t pte_at(struct vmspace *vs, vaddr_t va) { return *vmm_walk(vs, va); }
static const char *bytes_at(struct vmspace *vs, vaddr_t va) { return P2V(pte_addr(pte_at(vs, va))); }

KTEST(cow_share_copies_no_data_frame)
{
    struct vmspace *parent = make_space(), *child = vmm_create();
    uint64_t free0 = pmm_free_count();
    EXPECT_EQ(0, cow_share(child, parent, 0, USER_TOP));
    /* only the child's page tables were allocated: a PDPT, a PD and two PTs
     * (text and data lie in different 2 MiB regions); the PML4 came earlier */
    EXPECT_EQ(4, free0 - pmm_free_count());
    EXPECT_EQ(5, child->pt_pages);
    EXPECT_EQ(pte_addr(pte_at(parent, DATA_VA)), pte_addr(pte_at(child, DATA_VA)));
    EXPECT_EQ(2, pmm_refcount(pte_addr(pte_at(parent, DATA_VA))));
    EXPECT_EQ(2, pmm_refcount(pte_addr(pte_at(parent, TEXT_VA))));
    vmm_destroy(child);
    vmm_destroy(parent);
}

KTEST(cow_share_sets_cow_on_writable_pages_only)
{
    struct vmspace *parent = make_space(), *child = vmm_create();
    ASSERT_EQ(0, cow_share(child, parent, 0, USER_TOP));
    struct vmspace *both[2] = {parent, child};
    for (int i = 0; i < 2; i++) {
        pte_t data = pte_at(both[i], DATA_VA), text = pte_at(both[i], TEXT_VA);
        EXPECT_EQ(PTE_COW, data & (PTE_COW | PTE_W));    /* read-only + COW */
        EXPECT_EQ(PTE_NX, data & PTE_NX);                /* other bits kept */
        EXPECT_EQ(0, text & (PTE_COW | PTE_W));          /* text: shared, not COW */
        EXPECT_EQ(0, text & PTE_NX);
    }
    vmm_destroy(child);
    vmm_destroy(parent);
}

KTEST(cow_fault_copies_when_shared_then_reuses_at_count_one)
{
    struct cowos_memstat s0, s1, s2;
    struct vmspace *parent = make_space(), *child = vmm_create();
    ASSERT_EQ(0, cow_share(child, parent, 0, USER_TOP));
    paddr_t shared = pte_addr(pte_at(parent, DATA_VA));
    cow_stats(&s0);

    /* The child writes: count 2, so it gets a private copy. */
    uint64_t free0 = pmm_free_count();
    EXPECT_EQ(0, cow_fault(child, DATA_VA + 123, NULL));
    paddr_t copy = pte_addr(pte_at(child, DATA_VA));
    EXPECT_NE(shared, copy);
    EXPECT_EQ(free0 - 1, pmm_free_count());                         /* exactly one frame */
    EXPECT_STREQ("DATA0", bytes_at(child, DATA_VA));               /* same contents */
    EXPECT_EQ(PTE_W, pte_at(child, DATA_VA) & (PTE_W | PTE_COW));  /* writable, not COW */
    EXPECT_EQ(PTE_COW, pte_at(parent, DATA_VA) & (PTE_W | PTE_COW)); /* parent unchanged */
    EXPECT_EQ(1, pmm_refcount(shared));
    EXPECT_EQ(1, pmm_refcount(copy));
    cow_stats(&s1);
    EXPECT_EQ(s0.cow_faults + 1, s1.cow_faults);
    EXPECT_EQ(s0.cow_copies + 1, s1.cow_copies);
    EXPECT_EQ(s0.cow_reuses, s1.cow_reuses);

    /* The parent writes: now the last sharer, so no copy, same frame. */
    EXPECT_EQ(0, cow_fault(parent, DATA_VA, NULL));
    EXPECT_EQ(shared, pte_addr(pte_at(parent, DATA_VA)));
    EXPECT_EQ(free0 - 1, pmm_free_count());
    EXPECT_EQ(PTE_W, pte_at(parent, DATA_VA) & (PTE_W | PTE_COW));
    cow_stats(&s2);
    EXPECT_EQ(s1.cow_copies, s2.cow_copies);
    EXPECT_EQ(s1.cow_reuses + 1, s2.cow_reuses);

    /* The other data page was never written: still shared by both. */
    EXPECT_EQ(2, pmm_refcount(pte_addr(pte_at(parent, DATA_VA + PAGE_SIZE))));
    vmm_destroy(child);
    vmm_destroy(parent);
}

KTEST(cow_refork_keeps_pages_cow)
{
    struct vmspace *a = make_space(), *b = vmm_create(), *c = vmm_create();
    ASSERT_EQ(0, cow_share(b, a, 0, USER_TOP));
    ASSERT_EQ(0, cow_share(c, b, 0, USER_TOP)); /* b's pages are already COW */
    paddr_t frame = pte_addr(pte_at(a, DATA_VA));
    EXPECT_EQ(3, pmm_refcount(frame));
    EXPECT_EQ(PTE_COW, pte_at(c, DATA_VA) & (PTE_W | PTE_COW));
    EXPECT_EQ(PTE_COW, pte_at(b, DATA_VA) & (PTE_W | PTE_COW));
    /* one write in the middle generation: 3 -> 2 sharers of the old frame */
    EXPECT_EQ(0, cow_fault(b, DATA_VA, NULL));
    EXPECT_EQ(2, pmm_refcount(frame));
    vmm_destroy(c);
    EXPECT_EQ(1, pmm_refcount(frame)); /* exit drops its reference */
    vmm_destroy(b);
    vmm_destroy(a);
}

KTEST(cow_fault_out_of_memory_changes_nothing)
{
    struct vmspace *parent = make_space(), *child = vmm_create();
    ASSERT_EQ(0, cow_share(child, parent, 0, USER_TOP));
    pte_t before = pte_at(child, DATA_VA);
    paddr_t frame = pte_addr(before);
    uint64_t free0 = pmm_free_count();
    pmm_fail_after(0);
    int r = cow_fault(child, DATA_VA, NULL);
    pmm_fail_after(-1);
    EXPECT_EQ(-ENOMEM, r);
    EXPECT_EQ(before, pte_at(child, DATA_VA));
    EXPECT_EQ(2, pmm_refcount(frame));
    EXPECT_EQ(free0, pmm_free_count());
    vmm_destroy(child);
    vmm_destroy(parent);
}

KTEST(cow_fault_refuses_pages_that_are_not_cow)
{
    struct vmspace *vs = make_space();
    EXPECT_EQ(-EFAULT, cow_fault(vs, TEXT_VA, NULL));            /* read-only text */
    EXPECT_EQ(-EFAULT, cow_fault(vs, DATA_VA, NULL));            /* plainly writable */
    EXPECT_EQ(-EFAULT, cow_fault(vs, DATA_VA + 8 * PAGE_SIZE, NULL)); /* unmapped */
    vmm_destroy(vs);
}

KTEST(cow_share_out_of_memory_leaks_nothing)
{
    struct vmspace *parent = make_space();
    uint64_t free0 = pmm_free_count();
    for (long k = 0; k < 3; k++) { /* fail the child's PDPT, PD, then PT */
        struct vmspace *child = vmm_create();
        pmm_fail_after(k);
        int r = cow_share(child, parent, 0, USER_TOP);
        pmm_fail_after(-1);
        EXPECT_EQ(-ENOMEM, r);
        vmm_destroy(child);
        EXPECT_EQ(free0, pmm_free_count());
    }
    /* the parent's data pages are COW now, with count 1: a write reuses */
    EXPECT_EQ(1, pmm_refcount(pte_addr(pte_at(parent, DATA_VA))));
    vmm_destroy(parent);
}

/* The kernel's own write into user memory (read(), waitpid's status, ...)
 * goes through uaccess, which breaks COW first: the writer gets a copy and
 * the other sharer sees nothing. */
KTEST(cow_copy_to_user_breaks_sharing_first)
{
    static struct proc fake;
    memset(&fake, 0, sizeof(fake));
    struct vmspace *parent = make_space();
    fake.vs = vmm_create();
    fake.areas = vma_set_create(fake.vs);
    vma_map(fake.areas, TEXT_VA, TEXT_VA + PAGE_SIZE, VMA_READ | VMA_EXEC, VMA_MAYWRITE, NULL, 0, 0, "t");
    vma_map(fake.areas, DATA_VA, DATA_VA + 2 * PAGE_SIZE, VMA_READ | VMA_WRITE, VMA_MAYWRITE, NULL, 0,
            0, "d");
    ASSERT_EQ(0, cow_share(fake.vs, parent, 0, USER_TOP));
    cpu0.current = &fake;
    int r = uaccess_copy_to_user(DATA_VA + 2, "XY", 2);
    bool ok_text = uaccess_copy_to_user(TEXT_VA, "Z", 1) == -EFAULT; /* text stays read-only */
    cpu0.current = NULL;
    EXPECT_EQ(0, r);
    EXPECT_TRUE(ok_text);
    EXPECT_STREQ("DAXY0", bytes_at(fake.vs, DATA_VA));
    EXPECT_STREQ("DATA0", bytes_at(parent, DATA_VA)); /* the parent never sees it */
    EXPECT_STREQ("TEXT", bytes_at(parent, TEXT_VA));
    EXPECT_NE(pte_addr(pte_at(parent, DATA_VA)), pte_addr(pte_at(fake.vs, DATA_VA)));
    vma_set_destroy(fake.areas);
    vmm_destroy(fake.vs);
    vmm_destroy(parent);
}
