/*
 * proc.h - the process control block and the process table.
 *
 * A process is one slot of a fixed table of NPROC. Its kernel stack is
 * KSTACK_PAGES pages in the KSTACK_BASE region with an unmapped guard page
 * below; its user registers (struct trapframe) sit at the top of that stack.
 * Lifecycle: UNUSED -> EMBRYO -> RUNNABLE <-> RUNNING <-> SLEEPING -> ZOMBIE -> UNUSED
 * (the parent's wait reaps a zombie and frees its stack and slot).
 *
 * Threads (proc/thread.c): every thread is a slot of its own (own tid,
 * kernel stack, registers, FS base, signal mask and pending set). The
 * threads of one process form a thread group; its leader (leader == NULL)
 * is the slot whose tid is the process id, and it holds what the group
 * shares: files, cwd, umask, signal actions, the process-wide pending set,
 * brk, limits, alarm, parent and wait state. Other threads point at it
 * (leader) and share its vs and areas pointers; proc_group() finds it.
 * A leader that exits before its threads stays a ZOMBIE that wait does not
 * report until the last thread is gone (thread_count 0). Loops over
 * processes (wait, kill, process groups) look at leaders only.
 */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include "kernel/signum.h"
#include "kernel/cpu.h"
#include "kernel/types.h"

#define NPROC 64           /* processes at once, pid 1 (init) included */
#define NOFILE 16          /* open file descriptors per process */
#define KSTACK_PAGES 4     /* 16 KiB kernel stack per process */
#define PROC_NAME_MAX 16

struct trapframe;
struct vmspace;
struct vma_set;
struct file;
struct inode;

enum proc_state {
    PROC_UNUSED,   /* free slot */
    PROC_EMBRYO,   /* claimed by proc_alloc, not yet runnable */
    PROC_RUNNABLE, /* waiting for the CPU */
    PROC_RUNNING,  /* on a CPU (its `cpu`; never on two: see proc/sched.c) */
    PROC_SLEEPING, /* waiting for wait_chan or wake_tick */
    PROC_ZOMBIE,   /* exited; exit_status kept until the parent's wait */
};

struct proc {
    int pid;                   /* the process id: the thread group's id (the leader's tid) */
    int tid;                   /* this thread's id (from the same space; == pid for the leader) */
    struct proc *leader;       /* the group leader, NULL for the leader itself (proc_group) */
    int thread_count;          /* leader only: threads of the group not yet exited, itself included */
    bool group_exiting;        /* leader only: exit_group or a fatal signal is ending every thread */
    int group_exit_status;     /* ... with this wait status */
    vaddr_t clear_child_tid;   /* CLONE_CHILD_CLEARTID / set_tid_address: 0 and a futex wake at exit */
    vaddr_t set_child_tid;     /* CLONE_CHILD_SETTID of a forked child: written at its first run */
    uint64_t fs_base;          /* the user's FS base (TLS): arch_prctl, CLONE_SETTLS; loaded on every switch */
    /* futex wait (proc/futex.c): the key waited on while futex_waiting */
    uint64_t futex_key_a, futex_key_b;
    uint64_t futex_seq;        /* order of arrival: wakers take the oldest first */
    uint32_t futex_bitset;
    bool futex_waiting;        /* cleared by the waker (or the waiter giving up) */
    enum proc_state state;
    char name[PROC_NAME_MAX];
    struct proc *parent;       /* NULL only for init */
    int sid, pgid;             /* session and process group (setsid makes both = pid) */

    struct vmspace *vs;        /* user page tables; NULL once exited */
    struct vma_set *areas;     /* user memory areas (mm/vma.h), governing vs; NULL once exited */
    struct proc *vfork_parent; /* set while a vfork child runs on its parent's vs and areas */
    bool vfork_waiting;        /* a vfork parent, asleep until its child execs or exits */
    vaddr_t brk_start, brk;    /* heap: the area "[heap]" is [brk_start, page_round_up(brk)) */

