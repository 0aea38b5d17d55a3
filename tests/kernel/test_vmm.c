/*
 * test_vmm.c - page tables: map, translate, unmap, protection and NX bits,
 * intermediate tables freed, address-space create/destroy, kernel layout.
 */
#include "kernel/errno.h"
#include "kernel/x86.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vmm.h"
#include "tests/ktest.h"

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];
extern char boot_stack_guard[];

#define TEST_VA 0x400000UL

KTEST(vmm_map_translate_unmap_frees_tables)
{
    uint64_t free0 = pmm_free_count();
    struct vmspace *vs = vmm_create();
    ASSERT_NE(0, (uintptr_t)vs);
    EXPECT_EQ(1, vs->pt_pages); /* just the PML4 */
    paddr_t pa = pmm_alloc();
    ASSERT_NE(0, pa);
    EXPECT_EQ(0, vmm_map(vs, TEST_VA, pa, PTE_W | PTE_U));
    EXPECT_EQ(4, vs->pt_pages); /* PML4 + PDPT + PD + PT */
    paddr_t got = 0;
    uint64_t flags = 0;
    EXPECT_EQ(0, vmm_translate(vs, TEST_VA + 0x123, &got, &flags));
    EXPECT_EQ(pa + 0x123, got);
    EXPECT_EQ(PTE_P | PTE_W | PTE_U, flags & (PTE_P | PTE_W | PTE_U | PTE_NX));
    EXPECT_EQ(1, pmm_refcount(pa)); /* the mapping holds the one reference */
    EXPECT_EQ(0, vmm_unmap(vs, TEST_VA));
    EXPECT_EQ(-ENOENT, vmm_translate(vs, TEST_VA, &got, &flags));
    EXPECT_EQ(0, pmm_refcount(pa)); /* unmap dropped it: frame free */
    EXPECT_EQ(1, vs->pt_pages);     /* PT, PD and PDPT freed */
    EXPECT_EQ(-ENOENT, vmm_unmap(vs, TEST_VA));
    vmm_destroy(vs);
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(vmm_map_twice_is_eexist)
{
    struct vmspace *vs = vmm_create();
    ASSERT_NE(0, (uintptr_t)vs);
    paddr_t a = pmm_alloc(), b = pmm_alloc();
    EXPECT_EQ(0, vmm_map(vs, TEST_VA, a, PTE_U));
    EXPECT_EQ(-EEXIST, vmm_map(vs, TEST_VA, b, PTE_U));
    paddr_t got = 0;
    vmm_translate(vs, TEST_VA, &got, NULL);
    EXPECT_EQ(a, got);
    pmm_decref(b); /* the failed map did not take it */
    vmm_destroy(vs);
}

KTEST(vmm_protect_changes_write_and_nx)
{
    struct vmspace *vs = vmm_create();
    ASSERT_NE(0, (uintptr_t)vs);
    paddr_t pa = pmm_alloc();
    EXPECT_EQ(0, vmm_map(vs, TEST_VA, pa, PTE_U));
    uint64_t flags = 0;
    vmm_translate(vs, TEST_VA, NULL, &flags);
    EXPECT_EQ(0, flags & PTE_W);
    EXPECT_EQ(0, flags & PTE_NX);
    EXPECT_EQ(0, vmm_protect(vs, TEST_VA, PTE_U | PTE_W | PTE_NX));
    vmm_translate(vs, TEST_VA, NULL, &flags);
    EXPECT_EQ(PTE_W, flags & PTE_W);
    EXPECT_EQ(PTE_NX, flags & PTE_NX);
    EXPECT_EQ(0, vmm_protect(vs, TEST_VA, PTE_U | PTE_COW));
    vmm_translate(vs, TEST_VA, NULL, &flags);
    EXPECT_EQ(PTE_COW, flags & (PTE_COW | PTE_W | PTE_NX | PTE_D));
    EXPECT_EQ(-ENOENT, vmm_protect(vs, TEST_VA + PAGE_SIZE, PTE_U));
    vmm_destroy(vs);
    EXPECT_EQ(0, pmm_refcount(pa));
}

/* The CPU agrees with our tables: a word written through the new address
 * space's mapping is in the frame, seen through the direct map. */
KTEST(vmm_hardware_uses_the_mapping)
{
    struct vmspace *vs = vmm_create();
    ASSERT_NE(0, (uintptr_t)vs);
    paddr_t pa = pmm_alloc();
    ASSERT_EQ(0, vmm_map(vs, TEST_VA, pa, PTE_U | PTE_W | PTE_NX));
    uint64_t old_cr3 = read_cr3();
    bool smap = (read_cr4() & CR4_SMAP) != 0;
    vmm_activate(vs);
    if (smap)
        stac();
    *(volatile uint64_t *)(TEST_VA + 8) = 0x1122334455667788UL;
    uint64_t back = *(volatile uint64_t *)(TEST_VA + 8);
    if (smap)
        clac();
    write_cr3(old_cr3);
    EXPECT_EQ(0x1122334455667788UL, back);
    EXPECT_EQ(0x1122334455667788UL, ((uint64_t *)P2V(pa))[1]);
    vmm_destroy(vs);
}

KTEST(vmm_destroy_frees_everything)
{
    uint64_t free0 = pmm_free_count(), pt0 = vmm_pt_pages_in_use();
    struct vmspace *vs = vmm_create();
    ASSERT_NE(0, (uintptr_t)vs);
    static const vaddr_t bases[] = {0x1000, 0x40000000, 0x7fff00000000};
    for (size_t b = 0; b < ARRAY_SIZE(bases); b++)
        for (int i = 0; i < 600; i++) { /* 600 pages crosses a PT boundary */
            paddr_t pa = pmm_alloc();
            ASSERT_NE(0, pa);
            ASSERT_EQ(0, vmm_map(vs, bases[b] + i * PAGE_SIZE, pa, PTE_U | PTE_W));
        }
    /* PML4 + 2 PDPTs (slot 0 and slot 255) + 3 PDs + 2 PTs per region */
    EXPECT_EQ(1 + 2 + 3 + 6, vs->pt_pages);
    EXPECT_EQ(pt0 + 12, vmm_pt_pages_in_use());
    vmm_destroy(vs);
    EXPECT_EQ(free0, pmm_free_count());
    EXPECT_EQ(pt0, vmm_pt_pages_in_use());
}

KTEST(vmm_map_out_of_memory_changes_nothing)
{
    struct vmspace *vs = vmm_create();
    ASSERT_NE(0, (uintptr_t)vs);
    paddr_t pa = pmm_alloc();
    uint64_t free0 = pmm_free_count();
    pmm_fail_after(2); /* PDPT and PD succeed, the PT fails */
    int r = vmm_map(vs, TEST_VA, pa, PTE_U);
    pmm_fail_after(-1);
    EXPECT_EQ(-ENOMEM, r);
    EXPECT_EQ(1, vs->pt_pages);
    EXPECT_EQ(free0, pmm_free_count());
    EXPECT_EQ(1, pmm_refcount(pa)); /* still the caller's */
    pmm_decref(pa);
    vmm_destroy(vs);
}

KTEST(vmm_new_space_shares_kernel_half)
{
    struct vmspace *vs = vmm_create();
    ASSERT_NE(0, (uintptr_t)vs);
    const pte_t *k = P2V(vmm_kernel_space()->pml4), *u = P2V(vs->pml4);
    int differ = 0, user_used = 0;
    for (int i = PML4_KERNEL_FIRST; i < 512; i++)
        differ += k[i] != u[i];
    for (int i = 0; i < PML4_KERNEL_FIRST; i++)
        user_used += u[i] != 0;
    EXPECT_EQ(0, differ);
    EXPECT_EQ(0, user_used);
    vmm_destroy(vs);
}

KTEST(vmm_kernel_layout_permissions)
{
    struct vmspace *k = vmm_kernel_space();
    uint64_t flags = 0;
    /* the identity map of low memory is gone */
    EXPECT_EQ(-ENOENT, vmm_translate(k, 0x100000, NULL, &flags));
    EXPECT_TRUE(vmm_walk(k, 0x100000) == NULL || !pte_present(*vmm_walk(k, 0x100000)));
    /* text: present, read-only, executable */
    EXPECT_EQ(0, vmm_translate(k, (vaddr_t)__kernel_start, NULL, &flags));
    EXPECT_EQ(PTE_P, flags & (PTE_P | PTE_W | PTE_NX));
    /* rodata: read-only, no-execute */
    EXPECT_EQ(0, vmm_translate(k, (vaddr_t)__rodata_end - PAGE_SIZE, NULL, &flags));
    EXPECT_EQ(PTE_P | PTE_NX, flags & (PTE_P | PTE_W | PTE_NX));
    /* data/bss: writable, no-execute */
    EXPECT_EQ(0, vmm_translate(k, (vaddr_t)__kernel_end - PAGE_SIZE, NULL, &flags));
    EXPECT_EQ(PTE_P | PTE_W | PTE_NX, flags & (PTE_P | PTE_W | PTE_NX));
    /* the boot stack's guard page is unmapped */
    EXPECT_EQ(-ENOENT, vmm_translate(k, (vaddr_t)boot_stack_guard, NULL, &flags));
    /* the direct-map alias of kernel text is read-only too; of data, writable */
    EXPECT_EQ(0, vmm_translate(k, (vaddr_t)P2V(KIMG_V2P(__kernel_start)), NULL, &flags));
    EXPECT_EQ(PTE_P | PTE_NX, flags & (PTE_P | PTE_W | PTE_NX));
    EXPECT_EQ(0, vmm_translate(k, (vaddr_t)P2V(KIMG_V2P(__kernel_end) - PAGE_SIZE), NULL, &flags));
    EXPECT_EQ(PTE_P | PTE_W | PTE_NX, flags & (PTE_P | PTE_W | PTE_NX));
    /* SMEP and SMAP are on (QEMU's CPU model has them) */
    EXPECT_EQ(CR4_SMEP | CR4_SMAP, read_cr4() & (CR4_SMEP | CR4_SMAP));
    /* CR0.WP is set: the kernel honours read-only pages */
    EXPECT_EQ(CR0_WP, read_cr0() & CR0_WP);
    EXPECT_EQ(EFER_NXE, rdmsr(MSR_EFER) & EFER_NXE);
}

KTEST(vmm_kernel_mapping_visible_in_every_space)
{
    struct vmspace *k = vmm_kernel_space();
    struct vmspace *vs = vmm_create();
    ASSERT_NE(0, (uintptr_t)vs);
    vaddr_t va = KSTACK_BASE + 0x12345000UL;
    paddr_t pa = pmm_alloc();
    ASSERT_EQ(0, vmm_map(k, va, pa, PTE_W | PTE_NX));
    paddr_t got = 0;
    EXPECT_EQ(0, vmm_translate(vs, va, &got, NULL)); /* made after vs, seen by vs */
    EXPECT_EQ(pa, got);
    EXPECT_EQ(0, vmm_unmap(k, va));
    EXPECT_EQ(-ENOENT, vmm_translate(vs, va, NULL, NULL));
    vmm_destroy(vs);
}
