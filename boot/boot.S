/*
 * boot.S - from GRUB's 32-bit protected mode to 64-bit C in the higher half.
 *
 * GRUB enters boot_entry with paging off, EAX = Multiboot2 magic and
 * EBX = physical address of the boot information. We check the magic and the
 * CPU (long mode, NX), build bootstrap page tables that map the first 1 GiB
 * three times (identity, direct map at DIRECT_MAP_BASE, kernel image at
 * KERNEL_VMA), enable PAE, long mode, NXE, paging and CR0.WP, and call
 * kmain(mbi_paddr) on the boot stack. kmain replaces these tables with
 * ones that drop the identity map (vmm_init_kernel).
 */
#include "mm/memlayout.h"

#define MB2_BOOT_MAGIC 0x36d76289
#define PHYS(sym) ((sym) - KERNEL_VMA)
#define COM1 0x3f8

    .section .boot.text, "ax"
    .code32
    .globl boot_entry
boot_entry:
    cli
    cld
    movl $PHYS(boot_stack_top), %esp
    movl %ebx, %edi                     /* keep the boot information address */

    cmpl $MB2_BOOT_MAGIC, %eax
    je 1f
    movl $PHYS(msg_bad_magic), %esi
    jmp boot_fail32
1:
    /* Long mode and NX: CPUID leaf 0x80000001, EDX bits 29 and 20. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz no_long_mode
    testl $(1 << 20), %edx
    jnz 2f
    movl $PHYS(msg_no_nx), %esi
    jmp boot_fail32
no_long_mode:
    movl $PHYS(msg_no_lm), %esi
    jmp boot_fail32
2:
    /* Zero the four bootstrap tables (GRUB zeroes .bss, but be sure). */
    pushl %edi
    movl $PHYS(boot_pml4), %edi
    xorl %eax, %eax
    movl $(4 * 4096 / 4), %ecx
    rep stosl
    popl %edi

    /* PML4[0] and PML4[256] -> low PDPT; PML4[511] -> high PDPT. */
    movl $PHYS(boot_pdpt_low), %eax
    orl $0x3, %eax
    movl %eax, PHYS(boot_pml4)
    movl %eax, PHYS(boot_pml4) + 256 * 8
    movl $PHYS(boot_pdpt_high), %eax
    orl $0x3, %eax
    movl %eax, PHYS(boot_pml4) + 511 * 8
    /* low PDPT[0] and high PDPT[510] -> one PD of 512 2-MiB pages (1 GiB). */
    movl $PHYS(boot_pd), %eax
    orl $0x3, %eax
    movl %eax, PHYS(boot_pdpt_low)
    movl %eax, PHYS(boot_pdpt_high) + 510 * 8
    movl $PHYS(boot_pd), %ebx
    movl $0x83, %eax                    /* P | W | PS */
    movl $512, %ecx
3:  movl %eax, (%ebx)
    movl $0, 4(%ebx)
    addl $0x200000, %eax
    addl $8, %ebx
    loop 3b

    /* PAE on, CR3 = bootstrap PML4. */
    movl %cr4, %eax
    orl $(1 << 5), %eax
    movl %eax, %cr4
    movl $PHYS(boot_pml4), %eax
    movl %eax, %cr3
    /* EFER: long mode enable and no-execute enable. */
    movl $0xc0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax
    wrmsr
    /* Paging on, write-protect honoured in ring 0 (copy-on-write needs it). */
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16)), %eax
    movl %eax, %cr0

    lgdt PHYS(boot_gdt_ptr)
    ljmp $0x08, $PHYS(boot_long_mode)

/* Print the NUL-terminated string at ESI on COM1, then halt forever. */
boot_fail32:
    movw $COM1, %dx
1:  lodsb
    testb %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  cli
    hlt
    jmp 2b

    .code64
boot_long_mode:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $boot_higher_half, %rax
    jmp *%rax

    .section .text
boot_higher_half:
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp                     /* end of the frame-pointer chain */
    movl %edi, %edi                     /* zero-extend the boot info address */
    call kmain
1:  cli
    hlt
    jmp 1b

    .section .rodata
msg_bad_magic:
    .asciz "boot: not started by a Multiboot2 loader (bad magic in EAX); halting\r\n"
msg_no_lm:
    .asciz "boot: this CPU has no 64-bit long mode; halting\r\n"
msg_no_nx:
    .asciz "boot: this CPU has no NX (no-execute) bit; halting\r\n"

    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 0x08: 64-bit kernel code */
    .quad 0x00cf92000000ffff            /* 0x10: kernel data */
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)

    .section .bss
    .balign 4096
    .globl boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096
    /* An unmapped guard page sits below the boot stack once vmm_init_kernel runs. */
    .globl boot_stack_guard, boot_stack_top
boot_stack_guard: .skip 4096
boot_stack:     .skip 16384
boot_stack_top:
