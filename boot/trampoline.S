/*
 * trampoline.S - where every CPU but the first starts (kernel/smp.c).
 *
 * A STARTUP IPI starts a CPU in 16-bit real mode at CS:IP = (page >> 4):0,
 * so smp_init copies the code between smp_trampoline_start and
 * smp_trampoline_end to SMP_TRAMPOLINE_PA, a page below 1 MiB that the frame
 * allocator never hands out, and fills in its data words first. The CPU
 * then goes real mode -> 32-bit protected mode -> long mode on page tables
 * that map that page at its own address (identity) as well as the kernel's
 * half, jumps to smp_ap_entry in the higher half, loads the kernel's own
 * page tables and calls smp_ap_main(cpu) on its own stack.
 * Everything below runs at SMP_TRAMPOLINE_PA, so addresses are computed
 * with TRAMP(); the code is copied, never run where it is linked.
 */
#include "kernel/smp.h"

#define TRAMP(sym) ((sym) - smp_trampoline_start + SMP_TRAMPOLINE_PA)

#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18

    .section .rodata
    .balign 16
    .globl smp_trampoline_start
smp_trampoline_start:
    .code16
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    lgdtl TRAMP(tramp_gdt_ptr)
    /* CR0 as INIT left it has CD and NW set (caches off: the CPU would run
     * many times slower). Clear both, keep ET, set PE for protected mode. */
    movl %cr0, %eax
    andl $~((1 << 30) | (1 << 29)), %eax /* CD, NW: caches on, write-back */
    orl $((1 << 4) | 1), %eax           /* ET, PE */
    movl %eax, %cr0
    ljmpl $SEL_CODE32, $TRAMP(tramp32)

    .code32
tramp32:
    movw $SEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $(1 << 5), %eax                 /* PAE */
    movl %eax, %cr4
    movl TRAMP(smp_tramp_cr3), %eax     /* below 4 GiB: smp.c checks */
    movl %eax, %cr3
    movl $0xc0000080, %ecx              /* EFER: long mode, no-execute */
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16)), %eax  /* paging, and CR0.WP as on CPU 0 */
    movl %eax, %cr0
    ljmpl $SEL_CODE64, $TRAMP(tramp64)

    .code64
tramp64:
    movw $SEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    /* Read everything from this page while it is still mapped. */
    movq TRAMP(smp_tramp_stack), %rsp
    movq TRAMP(smp_tramp_kernel_cr3), %rbx
    movq TRAMP(smp_tramp_cpu), %rdi
    movq TRAMP(smp_tramp_entry), %rax
    jmp *%rax

    .balign 8
tramp_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff            /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff            /* 0x10: data */
    .quad 0x00af9a000000ffff            /* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_ptr:
    .short tramp_gdt_end - tramp_gdt - 1
    .long TRAMP(tramp_gdt)

    /* Filled in by smp.c in the copy, before each STARTUP. */
    .balign 8
    .globl smp_tramp_cr3, smp_tramp_kernel_cr3, smp_tramp_stack, smp_tramp_cpu, smp_tramp_entry
smp_tramp_cr3:          .quad 0         /* the start-up page tables (identity + kernel half) */
smp_tramp_kernel_cr3:   .quad 0         /* the kernel's own */
smp_tramp_stack:        .quad 0         /* top of this CPU's stack */
smp_tramp_cpu:          .quad 0         /* its struct cpu, smp_ap_main's argument */
smp_tramp_entry:        .quad 0         /* smp_ap_entry */
    .globl smp_trampoline_end
smp_trampoline_end:

/* In the higher half, on the start-up tables: switch to the kernel's. */
    .text
    .globl smp_ap_entry
smp_ap_entry:
    movq %rbx, %cr3
    xorl %ebp, %ebp                     /* end of the frame-pointer chain */
    call smp_ap_main                    /* never returns */
1:  cli
    hlt
    jmp 1b

    .section .note.GNU-stack, "", @progbits
