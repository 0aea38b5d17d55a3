/*
 * lapic.h - each CPU's local APIC (xAPIC mode, registers in memory through
 * a kernel mapping): its id, its timer, end of interrupt, and the INIT and
 * STARTUP IPIs that wake the other CPUs. The 8259 PIC stays CPU 0's
 * interrupt controller for devices; the local APIC adds a timer per CPU.
 */
#ifndef KERNEL_DEV_LAPIC_H
#define KERNEL_DEV_LAPIC_H

#include "kernel/types.h"

#define LAPIC_TIMER_VECTOR 48    /* each CPU's timer */
#define LAPIC_SPURIOUS_VECTOR 63 /* low four bits set, as old APICs require */
/* 49-51: IPIs. TLB shootdown (mm/tlb.h, 49), wake an idle CPU or make a
 * running process look at its signals (50, proc/sched.h), run a function
 * on another CPU (51, kernel/smp.c). */
#define LAPIC_IPI_FIRST 49
#define LAPIC_IPI_LAST 51

/* Map the registers at physical pa (from the MADT). 0, or -ENOMEM. */
int lapic_map(paddr_t pa);
/* True once lapic_map succeeded. */
bool lapic_present(void);
/* The running CPU's local APIC id. */
uint32_t lapic_id(void);

/* Enable the running CPU's local APIC (spurious vector, task priority 0),
 * its error and, on the other CPUs, masked LINT0/LINT1 (the PIC's wire goes
 * to CPU 0 only). Installs the timer and spurious handlers once. */
void lapic_cpu_init(void);
/* Measure the timer against the PIT (CPU 0, interrupts on, the PIT
 * running): how many timer counts make one TIMER_HZ tick. Returns it. */
uint32_t lapic_calibrate(void);
/* Start the running CPU's timer: periodic, TIMER_HZ interrupts a second,
 * each counted in this CPU's struct cpu (ticks). */
void lapic_timer_start(void);
/* Acknowledge the interrupt being handled on this CPU. */
void lapic_eoi(void);

/* INIT, then STARTUP with the real-mode page at page_pa (below 1 MiB), to the
 * CPU with APIC id apic_id; each waits until the APIC has sent it. */
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, paddr_t page_pa);

/* A fixed interrupt with vector to the CPU with APIC id apic_id (an IPI:
 * kernel/smp.c's kick and call, mm/tlb.c's shootdown); waits until sent. */
void lapic_send_ipi(uint32_t apic_id, int vector);
/* Call fn(tf) on every timer interrupt of every CPU, after its EOI (the
 * scheduler's preemption). */
struct trapframe;
void lapic_set_tick_hook(void (*fn)(struct trapframe *tf));

/* Timer and spurious interrupts seen on all CPUs since boot. */
uint64_t lapic_spurious_count(void);

#endif
