/*
 * signal.h - POSIX signals: sending, blocking, handlers and their frames on
 * the user stack, default actions (terminate, terminate with core, ignore,
 * stop, continue), and the system calls of the sigaction family. The
 * numbers and the frame layout are Linux's (kernel/signum.h, shared with the
 * user library); the per-process state lives in struct proc (proc/proc.h).
 */
#ifndef PROC_SIGNAL_H
#define PROC_SIGNAL_H

#include "kernel/signum.h"
#include "kernel/types.h"

struct proc;
struct trapframe;

/* Kernel-internal results of a system call a signal interrupted (Linux's
 * values; never seen by a program): signal_deliver turns them into -EINTR
 * or restarts the call, as Linux does. */
#define ERESTARTSYS 512           /* EINTR after a handler, unless SA_RESTART */
#define ERESTARTNOINTR 513        /* always restarted */
#define ERESTARTNOHAND 514        /* EINTR after a handler; restarted otherwise */
#define ERESTART_RESTARTBLOCK 516 /* EINTR after a handler; otherwise continued
                                     through SYS_restart_syscall */

#define SIG_DFL_HANDLER 0UL
#define SIG_IGN_HANDLER 1UL

/* The mask bit of sig (1..64). */
static inline uint64_t signal_bit(int sig) { return 1UL << (sig - 1); }

/* "SIGSEGV" for 11; a generic phrase for signals without a name. */
const char *signal_name(int sig);
/* True for the signals whose default action is to be ignored
 * (SIGCHLD, SIGCONT, SIGURG, SIGWINCH). */
bool signal_ignored_by_default(int sig);
/* True for SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU. */
bool signal_stops_by_default(int sig);
/* True for the signals whose default termination sets WCOREDUMP
 * (SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU,
 * SIGXFSZ, SIGSYS). */
bool signal_dumps_core(int sig);

/*
 * Send sig (1..64) to p's process (p may be any of its threads; one thread
 * that does not block sig takes it) with the given si_code and sender pid. Signals p
 * ignores (and does not block) are dropped; SIGCONT continues a stopped p
 * and drops pending stop signals, a stop signal drops a pending SIGCONT;
 * SIGKILL and a fatal default action (not blocked) doom p at once
 * (p->pending_signal). A sleeper that should notice is woken. Init (pid 1)
 * gets only the signals it has a handler for, never SIGKILL or SIGSTOP.
 * Returns true if the signal was left pending (or doomed p).
 */
bool signal_send(struct proc *p, int sig, int code, int sender_pid);
/* The same for one thread t (tkill, tgkill): pending in t's own set, t woken. */
bool signal_send_thread(struct proc *t, int sig, int code, int sender_pid);
/* SIGCHLD and the wait report for p's parent: p exited, was killed, stopped
 * or continued (code CLD_*, status the exit code or signal). */
void signal_notify_parent(struct proc *p, int code, int status);
/* True if a signal pending for p and not blocked should end a sleep. */
bool signal_pending(const struct proc *p);
/* A fault in user mode (see proc_kill_fault): a forced signal. Returns if
 * the program has a handler for it and does not block it; otherwise prints
 * the kill line and exits with the signal and the core flag. */
void signal_force_fault(int sig, int code, const char *cause, vaddr_t addr);
/*
 * On the way out to user mode (tf is the current process's user frame):
 * deliver every pending unblocked signal - dying, stopping until SIGCONT,
 * or pushing a handler frame - and, when tf comes from system call nr
 * (nr >= 0), turn an -ERESTART* result into -EINTR or a restart.
 */
void signal_deliver(struct trapframe *tf, long nr);
/* fork: the child gets the parent's actions and mask, nothing pending. */
void signal_fork(struct proc *child, const struct proc *parent);
/* exec: caught signals go back to their default action; ignored ones and
 * the mask stay. */
void signal_exec(struct proc *p);
/* True if process group pgid is orphaned (no member has a parent in
 * another group of the same session), as POSIX defines it. */
bool signal_pgrp_orphaned(int pgid);
/* Send sig to every live member of process group pgid; returns how many
 * left it pending (0 if all ignored it). */
int signal_send_pgrp(int pgid, int sig);

long sys_rt_sigaction(long sig, long uact, long uold, long setsize);
long sys_rt_sigprocmask(long how, long uset, long uold, long setsize);
long sys_rt_sigpending(long uset, long setsize);
long sys_rt_sigsuspend(long umask, long setsize);
long sys_rt_sigreturn(void);
long sys_pause(void);
long sys_alarm(long seconds);
/* sigtimedwait: take a signal of set that is pending (the thread's or the
 * process's) or wait for one, until the timeout (NULL: none; zero: a poll)
 * -> EAGAIN, or another signal's handler -> EINTR. */
long sys_rt_sigtimedwait(long uset, long uinfo, long utimeout, long setsize);

#endif
