/*
 * vfork.S - vfork(). The child runs on this very stack until it execs or
 * exits, and its calls overwrite what lies below the stack pointer; so the
 * return address is kept in a register (rdx, which the kernel restores for
 * both) across the system call, never left on the stack for the parent.
 * The number is SYS_vfork of kernel/sysnum.h (checked in unistd.c).
 */
    .text
    .globl vfork
    .type vfork, @function
vfork:
    popq %rdx
    movl $96, %eax
    syscall
    pushq %rdx
    cmpq $-4095, %rax
    jae 1f
    ret
1:  movq %rax, %rdi          /* errno is thread-local: C sets it */
    jmp __cowos_syscall_error
    .size vfork, . - vfork

    .section .note.GNU-stack, "", @progbits
