/*
 * sched.h - round-robin scheduling of the process table on every CPU.
 *
 * Each CPU's scheduler runs on that CPU's boot stack as its own thread: it
 * picks the next RUNNABLE process (preferring those that last ran on this
 * CPU), switches to it, and gets control back when that process yields,
 * sleeps or exits. With nothing to run it halts the CPU with interrupts on
 * and klock released (the only place in the kernel where interrupts are
 * enabled; user mode is the other). See sched.c for the locking.
 */
#ifndef PROC_SCHED_H
#define PROC_SCHED_H

#include "kernel/types.h"

struct trapframe;
struct proc;

/* Run processes forever on this CPU: kmain on CPU 0 once pid 1 exists,
 * each other CPU once sched_started() (kernel/smp.c). */
__noreturn void sched_run(void);
/* A new process or thread p starts out as if it had last run on this CPU
 * (klock held): no IPI; an idle CPU takes it if this one stays busy. */
void sched_place_new(struct proc *p);
/* Has CPU 0 started scheduling? */
bool sched_started(void);
/* p has just become RUNNABLE (klock held): wake its last CPU with an IPI if
 * that one is idle (any idle CPU for one that never ran). Or p is
 * RUNNING on another CPU and has a signal to see: the IPI interrupts it
 * (in user mode it enters the kernel, which delivers the signal). */
struct proc;
void sched_kick(struct proc *p);
/* Wake one idle CPU other than this one, if any (klock held), to look for
 * work now rather than at its next tick: a new thread's creator goes on
 * running, so an idle CPU should take the thread at once. */
void sched_kick_idle(void);
/* Each CPU's local APIC timer hook: preempts a process interrupted in user
 * mode once its time slice is used. */
void sched_cpu_tick(struct trapframe *tf);
/* Switches to a process that last ran on another CPU, all CPUs. */
uint64_t sched_migrations(void);
#define SCHED_KICK_VECTOR 50 /* the IPI that wakes an idle CPU (kernel/dev/lapic.h) */
/* Give up the CPU: a RUNNING caller stays RUNNABLE; a caller that set
 * itself SLEEPING or ZOMBIE first is not picked again until woken. */
void sched_yield(void);
/* The PIT's hook (CPU 0): wakes nanosleep sleepers and delivers alarms;
 * preempts as sched_cpu_tick too when there are no local APIC timers. */
void sched_tick(struct trapframe *tf);
/* Context switches so far, all CPUs (for statistics). */
uint64_t sched_switches(void);

#define SCHED_SLICE_TICKS 2 /* 20 ms at 100 Hz */

long sys_sched_yield(void);
long sys_nanosleep(long ureq, long urem);
long sys_uptime_ms(void);
long sys_restart_syscall(void);

#endif
