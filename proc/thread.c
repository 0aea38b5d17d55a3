/*
 * thread.c - threads: clone (threads, and fork and vfork with clone's
 * options), exit_group, gettid, set_tid_address, arch_prctl's FS base,
 * tkill/tgkill, getcpu, and execve's ending of the other threads.
 *
 * A thread is a struct proc of its own whose leader points at its group's
 * first thread (proc/proc.h says what is shared). clone accepts exactly the
 * sharing Linux's pthread_create, fork and posix_spawn ask for: all of
 * CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD (a thread), none
 * of them (a fork), or CLONE_VM|CLONE_VFORK (a vfork). Other mixtures,
 * and flags this kernel does not implement, are EINVAL (README "Threads").
 * Lock: the process table's (proc state, the group's thread_count).
 */
#include "proc/thread.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "proc/fork.h"
#include "proc/futex.h"
#include "proc/proc.h"
#include "proc/rlimit.h"
#include "proc/sched.h"
#include "proc/signal.h"

#define CLONE_SHARE_ALL (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
/* Everything clone accepts. CLONE_SYSVSEM shares SysV semaphore undo
 * lists, of which there are none here; CLONE_DETACHED has no effect on
 * Linux either. */
#define CLONE_KNOWN                                                                            \
    (CLONE_CSIGNAL | CLONE_SHARE_ALL | CLONE_VFORK | CLONE_SYSVSEM | CLONE_SETTLS |            \
     CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED)

uint64_t thread_fs_base(struct proc *p)
{
    return p == proc_current() ? rdmsr(MSR_FS_BASE) : p->fs_base;
}

void thread_switch_in(struct proc *p) { wrmsr(MSR_FS_BASE, p->fs_base); }

void thread_switch_out(struct proc *p) { p->fs_base = rdmsr(MSR_FS_BASE); }

void thread_first_run(struct proc *p)
{
    if (p->set_child_tid) /* a bad address is ignored, as Linux */
        (void)uaccess_copy_to_user(p->set_child_tid, &p->tid, sizeof(int));
    p->set_child_tid = 0;
}

void thread_exit_notify(struct proc *p)
{
    vaddr_t a = p->clear_child_tid;
    p->clear_child_tid = 0;
    /* As Linux: only while someone else still uses the memory. */
    if (!a || !p->vs || proc_group(p)->thread_count <= 1)
        return;
    int zero = 0;
    if (uaccess_copy_to_user(a, &zero, sizeof(zero)) == 0)
        futex_wake_addr(p, a, 1);
}

/* A new thread of the caller's process; its tid. */
static long create_thread(const struct fork_opts *o)
{
    struct proc *cur = proc_current(), *g = proc_group(cur);
    if (!rlimit_may_fork(cur))
        return -EAGAIN;
    int err = 0;
    struct proc *t = proc_alloc(&err);
    if (!t)
        return err;
    t->pid = g->pid;
    t->leader = g;
    t->thread_count = 0;
    t->parent = g->parent;
    t->sid = g->sid;
    t->pgid = g->pgid;
    strlcpy(t->name, cur->name, sizeof(t->name));
    t->vs = cur->vs;
    t->areas = cur->areas;
    *t->tf = *cur->tf;
    t->tf->rax = 0;
    if (o->newsp)
        t->tf->rsp = o->newsp;
    cpu_fxsave(cur->fpu); /* the FPU holds the caller's live state */
    memcpy(t->fpu, cur->fpu, sizeof(t->fpu));
    t->sig_blocked = cur->sig_blocked;
    t->fs_base = o->settls ? o->tls : thread_fs_base(cur);
    t->clear_child_tid = o->child_cleartid;
    g->thread_count++;
    /* Same memory: both ids can be written now (a bad pointer is ignored). */
    if (o->parent_settid)
        (void)uaccess_copy_to_user(o->parent_settid, &t->tid, sizeof(int));
    if (o->child_settid)
        (void)uaccess_copy_to_user(o->child_settid, &t->tid, sizeof(int));
    t->state = PROC_RUNNABLE;
    sched_place_new(t); /* on this CPU; an idle one takes it if this one stays busy */
    sched_kick_idle();  /* now, not at the idle CPU's next tick */
    return t->tid;
}

