/*
 * crt0.S - the program entry point _start (the ELF e_entry).
 * The kernel enters with rsp 16-byte aligned pointing at argc, followed by
 * argv[0..argc-1], NULL, then envp (NULL-terminated). We read them from the
 * stack (rdi/rsi also hold argc/argv, but the stack is the Linux contract),
 * clear rbp so backtraces stop here, and call __cowos_start, which never
 * returns.
 */
    .text
    .globl _start
    .type _start, @function
_start:
    .cfi_startproc
    .cfi_undefined rip          /* outermost frame: debuggers stop here */
    xor %ebp, %ebp
    mov (%rsp), %rdi            /* argc */
    lea 8(%rsp), %rsi           /* argv */
    lea 8(%rsi,%rdi,8), %rdx    /* envp = &argv[argc + 1] */
    and $-16, %rsp              /* the ABI wants rsp % 16 == 0 before a call */
    call __cowos_start
    ud2                         /* __cowos_start does not return */
    .cfi_endproc
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
