/*
 * sched.h - round-robin scheduling of the process table on one CPU.
 *
 * The scheduler runs on the boot stack as its own thread: it picks the next
 * RUNNABLE process after the last one it ran, switches to it, and gets
 * control back when that process yields, sleeps or exits. With nothing to
 * run it halts the CPU with interrupts on (the only place in the kernel where
 * interrupts are enabled; user mode is the other).
 */
#ifndef PROC_SCHED_H
#define PROC_SCHED_H

#include "kernel/types.h"

struct trapframe;

/* Run processes forever. Called once by kmain after pid 1 exists. */
__noreturn void sched_run(void);
/* Give up the CPU: a RUNNING caller stays RUNNABLE; a caller that set
 * itself SLEEPING or ZOMBIE first is not picked again until woken. */
void sched_yield(void);
/* The timer hook: preempts a process interrupted in user mode once its
 * time slice (SCHED_SLICE_TICKS) is used, and wakes nanosleep sleepers. */
void sched_tick(struct trapframe *tf);
/* Context switches so far (for statistics). */
uint64_t sched_switches(void);

#define SCHED_SLICE_TICKS 2 /* 20 ms at 100 Hz */

long sys_sched_yield(void);
long sys_nanosleep(long ureq, long urem);
long sys_uptime_ms(void);
long sys_restart_syscall(void);

#endif
