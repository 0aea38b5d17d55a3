/*
 * gdt.h - the segment selectors of the GDT and the task state segment.
 *
 * The order of the descriptors is fixed by syscall/sysret: with
 * STAR[63:48] = GDT_KERNEL_DATA, sysretq loads SS = 0x18|3 (user data) and
 * CS = 0x20|3 (64-bit user code), so user data sits right below user code.
 */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H

#define GDT_KERNEL_CODE 0x08 /* 64-bit code, DPL 0 */
#define GDT_KERNEL_DATA 0x10 /* data, DPL 0 */
#define GDT_USER_DATA 0x18   /* data, DPL 3 (use with RPL 3: 0x1b) */
#define GDT_USER_CODE 0x20   /* 64-bit code, DPL 3 (use with RPL 3: 0x23) */
#define GDT_TSS 0x28         /* 64-bit TSS, a 16-byte descriptor */

#define GDT_USER_DATA_SEL (GDT_USER_DATA | 3)
#define GDT_USER_CODE_SEL (GDT_USER_CODE | 3)

#define GDT_IST_DOUBLE_FAULT 1 /* IST slot the double-fault gate switches to */

#ifndef __ASSEMBLER__
#include "kernel/types.h"

/*
 * Load the kernel's GDT (at its higher-half address), reload every segment
 * register (CS by a far return) and load the task register. Call once, early,
 * before trap_init. Afterwards IST1 points at the double-fault stack and
 * RSP0 is 0 until gdt_set_kernel_stack is called. FS and GS get the null
 * selector, which may clear their bases: write MSR_GS_BASE after this.
 */
void gdt_init(void);
/* The same for CPU number cpu (0 = the boot CPU, gdt_init), with its own
 * GDT, TSS and double-fault stack; run on that CPU. */
void gdt_init_cpu(int cpu);

/*
 * Set the running CPU's TSS.RSP0, the stack it switches to on an interrupt
 * or exception from ring 3. The scheduler calls this on every switch to a
 * process.
 */
void gdt_set_kernel_stack(vaddr_t rsp0);

/*
 * The page below CPU number cpu's double-fault stack. It is mapped like the
 * rest of .bss until the vmm unmaps it, which turns an overflow of that stack
 * into a fault.
 */
vaddr_t gdt_df_stack_guard(int cpu);
#endif

#endif
