/*
 * test_vma.c - the area set (insert, merge, split on unmap and protect,
 * lookups among thousands of areas, the free-gap search) and each fault
 * path of vma_fill: zero page, demand-zero, shared object, private file
 * page copied on write, and fork's per-area decision.
 */
#include "kernel/errno.h"
#include "kernel/initrd.h"
#include "kernel/fs/vfs.h"
#include "kernel/string.h"
#include "mm/cow.h"
#include "mm/memlayout.h"
#include "mm/pagecache.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "tests/ktest.h"

#define A 0x10000000UL
#define RW (VMA_READ | VMA_WRITE)
static const char X[] = "x";

static struct vma_set *new_set(void) { return vma_set_create(vmm_create()); }

static void drop_set(struct vma_set *set)
{
    struct vmspace *vs = set->vs;
    vma_set_destroy(set);
    vmm_destroy(vs);
}

KTEST(vma_insert_merges_matching_neighbours)
{
    struct vma_set *set = new_set();
    ASSERT_TRUE(set != NULL);
    EXPECT_EQ(0, vma_map(set, A, A + 2 * PAGE_SIZE, RW, VMA_MAYWRITE, NULL, 0, 0, X));
    EXPECT_EQ(0, vma_map(set, A + 4 * PAGE_SIZE, A + 6 * PAGE_SIZE, RW, VMA_MAYWRITE, NULL, 0, 0, X));
    EXPECT_EQ(2, set->count);
    EXPECT_EQ(0, vma_map(set, A + 2 * PAGE_SIZE, A + 4 * PAGE_SIZE, RW, VMA_MAYWRITE, NULL, 0, 0, X));
    EXPECT_EQ(1, set->count); /* three became one */
    EXPECT_EQ(A, vma_find(set, A + 5 * PAGE_SIZE)->start);
    EXPECT_EQ(A + 6 * PAGE_SIZE, vma_find(set, A)->end);
    EXPECT_EQ(-EEXIST, vma_map(set, A + PAGE_SIZE, A + 9 * PAGE_SIZE, RW, 0, NULL, 0, 0, X));
    EXPECT_EQ(0, vma_map(set, A + 6 * PAGE_SIZE, A + 7 * PAGE_SIZE, VMA_READ, 0, NULL, 0, 0, X));
    EXPECT_EQ(2, set->count); /* other protection: no merge */
    drop_set(set);
}

KTEST(vma_partial_unmap_and_protect_split)
{
    struct vma_set *set = new_set();
    ASSERT_EQ(0, vma_map(set, A, A + 8 * PAGE_SIZE, RW, VMA_MAYWRITE, NULL, 0, 0, X));
    EXPECT_EQ(0, vma_unmap(set, A + 2 * PAGE_SIZE, A + 3 * PAGE_SIZE));
    EXPECT_EQ(2, set->count);
    EXPECT_TRUE(vma_find(set, A + 2 * PAGE_SIZE) == NULL);
    EXPECT_TRUE(!vma_range_mapped(set, A, A + 8 * PAGE_SIZE));
    EXPECT_TRUE(vma_range_mapped(set, A + 3 * PAGE_SIZE, A + 8 * PAGE_SIZE));
    EXPECT_EQ(0, vma_protect(set, A + 4 * PAGE_SIZE, A + 5 * PAGE_SIZE, VMA_READ));
    EXPECT_EQ(4, set->count); /* [A,2) [3,4) [4,5) ro [5,8) */
    EXPECT_EQ((uint32_t)VMA_READ, vma_find(set, A + 4 * PAGE_SIZE)->prot);
    EXPECT_EQ(0, vma_protect(set, A + 4 * PAGE_SIZE, A + 5 * PAGE_SIZE, RW));
    EXPECT_EQ(2, set->count); /* merged back */
    EXPECT_EQ(0, vma_unmap(set, 0, USER_TOP));
    EXPECT_EQ(0, set->count);
    drop_set(set);
}