long sys_clone(long lflags, long newsp, long parent_tid, long child_tid, long tls)
{
    uint64_t flags = (uint64_t)lflags;
    /* Linux's own rules first. */
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    if (flags & ~CLONE_KNOWN)
        return -EINVAL; /* namespaces, ptrace, pidfd, CLONE_PARENT, ...: not implemented */
    if ((flags & CLONE_SETTLS) && (uint64_t)tls >= USER_TOP)
        return -EPERM; /* as arch_prctl(ARCH_SET_FS) */
    struct fork_opts o = {
        .newsp = (vaddr_t)newsp,
        .settls = flags & CLONE_SETTLS,
        .tls = (uint64_t)tls,
        .parent_settid = (flags & CLONE_PARENT_SETTID) ? (vaddr_t)parent_tid : 0,
        .child_settid = (flags & CLONE_CHILD_SETTID) ? (vaddr_t)child_tid : 0,
        .child_cleartid = (flags & CLONE_CHILD_CLEARTID) ? (vaddr_t)child_tid : 0,
    };
    if (flags & CLONE_THREAD) {
        /* A thread shares all or nothing here; its exit signal is ignored, as Linux. */
        if ((flags & CLONE_SHARE_ALL) != CLONE_SHARE_ALL || (flags & CLONE_VFORK))
            return -EINVAL;
        return create_thread(&o);
    }
    if (flags & (CLONE_FS | CLONE_FILES | CLONE_SIGHAND))
        return -EINVAL; /* a process sharing files or handlers: not implemented */
    if ((flags & CLONE_CSIGNAL) != SIGCHLD)
        return -EINVAL; /* a child that reports its end with another signal: not implemented */
    if (flags & CLONE_VM) {
        if (!(flags & CLONE_VFORK))
            return -EINVAL; /* a process on its parent's memory that is not a vfork */
        return fork_vclone(&o);
    }
    if (flags & CLONE_VFORK)
        return -EINVAL; /* vfork with copied memory: not implemented */
    return fork_clone(&o);
}

long sys_exit_group(long status) { proc_exit_group(PROC_STATUS_EXITED((int)status)); }

long sys_gettid(void) { return proc_current()->tid; }

long sys_set_tid_address(long tidptr)
{
    struct proc *p = proc_current();
    p->clear_child_tid = (vaddr_t)tidptr;
    return p->tid;
}

long sys_arch_prctl(long code, long addr)
{
    struct proc *p = proc_current();
    switch (code) {
    case ARCH_SET_FS:
        if ((uint64_t)addr >= USER_TOP)
            return -EPERM; /* as Linux: only user addresses */
        p->fs_base = (uint64_t)addr;
        wrmsr(MSR_FS_BASE, p->fs_base);
        return 0;
    case ARCH_GET_FS: {
        uint64_t base = thread_fs_base(p);
        return uaccess_copy_to_user((vaddr_t)addr, &base, sizeof(base)) < 0 ? -EFAULT : 0;
    }
    default:
        return -EINVAL; /* GS belongs to the kernel here; CPUID faulting and the rest: none */
    }
}

/* Send sig to thread t (a live one of group tgid if tgid > 0). */
static long kill_thread(long tgid, long tid, long lsig)
{
    int sig = (int)lsig;
    if (tid <= 0 || sig < 0 || sig >= NSIG || tid > 0x7fffffffL)
        return -EINVAL;
    struct proc *t = proc_find_tid((int)tid);
    if (!t || t->state == PROC_ZOMBIE || (tgid > 0 && t->pid != tgid))
        return -ESRCH;
    if (sig)
        signal_send_thread(t, sig, SI_TKILL, proc_current()->pid);
    return 0;
}

long sys_tkill(long tid, long sig) { return kill_thread(0, tid, sig); }

long sys_tgkill(long tgid, long tid, long sig)
{
    if (tgid <= 0 || tgid > 0x7fffffffL)
        return -EINVAL;
    return kill_thread(tgid, tid, sig);
}

long sys_getcpu(long ucpu, long unode, long unused)
{
    (void)unused;
    unsigned cpu = (unsigned)this_cpu()->id, node = 0;
    if (ucpu && uaccess_copy_to_user((vaddr_t)ucpu, &cpu, sizeof(cpu)) < 0)
        return -EFAULT;
    if (unode && uaccess_copy_to_user((vaddr_t)unode, &node, sizeof(node)) < 0)
        return -EFAULT;
    return 0;
}

/* Does group g have a live thread other than p? */
static bool others_live(struct proc *g, struct proc *p)
{
    struct proc *tab = proc_table();
    for (int i = 0; i < NPROC; i++) {
        struct proc *t = &tab[i];
        if (t != p && proc_group(t) == g && t->state != PROC_UNUSED && t->state != PROC_EMBRYO &&
            t->state != PROC_ZOMBIE)
            return true;
    }
    return false;
}

int thread_exec_alone(void)
{
    struct proc *p = proc_current(), *g = proc_group(p);
    if (p == g && g->thread_count <= 1)
        return 0;
    if (g->group_exiting || p->pending_signal)
        return -ERESTARTNOINTR; /* being killed already: it dies on the way out */
    /* group_exiting keeps the dying threads from starting a group exit of their own */
    g->group_exiting = true;
    struct proc *tab = proc_table();
    for (int i = 0; i < NPROC; i++) {
        struct proc *t = &tab[i];
        if (t == p || proc_group(t) != g || t->state == PROC_UNUSED || t->state == PROC_EMBRYO ||
            t->state == PROC_ZOMBIE)
            continue;
        t->pending_signal = SIGKILL;
        t->stopped = false;
        if (t->state == PROC_SLEEPING) {
            t->state = PROC_RUNNABLE;
            t->wake_tick = 0;
            sched_kick(t);
        }
    }
    while (others_live(g, p)) {
        if (p->pending_signal) {
            g->group_exiting = false; /* p dies by its own signal, a group exit of its own */
            return -ERESTARTNOINTR;
        }
        sched_yield(); /* RUNNABLE: the others run, and die */
    }
    g->group_exiting = false;
    if (p != g)
        proc_take_leader(p);
    return 0;
}
