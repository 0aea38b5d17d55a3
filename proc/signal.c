/*
 * signal.c - POSIX signals: sending (with Linux's rules for SIGCONT, stop
 * signals, ignored and blocked signals, init), delivery on the way out to
 * user mode (default actions, stops, handler frames on the user stack),
 * sigreturn (which trusts nothing in the frame), forced fault signals, and
 * the sigaction family of system calls.
 * Invariants: sig_blocked never holds SIGKILL or SIGSTOP; a standard signal
 * is pending at most once (bit set in sig_pending, its siginfo in
 * sig_info[sig], the first sender's); p->pending_signal != 0 means p dies at
 * its next return to user mode, whatever else is pending.
 * Threads: actions are the group's (the leader's sig_action); a signal sent
 * to a thread (a fault, tkill) is pending in its own set, one sent to the
 * process in the leader's sig_shared_pending, taken by whichever thread
 * does not block it (the one woken: the leader if it can, as Linux). Stops
 * and continues act on every thread; a fatal action ends the group.
 */
#include "proc/signal.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/gdt.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "proc/proc.h"
#include "proc/sched.h"

#define UNBLOCKABLE (signal_bit(SIGKILL) | signal_bit(SIGSTOP))
#define STOP_SIGNALS                                                                           \
    (signal_bit(SIGSTOP) | signal_bit(SIGTSTP) | signal_bit(SIGTTIN) | signal_bit(SIGTTOU))
/* Delivered first, as Linux's synchronous signals are. */
#define SYNC_SIGNALS                                                                           \
    (signal_bit(SIGSEGV) | signal_bit(SIGBUS) | signal_bit(SIGILL) | signal_bit(SIGTRAP) |     \
     signal_bit(SIGFPE))
#define SA_KNOWN                                                                               \
    (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_RESTORER | SA_RESTART | SA_NODEFER |         \
     SA_RESETHAND)
/* The flags a sigreturn frame may change (Linux's FIX_EFLAGS): CF PF AF ZF SF
 * TF DF OF RF AC. Never IF, IOPL, NT, VM or the rest. */
#define FIX_EFLAGS 0x50dd5UL
#define RFLAGS_TF 0x100UL
#define RFLAGS_DF 0x400UL
#define RFLAGS_RF 0x10000UL

/* What a handler finds at its rsp: the return address (the restorer), the
 * ucontext, the siginfo; the FXSAVE image lies above, 64-byte aligned. */
struct sigframe {
    uint64_t pretcode;
    struct cowos_ucontext uc;
    struct cowos_siginfo info;
};