KTEST(vma_thousands_of_areas_lookup_and_gap_search)
{
    struct vma_set *set = new_set();
    int bad = 0;
    for (int i = 0; i < 3000; i++) /* every other page: no merging */
        bad += vma_map(set, A + (vaddr_t)(2 * i) * PAGE_SIZE, A + (vaddr_t)(2 * i + 1) * PAGE_SIZE,
                       RW, 0, NULL, 0, 0, X) != 0;
    EXPECT_EQ(0, bad);
    EXPECT_EQ(3000, set->count);
    for (int i = 0; i < 3000; i++) {
        struct vm_area *a = vma_find(set, A + (vaddr_t)(2 * i) * PAGE_SIZE + 5);
        bad += !a || a->start != A + (vaddr_t)(2 * i) * PAGE_SIZE;
        bad += vma_find(set, A + (vaddr_t)(2 * i + 1) * PAGE_SIZE) != NULL;
    }
    EXPECT_EQ(0, bad);
    vaddr_t gap = vma_find_free(set, PAGE_SIZE, A + PAGE_SIZE); /* the hint fits */
    EXPECT_EQ(A + PAGE_SIZE, gap);
    gap = vma_find_free(set, 2 * PAGE_SIZE, A + PAGE_SIZE); /* it does not: top-down */
    EXPECT_TRUE(gap >= A + 6000 * PAGE_SIZE);
    EXPECT_EQ(0, vma_unmap(set, A, A + 6000 * PAGE_SIZE));
    EXPECT_EQ(0, set->count);
    drop_set(set);
}

KTEST(vma_fill_zero_page_then_demand_zero)
{
    struct vma_set *set = new_set();
    ASSERT_EQ(0, vma_map(set, A, A + PAGE_SIZE, RW, VMA_MAYWRITE, NULL, 0, 0, X));
    struct vm_area *a = vma_find(set, A);
    uint32_t zrefs = pmm_refcount(vma_zero_frame());
    EXPECT_EQ(0, vma_fill(set, a, A, false));
    paddr_t pa = 0;
    uint64_t flags = 0;
    EXPECT_EQ(0, vmm_translate(set->vs, A, &pa, &flags));
    EXPECT_EQ(vma_zero_frame(), pa);
    EXPECT_EQ(0, flags & PTE_W); /* read-only */
    EXPECT_EQ(zrefs + 1, pmm_refcount(vma_zero_frame()));
    EXPECT_EQ(0, vma_fill(set, a, A, true)); /* the first write */
    EXPECT_EQ(0, vmm_translate(set->vs, A, &pa, &flags));
    EXPECT_NE(vma_zero_frame(), pa);
    EXPECT_TRUE((flags & PTE_W) != 0);
    EXPECT_EQ(0, ((uint64_t *)P2V(pa))[0]);
    EXPECT_EQ(zrefs, pmm_refcount(vma_zero_frame()));
    drop_set(set);
}

KTEST(vma_shared_object_is_one_frame_for_every_mapper_and_fork)
{
    struct vma_set *set = new_set(), *child = new_set();
    struct pagecache_obj *obj = pagecache_anon(PAGE_SIZE);
    ASSERT_TRUE(obj != NULL);
    ASSERT_EQ(0, vma_map(set, A, A + PAGE_SIZE, RW, VMA_SHARED | VMA_MAYWRITE, obj, 0, 0, "s"));
    pagecache_put(obj);
    EXPECT_EQ(0, vma_fill(set, vma_find(set, A), A, true));
    paddr_t pa = 0, cpa = 0;
    uint64_t flags = 0;
    EXPECT_EQ(0, vmm_translate(set->vs, A, &pa, &flags));
    EXPECT_EQ(2, pmm_refcount(pa)); /* the object and the mapping */
    EXPECT_TRUE((flags & PTE_W) && !(flags & PTE_COW));
    EXPECT_EQ(0, vma_fork(child, set, false, cow_share_area, NULL));
    EXPECT_EQ(0, vmm_translate(child->vs, A, &cpa, &flags));
    EXPECT_EQ(pa, cpa);
    EXPECT_EQ(3, pmm_refcount(pa));
    EXPECT_TRUE((flags & PTE_W) && !(flags & PTE_COW)); /* shared stays writable */
    drop_set(child);
    drop_set(set);
}

