/*
 * syscallentry.S - the `syscall` instruction lands here (MSR_LSTAR).
 *
 * The CPU has put the user rip in rcx and rflags in r11, cleared the flags in
 * MSR_FMASK (IF among them) and changed nothing else: rsp is still the user's.
 * We swapgs to reach cpu0, park the user rsp, switch to the process's kernel
 * stack, and build the same struct trapframe an interrupt from ring 3 would
 * (vector SYSCALL_VECTOR), so the way out is trap_return's iretq: the return
 * address is never trusted to sysretq (see X86-NOTES.md on CVE-2012-0217).
 */

#include "kernel/trapframe.inc"
#include "kernel/cpu.h"

#define USER_CS (0x20 | 3)
#define USER_SS (0x18 | 3)
#define SYSCALL_VECTOR 128

    .text
    .globl syscall_entry
syscall_entry:
    swapgs
    movq %rsp, %gs:CPU_USER_RSP
    movq %gs:CPU_KERNEL_RSP, %rsp
    pushq $USER_SS
    pushq %gs:CPU_USER_RSP
    pushq %r11                      /* user rflags */
    pushq $USER_CS
    pushq %rcx                      /* user rip */
    pushq $0                        /* error code */
    pushq $SYSCALL_VECTOR
    PUSH_TRAPFRAME_REGS
    cld
    xorl %ebp, %ebp                 /* backtraces stop at the user boundary */
    movq %rsp, %rdi
    call syscall_dispatch
    jmp trap_return                 /* swapgs (saved CS is ring 3) and iretq */

    .section .note.GNU-stack, "", @progbits