static const char *const names[] = {
    [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",     [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
    [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",   [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",
    [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1",   [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",   [SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
    [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",   [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
    [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",   [SIGURG] = "SIGURG",   [SIGXCPU] = "SIGXCPU",
    [SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
    [SIGIO] = "SIGIO",     [SIGPWR] = "SIGPWR",     [SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
    if (sig > 0 && sig < (int)ARRAY_SIZE(names) && names[sig])
        return names[sig];
    return "a real-time or unnamed signal";
}

bool signal_ignored_by_default(int sig)
{
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

bool signal_stops_by_default(int sig)
{
    return sig > 0 && sig < NSIG && (STOP_SIGNALS & signal_bit(sig));
}

bool signal_dumps_core(int sig)
{
    switch (sig) {
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
    case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
        return true;
    default:
        return false;
    }
}

/* Would p, right now, throw sig away on arrival? */
static bool ignores(const struct proc *p, int sig)
{
    unsigned long h = proc_group(p)->sig_action[sig].handler;
    if (h == SIG_IGN_HANDLER)
        return sig != SIGKILL && sig != SIGSTOP;
    return h == SIG_DFL_HANDLER && signal_ignored_by_default(sig);
}

/* Does sig's default action, unblocked, kill p (no handler, not ignored, not a stop)? */
static bool fatal(const struct proc *p, int sig)
{
    if (sig == SIGKILL)
        return true;
    return proc_group(p)->sig_action[sig].handler == SIG_DFL_HANDLER && !signal_ignored_by_default(sig) &&
           !signal_stops_by_default(sig) && !(p->sig_blocked & signal_bit(sig));
}

static void wake(struct proc *p)
{
    if (p->state == PROC_SLEEPING) {
        p->state = PROC_RUNNABLE; /* its sleep loop looks at signal_pending() */
        p->wake_tick = 0;
        sched_kick(p);
    } else if (p->state == PROC_RUNNING) {
        sched_kick(p); /* in user mode on another CPU: an IPI brings it in to see the signal */
    }
}

/* A thread that has not exited. */
static bool thread_live(const struct proc *t)
{
    return t->state != PROC_UNUSED && t->state != PROC_EMBRYO && t->state != PROC_ZOMBIE;
}

/* Would thread t take sig now: it does not block it, or waits for it in
 * sigtimedwait? */
static bool takes(const struct proc *t, int sig)
{
    return !(t->sig_blocked & signal_bit(sig)) || (t->sig_waitset & signal_bit(sig));
}

/* The thread of group g a process-directed sig goes to: the leader if it is
 * live and does not block sig, else the first such thread, else any live
 * thread (it stays pending for the group); NULL if none is live. */
static struct proc *pick_thread(struct proc *g, int sig)
{
    if (thread_live(g) && takes(g, sig))
        return g;
    struct proc *t = proc_table(), *any = thread_live(g) ? g : NULL;
    for (int i = 0; i < NPROC; i++) {
        if (proc_group(&t[i]) != g || !thread_live(&t[i]))
            continue;
        if (takes(&t[i], sig))
            return &t[i];
        if (!any)
            any = &t[i];
    }
    return any;
}

/* Clear bits from the pending sets of group g: its shared one and each thread's. */
static void clear_pending(struct proc *g, uint64_t bits)
{
    g->sig_shared_pending &= ~bits;
    g->sig_pending &= ~bits;
    struct proc *t = proc_table();
    for (int i = 0; i < NPROC; i++)
        if (t[i].state != PROC_UNUSED && proc_group(&t[i]) == g)
            t[i].sig_pending &= ~bits;
}

/*
 * Send sig to thread p (to_thread: a fault, tkill) or to p's process
 * (p any of its threads): pending in p's own set or the group's shared
 * one, and the thread that should notice (p, or pick_thread's) woken.
 */
static bool send_info(struct proc *p, int sig, const struct cowos_siginfo *info, bool to_thread)
{
    if (sig <= 0 || sig >= NSIG || p->state == PROC_UNUSED)
        return false;
    struct proc *g = proc_group(p);
    if (to_thread ? p->state == PROC_ZOMBIE : (g->state == PROC_ZOMBIE && g->thread_count <= 0))
        return false;
    if (g->pid == 1 && (sig == SIGKILL || sig == SIGSTOP ||
                        g->sig_action[sig].handler == SIG_DFL_HANDLER))
        return false; /* init: only what it has a handler for */
    uint64_t bit = signal_bit(sig);
    struct proc *tab = proc_table();
    if (sig == SIGCONT) {
        clear_pending(g, STOP_SIGNALS);
        bool was_stopped = false;
        for (int i = 0; i < NPROC; i++) {
            struct proc *t = &tab[i];
            if (t->state != PROC_UNUSED && proc_group(t) == g && t->stopped) {
                t->stopped = false;
                wake(t);
                was_stopped = true;
            }
        }
        if (was_stopped)
            signal_notify_parent(g, CLD_CONTINUED, SIGCONT);
    } else if (bit & STOP_SIGNALS) {
        clear_pending(g, signal_bit(SIGCONT));
    }
    struct proc *t = to_thread ? p : pick_thread(g, sig);
    if (!((to_thread ? p : g)->sig_blocked & bit) && ignores(g, sig))
        return false;
    uint64_t *pending = to_thread ? &p->sig_pending : &g->sig_shared_pending;
    struct proc_siginfo *si = to_thread ? p->sig_info : g->sig_shared_info;
    if (!(*pending & bit)) {
        *pending |= bit;
        si[sig] = (struct proc_siginfo){info->code, info->u.proc.pid, info->u.proc.status,
                                        info->u.addr};
    }
    if (!t)
        return true;
    if (fatal(t, sig) && !to_thread) {
        /* The process dies: every thread is doomed at once (Linux's group exit). */
        for (int i = 0; i < NPROC; i++) {
            struct proc *u = &tab[i];
            if (proc_group(u) != g || !thread_live(u) || u == t)
                continue;
            if (!u->pending_signal || sig == SIGKILL)
                u->pending_signal = sig;
            u->stopped = false;
            wake(u);
        }
    }
    if (fatal(t, sig) && (!t->pending_signal || sig == SIGKILL))
        t->pending_signal = sig;
    if (sig == SIGKILL || (t->pending_signal && t->stopped))
        t->stopped = false; /* the stop loop lets it go and die (and ends the others) */
    if (!t->stopped && (t->pending_signal || takes(t, sig)))
        wake(t);
    return true;
}

/* send_info with a siginfo naming only the code and the sender. */
static bool send_from(struct proc *p, int sig, int code, int sender_pid, bool to_thread)
{
    struct cowos_siginfo info;
    memset(&info, 0, sizeof(info));
    info.signo = sig;
    info.code = code;
    info.u.proc.pid = sender_pid;
    return send_info(p, sig, &info, to_thread);
}

bool signal_send(struct proc *p, int sig, int code, int sender_pid)
{
    return send_from(p, sig, code, sender_pid, false);
}

bool signal_send_thread(struct proc *t, int sig, int code, int sender_pid)
{
    return send_from(t, sig, code, sender_pid, true);
}

int signal_send_pgrp(int pgid, int sig)
{
    int sent = 0;
    struct proc *t = proc_table();
    for (int i = 0; i < NPROC; i++)
        if (pgid > 0 && t[i].state != PROC_UNUSED && t[i].state != PROC_EMBRYO &&
            (t[i].state != PROC_ZOMBIE || t[i].thread_count > 0) && proc_is_leader(&t[i]) &&
            t[i].pgid == pgid)
            sent += signal_send(&t[i], sig, SI_KERNEL, 0);
    return sent;
}

void signal_notify_parent(struct proc *p, int code, int status)
{
    struct proc *parent = p->parent;
    if (!parent)
        return;
    if (code == CLD_STOPPED || code == CLD_CONTINUED) {
        p->wait_report = code == CLD_STOPPED ? PROC_STATUS_STOPPED(status) : PROC_STATUS_CONTINUED;
        proc_wakeup(parent);
        if (proc_group(parent)->sig_action[SIGCHLD].flags & SA_NOCLDSTOP)
            return;
    }
    struct cowos_siginfo info;
    memset(&info, 0, sizeof(info));
    info.signo = SIGCHLD;
    info.code = code;
    info.u.proc.pid = p->pid;
    info.u.proc.status = status;
    send_info(parent, SIGCHLD, &info, false);
}

bool signal_pending(const struct proc *p)
{
    return p && (p->pending_signal ||
                 ((p->sig_pending | proc_group(p)->sig_shared_pending) & ~p->sig_blocked));
}

bool signal_pgrp_orphaned(int pgid)
{
    struct proc *t = proc_table();
    for (int i = 0; i < NPROC; i++) {
        struct proc *q = &t[i];
        if (q->state == PROC_UNUSED || q->state == PROC_EMBRYO || q->state == PROC_ZOMBIE ||
            q->pgid != pgid || !q->parent)
            continue;
        if (q->parent->pgid != pgid && q->parent->sid == q->sid)
            return false;
    }
    return true;
}

/* Die of sig (the core flag for those that dump core), with every thread
 * of the process; never returns. */
static __noreturn void die(int sig)
{
    proc_exit_group(PROC_STATUS_SIGNALED(sig) | (signal_dumps_core(sig) ? PROC_STATUS_CORE : 0));
}

void signal_force_fault(int sig, int code, const char *cause, vaddr_t addr)
{
    struct proc *p = proc_current();
    if (p->pending_signal == SIGKILL) /* already killed (the OOM killer said so): that wins */
        die(SIGKILL);
    struct cowos_sigaction *a = &proc_group(p)->sig_action[sig];
    /* Linux's forced signals: blocked or ignored, the action becomes the default. */
    if (sig != SIGKILL && ((p->sig_blocked & signal_bit(sig)) || a->handler == SIG_IGN_HANDLER)) {
        a->handler = SIG_DFL_HANDLER;
        p->sig_blocked &= ~signal_bit(sig);
    }
    if (sig != SIGKILL && a->handler != SIG_DFL_HANDLER) {
        struct cowos_siginfo info;
        memset(&info, 0, sizeof(info));
        info.signo = sig;
        info.code = code;
        info.u.addr = addr;
        p->sig_pending &= ~signal_bit(sig); /* this fault's info replaces an older one */
        send_info(p, sig, &info, true);
        return;
    }
    printk("pid %d (%s): killed by %s: %s at %p (rip %p)\n", p->pid, p->name, signal_name(sig),
           cause, (void *)addr, (void *)p->tf->rip);
    die(sig);
}

/* Stay stopped (p is the current thread) until SIGCONT or SIGKILL. */
static void stop_wait(struct proc *p)
{
    while (p->stopped && !p->pending_signal) {
        p->wait_chan = &p->stopped;
        p->state = PROC_SLEEPING;
        sched_yield();
        p->wait_chan = NULL;
    }
    p->stopped = false;
}

/* Stop p's whole process for sig: every thread stops on its way out to
 * user mode (p, the current one, right here) until SIGCONT or SIGKILL. */
static void stop(struct proc *p, int sig)
{
    struct proc *g = proc_group(p), *t = proc_table();
    for (int i = 0; i < NPROC; i++)
        if (proc_group(&t[i]) == g && thread_live(&t[i]))
            t[i].stopped = true;
    p->stopped = true;
    signal_notify_parent(g, CLD_STOPPED, sig);
    stop_wait(p);
}

/* The lowest pending unblocked signal, synchronous ones first; 0 if none. */
static int next_signal(const struct proc *p)
{
    uint64_t ready = (p->sig_pending | proc_group(p)->sig_shared_pending) & ~p->sig_blocked;
    if (ready & SYNC_SIGNALS)
        ready &= SYNC_SIGNALS;
    return ready ? __builtin_ctzl(ready) + 1 : 0;
}

/* Push a frame for sig's handler and point tf at the handler. False if the
 * frame cannot be written (no restorer, a bad stack). Not inlined: GDB
 * breaks on it (docs/labs/signals.md). */
static __attribute__((noinline)) bool push_frame(struct proc *p, struct trapframe *tf, int sig,
                       const struct cowos_siginfo *info, const struct cowos_sigaction *a,
                       uint64_t old_mask)
{
    static uint8_t fx[512] __aligned(16); /* one CPU, and nothing sleeps in here */
    if (!(a->flags & SA_RESTORER) || !a->restorer)
        return false; /* as Linux on x86-64: a handler needs somewhere to return to */
    /* LAB-BEGIN signals: write the FXSAVE image and a struct sigframe below the red zone, then point tf at the handler (docs/labs/signals.md, step 1) */
    vaddr_t fp = ((tf->rsp - 128) - sizeof(fx)) & ~63UL; /* below the red zone */
    vaddr_t fa = ((fp - sizeof(struct sigframe)) & ~15UL) - 8;
    struct sigframe f;
    memset(&f, 0, sizeof(f));
    f.pretcode = a->restorer;
    f.info = *info;
    struct cowos_mcontext *m = &f.uc.mcontext;
    m->r8 = tf->r8, m->r9 = tf->r9, m->r10 = tf->r10, m->r11 = tf->r11;
    m->r12 = tf->r12, m->r13 = tf->r13, m->r14 = tf->r14, m->r15 = tf->r15;
    m->rdi = tf->rdi, m->rsi = tf->rsi, m->rbp = tf->rbp, m->rbx = tf->rbx;
    m->rdx = tf->rdx, m->rax = tf->rax, m->rcx = tf->rcx, m->rsp = tf->rsp;
    m->rip = tf->rip, m->rflags = tf->rflags;
    m->cs = (unsigned short)tf->cs, m->ss = (unsigned short)tf->ss;
    m->trapno = tf->vector < 32 ? tf->vector : 0;
    m->err = tf->vector < 32 ? tf->error : 0;
    m->cr2 = tf->vector == T_PGFLT ? info->u.addr : 0;
    m->oldmask = old_mask;
    m->fpstate = fp;
    f.uc.sigmask = old_mask;
    cpu_fxsave(fx);
    if (uaccess_copy_to_user(fp, fx, sizeof(fx)) < 0 ||
        uaccess_copy_to_user(fa, &f, sizeof(f)) < 0)
        return false;
    tf->rsp = fa;
    tf->rip = a->handler;
    tf->rdi = (uint64_t)sig;
    tf->rsi = fa + offsetof(struct sigframe, info);
    tf->rdx = fa + offsetof(struct sigframe, uc);
    tf->rax = 0;
    tf->cs = GDT_USER_CODE_SEL;
    tf->ss = GDT_USER_DATA_SEL;
    tf->rflags &= ~(RFLAGS_TF | RFLAGS_DF | RFLAGS_RF);
    proc_fpu_reset(p); /* the handler starts with a clean FPU, as on Linux */
    return true;
    /* LAB-STUB
     * (void)tf;
     * (void)info;
     * (void)old_mask;
     * (void)fx;
     * printk("pid %d (%s): signals lab: push_frame does not build %s's frame yet\n", p->pid,
     *        p->name, signal_name(sig));
     * return false;
     * LAB-END signals */
}

static bool is_restart_code(long r)
{
    return r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND ||
           r == -ERESTART_RESTARTBLOCK;
}

/* Run system call nr again when the program returns to user mode. */
static void restart(struct trapframe *tf, long nr)
{
    tf->rax = (uint64_t)nr;
    tf->rip -= 2; /* back onto the two-byte syscall instruction */
}

/* The siginfo a program sees for sig, from what was kept when it was sent. */
static void fill_info(struct cowos_siginfo *info, int sig, const struct proc_siginfo *k)
{
    memset(info, 0, sizeof(*info));
    info->signo = sig;
    info->code = k->code;
    if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP)
        info->u.addr = k->addr; /* a fault's si_addr (0 when sent by kill: pid and uid 0 then) */
    if (k->code == SI_USER || k->code == SI_TKILL || sig == SIGCHLD) {
        info->u.proc.pid = k->pid;
        info->u.proc.status = k->status;
    }
}

/* Take sig off p's pending sets (its own first, as Linux); what it carried. */
static struct proc_siginfo dequeue(struct proc *p, int sig)
{
    struct proc *g = proc_group(p);
    if (p->sig_pending & signal_bit(sig)) {
        p->sig_pending &= ~signal_bit(sig);
        return p->sig_info[sig];
    }
    g->sig_shared_pending &= ~signal_bit(sig);
    return g->sig_shared_info[sig];
}

void signal_deliver(struct trapframe *tf, long nr)
{
    struct proc *p = proc_current();
    if (!p)
        return;
    if (nr >= 0 && !is_restart_code((long)tf->rax))
        nr = -1; /* the call finished: nothing to restart */
    struct proc *g = proc_group(p);
    if (p->stopped && !p->pending_signal)
        stop_wait(p); /* another thread stopped the process */
    int sig;
    while (p->pending_signal || (sig = next_signal(p)) != 0) {
        if (p->pending_signal)
            die(p->pending_signal);
        struct proc_siginfo kept = dequeue(p, sig), *k = &kept;
        struct cowos_siginfo info;
        fill_info(&info, sig, k);
        struct cowos_sigaction a = g->sig_action[sig];
        if (a.handler == SIG_IGN_HANDLER)
            continue;
        if (a.handler == SIG_DFL_HANDLER) {
            if (signal_ignored_by_default(sig) || p->pid == 1)
                continue;
            if (signal_stops_by_default(sig)) {
                /* POSIX: an orphaned group has nobody to continue it */
                if (sig == SIGSTOP || !signal_pgrp_orphaned(p->pgid))
                    stop(p, sig);
                continue;
            }
            die(sig);
        }
        if (nr >= 0) {
            long r = (long)tf->rax;
            if (r == -ERESTARTNOINTR || (r == -ERESTARTSYS && (a.flags & SA_RESTART)))
                restart(tf, nr);
            else
                tf->rax = (uint64_t)-EINTR;
            nr = -1;
        }
        uint64_t old_mask = p->sig_restore_mask ? p->sig_saved_mask : p->sig_blocked;
        if (!push_frame(p, tf, sig, &info, &a, old_mask)) {
            printk("pid %d (%s): killed by SIGSEGV: cannot set up the frame for %s's handler "
                   "(rsp %p)\n", p->pid, p->name, signal_name(sig), (void *)tf->rsp);
            die(SIGSEGV);
        }
        p->sig_restore_mask = false;
        if (a.flags & SA_RESETHAND) {
            g->sig_action[sig].handler = SIG_DFL_HANDLER;
            g->sig_action[sig].flags &= ~(unsigned long)SA_SIGINFO;
        }
        uint64_t block = a.mask | ((a.flags & SA_NODEFER) ? 0 : signal_bit(sig));
        p->sig_blocked = (p->sig_blocked | block) & ~UNBLOCKABLE;
    }
    if (nr >= 0) /* interrupted, but no handler ran: the call goes on */
        restart(tf, (long)tf->rax == -ERESTART_RESTARTBLOCK ? SYS_restart_syscall : nr);
    if (p->sig_restore_mask) {
        p->sig_blocked = p->sig_saved_mask;
        p->sig_restore_mask = false;
    }
}

void signal_fork(struct proc *child, const struct proc *parent)
{
    memcpy(child->sig_action, proc_group(parent)->sig_action, sizeof(child->sig_action));
    child->sig_blocked = parent->sig_blocked;
    child->sig_pending = 0;
    child->sig_shared_pending = 0;
    child->alarm_tick = 0;
}

void signal_exec(struct proc *p)
{
    for (int sig = 1; sig < NSIG; sig++) {
        struct cowos_sigaction *a = &proc_group(p)->sig_action[sig];
        if (a->handler != SIG_IGN_HANDLER)
            a->handler = SIG_DFL_HANDLER;
        a->flags = a->restorer = a->mask = 0;
    }
    p->did_exec = true;
}

/* ---- system calls ---- */

long sys_rt_sigaction(long lsig, long uact, long uold, long setsize)
{
    struct proc *p = proc_current();
    int sig = (int)lsig;
    if (setsize != 8 || sig < 1 || sig >= NSIG)
        return -EINVAL;
    struct cowos_sigaction act;
    if (uact && uaccess_copy_from_user(&act, (vaddr_t)uact, sizeof(act)) < 0)
        return -EFAULT;
    if (uact && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (uact && (act.flags & ~(unsigned long)SA_KNOWN))
        return -EINVAL; /* SA_ONSTACK (no sigaltstack here) and unknown bits */
    struct proc *g = proc_group(p);
    if (uold && uaccess_copy_to_user((vaddr_t)uold, &g->sig_action[sig], sizeof(act)) < 0)
        return -EFAULT;
    if (uact) {
        act.mask &= ~UNBLOCKABLE;
        g->sig_action[sig] = act;
        if (ignores(p, sig)) /* POSIX: ignoring a pending signal discards it (every thread's) */
            clear_pending(g, signal_bit(sig));
    }
    return 0;
}

long sys_rt_sigprocmask(long how, long uset, long uold, long setsize)
{
    struct proc *p = proc_current();
    if (setsize != 8)
        return -EINVAL;
    uint64_t set = 0;
    if (uset && uaccess_copy_from_user(&set, (vaddr_t)uset, sizeof(set)) < 0)
        return -EFAULT;
    if (uset && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
        return -EINVAL;
    if (uold && uaccess_copy_to_user((vaddr_t)uold, &p->sig_blocked, sizeof(set)) < 0)
        return -EFAULT;
    if (uset) {
        if (how == SIG_BLOCK)
            p->sig_blocked |= set;
        else if (how == SIG_UNBLOCK)
            p->sig_blocked &= ~set;
        else
            p->sig_blocked = set;
        p->sig_blocked &= ~UNBLOCKABLE;
    }
    return 0;
}

long sys_rt_sigpending(long uset, long setsize)
{
    struct proc *p = proc_current();
    if (setsize < 0 || setsize > 8)
        return -EINVAL;
    /* the thread's own and the process's, as Linux */
    uint64_t set = (p->sig_pending | proc_group(p)->sig_shared_pending) & p->sig_blocked;
    if (uaccess_copy_to_user((vaddr_t)uset, &set, (size_t)setsize) < 0)
        return -EFAULT;
    return 0;
}

long sys_rt_sigsuspend(long umask, long setsize)
{
    struct proc *p = proc_current();
    if (setsize != 8)
        return -EINVAL;
    uint64_t mask;
    if (uaccess_copy_from_user(&mask, (vaddr_t)umask, sizeof(mask)) < 0)
        return -EFAULT;
    p->sig_saved_mask = p->sig_blocked;
    p->sig_restore_mask = true; /* signal_deliver puts it back */
    p->sig_blocked = mask & ~UNBLOCKABLE;
    while (!signal_pending(p))
        proc_sleep(&p->sig_pending);
    return -ERESTARTNOHAND;
}

long sys_pause(void)
{
    struct proc *p = proc_current();
    while (!signal_pending(p))
        proc_sleep(&p->sig_pending);
    return -ERESTARTNOHAND;
}

struct kernel_timespec {
    int64_t tv_sec, tv_nsec;
};

long sys_rt_sigtimedwait(long uset, long uinfo, long utimeout, long setsize)
{
    struct proc *p = proc_current();
    struct proc *g = proc_group(p);
    if (setsize != 8)
        return -EINVAL;
    uint64_t set;
    if (uaccess_copy_from_user(&set, (vaddr_t)uset, sizeof(set)) < 0)
        return -EFAULT;
    set &= ~UNBLOCKABLE; /* as Linux: SIGKILL and SIGSTOP cannot be waited for */
    uint64_t deadline = 0;
    bool poll = false;
    if (utimeout) {
        struct kernel_timespec ts;
        if (uaccess_copy_from_user(&ts, (vaddr_t)utimeout, sizeof(ts)) < 0)
            return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
            return -EINVAL;
        const uint64_t ns_per_tick = 1000000000UL / TIMER_HZ;
        uint64_t ticks = (uint64_t)ts.tv_sec > (1UL << 40) / TIMER_HZ
                             ? 1UL << 40
                             : (uint64_t)ts.tv_sec * TIMER_HZ +
                                   ((uint64_t)ts.tv_nsec + ns_per_tick - 1) / ns_per_tick;
        poll = ticks == 0;
        deadline = timer_ticks() + ticks;
    }
    for (;;) {
        uint64_t ready = (p->sig_pending | g->sig_shared_pending) & set;
        if (ready) {
            int sig = __builtin_ctzl(ready) + 1;
            struct proc_siginfo k = dequeue(p, sig);
            if (uinfo) {
                struct cowos_siginfo info;
                fill_info(&info, sig, &k);
                if (uaccess_copy_to_user((vaddr_t)uinfo, &info, sizeof(info)) < 0)
                    return -EFAULT;
            }
            return sig;
        }
        if (poll || (deadline && timer_ticks() >= deadline))
            return -EAGAIN;
        if (signal_pending(p))
            return -EINTR; /* another signal, with its handler (never restarted, as Linux) */
        p->sig_waitset = set; /* what send_info may wake it for */
        p->wake_tick = deadline;
        proc_sleep(&p->sig_pending);
        p->wake_tick = 0;
        p->sig_waitset = 0;
    }
}

long sys_alarm(long lseconds)
{
    struct proc *p = proc_group(proc_current()); /* one alarm per process */
    uint64_t seconds = (unsigned int)lseconds; /* alarm takes an unsigned int */
    uint64_t now = timer_ticks();
    long left = 0;
    if (p->alarm_tick > now) {
        uint64_t ticks = p->alarm_tick - now;
        left = (long)(ticks / TIMER_HZ);
        if (ticks % TIMER_HZ >= TIMER_HZ / 2 || left == 0)
            left++; /* as Linux: rounded to the nearest second, never 0 */
    }
    p->alarm_tick = seconds ? now + seconds * TIMER_HZ : 0;
    return left;
}

long sys_rt_sigreturn(void)
{
    struct proc *p = proc_current();
    struct trapframe *tf = p->tf;
    static uint8_t fx[512] __aligned(16);
    vaddr_t fa = tf->rsp - 8; /* the handler's ret popped pretcode */
    /* LAB-BEGIN signals: read the frame back, refuse what a user could forge, restore registers, mask and FPU (docs/labs/signals.md, step 2) */
    struct sigframe f;
    if (uaccess_copy_from_user(&f, fa, sizeof(f)) < 0)
        goto bad;
    struct cowos_mcontext *m = &f.uc.mcontext;
    if (m->cs != GDT_USER_CODE_SEL || m->ss != GDT_USER_DATA_SEL || m->rip >= USER_TOP ||
        m->rsp >= USER_TOP)
        goto bad;
    if (m->fpstate) {
        if ((m->fpstate & 15) || uaccess_copy_from_user(fx, m->fpstate, sizeof(fx)) < 0)
            goto bad;
        uint32_t mxcsr_mask = 0xffbf; /* the architectural default when the CPU gives 0 */
        uint32_t *mx = (uint32_t *)(fx + 24);
        if (mx[1])
            mxcsr_mask = mx[1];
        mx[0] &= mxcsr_mask; /* a reserved MXCSR bit would make fxrstor fault in the kernel */
    }
    tf->r8 = m->r8, tf->r9 = m->r9, tf->r10 = m->r10, tf->r11 = m->r11;
    tf->r12 = m->r12, tf->r13 = m->r13, tf->r14 = m->r14, tf->r15 = m->r15;
    tf->rdi = m->rdi, tf->rsi = m->rsi, tf->rbp = m->rbp, tf->rbx = m->rbx;
    tf->rdx = m->rdx, tf->rcx = m->rcx, tf->rsp = m->rsp, tf->rip = m->rip;
    tf->rflags = (tf->rflags & ~FIX_EFLAGS) | (m->rflags & FIX_EFLAGS);
    tf->cs = GDT_USER_CODE_SEL;
    tf->ss = GDT_USER_DATA_SEL;
    p->sig_blocked = f.uc.sigmask & ~UNBLOCKABLE;
    if (m->fpstate)
        cpu_fxrstor(fx);
    else
        proc_fpu_reset(p);
    return (long)m->rax; /* syscall_dispatch stores it back into rax */
bad:
    signal_force_fault(SIGSEGV, SI_KERNEL, "bad sigreturn frame", fa);
    return 0;
    /* LAB-STUB
     * (void)p;
     * (void)fx;
     * signal_force_fault(SIGSEGV, SI_KERNEL, "signals lab: sys_rt_sigreturn is not written yet", fa);
     * return 0;
     * LAB-END signals */
}
