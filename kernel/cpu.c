/*
 * cpu.c - per-CPU state (GS base), the syscall MSRs, SMEP/SMAP, and the
 * FPU/SSE unit, set up on each CPU as it starts: the boot CPU from kmain,
 * the others from kernel/smp.c. Each function acts on the running CPU only.
 */
#include "kernel/cpu.h"
#include "kernel/gdt.h"
#include "kernel/x86.h"

struct cpu cpu0;

extern char syscall_entry[];

#define CR0_MP (1UL << 1)
#define CR0_EM (1UL << 2)
#define CR0_TS (1UL << 3)
#define CR0_NE (1UL << 5)
#define RFLAGS_TF (1UL << 8)
#define RFLAGS_DF (1UL << 10)
#define RFLAGS_NT (1UL << 14)
#define RFLAGS_AC (1UL << 18)

/* SMEP (no executing user pages in ring 0) and SMAP (no touching them outside
 * stac/clac) when the CPU has them: the kernel reaches user memory only
 * through the direct map (mm/uaccess.c), so neither ever needs an exception. */
static void enable_smep_smap(void)
{
    uint32_t a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    if (a < 7)
        return;
    cpuid(7, 0, &a, &b, &c, &d);
    uint64_t cr4 = read_cr4();
    if (b & (1u << 7))
        cr4 |= CR4_SMEP;
    if (b & (1u << 20))
        cr4 |= CR4_SMAP;
    write_cr4(cr4);
}

void cpu_set_block(struct cpu *c, int id)
{
    c->self = c;
    c->id = id;
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void cpu_init(void)
{
    enable_smep_smap();
    /* syscall: CS = 0x08, SS = 0x10; sysret would use 0x20|3 and 0x18|3. */
    wrmsr(MSR_STAR, ((uint64_t)GDT_KERNEL_DATA << 48) | ((uint64_t)GDT_KERNEL_CODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void cpu_fpu_init(void)
{
    write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    __asm__ volatile("fninit");
}
