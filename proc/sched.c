/*
 * sched.c - the scheduler on every CPU, yielding, preemption and sleeping
 * by time.
 *
 * Each CPU runs its own scheduler thread (on its boot or start-up stack):
 * it picks a RUNNABLE process from the one process table, switches to it,
 * and gets control back when that process yields, sleeps or exits. The
 * "run queue" is the table itself, guarded by klock (kernel/klock.h), which
 * every CPU holds while it schedules and which stays held across switch_to:
 * a process is marked RUNNING (and its cpu set) before its CPU lets klock
 * go, and only becomes RUNNABLE again on its way into switch_to, still under
 * klock, so no other CPU can pick it before its context is saved. One queue
 * under the lock klock already is costs no second lock; per-CPU queues
 * would buy nothing while every pick needs klock anyway (README "Several
 * CPUs" has the numbers).
 * Affinity: a CPU first looks for a process that last ran on it (or never
 * ran); it takes one that last ran elsewhere only if that CPU is busy with
 * another process, and counts it as a migration. A new process or thread
 * starts out on its creator's CPU (sched_place_new): an idle CPU takes it
 * at its next timer tick if that CPU stays busy, so a fork that is waited
 * for at once never crosses CPUs; a new thread kicks an idle CPU at once
 * (sched_kick_idle: its creator usually goes on running). A process made RUNNABLE while its CPU
 * halts idle kicks that CPU with an IPI (sched_kick). Idle CPUs load the
 * kernel's tables, let klock go and halt with interrupts on; each wakes at
 * least at its own timer tick and looks for work.
 * Preemption: every CPU's local APIC timer (sched_cpu_tick) ends a user
 * process's slice; the PIT on CPU 0 (sched_tick) wakes nanosleep sleepers
 * and delivers alarms. The process's CR3, TSS.RSP0 and this CPU's
 * kernel_rsp are set here before switching to it. The x87/SSE state of a
 * process is saved when it switches away and restored when it comes back.
 * Also time: nanosleep (and its continuation after a stop), alarm's SIGALRM,
 * and freeing the zombies nobody waits for once they have switched away.
 */
#include "proc/sched.h"
#include "kernel/cpu.h"
#include "kernel/dev/lapic.h"
#include "kernel/errno.h"
#include "kernel/gdt.h"
#include "kernel/klock.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "mm/uaccess.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "proc/thread.h"

void switch_to(uint64_t *save_rsp, uint64_t new_rsp);
void sched_first_run(void);

static volatile bool started; /* CPU 0 has entered sched_run: the others may schedule */

/* Is CPU id busy with a process (so taking its process is no needless migration)? */
static bool cpu_busy(int id)
{
    struct cpu *o = smp_cpu(id);
    return o && o->current != NULL;
}

/* The next RUNNABLE process for c, round robin from its last pick: first one
 * that last ran here or never ran, then one whose CPU is busy elsewhere. */
static struct proc *pick_next(struct cpu *c)
{
    struct proc *table = proc_table();
    for (int pass = 0; pass < 2; pass++)
        for (int i = 1; i <= NPROC; i++) {
            int slot = (c->last_slot + i) % NPROC;
            struct proc *p = &table[slot];
            if (p->state != PROC_RUNNABLE)
                continue;
            bool mine = !p->has_run || p->cpu == c->id;
            if (mine || (pass == 1 && cpu_busy(p->cpu))) {
                c->last_slot = slot;
                return p;
            }
        }
    return NULL;
}

/* Is there a RUNNABLE process c might take? Read without klock: only a
 * hint for the idle loop, which looks again under the lock. */
static bool work_hint(struct cpu *c)
{
    struct proc *table = proc_table();
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &table[i];
        if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) == PROC_RUNNABLE &&
            (!p->has_run || p->cpu == c->id || cpu_busy(p->cpu)))
            return true;
    }
    return false;
}

/* Nothing to run: the kernel's tables (so no space counts this CPU), klock
 * off, halt until an interrupt (timer, kick, device) brings work, klock
 * back. Waking for nothing (a tick) costs no klock. */
