/*
 * cpu.h - the per-CPU block (struct cpu) that GS points at while in the
 * kernel, one per CPU: cpu0 is the boot CPU, the others belong to
 * kernel/smp.c. Each CPU only ever writes its own block, except `online`
 * and `apic_id`, which smp.c sets while bringing the CPU up. Others read
 * `idle`, `current` and `vs` under klock, and the counters (summed on read).
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
#define CPU_KLOCK_HELD 40 /* offset of klock_held */

#define CPU_MAX 8          /* CPUs the kernel starts at most */
#define CPU_HELD_LOCKS_MAX 8 /* spinlocks one CPU may hold at once */
#define CPU_TLB_BATCH_MAX 16 /* pages a TLB batch lists before it flushes all */

#ifndef __ASSEMBLER__
#include "kernel/types.h"

struct proc;
struct spinlock;
struct vmspace;

struct cpu {
    uint64_t kernel_rsp;  /* top of the current process's kernel stack */
    uint64_t user_rsp;    /* user rsp, parked here by the syscall entry */
    struct proc *current; /* the process running here, NULL in this CPU's scheduler */
    struct cpu *self;     /* this block, so %gs:CPU_SELF gives its address */
    int32_t locks_held;   /* spinlocks held now (kernel/spinlock.c) */
    int32_t irq_depth;    /* nesting of spin_irq_push */
    int32_t klock_held;   /* 1 while this CPU holds the big kernel lock (kernel/klock.c) */
    bool irq_were_on;     /* interrupts were on before the outermost spin_irq_push */
    int id;               /* 0 for the boot CPU, then 1, 2, ... in MADT order */
    uint32_t apic_id;     /* its local APIC's id */
    volatile bool online; /* set by the CPU itself once it runs its idle loop */
    volatile bool idle;   /* halting in its scheduler with nothing to run (a wakeup kicks it) */
    volatile uint64_t ticks; /* its local APIC timer's interrupts since it started */
    const struct spinlock *held[CPU_HELD_LOCKS_MAX]; /* the locks it holds, in order taken */
    uintptr_t held_pc[CPU_HELD_LOCKS_MAX]; /* where each was taken (the lock-order checker) */

    /* The scheduler (proc/sched.c), this CPU's own thread. */
    uint64_t scheduler_rsp; /* its saved stack pointer while a process runs */
    int last_slot;          /* round-robin position in the process table */
    uint64_t slice_ticks;   /* timer ticks the current process has used */

    /* Address space and TLB (mm/vmm.c, mm/tlb.c). */
    struct vmspace *vs;     /* the space in CR3 (NULL: the kernel's) */
    uint64_t kernel_gen;    /* the kernel-mapping generation this CPU's TLB has caught up with */
    struct vmspace *batch_vs; /* an open shootdown batch (tlb_batch_begin), or NULL */
    int batch_pages;        /* pages listed in it (> CPU_TLB_BATCH_MAX: flush all) */
    vaddr_t batch_va[CPU_TLB_BATCH_MAX];

    /* Counters, each written by this CPU only and summed on read. */
    uint64_t switches;          /* context switches to a process */
    uint64_t migrations;        /* ... to one that last ran on another CPU */
    uint64_t klock_acquisitions, klock_contended, klock_spin_cycles;
    uint64_t tlb_shootdowns;    /* shootdowns this CPU started */
    uint64_t tlb_ipis;          /* IPIs it sent for them */
    uint64_t tlb_pages_flushed; /* pages it invalidated for others' shootdowns */
    uint64_t tlb_full_flushes;  /* whole-TLB flushes it did for others' shootdowns */
    uint64_t tlb_wait_cycles;   /* TSC cycles it waited for acknowledgments */
    uint64_t tlb_kernel_flushes; /* catch-ups with kernel mappings removed (tlb_kernel_sync) */
};

_Static_assert(__builtin_offsetof(struct cpu, kernel_rsp) == CPU_KERNEL_RSP, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, self) == CPU_SELF, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, locks_held) == CPU_LOCKS_HELD, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, klock_held) == CPU_KLOCK_HELD, "cpu layout");

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
