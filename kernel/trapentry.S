/*
 * trapentry.S - the first and last instructions of every interrupt and
 * exception (vectors 0-63): build a struct trapframe (kernel/trap.h) on the
 * stack, call trap_dispatch(tf), then restore it and iretq.
 * Invariants: swapgs runs exactly once on entry and once on exit, and only
 * when the saved CS has RPL 3; trap_dispatch is called with RSP 16-byte aligned;
 * no spinlock is held when it returns to ring 3 (spin_check_user_return),
 * and klock is released on the way there (klock_user_return).
 */

#include "kernel/cpu.h"
#include "kernel/trapframe.inc"

/* Offsets into struct trapframe; trap.c checks them with _Static_assert. */
#define TF_RBP 64
#define TF_VECTOR 120
#define TF_RIP 136
#define TF_CS 144
#define TF_SIZE 176

/*
 * One stub per vector. The CPU pushes an error code for some exceptions only;
 * the others push a 0 so that every frame has the same shape. Each stub also
 * appends its address to trap_stubs (in .rodata) for trap_init's IDT.
 */
.macro TRAP_STUB vec, cpu_pushes_error
    .balign 16
trap_stub_\vec:
    .if \cpu_pushes_error == 0
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
    .pushsection .rodata
    .quad trap_stub_\vec
    .popsection
.endm

    .section .rodata
    .balign 8
    .globl trap_stubs
trap_stubs:                         /* uint64_t trap_stubs[64] */

    .text
    /* Exceptions 0-31. Error codes: 8, 10-14, 17, 21, 29, 30. */
    TRAP_STUB 0, 0
    TRAP_STUB 1, 0
    TRAP_STUB 2, 0
    TRAP_STUB 3, 0
    TRAP_STUB 4, 0
    TRAP_STUB 5, 0
    TRAP_STUB 6, 0
    TRAP_STUB 7, 0
    TRAP_STUB 8, 1
    TRAP_STUB 9, 0
    TRAP_STUB 10, 1
    TRAP_STUB 11, 1
    TRAP_STUB 12, 1
    TRAP_STUB 13, 1
    TRAP_STUB 14, 1
    TRAP_STUB 15, 0
    TRAP_STUB 16, 0
    TRAP_STUB 17, 1
    TRAP_STUB 18, 0
    TRAP_STUB 19, 0
    TRAP_STUB 20, 0
    TRAP_STUB 21, 1
    TRAP_STUB 22, 0
    TRAP_STUB 23, 0
    TRAP_STUB 24, 0
    TRAP_STUB 25, 0
    TRAP_STUB 26, 0
    TRAP_STUB 27, 0
    TRAP_STUB 28, 0
    TRAP_STUB 29, 1
    TRAP_STUB 30, 1
    TRAP_STUB 31, 0
    /* IRQs 0-15 from the remapped 8259 PICs. */
    TRAP_STUB 32, 0
    TRAP_STUB 33, 0
    TRAP_STUB 34, 0
    TRAP_STUB 35, 0
    TRAP_STUB 36, 0
    TRAP_STUB 37, 0
    TRAP_STUB 38, 0
    TRAP_STUB 39, 0
    TRAP_STUB 40, 0
    TRAP_STUB 41, 0
    TRAP_STUB 42, 0
    TRAP_STUB 43, 0
    TRAP_STUB 44, 0
    TRAP_STUB 45, 0
    TRAP_STUB 46, 0
    TRAP_STUB 47, 0
    /* 48-63: each CPU's local APIC (timer, spurious; IPIs later). */
    TRAP_STUB 48, 0
    TRAP_STUB 49, 0
    TRAP_STUB 50, 0
    TRAP_STUB 51, 0
    TRAP_STUB 52, 0
    TRAP_STUB 53, 0
    TRAP_STUB 54, 0
    TRAP_STUB 55, 0
    TRAP_STUB 56, 0
    TRAP_STUB 57, 0
    TRAP_STUB 58, 0
    TRAP_STUB 59, 0
    TRAP_STUB 60, 0
    TRAP_STUB 61, 0
    TRAP_STUB 62, 0
    TRAP_STUB 63, 0

/*
 * Stack on arrival, from RSP up: vector, error, then the CPU's rip, cs,
 * rflags, rsp, ss. The CPU has aligned RSP to 16 before pushing, so the
 * finished 176-byte trapframe starts 16-byte aligned.
 */
    .balign 16
trap_common:
    /* Known kernel flags (the interrupted ones are saved in the iret frame):
     * above all AC clear, or a program that set it would switch SMAP off for
     * the handler. Interrupt gates clear IF and TF, not AC or DF. */
    pushq $2
    popfq
    testb $3, 24(%rsp)              /* saved CS: from ring 3? */
    jz 1f
    swapgs
1:
    /* General registers in reverse order of struct trapframe. */
    PUSH_TRAPFRAME_REGS
    cld                             /* C code expects DF = 0 */

    /*
     * A frame-pointer record {saved rbp, return address} = {interrupted rbp,
     * interrupted rip}, so a backtrace from a handler walks through the trap
     * into the interrupted code. From ring 3 the chain ends here (rbp 0).
     */
    testb $3, TF_CS(%rsp)
    jz 2f
    xorl %ebp, %ebp
2:
    pushq TF_RIP(%rsp)
    pushq %rbp
    movq %rsp, %rbp

    leaq 16(%rsp), %rdi             /* struct trapframe *tf */
    andq $-16, %rsp                 /* already aligned; kept as a guarantee */
    call trap_dispatch
    /* The backtrace knows a frame returning here sits on a trapframe. */
    .globl trap_dispatch_return
trap_dispatch_return:
    leaq 16(%rbp), %rsp             /* back to the trapframe */

/*
 * trap_return: with RSP pointing at a struct trapframe, restore it and
 * return to where it says (kernel or user). Also the first return to user
 * space of a new process, whose kernel stack is built to end in a trapframe.
 */
    .globl trap_return
trap_return:
    /* No spinlock may be held on the way out to user mode: one compare on
     * this CPU's count (GS is still the kernel's), the report off the path. */
    testb $3, TF_CS(%rsp)
    jz 4f
    cmpl $0, %gs:CPU_KLOCK_HELD      /* the big kernel lock goes first (klock.h) */
    je 5f
    call klock_user_return
5:
    cmpl $0, %gs:CPU_LOCKS_HELD
    je 4f
    call spin_check_user_return     /* RSP is 16-aligned: it points at the trapframe */
4:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp                  /* vector and error code */
    testb $3, 8(%rsp)               /* CS of the iret frame: back to ring 3? */
    jz 3f
    swapgs
3:
    iretq

    .section .note.GNU-stack, "", @progbits
