/*
 * test_vmprint.c - the explaining walk and the page-table dump
 * (mm/vmprint.c; the pgtbl lab): each level's entry, where a walk stops,
 * and the dump's exact lines for a space with known mappings.
 */
#include "kernel/string.h"
#include "kernel/printk.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vmm.h"
#include "mm/vmprint.h"
#include "tests/ktest.h"

#define VA1 0x400000UL   /* PML4 0, PDPT 0, PD 2, PT 0 */
#define VA2 0x7ff000UL   /* the same PD, entry 3; PT entry 511 */

KTEST(vmprint_walk_reports_every_level)
{
    struct vmspace *vs = vmm_create();
    ASSERT_TRUE(vs != NULL);
    paddr_t pa = pmm_alloc();
    ASSERT_NE(0, pa);
    ASSERT_EQ(0, vmm_map(vs, VA1, pa, PTE_W | PTE_U));
    pte_t e[4] = {0, 0, 0, 0};
    EXPECT_EQ(4, vmprint_walk(vs, VA1 + 0x10, e));
    EXPECT_EQ(*vmm_walk(vs, VA1), e[3]); /* the leaf the hardware uses */
    EXPECT_EQ(pa, pte_addr(e[3]));
    EXPECT_TRUE(pte_present(e[0]) && pte_present(e[1]) && pte_present(e[2]));
    EXPECT_EQ(((pte_t *)P2V(vs->pml4))[0], e[0]);
    /* The PD's entry names the page table that holds the leaf. */
    EXPECT_PTR_EQ((pte_t *)P2V(pte_addr(e[2])) + PT_INDEX(VA1), vmm_walk(vs, VA1));
    vmm_destroy(vs);
}

KTEST(vmprint_walk_stops_at_the_first_missing_level)
{
    struct vmspace *vs = vmm_create();
    ASSERT_TRUE(vs != NULL);
    paddr_t pa = pmm_alloc();
    ASSERT_NE(0, pa);
    ASSERT_EQ(0, vmm_map(vs, VA1, pa, PTE_U));
    pte_t e[4] = {0, 0, 0, 0};
    EXPECT_EQ(1, vmprint_walk(vs, 0x8000000000UL, e)); /* PML4 entry 1: none */
    EXPECT_EQ(0, e[0]);
    EXPECT_EQ(2, vmprint_walk(vs, 0x40000000UL + VA1, e)); /* PDPT entry 1: none */
    EXPECT_EQ(0, e[1]);
    EXPECT_EQ(3, vmprint_walk(vs, 0xa00000UL, e)); /* PD entry 5: none */
    EXPECT_EQ(0, e[2]);
    EXPECT_EQ(4, vmprint_walk(vs, VA1 + 0x1000, e)); /* PT entry 1: none, but read */
    EXPECT_EQ(0, e[3]);
    vmm_destroy(vs);
}

KTEST(vmprint_dump_shows_each_table_and_page_exactly)
{
    struct vmspace *vs = vmm_create();
    ASSERT_TRUE(vs != NULL);
    paddr_t a = pmm_alloc(), b = pmm_alloc();
    ASSERT_TRUE(a && b);
    ASSERT_EQ(0, vmm_map(vs, VA1, a, PTE_W | PTE_U));
    ASSERT_EQ(0, vmm_map(vs, VA2, b, PTE_U | PTE_NX));
    pte_t e1[4], e2[4];
    vmprint_walk(vs, VA1, e1);
    vmprint_walk(vs, VA2, e2);
    static char want[1024], got[1024];
    snprintk(want, sizeof(want),
             "page table 0x%lx\n"
             " ..0: pdpt 0x%lx uw-x\n"
             " .. ..0: pd 0x%lx uw-x\n"
             " .. .. ..2: pt 0x%lx uw-x\n"
             " .. .. .. ..0: page va 0x400000 0x%lx uw-x\n"
             " .. .. ..3: pt 0x%lx uw-x\n"
             " .. .. .. ..511: page va 0x7ff000 0x%lx u---\n",
             vs->pml4, pte_addr(e1[0]), pte_addr(e1[1]), pte_addr(e1[2]), a, pte_addr(e2[2]), b);
    size_t n = vmprint_format(vs, got, sizeof(got));
    EXPECT_STREQ(want, got);
    EXPECT_EQ(strlen(want), n);
    vmm_destroy(vs);
}

KTEST(vmprint_dump_marks_copy_on_write_pages)
{
    struct vmspace *vs = vmm_create();
    ASSERT_TRUE(vs != NULL);
    paddr_t a = pmm_alloc();
    ASSERT_NE(0, a);
    ASSERT_EQ(0, vmm_map(vs, VA1, a, PTE_W | PTE_U));
    ASSERT_EQ(0, vmm_protect(vs, VA1, pte_mkcow(PTE_W | PTE_U))); /* as cow_share leaves it */
    static char got[1024];
    vmprint_format(vs, got, sizeof(got));
    char want[64];
    snprintk(want, sizeof(want), "..0: page va 0x400000 0x%lx u-cx\n", a);
    size_t gl = strlen(got), wl = strlen(want);
    EXPECT_TRUE(gl >= wl && strcmp(got + gl - wl, want) == 0);
    if (!(gl >= wl && strcmp(got + gl - wl, want) == 0))
        printk("# expected the dump to end with \"%s\"; it is:\n%s", want, got);
    vmm_destroy(vs);
}
