/*
 * switch.S - the context switch: save one kernel thread's callee-saved
 * registers on its stack, load another's. Everything else (caller-saved
 * registers, user registers in the trapframe) is already saved by the C
 * calling convention or by the trap entry.
 */

/*
 * void switch_to(uint64_t *save_rsp, uint64_t new_rsp)
 * Pushes rbp rbx r12-r15, stores rsp in *save_rsp, loads new_rsp and pops the
 * other thread's registers: `ret` continues wherever that thread called
 * switch_to (or at switch_first_return for a new process).
 */
    .text
    .globl switch_to
switch_to:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/*
 * A new process's kernel stack is built (proc_alloc) so that its first
 * switch_to "returns" here with RSP at its trapframe: leave the scheduler's
 * bookkeeping to C, then go out to user mode through trap_return.
 */
    .globl switch_first_return
switch_first_return:
    call sched_first_run
    jmp trap_return

    .section .note.GNU-stack, "", @progbits
