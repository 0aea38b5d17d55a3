/*
 * clone.S - the two thread steps C cannot take (numbers from
 * kernel/sysnum.h, checked in pthread.c: clone 97, munmap 33, exit 2):
 * __cowos_clone(flags, stack, ptid, ctid, tls, fn, arg) makes a task that
 * starts on `stack` and calls fn(arg), then exits with its result (SYS_exit:
 * this task only); the caller gets the raw answer (tid or -errno).
 * __cowos_unmap_exit(map, len) unmaps a detached thread's own stack and
 * ends the thread without touching that stack again.
 */
    .text
    .globl __cowos_clone
    .type __cowos_clone, @function
__cowos_clone:
    movq 8(%rsp), %rax          /* arg (the seventh argument) */
    andq $-16, %rsi
    subq $16, %rsi              /* fn and arg ride on the child's stack */
    movq %r9, (%rsi)
    movq %rax, 8(%rsi)
    movq %rcx, %r10             /* ctid: the kernel's fourth argument */
    movl $97, %eax
    syscall
    testq %rax, %rax
    jz 1f
    ret                         /* the caller: tid, or -errno */
1:  .cfi_startproc              /* the child, on its own stack */
    .cfi_undefined rip          /* outermost frame: debuggers stop here */
    xorl %ebp, %ebp
    popq %rax                   /* fn */
    popq %rdi                   /* arg; rsp is 16-byte aligned again */
    call *%rax
    movl %eax, %edi
    movl $2, %eax               /* SYS_exit: this thread only */
    syscall
    ud2
    .cfi_endproc
    .size __cowos_clone, . - __cowos_clone

    .globl __cowos_unmap_exit
    .type __cowos_unmap_exit, @function
__cowos_unmap_exit:
    testq %rdi, %rdi
    jz 1f
    movl $33, %eax              /* munmap(map, len): our own stack goes */
    syscall
1:  xorl %edi, %edi
    movl $2, %eax               /* SYS_exit(0) */
    syscall
    ud2
    .size __cowos_unmap_exit, . - __cowos_unmap_exit

    .section .note.GNU-stack, "", @progbits
