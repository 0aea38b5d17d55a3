/*
 * thread.h - threads: clone, the thread ids, exit_group, TLS through the
 * FS base (arch_prctl), signals to one thread (tkill, tgkill), getcpu.
 * A thread is a struct proc slot of its own in its leader's group (see
 * proc/proc.h for what is shared and what is not).
 */
#ifndef PROC_THREAD_H
#define PROC_THREAD_H

#include "kernel/types.h"

struct proc;

/* Linux's clone flags (those this kernel knows of). */
#define CLONE_CSIGNAL 0x000000ffUL /* the exit signal (low byte) */
#define CLONE_VM 0x00000100UL
#define CLONE_FS 0x00000200UL
#define CLONE_FILES 0x00000400UL
#define CLONE_SIGHAND 0x00000800UL
#define CLONE_PIDFD 0x00001000UL
#define CLONE_PTRACE 0x00002000UL
#define CLONE_VFORK 0x00004000UL
#define CLONE_PARENT 0x00008000UL
#define CLONE_THREAD 0x00010000UL
#define CLONE_NEWNS 0x00020000UL
#define CLONE_SYSVSEM 0x00040000UL
#define CLONE_SETTLS 0x00080000UL
#define CLONE_PARENT_SETTID 0x00100000UL
#define CLONE_CHILD_CLEARTID 0x00200000UL
#define CLONE_DETACHED 0x00400000UL
#define CLONE_UNTRACED 0x00800000UL
#define CLONE_CHILD_SETTID 0x01000000UL

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

/* p's user FS base: the live register when p is the running thread. */
uint64_t thread_fs_base(struct proc *p);
/* The scheduler's hooks: load p's FS base before it runs; save it when it
 * stops running (the user may have changed it with a segment load). */
void thread_switch_in(struct proc *p);
void thread_switch_out(struct proc *p);
/* A new thread's or process's first run (on its own memory): CLONE_CHILD_SETTID. */
void thread_first_run(struct proc *p);
/* The current thread p is ending: CLONE_CHILD_CLEARTID's 0 and futex wake
 * (an address that cannot be written is ignored, as Linux). */
void thread_exit_notify(struct proc *p);
/*
 * execve from a thread of a multi-threaded process (Linux's de_thread):
 * ends every other thread of the group and waits until they are gone; the
 * caller, if not the leader, then takes the leader's place (its pid as tid,
 * parent, children, files and the rest of the group's state). Returns 0, or
 * -EINTR-like -ERESTARTNOINTR if the caller itself was killed meanwhile.
 */
int thread_exec_alone(void);

long sys_clone(long flags, long newsp, long parent_tid, long child_tid, long tls);
long sys_exit_group(long status);
long sys_gettid(void);
long sys_set_tid_address(long tidptr);
long sys_arch_prctl(long code, long addr);
long sys_tkill(long tid, long sig);
long sys_tgkill(long tgid, long tid, long sig);
long sys_getcpu(long ucpu, long unode, long unused);

#endif
