/*
 * signum.h - signal numbers, sigaction flags, si_code values and the layout
 * of the signal frame, all Linux's values. Shared by the kernel
 * (proc/signal.h) and the user library (user/include/signal.h), so the two
 * can never disagree; nothing here is kernel-only.
 */
#ifndef KERNEL_SIGNUM_H
#define KERNEL_SIGNUM_H

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGIOT SIGABRT
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define NSIG 65 /* valid signals are 1..64 */

/* sigaction flags (Linux's values). */
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000 /* refused: there is no sigaltstack */
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

/* sigprocmask's how. */
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* si_code values. */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6) /* tkill, tgkill */
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2
#define FPE_INTDIV 1
#define ILL_ILLOPN 2
#define ILL_PRVOPC 5
#define TRAP_BRKPT 1
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* What SYS_rt_sigaction reads and writes: Linux's struct kernel_sigaction. */
struct cowos_sigaction {
    unsigned long handler; /* 0 = SIG_DFL, 1 = SIG_IGN, else the handler */
    unsigned long flags;   /* SA_* */
    unsigned long restorer; /* where the handler returns to (SA_RESTORER) */
    unsigned long mask;    /* bit (sig - 1): blocked while the handler runs */
};

/* siginfo as the kernel writes it into a signal frame (128 bytes). */
struct cowos_siginfo {
    int signo, errno_, code, pad_;
    union {
        struct {
            int pid;          /* sender (kill) or child (SIGCHLD) */
            unsigned int uid; /* always 0: one user */
            int status;       /* SIGCHLD: exit code or signal */
        } proc;
        unsigned long addr;   /* faults: the faulting address */
    } u;
    char pad2_[128 - 16 - 16];
};

/* The registers a frame saves: Linux's struct sigcontext (gregs order). */
struct cowos_mcontext {
    unsigned long r8, r9, r10, r11, r12, r13, r14, r15;
    unsigned long rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
    unsigned short cs, gs, fs, ss;
    unsigned long err, trapno, oldmask, cr2;
    unsigned long fpstate; /* address of the 512-byte FXSAVE image */
    unsigned long reserved[8];
};

/* Linux's struct ucontext as the kernel writes it. */
struct cowos_ucontext {
    unsigned long flags;
    unsigned long link;
    unsigned long ss_sp;
    int ss_flags, pad_;
    unsigned long ss_size;
    struct cowos_mcontext mcontext;
    unsigned long sigmask; /* the mask sigreturn restores */
};

#endif
