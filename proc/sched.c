/*
 * sched.c - the scheduler thread, yielding, preemption and sleeping by time.
 *
 * Invariants: exactly one process is RUNNING while a process runs, and
 * cpu0.current names it; in the scheduler thread cpu0.current is NULL. The
 * process's CR3, TSS.RSP0 and cpu0.kernel_rsp are set here before switching
 * to it. The x87/SSE state of a process is saved when it switches away and
 * restored when it comes back, so user programs may use floating point.
 * Also time: nanosleep (and its continuation after a stop), alarm's SIGALRM,
 * and freeing the zombies nobody waits for once they have switched away.
 */
#include "proc/sched.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/gdt.h"
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

static uint64_t scheduler_rsp; /* the scheduler thread's saved stack pointer */
static int last_slot = -1;     /* round-robin position */
static uint64_t switches;
static uint64_t slice_ticks;   /* ticks the current process has used */

static struct proc *pick_next(void)
{
    struct proc *table = proc_table();
    for (int i = 1; i <= NPROC; i++) {
        int slot = (last_slot + i) % NPROC;
        if (table[slot].state == PROC_RUNNABLE) {
            last_slot = slot;
            return &table[slot];
        }
    }
    return NULL;
}

__noreturn void sched_run(void)
{
    for (;;) {
        struct proc *p = pick_next();
        if (!p) {
            /* Nothing to run: wait for an interrupt (timer, console) to wake someone. */
            sti();
            hlt();
            cli();
            continue;
        }
        p->state = PROC_RUNNING;
        cpu0.current = p;
        cpu0.kernel_rsp = p->kstack_top;
        gdt_set_kernel_stack(p->kstack_top);
        if (!vmm_is_active(p->vs))
            vmm_activate(p->vs);
        thread_switch_in(p); /* its TLS (FS base) */
        slice_ticks = 0;
        switches++;
        switch_to(&scheduler_rsp, p->ksp);
        cpu0.current = NULL;
        if (p->state == PROC_ZOMBIE && p->autoreap)
            proc_release_zombie(p); /* its parent ignores SIGCHLD: off its stack now */
    }
}

void sched_yield(void)
{
    struct proc *p = proc_current();
    if (p->state == PROC_RUNNING)
        p->state = PROC_RUNNABLE;
    cpu_fxsave(p->fpu);
    thread_switch_out(p);
    switch_to(&p->ksp, scheduler_rsp);
    cpu_fxrstor(p->fpu);
}

/* A new process's first run: switch_first_return calls this, then goes out
 * to user mode. */
void sched_first_run(void)
{
    cpu_fxrstor(proc_current()->fpu);
    thread_first_run(proc_current()); /* CLONE_CHILD_SETTID */
    proc_check_signals(); /* killed before it ever ran (the OOM killer's tie): no user code runs */
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
        }
        if (p->alarm_tick && p->alarm_tick <= now && p->state != PROC_UNUSED &&
            p->state != PROC_ZOMBIE) {
            p->alarm_tick = 0;
            signal_send(p, SIGALRM, SI_KERNEL, 0);
        }
    }
    /* The kernel is not preemptible: only a process caught in user mode is. */
    if (!trap_from_user(tf) || !proc_current())
        return;
    if (++slice_ticks >= SCHED_SLICE_TICKS)
        sched_yield();
}

uint64_t sched_switches(void) { return switches; }

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
