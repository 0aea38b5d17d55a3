/*
 * signal.h - cowos user library: POSIX signals with Linux's numbers, flags
 * and semantics: sigaction and signal, masks, sigsuspend/pause, kill,
 * killpg, raise, strsignal, psignal. Handlers return through a restorer in
 * the library (SA_RESTORER is added by sigaction). No sigaltstack
 * (SA_ONSTACK is EINVAL) and real-time signals do not queue.
 */
#ifndef _COWOS_SIGNAL_H
#define _COWOS_SIGNAL_H

#include <sys/types.h>

typedef int sig_atomic_t;
typedef unsigned long sigset_t; /* bit (sig - 1) for signals 1..64 */

#include "../../kernel/signum.h"

#define SIGRTMIN 32
#define SIGRTMAX 64

typedef void (*sighandler_t)(int);
#define SIG_DFL ((sighandler_t)0)
#define SIG_IGN ((sighandler_t)1)
#define SIG_ERR ((sighandler_t)-1)

union sigval {
    int sival_int;
    void *sival_ptr;
};

/* Linux's layout (128 bytes); the si_ names are the fields POSIX lists. */
typedef struct {
    int si_signo, si_errno, si_code, __pad0;
    union {
        struct {
            pid_t si_pid;
            uid_t si_uid;
            int si_status;
        } __proc;
        void *si_addr;
        char __pad[112];
    } __u;
} siginfo_t;
#define si_pid __u.__proc.si_pid
#define si_uid __u.__proc.si_uid
#define si_status __u.__proc.si_status
#define si_addr __u.si_addr

struct sigaction {
    union {
        void (*__handler)(int);
        void (*__action)(int, siginfo_t *, void *);
    } __h;
    sigset_t sa_mask;
    int sa_flags;
    void (*sa_restorer)(void);
};
#define sa_handler __h.__handler
#define sa_sigaction __h.__action

typedef struct {
    void *ss_sp;
    int ss_flags;
    size_t ss_size;
} stack_t;

/* Linux's mcontext (gregs in sigcontext order) and ucontext. */
typedef long greg_t;
#define NGREG 23
typedef greg_t gregset_t[NGREG];
enum { REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15, REG_RDI, REG_RSI,
       REG_RBP, REG_RBX, REG_RDX, REG_RAX, REG_RCX, REG_RSP, REG_RIP, REG_EFL, REG_CSGSFS,
       REG_ERR, REG_TRAPNO, REG_OLDMASK, REG_CR2 };
typedef struct {
    gregset_t gregs;
    void *fpregs; /* the 512-byte FXSAVE image */
    unsigned long __reserved1[8];
} mcontext_t;
typedef struct ucontext_t {
    unsigned long uc_flags;
    struct ucontext_t *uc_link;
    stack_t uc_stack;
    mcontext_t uc_mcontext;
    sigset_t uc_sigmask;
} ucontext_t;

/* Examine and change the action for sig. 0, or -1 with errno EINVAL
 * (bad signal, SIGKILL/SIGSTOP, SA_ONSTACK or an unknown flag) or EFAULT. */
int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
/* sigaction with SA_RESTART, as glibc's signal(): the old handler, or SIG_ERR. */
sighandler_t signal(int sig, sighandler_t handler);
/* how: SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK. 0, or -1 (EINVAL, EFAULT). */
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
/* The blocked signals that are pending. */
int sigpending(sigset_t *set);
/* Wait for a signal with mask as the temporary mask; always -1 (EINTR). */
int sigsuspend(const sigset_t *mask);
/* Wait for a signal that runs a handler; always -1 (EINTR). */
int pause(void);

int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);

/*
 * Send sig to process pid (sig 0 only checks that pid exists); pid 0 is the
 * caller's group, -1 everyone but init and the caller, < -1 group -pid.
 * Returns 0, or -1 with errno ESRCH (no such process) or EINVAL (bad signal).
 */
int kill(pid_t pid, int sig);
/* kill(-pgrp, sig); pgrp 0 is the caller's group. */
int killpg(pid_t pgrp, int sig);
/* Send sig to the calling thread (tgkill(getpid(), gettid(), sig)), as POSIX
 * asks of a threaded program; the same as kill(getpid(), sig) with one thread. */
int raise(int sig);
/* Take a pending signal of set (the caller's own or the process's), or wait
 * for one; block them first in every thread, or a handler may take them.
 * sigwait: 0 with *sig set, or the error number (EINVAL); sigwaitinfo: the
 * signal (info filled if not NULL), or -1 with errno EINTR (another
 * signal's handler ran); sigtimedwait also -1/EAGAIN when timeout passes
 * (a zero timeout polls), EINVAL for a bad one. */
struct timespec;
int sigwait(const sigset_t *set, int *sig);
int sigwaitinfo(const sigset_t *set, siginfo_t *info);
int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout);
/* "Interrupt" for SIGINT, as glibc words it. */
char *strsignal(int sig);
/* "s: description\n" on stderr. */
void psignal(int sig, const char *s);

#endif