static void idle(struct cpu *c)
{
    if (c->vs)
        vmm_activate(vmm_kernel_space());
    c->idle = true;
    klock_release();
    do {
        sti();
        hlt();
        cli();
    } while (!work_hint(c));
    klock_acquire();
    c->idle = false;
}

__noreturn void sched_run(void)
{
    struct cpu *c = this_cpu();
    cli();
    if (c->id == 0)
        __atomic_store_n(&started, true, __ATOMIC_RELEASE);
    klock_acquire();
    for (;;) {
        struct proc *p = pick_next(c);
        if (!p) {
            idle(c);
            continue;
        }
        if (p->has_run && p->cpu != c->id)
            c->migrations++;
        p->state = PROC_RUNNING;
        p->cpu = c->id;
        p->has_run = true;
        c->current = p;
        c->kernel_rsp = p->kstack_top;
        gdt_set_kernel_stack(p->kstack_top);
        if (!vmm_is_active(p->vs))
            vmm_activate(p->vs);
        thread_switch_in(p); /* its TLS (FS base) */
        c->slice_ticks = 0;
        c->switches++;
        switch_to(&c->scheduler_rsp, p->ksp);
        c->current = NULL;
        if (p->state == PROC_ZOMBIE && p->autoreap)
            proc_release_zombie(p); /* its parent ignores SIGCHLD: off its stack now */
        /* A breather: the CPUs waiting for klock get their turn. Without
         * it a process that yields in a loop until another CPU's process
         * acts (exit_group waiting for its threads to die) would keep klock
         * from that CPU forever. p's context is saved, so another CPU may
         * pick it up meanwhile. */
        klock_yield();
    }
}

bool sched_started(void) { return __atomic_load_n(&started, __ATOMIC_ACQUIRE); }

void sched_place_new(struct proc *p)
{
    p->cpu = this_cpu()->id;
    p->has_run = true;
}

/* The first CPU other than me that halts idle, or NULL. */
static struct cpu *idle_cpu_besides(struct cpu *me)
{
    for (int i = 0; i < smp_cpu_count(); i++)
        if (smp_cpu(i) != me && smp_cpu(i)->idle)
            return smp_cpu(i);
    return NULL;
}

void sched_kick(struct proc *p)
{
    struct cpu *me = this_cpu(), *target = NULL;
    if (p->state == PROC_RUNNING) {
        target = smp_cpu(p->cpu);
        if (target && target != me)
            lapic_send_ipi(target->apic_id, SCHED_KICK_VECTOR);
        return;
    }
    if (p->has_run) {
        /* Its own CPU if that one halts; if it is busy, an idle CPU takes
         * p at its next tick (no IPI: a wakeup answered at once by the
         * waker's own CPU would otherwise bounce between CPUs). */
        struct cpu *last = smp_cpu(p->cpu);
        if (last && last->idle)
            target = last;
    }
    if (!p->has_run)
        target = idle_cpu_besides(me);
    if (target && target != me)
        lapic_send_ipi(target->apic_id, SCHED_KICK_VECTOR);
}

void sched_kick_idle(void)
{
    struct cpu *o = idle_cpu_besides(this_cpu());
    if (o)
        lapic_send_ipi(o->apic_id, SCHED_KICK_VECTOR);
}

void sched_yield(void)
{
    struct cpu *c = this_cpu();
    struct proc *p = c->current;
    if (c->locks_held)
        spin_check_sleep("sched_yield");
    if (p->state == PROC_RUNNING)
        p->state = PROC_RUNNABLE;
    cpu_fxsave(p->fpu);
    thread_switch_out(p);
    switch_to(&p->ksp, c->scheduler_rsp);
    cpu_fxrstor(p->fpu); /* maybe on another CPU now */
}

/* A new process's first run: switch_first_return calls this, then goes out
 * to user mode. */
void sched_first_run(void)
{
    cpu_fxrstor(proc_current()->fpu);
    thread_first_run(proc_current()); /* CLONE_CHILD_SETTID */
    proc_check_signals(); /* killed before it ever ran (the OOM killer's tie): no user code runs */
}

