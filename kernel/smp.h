/*
 * smp.h - bringing up every CPU: found in the ACPI MADT, started through the
 * real-mode trampoline (boot/trampoline.S), each on its own GDT, TSS, stack
 * and struct cpu, with its local APIC timer running. Once CPU 0 starts
 * scheduling, every CPU runs processes (proc/sched.c).
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

/* The page below 1 MiB the trampoline is copied to (STARTUP vector 0x08).
 * The frame allocator never hands out memory below 1 MiB (mm/pmm.c). */
#define SMP_TRAMPOLINE_PA 0x8000

#ifndef __ASSEMBLER__
#include "kernel/cpu.h"
#include "kernel/dev/acpi.h"
#include "kernel/types.h"

struct boot_info;

/*
 * Read the MADT from GRUB's RSDP, start the local APIC and its timer on
 * CPU 0, then start every other CPU it lists and wait for each to come
 * online. A missing or broken table, or a CPU that does not answer, is one
 * console line and the kernel goes on without it. Call on CPU 0 with
 * interrupts on and the PIT ticking (it times the start-up with it), after
 * the frame allocator and the kernel page tables exist. Prints one line
 * with the CPUs online.
 */
void smp_init(const struct boot_info *bi);

/* CPUs online (1 before smp_init or when it found no other), and the block
 * of CPU number id (0 <= id < smp_cpu_count()). */
int smp_cpu_count(void);
struct cpu *smp_cpu(int id);

/*
 * Run fn(arg) on CPU cpu (not this one) from an IPI handler there
 * (interrupts off, no klock), and wait until it has returned. For the
 * kernel tests: the caller must not hold klock. 0, or -1 if there is no
 * such other CPU.
 */
int smp_run_on(int cpu, void (*fn)(void *), void *arg);

/* The MADT as smp_init read it (ncpus 0 if it could not), for the tests. */
const struct acpi_madt *smp_madt(void);

#endif

#endif
