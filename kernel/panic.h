/*
 * panic.h - stopping the kernel when one of its own invariants is broken.
 * Never for anything a user program can cause.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "kernel/types.h"

struct trapframe;

/*
 * Print "panic: <message>", the registers of the caller, a backtrace with
 * function names, then end QEMU with QEMU_EXIT_PANIC (or halt forever when
 * there is no isa-debug-exit device). Messages read "function: reason".
 */
__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The panic screen for an unexpected exception in kernel mode: vector name,
 * error code, CR2 for page faults, every register, backtrace from tf. */
__noreturn void panic_trap(const struct trapframe *tf);

/* Panic with the expression text, file and line if cond is false. */
#define KASSERT(cond)                                                                          \
    do {                                                                                       \
        if (!(cond))                                                                           \
            panic("%s: assertion failed: %s (%s:%d)", __func__, #cond, __FILE__, __LINE__);   \
    } while (0)

#endif
