/*
 * cpu.h - the per-CPU block that GS points at while in the kernel.
 * The syscall entry (kernel/syscallentry.S) reaches it through %gs before it
 * has a stack, so the field offsets are fixed and shared with the assembly.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#define CPU_KERNEL_RSP 0 /* offset of kernel_rsp */
#define CPU_USER_RSP 8   /* offset of user_rsp */

#ifndef __ASSEMBLER__
#include "kernel/types.h"

struct proc;

struct cpu {
    uint64_t kernel_rsp; /* top of the current process's kernel stack */
    uint64_t user_rsp;   /* user rsp, parked here by the syscall entry */
    struct proc *current;
};

/* The one CPU. */
extern struct cpu cpu0;

/* Point GS_BASE at cpu0 (KERNEL_GS_BASE is the user's, 0) and enable
 * syscall/sysret with the kernel's entry point. */
void cpu_init(void);
/* Save/restore x87+SSE state; enable it at boot. */
void cpu_fpu_init(void);
static inline void cpu_fxsave(void *area) { __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory"); }
static inline void cpu_fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory"); }
#endif

#endif
