/*
 * cpu.h - the per-CPU block (struct cpu) that GS points at while in the
 * kernel, one per CPU: cpu0 is the boot CPU, the others belong to
 * kernel/smp.c. Each CPU only ever writes its own block, except `online`
 * and `apic_id`, which smp.c sets while bringing the CPU up.
 * The syscall entry (kernel/syscallentry.S) and the way back to user mode
 * (kernel/trapentry.S) reach the block through %gs, so the offsets of the
 * first fields are fixed and shared with the assembly.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#define CPU_KERNEL_RSP 0  /* offset of kernel_rsp */
#define CPU_USER_RSP 8    /* offset of user_rsp */
#define CPU_SELF 24       /* offset of self */
#define CPU_LOCKS_HELD 32 /* offset of locks_held */

#define CPU_MAX 8          /* CPUs the kernel starts at most */
#define CPU_HELD_LOCKS_MAX 8 /* spinlocks one CPU may hold at once */

#ifndef __ASSEMBLER__
#include "kernel/types.h"

struct proc;
struct spinlock;

struct cpu {
    uint64_t kernel_rsp;  /* top of the current process's kernel stack */
    uint64_t user_rsp;    /* user rsp, parked here by the syscall entry */
    struct proc *current; /* the process running here, NULL in the scheduler (CPU 0 only so far) */
    struct cpu *self;     /* this block, so %gs:CPU_SELF gives its address */
    int32_t locks_held;   /* spinlocks held now (kernel/spinlock.c) */
    int32_t irq_depth;    /* nesting of spin_irq_push */
    bool irq_were_on;     /* interrupts were on before the outermost spin_irq_push */
    int id;               /* 0 for the boot CPU, then 1, 2, ... in MADT order */
    uint32_t apic_id;     /* its local APIC's id */
    volatile bool online; /* set by the CPU itself once it runs its idle loop */
    volatile uint64_t ticks; /* its local APIC timer's interrupts since it started */
    const struct spinlock *held[CPU_HELD_LOCKS_MAX]; /* the locks it holds, in order taken */
};

_Static_assert(__builtin_offsetof(struct cpu, kernel_rsp) == CPU_KERNEL_RSP, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, self) == CPU_SELF, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, locks_held) == CPU_LOCKS_HELD, "cpu layout");

/* The boot CPU's block. */
extern struct cpu cpu0;

/* The block of the CPU running this code (through %gs; valid from
 * cpu_set_block on, and in the kernel only: user mode has its own GS). */
static inline struct cpu *this_cpu(void)
{
    struct cpu *c;
    __asm__ volatile("movq %%gs:%c1, %0" : "=r"(c) : "i"(CPU_SELF));
    return c;
}

/* Make c the running CPU's block: c->self and c->id, GS_BASE = c and
 * KERNEL_GS_BASE = 0 (the user's). Call right after gdt_init / gdt_init_cpu,
 * which load a null GS selector, and before anything takes a spinlock. */
void cpu_set_block(struct cpu *c, int id);
/* Enable syscall/sysret with the kernel's entry point, and SMEP and SMAP
 * when the CPU has them, on the running CPU. */
void cpu_init(void);
/* Save/restore x87+SSE state; enable it (on the running CPU). */
void cpu_fpu_init(void);
static inline void cpu_fxsave(void *area) { __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory"); }
static inline void cpu_fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory"); }
#endif

#endif
