/*
 * syscall.h - the system-call table and its dispatcher.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

struct trapframe;

/* Enable the `syscall` instruction (MSRs) with kernel/syscallentry.S as entry. */
void syscall_init(void);
/* Run system call tf->rax with the arguments in tf, put the result in tf->rax,
 * then act on pending signals. Called by the entry stub. */
void syscall_dispatch(struct trapframe *tf);

long sys_sysconf(long name);
long sys_poweroff(long status);

#endif