KTEST(vma_fork_leaves_out_dontfork_and_empties_wipeonfork)
{
    struct vma_set *set = new_set(), *child = new_set();
    ASSERT_EQ(0, vma_map(set, A, A + PAGE_SIZE, RW, VMA_MAYWRITE | VMA_DONTFORK, NULL, 0, 0, "d"));
    ASSERT_EQ(0, vma_map(set, A + 2 * PAGE_SIZE, A + 3 * PAGE_SIZE, RW, VMA_MAYWRITE | VMA_WIPEONFORK,
                         NULL, 0, 0, "w"));
    ASSERT_EQ(0, vma_map(set, A + 4 * PAGE_SIZE, A + 5 * PAGE_SIZE, RW, VMA_MAYWRITE, NULL, 0, 0, "p"));
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(0, vma_fill(set, vma_find(set, A + (vaddr_t)(2 * i) * PAGE_SIZE),
                              A + (vaddr_t)(2 * i) * PAGE_SIZE, true));
    EXPECT_EQ(0, vma_fork(child, set, false, cow_share_area, NULL));
    EXPECT_EQ(2, child->count);
    EXPECT_TRUE(vma_find(child, A) == NULL);
    EXPECT_EQ(-ENOENT, vmm_translate(child->vs, A + 2 * PAGE_SIZE, NULL, NULL)); /* empty */
    uint64_t flags = 0;
    EXPECT_EQ(0, vmm_translate(child->vs, A + 4 * PAGE_SIZE, NULL, &flags));
    EXPECT_TRUE((flags & PTE_COW) && !(flags & PTE_W)); /* private: copy-on-write */
    drop_set(child);
    drop_set(set);
}

KTEST(vma_private_file_page_is_copied_on_write_never_changed)
{
    const struct initrd_node *file;
    ASSERT_EQ(0, initrd_stat("/bin/true", &file));
    struct inode *ino;
    ASSERT_EQ(0, vfs_lookup(NULL, "/bin/true", VFS_FOLLOW, &ino));
    struct pagecache_obj *obj = ino->pages;
    pagecache_get(obj);
    vfs_iput(ino);
    struct vma_set *set = new_set();
    ASSERT_EQ(0, vma_map(set, A, A + PAGE_SIZE, RW, VMA_MAYWRITE, obj, 0, 0, "/bin/true"));
    pagecache_put(obj);
    struct vm_area *a = vma_find(set, A);
    EXPECT_EQ(0, vma_fill(set, a, A, false));
    paddr_t cache = 0, mine = 0;
    uint64_t flags = 0;
    EXPECT_EQ(0, vmm_translate(set->vs, A, &cache, &flags));
    EXPECT_TRUE((flags & PTE_COW) && !(flags & PTE_W));
    EXPECT_EQ(2, pmm_refcount(cache)); /* the cache and this mapping */
    EXPECT_EQ(0, memcmp(P2V(cache), file->data, 16));
    EXPECT_EQ(0, cow_fault(set->vs, A, NULL)); /* the write: a copy, even with one mapper */
    EXPECT_EQ(0, vmm_translate(set->vs, A, &mine, &flags));
    EXPECT_NE(cache, mine);
    ((char *)P2V(mine))[0] = 'X';
    EXPECT_EQ(0x7f, ((unsigned char *)P2V(cache))[0]); /* the cache still holds the file */
    drop_set(set);
}

/* fork=cow: a table of 64 private pages is shared whole; nothing per page
 * changes at fork; the first change copies the table for the changer and
 * makes its writable pages COW in both copies; the last sharer takes the
 * table back without a copy; destroying both gives every frame back. */
