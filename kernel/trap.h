/*
 * trap.h - the register frame saved on every interrupt, exception and system
 * call, and the dispatch of vectors to handlers.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include "kernel/types.h"

/* Pushed by kernel/trapentry.S (general registers) and the CPU (rip..ss).
 * The layout is shared with the assembly; change both together. */
struct trapframe {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector; /* 0-31 exceptions, 32-47 IRQs 0-15, 48-63 local APIC */
    uint64_t error;  /* the CPU's error code, or 0 */
    uint64_t rip, cs, rflags, rsp, ss;
};

#define T_DIVIDE 0
#define T_DEBUG 1
#define T_NMI 2
#define T_BRKPT 3
#define T_OFLOW 4
#define T_BOUND 5
#define T_ILLOP 6
#define T_DEVICE 7
#define T_DBLFLT 8
#define T_TSS 10
#define T_SEGNP 11
#define T_STACK 12
#define T_GPFLT 13
#define T_PGFLT 14
#define T_FPERR 16
#define T_ALIGN 17
#define T_MCHK 18
#define T_SIMDERR 19
#define T_IRQ0 32 /* IRQ n arrives on vector T_IRQ0 + n */
#define IRQ_TIMER 0
#define IRQ_COM1 4

typedef void (*trap_handler_t)(struct trapframe *tf);

/* Load the IDT with entry stubs for vectors 0-63 (the double fault on IST1). */
void trap_init(void);
/* Route a vector to a handler. An exception with no handler panics. */
void trap_set_handler(int vector, trap_handler_t h);
/* The name of an exception vector ("page fault"), or "interrupt". */
const char *trap_name(uint64_t vector);
/* True if tf was saved while running in ring 3. */
static inline bool trap_from_user(const struct trapframe *tf) { return (tf->cs & 3) == 3; }

#endif
