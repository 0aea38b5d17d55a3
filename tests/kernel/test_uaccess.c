/*
 * test_uaccess.c - the user-copy checks on a hand-made process: ranges
 * crossing pages, read-only and kernel-only pages, unmapped and
 * non-canonical addresses, overflowing lengths, and "nothing written" on
 * -EFAULT.
 */
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/uaccess.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "tests/ktest.h"

#define RW0 0x10000000UL        /* two writable pages */
#define RO (RW0 + 2 * PAGE_SIZE) /* one read-only page */
#define KONLY (RO + PAGE_SIZE)   /* one page without PTE_U */
#define HOLE (KONLY + PAGE_SIZE) /* unmapped */

static struct proc fake;

static void setup(void)
{
    memset(&fake, 0, sizeof(fake));
    fake.vs = vmm_create();
    fake.areas = vma_set_create(fake.vs);
    vma_map(fake.areas, RW0, RO, VMA_READ | VMA_WRITE, VMA_MAYWRITE, NULL, 0, 0, "rw");
    vma_map(fake.areas, RO, KONLY, VMA_READ, VMA_MAYWRITE, NULL, 0, 0, "ro");
    vma_map(fake.areas, KONLY, HOLE, 0, VMA_MAYWRITE, NULL, 0, 0, "none");
    uint64_t flags[4] = {PTE_U | PTE_W, PTE_U | PTE_W, PTE_U, PTE_W};
    for (int i = 0; i < 4; i++) {
        paddr_t pa = pmm_alloc();
        vmm_map(fake.vs, RW0 + (vaddr_t)i * PAGE_SIZE, pa, flags[i] | PTE_NX);
    }
    cpu0.current = &fake;
}

static void teardown(void)
{
    cpu0.current = NULL;
    vma_set_destroy(fake.areas);
    vmm_destroy(fake.vs);
}

static uint8_t *frame_of(vaddr_t va)
{
    paddr_t pa = 0;
    vmm_translate(fake.vs, va, &pa, NULL);
    return P2V(pa);
}

KTEST(uaccess_copies_across_a_page_boundary)
{
    setup();
    char msg[64];
    for (int i = 0; i < 64; i++)
        msg[i] = (char)('A' + i % 26);
    vaddr_t at = RW0 + PAGE_SIZE - 20;
    EXPECT_EQ(0, uaccess_copy_to_user(at, msg, sizeof(msg)));
    EXPECT_EQ('A', frame_of(at)[0]);
    EXPECT_EQ(msg[20], (char)frame_of(RW0 + PAGE_SIZE)[0]);
    char back[64] = {0};
    EXPECT_EQ(0, uaccess_copy_from_user(back, at, sizeof(back)));
    EXPECT_EQ(0, memcmp(back, msg, sizeof(msg)));
    teardown();
}

KTEST(uaccess_write_into_read_only_fails_and_writes_nothing)
{
    setup();
    char data[32];
    memset(data, 0x77, sizeof(data));
    /* starts in a writable page, ends in the read-only one */
    EXPECT_EQ(-EFAULT, uaccess_copy_to_user(RO - 16, data, sizeof(data)));
    EXPECT_EQ(0, frame_of(RO - 16)[0]); /* not even the writable half was written */
    EXPECT_EQ(-EFAULT, uaccess_copy_to_user(RO, data, 1));
    char c;
    EXPECT_EQ(0, uaccess_copy_from_user(&c, RO, 1)); /* reading it is fine */
    teardown();
}

KTEST(uaccess_rejects_kernel_unmapped_and_noncanonical)
{
    setup();
    char buf[8] = {0};
    EXPECT_EQ(-EFAULT, uaccess_copy_from_user(buf, KONLY, 1));   /* no PTE_U */
    EXPECT_EQ(-EFAULT, uaccess_copy_from_user(buf, HOLE, 1));    /* unmapped */
    EXPECT_EQ(-EFAULT, uaccess_copy_from_user(buf, 0, 1));       /* NULL */
    EXPECT_EQ(-EFAULT, uaccess_copy_from_user(buf, KERNEL_VMA + 0x100000, 1));
    EXPECT_EQ(-EFAULT, uaccess_copy_from_user(buf, 0x0000900000000000UL, 1));
    EXPECT_EQ(-EFAULT, uaccess_copy_to_user(USER_TOP - 4, buf, 8)); /* crosses USER_TOP */
    EXPECT_EQ(-EFAULT, uaccess_copy_from_user(buf, RW0, ~0UL));     /* length wraps */
    EXPECT_EQ(0, uaccess_copy_from_user(buf, RW0, 0));              /* nothing to copy */
    EXPECT_TRUE(!uaccess_ok(RW0, 3 * PAGE_SIZE, true));
    EXPECT_TRUE(uaccess_ok(RW0, 3 * PAGE_SIZE, false));
    teardown();
}

KTEST(uaccess_strncpy_stops_at_nul_limit_and_faults)
{
    setup();
    memcpy(frame_of(RW0), "hello", 6);
    char out[16];
    EXPECT_EQ(5, uaccess_strncpy_from_user(out, RW0, sizeof(out)));
    EXPECT_STREQ("hello", out);
    EXPECT_EQ(-ENAMETOOLONG, uaccess_strncpy_from_user(out, RW0, 3));
    /* a string running into the kernel-only page without a NUL */
    memset(frame_of(KONLY - 4) , 'x', 4);
    memset(frame_of(RO), 'y', PAGE_SIZE);
    EXPECT_EQ(-EFAULT, uaccess_strncpy_from_user(out, KONLY - 4, sizeof(out)));
    teardown();
}