void sched_cpu_tick(struct trapframe *tf)
{
    struct cpu *c = this_cpu();
    /* The kernel is not preemptible: only a process caught in user mode is
     * (and then trap_dispatch holds klock for this CPU). */
    if (!trap_from_user(tf) || !c->current)
        return;
    if (++c->slice_ticks >= SCHED_SLICE_TICKS)
        sched_yield();
}

void sched_tick(struct trapframe *tf)
{
    uint64_t now = timer_ticks();
    struct proc *table = proc_table();
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &table[i];
        if (p->state == PROC_SLEEPING && p->wake_tick && p->wake_tick <= now) {
            p->wake_tick = 0;
            p->state = PROC_RUNNABLE;
            sched_kick(p);
        }
        if (p->alarm_tick && p->alarm_tick <= now && p->state != PROC_UNUSED &&
            p->state != PROC_ZOMBIE) {
            p->alarm_tick = 0;
            signal_send(p, SIGALRM, SI_KERNEL, 0);
        }
    }
    /* Without local APIC timers the PIT preempts CPU 0's processes too. */
    if (!lapic_present())
        sched_cpu_tick(tf);
}

uint64_t sched_switches(void)
{
    uint64_t n = 0;
    for (int i = 0; i < smp_cpu_count(); i++)
        n += smp_cpu(i)->switches;
    return n;
}

uint64_t sched_migrations(void)
{
    uint64_t n = 0;
    for (int i = 0; i < smp_cpu_count(); i++)
        n += smp_cpu(i)->migrations;
    return n;
}

long sys_sched_yield(void)
{
    sched_yield();
    return 0;
}

struct kernel_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

/*
 * Sleep until timer tick deadline. Interrupted, the time left goes to urem
 * (if not 0) and the result is -ERESTART_RESTARTBLOCK: -EINTR if a handler
 * runs, else the sleep goes on through SYS_restart_syscall (a stop and
 * SIGCONT), as on Linux.
 */
static long sleep_until(uint64_t deadline, vaddr_t urem)
{
    const uint64_t ns_per_tick = 1000000000UL / TIMER_HZ;
    struct proc *p = proc_current();
    p->restart_deadline = 0;
    while (timer_ticks() < deadline) {
        if (proc_interrupted()) {
            if (urem) {
                uint64_t left_ns = (deadline - timer_ticks()) * ns_per_tick;
                struct kernel_timespec rem = {(int64_t)(left_ns / 1000000000UL),
                                              (int64_t)(left_ns % 1000000000UL)};
                if (uaccess_copy_to_user(urem, &rem, sizeof(rem)) < 0)
                    return -EFAULT;
            }
            p->restart_deadline = deadline;
            p->restart_urem = urem;
            return -ERESTART_RESTARTBLOCK;
        }
        p->wake_tick = deadline;
        p->state = PROC_SLEEPING;
        p->wait_chan = NULL;
        sched_yield();
    }
    return 0;
}

long sys_nanosleep(long ureq, long urem)
{
    struct kernel_timespec req;
    if (uaccess_copy_from_user(&req, (vaddr_t)ureq, sizeof(req)) < 0)
        return -EFAULT;
    if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000)
        return -EINVAL;
    const uint64_t ns_per_tick = 1000000000UL / TIMER_HZ;
    uint64_t ticks;
    if ((uint64_t)req.tv_sec > (1UL << 40) / TIMER_HZ) /* 348 years: effectively forever */
        ticks = 1UL << 40;
    else
        ticks = (uint64_t)req.tv_sec * TIMER_HZ + ((uint64_t)req.tv_nsec + ns_per_tick - 1) / ns_per_tick;
    return sleep_until(timer_ticks() + ticks, (vaddr_t)urem);
}

long sys_restart_syscall(void)
{
    struct proc *p = proc_current();
    if (!p->restart_deadline)
        return -EINTR; /* nothing was interrupted */
    return sleep_until(p->restart_deadline, p->restart_urem);
}

long sys_uptime_ms(void) { return (long)(timer_ticks() * (1000 / TIMER_HZ)); }