KTEST(vma_fork_shares_whole_tables_and_unshares_on_change)
{
    uint64_t free0 = pmm_free_count();
    struct vma_set *parent = new_set(), *child = new_set();
    ASSERT_EQ(0, vma_map(parent, A, A + 64 * PAGE_SIZE, RW, VMA_MAYWRITE, NULL, 0, 0, X));
    for (int i = 0; i < 64; i++)
        ASSERT_EQ(0, vma_fill(parent, vma_find(parent, A), A + (vaddr_t)i * PAGE_SIZE, true));
    paddr_t first = 0;
    ASSERT_EQ(0, vmm_translate(parent->vs, A, &first, NULL));
    uint64_t copied0, reused0, deferred0;
    vmm_table_stats(&copied0, &reused0, &deferred0);

    ASSERT_EQ(0, vma_fork(child, parent, true, cow_share_area, NULL));
    EXPECT_TRUE(vmm_same_table(child->vs, parent->vs, A));
    EXPECT_TRUE(vmm_table_shared(parent->vs, A) && vmm_table_shared(child->vs, A));
    EXPECT_EQ(1, pmm_refcount(first)); /* the reference is deferred */
    uint64_t flags = 0;
    EXPECT_EQ(0, vmm_translate(child->vs, A, NULL, &flags));
    EXPECT_TRUE((flags & PTE_W) && !(flags & PTE_COW)); /* the entry itself untouched */

    EXPECT_EQ(0, vmm_unshare(parent->vs, A)); /* a write: the writer's own copy of the table */
    uint64_t copied1, reused1, deferred1;
    vmm_table_stats(&copied1, &reused1, &deferred1);
    EXPECT_EQ(copied0 + 1, copied1);
    EXPECT_EQ(deferred0 + 64, deferred1); /* the 64 references fork deferred */
    EXPECT_TRUE(!vmm_same_table(child->vs, parent->vs, A));
    EXPECT_EQ(2, pmm_refcount(first)); /* two tables map it now */
    EXPECT_EQ(0, vmm_translate(parent->vs, A, NULL, &flags));
    EXPECT_TRUE((flags & PTE_COW) && !(flags & PTE_W));
    EXPECT_EQ(0, vmm_translate(child->vs, A, NULL, &flags));
    EXPECT_TRUE((flags & PTE_COW) && !(flags & PTE_W));
    EXPECT_EQ(0, cow_fault(parent->vs, A, NULL)); /* the page itself: copied */
    EXPECT_EQ(1, pmm_refcount(first));

    EXPECT_EQ(0, vmm_unshare(child->vs, A)); /* the last sharer: no copy */
    vmm_table_stats(&copied1, &reused1, &deferred1);
    EXPECT_EQ(copied0 + 1, copied1);
    EXPECT_EQ(reused0 + 1, reused1);
    EXPECT_TRUE(!vmm_table_shared(child->vs, A));
    EXPECT_EQ(0, cow_fault(child->vs, A, NULL)); /* the child's write: the last user, reused */
    drop_set(child);
    drop_set(parent);
    EXPECT_EQ(free0, pmm_free_count());
}

/* A sharer that exits (or unmaps the whole 2 MiB) only drops the table; the
 * other keeps every page. A partial munmap unshares first. */
KTEST(vma_shared_table_survives_the_other_sharers_exit_and_munmap)
{
    uint64_t free0 = pmm_free_count();
    struct vma_set *parent = new_set(), *child = new_set(), *grandchild = new_set();
    ASSERT_EQ(0, vma_map(parent, A, A + 512 * PAGE_SIZE, RW, VMA_MAYWRITE, NULL, 0, 0, X));
    for (int i = 0; i < 512; i++)
        ASSERT_EQ(0, vma_fill(parent, vma_find(parent, A), A + (vaddr_t)i * PAGE_SIZE, true));
    paddr_t pa = 0;
    ASSERT_EQ(0, vmm_translate(parent->vs, A + 5 * PAGE_SIZE, &pa, NULL));
    ((uint64_t *)P2V(pa))[0] = 0x5eed;
    ASSERT_EQ(0, vma_fork(child, parent, true, cow_share_area, NULL));
    ASSERT_EQ(0, vma_fork(grandchild, child, true, cow_share_area, NULL));
    EXPECT_TRUE(vmm_same_table(grandchild->vs, parent->vs, A)); /* three sharers */
    EXPECT_EQ(0, vma_unmap(child, A, A + 512 * PAGE_SIZE)); /* the whole table: dropped */
    EXPECT_EQ(1, pmm_refcount(pa));
    EXPECT_EQ(0, vma_unmap(grandchild, A, A + 10 * PAGE_SIZE)); /* part: unshared, then unmapped */
    EXPECT_EQ(1, pmm_refcount(pa)); /* the grandchild's copy no longer maps page 5 */
    drop_set(grandchild);
    EXPECT_EQ(1, pmm_refcount(pa));
    paddr_t now = 0;
    EXPECT_EQ(0, vmm_translate(parent->vs, A + 5 * PAGE_SIZE, &now, NULL));
    EXPECT_EQ(pa, now);
    EXPECT_EQ(0x5eed, ((uint64_t *)P2V(now))[0]);
    drop_set(child);
    drop_set(parent);
    EXPECT_EQ(free0, pmm_free_count());
}
