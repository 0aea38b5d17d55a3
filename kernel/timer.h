/*
 * timer.h - the periodic tick from PIT channel 0 on IRQ 0.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "kernel/types.h"

#define TIMER_HZ 100 /* ticks per second */

struct trapframe;

/* Program the PIT for TIMER_HZ, install the IRQ 0 handler and unmask it.
 * Needs trap_init first; ticks start counting once interrupts are enabled. */
void timer_init(void);
/* Ticks since timer_init (wraps after 5 billion years). */
uint64_t timer_ticks(void);
/*
 * Call fn(tf) on every tick, after the count is incremented, with interrupts
 * off and the PIC already acknowledged (so fn may switch to another thread).
 * NULL removes the hook. Meant for the scheduler's preemption.
 */
void timer_set_tick_hook(void (*fn)(struct trapframe *tf));

#endif
