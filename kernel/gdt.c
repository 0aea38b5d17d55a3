/*
 * gdt.c - the global descriptor table, the task state segment and the
 * double-fault stack. In long mode segments are flat, so the GDT only says
 * "kernel or user, code or data"; the TSS only supplies stacks (RSP0 for
 * entries from ring 3, IST1 for double faults). One of each per CPU
 * (indexed by struct cpu's id); each CPU only loads and changes its own.
 */
#include "kernel/gdt.h"
#include "kernel/cpu.h"

/* The 64-bit TSS (Intel SDM vol. 3, "Task Management in 64-bit Mode"). */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3]; /* stacks for entries from rings 3..1 into ring 0..2 */
    uint64_t reserved1;
    uint64_t ist[7]; /* interrupt stack table, IST1..IST7 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base; /* = sizeof(struct tss): no I/O permission bitmap */
} __packed;

_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes");

/*
 * Segment descriptor bits, as one 64-bit value: access byte in bits 40-47,
 * flags in bits 52-55. Base and limit are ignored in 64-bit mode for code and
 * data; the data limits are set to 4 GiB so the entries also read sensibly.
 */
#define SEG_PRESENT (1UL << 47)
#define SEG_DPL3 (3UL << 45)
#define SEG_CODE_DATA (1UL << 44) /* S: code or data, not system */
#define SEG_EXEC (1UL << 43)
#define SEG_RW (1UL << 41) /* readable code / writable data */
#define SEG_LONG (1UL << 53)
#define SEG_DB32 (1UL << 54)
#define SEG_GRAN4K (1UL << 55)
#define SEG_LIMIT_MAX (0xffffUL | (0xfUL << 48))

#define SEG_COMMON (SEG_PRESENT | SEG_CODE_DATA | SEG_RW | SEG_GRAN4K | SEG_LIMIT_MAX)
#define KCODE (SEG_COMMON | SEG_EXEC | SEG_LONG) /* 0x00af9a000000ffff */
#define KDATA (SEG_COMMON | SEG_DB32)           /* 0x00cf92000000ffff */

#define TSS_TYPE_AVAILABLE 0x9UL /* 64-bit TSS, not busy */

#define GDT_ENTRIES 7 /* null, 4 segments, TSS (two slots) */

static struct {
    uint64_t gdt[GDT_ENTRIES] __aligned(16);
    struct tss tss __aligned(16);
} per_cpu[CPU_MAX];

/* The double-fault stacks, each with a guard page below it for the vmm to unmap. */
static struct {
    uint8_t guard[4096];
    uint8_t stack[16384];
} __aligned(4096) df_stack[CPU_MAX];

struct gdt_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

/* Fill the two GDT slots of a 64-bit TSS descriptor, marked available. */
static void set_tss_descriptor(uint64_t *gdt, int slot, uint64_t base, uint32_t limit)
{
    gdt[slot] = (limit & 0xffffUL) | (base & 0xffffffUL) << 16 | TSS_TYPE_AVAILABLE << 40 |
                SEG_PRESENT | (uint64_t)((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    gdt[slot + 1] = base >> 32;
}

void gdt_init(void) { gdt_init_cpu(0); }

void gdt_init_cpu(int cpu)
{
    uint64_t *gdt = per_cpu[cpu].gdt;
    struct tss *tss = &per_cpu[cpu].tss;
    gdt[0] = 0;
    gdt[GDT_KERNEL_CODE / 8] = KCODE;
    gdt[GDT_KERNEL_DATA / 8] = KDATA;
    gdt[GDT_USER_DATA / 8] = KDATA | SEG_DPL3;
    gdt[GDT_USER_CODE / 8] = KCODE | SEG_DPL3;

    tss->iomap_base = sizeof(struct tss);
    tss->ist[GDT_IST_DOUBLE_FAULT - 1] =
        (uint64_t)(df_stack[cpu].stack + sizeof(df_stack[cpu].stack));
    /* Rewritten as "available" each time: ltr faults on a busy TSS. */
    set_tss_descriptor(gdt, GDT_TSS / 8, (uint64_t)tss, sizeof(struct tss) - 1);

    struct gdt_ptr ptr = {.limit = sizeof(per_cpu[cpu].gdt) - 1, .base = (uint64_t)gdt};
    __asm__ volatile("lgdt %0" ::"m"(ptr) : "memory");

    /* Data segments first, then CS by a far return to the next instruction. */
    __asm__ volatile("movw %w0, %%ds\n\t"
                     "movw %w0, %%es\n\t"
                     "movw %w0, %%ss\n\t"
                     "movw %w1, %%fs\n\t"
                     "movw %w1, %%gs" ::"r"(GDT_KERNEL_DATA),
                     "r"(0)
                     : "memory");
    __asm__ volatile("pushq %0\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:" ::"i"(GDT_KERNEL_CODE)
                     : "rax", "memory");

    __asm__ volatile("ltr %w0" ::"r"(GDT_TSS) : "memory");
}

void gdt_set_kernel_stack(vaddr_t rsp0) { per_cpu[this_cpu()->id].tss.rsp[0] = rsp0; }

vaddr_t gdt_df_stack_guard(int cpu) { return (vaddr_t)df_stack[cpu].guard; }