    int cpu;                   /* the CPU it runs on, or last ran on (if has_run) */
    bool has_run;              /* has been on a CPU (the scheduler's affinity) */
    vaddr_t spurious_va;       /* a fault the entry already allowed (another CPU fixed it)... */
    uint32_t spurious_count;   /* ...how many in a row on that page (mm/fault.c) */
    vaddr_t kstack_top;        /* top of the kernel stack (the trapframe is just below) */
    uint64_t ksp;              /* saved kernel rsp while switched out (proc/switch.S) */
    struct trapframe *tf;      /* user registers */

    const void *wait_chan;     /* what a SLEEPING process waits for */
    uint64_t wake_tick;        /* timer tick to wake at (nanosleep), 0 = none */
    int pending_signal;        /* nonzero: doomed, dies by this signal on the way out to user
                                  (SIGKILL, or a fatal default action not blocked) */
    int exit_status;           /* wait status (Linux encoding) once a ZOMBIE */

    /* Signals (proc/signal.c owns these); bit (sig - 1) of each mask. */
    uint64_t sig_pending;      /* sent to this thread, not yet delivered (standard signals do not queue) */
    uint64_t sig_shared_pending; /* leader only: sent to the process, for any thread not blocking it */
    uint64_t sig_blocked;      /* never holds SIGKILL or SIGSTOP */
    uint64_t sig_saved_mask;   /* sigsuspend's mask to restore, if sig_restore_mask */
    uint64_t sig_waitset;      /* signals sigtimedwait sleeps for (they wake it though blocked) */
    bool sig_restore_mask;
    bool stopped;              /* stopped by a signal until SIGCONT (or SIGKILL) */
    bool did_exec;             /* has called exec since fork (setpgid's EACCES) */
    /* RLIMIT_NOFILE and RLIMIT_NPROC (proc/rlimit.c), as how far each soft
     * and hard limit was lowered below NOFILE and NPROC: all 0, the state of
     * a zeroed struct proc, are the defaults. */
    uint64_t nofile_cut_cur, nofile_cut_max, nproc_cut_cur, nproc_cut_max;
    bool autoreap;             /* parent ignores SIGCHLD: no zombie; the scheduler frees the slot */
    int wait_report;           /* a stop or continue not yet seen by the parent's wait (status), or 0 */
    int syscall_nr;            /* the system call running (for restarts) */
    uint64_t alarm_tick;       /* timer tick at which SIGALRM is due, 0 = none */
    uint64_t restart_deadline; /* an interrupted nanosleep's deadline (tick) and rem pointer */
    vaddr_t restart_urem;
    struct cowos_sigaction sig_action[NSIG];
    struct proc_siginfo {      /* what each pending signal carries (compact: the */
        int code, pid, status; /* frame's siginfo is built from it) */
        uint64_t addr;
    } sig_info[NSIG], sig_shared_info[NSIG]; /* the second: leader only, for sig_shared_pending */

    struct file *files[NOFILE];
    uint8_t fd_flags[NOFILE];  /* per descriptor: FD_CLOEXEC (kernel/file.c owns both) */
    struct inode *cwd;         /* working directory (a reference; NULL = the root) */
    uint32_t umask;            /* file creation mask (kernel/file.c copies it on fork) */
    uint8_t fpu[512] __aligned(16); /* FXSAVE image of the user's x87/SSE state */
};

/* Wait status encoding, as Linux: exit code in bits 8-15, signal in 0-6,
 * 0x80 the core flag; stopped: signal << 8 | 0x7f; continued: 0xffff. */
#define PROC_STATUS_EXITED(code) (((code) & 0xff) << 8)
#define PROC_STATUS_SIGNALED(sig) ((sig) & 0x7f)
#define PROC_STATUS_CORE 0x80
#define PROC_STATUS_STOPPED(sig) ((((sig) & 0xff) << 8) | 0x7f)
#define PROC_STATUS_CONTINUED 0xffff

/* Set up the process table (and the pristine FPU image new processes start with). */
void proc_init(void);
/* The process running on this CPU now, or NULL in its scheduler / during boot. */
static inline struct proc *proc_current(void) { return this_cpu()->current; }
/* The leader of p's thread group: p itself for a leader (and a zeroed
 * struct proc of the kernel tests). It holds what the threads share. */
static inline struct proc *proc_group(const struct proc *p)
{
    return p->leader ? p->leader : (struct proc *)p;
}
/* True for a thread group's leader (every single-threaded process). */
static inline bool proc_is_leader(const struct proc *p) { return !p->leader; }
/* Look up a live (non-UNUSED) process by pid (its group leader); NULL if none. */
struct proc *proc_find(int pid);
/* Look up a thread by tid (any state but UNUSED and EMBRYO); NULL if none. */
struct proc *proc_find_tid(int tid);
/* The table, for iteration by the scheduler, ps-like tools and tests. */
struct proc *proc_table(void);

/*
 * A fresh slot with a pid, a mapped kernel stack and a zeroed trapframe,
 * arranged so that its first run returns to user mode through the trapframe.
 * State is EMBRYO; the caller sets RUNNABLE when the process is complete.
 * Returns NULL with -EAGAIN (table full) or -ENOMEM in *err.
 */
struct proc *proc_alloc(int *err);
/* Give back an EMBRYO that never ran (a failed fork): its stack, files and vs. */
void proc_free_unstarted(struct proc *p);

/* Give p the x87/SSE state of a fresh program (exec), loading it into the
 * FPU too when p is the running process. */
void proc_fpu_reset(struct proc *p);

/* Start pid 1 from the initrd program at path with argv. If it cannot start
 * (a mistyped init=), prints why and the programs in /bin, then ends QEMU
 * with the failure status. */
void proc_start_init(const char *path, char *const argv[]);

/* End the current thread with a wait status (SYS_exit): the last thread
 * of the group to end ends the process, with this status (or the group's,
 * if exit_group or a fatal signal ends it). Never returns. */
__noreturn void proc_exit(int status);
/* execve from a non-leader thread p, the others gone (proc/thread.c):
 * p becomes the leader, with the leader's pid as its tid, its parent,
 * children and shared state; the old leader's slot is freed. */
void proc_take_leader(struct proc *p);
/* End every thread of the current process, the process with status
 * (exit_group, a fatal signal). Never returns. */
__noreturn void proc_exit_group(int status);
/* A fault of the current process: if the program catches sig (a handler,
 * not blocked) it is queued with si_addr = addr and this returns; otherwise
 * one line naming pid, name, cause and address, and the process dies of it
 * (never returns then). See signal_force_fault. */
void proc_kill_fault(int sig, const char *cause, vaddr_t addr);
/* Send sig to p from the kernel (si_code SI_KERNEL); see signal_send. */
void proc_signal(struct proc *p, int sig);
/* Called on the way out to user mode outside system calls: deliver what
 * is pending (handlers, stops, deaths). */
void proc_check_signals(void);
/* True if the current process has a signal that should end its sleep
 * (sleepers return -ERESTARTSYS or the like; see proc/signal.h). */
bool proc_interrupted(void);
/* True if the process group pgid has a member; in session sid if sid > 0. */
bool proc_pgrp_exists(int pgid, int sid);
/* Free the slot of a zombie nobody will wait for (autoreap). */
void proc_release_zombie(struct proc *p);

/*
 * May caller inspect target's memory (its frames, with vmmap)? True for
 * itself and for processes in its own line of descent: its descendants
 * and its ancestors. Not for unrelated processes (siblings, cousins).
 */
bool proc_may_inspect(const struct proc *caller, const struct proc *target);

/* Sleep until proc_wakeup(chan). Callers re-check their condition in a loop. */
void proc_sleep(const void *chan);
/* Make every process sleeping on chan runnable. */
void proc_wakeup(const void *chan);

/* System calls implemented in proc/proc.c. */
long sys_exit(long status);
long sys_wait4(long pid, long ustatus, long options);
long sys_getpid(void);
long sys_getppid(void);
long sys_kill(long pid, long sig);
long sys_setsid(void);
long sys_getsid(long pid);
long sys_setpgid(long pid, long pgid);
long sys_getpgid(long pid);
long sys_waitid(long idtype, long id, long uinfo, long options);

#endif
