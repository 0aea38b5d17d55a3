/*
 * test_sched.c - the scheduler's timer hook: sleepers wake at their tick,
 * and a trap from kernel mode never preempts.
 */
#include "kernel/cpu.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "mm/pmm.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "tests/ktest.h"

KTEST(sched_tick_wakes_sleepers_when_due)
{
    int err;
    struct proc *due = proc_alloc(&err), *later = proc_alloc(&err);
    ASSERT_TRUE(due && later);
    uint64_t now = timer_ticks();
    due->state = PROC_SLEEPING;
    due->wake_tick = now;
    later->state = PROC_SLEEPING;
    later->wake_tick = now + 1000000;
    struct trapframe tf = {.cs = 0x08}; /* a tick that interrupted the kernel */
    sched_tick(&tf);
    EXPECT_EQ(PROC_RUNNABLE, due->state);
    EXPECT_EQ(PROC_SLEEPING, later->state);
    EXPECT_TRUE(proc_current() == NULL); /* nothing was switched to */
    due->state = later->state = PROC_EMBRYO;
    proc_free_unstarted(due);
    proc_free_unstarted(later);
}

KTEST(sched_wakeup_wakes_only_its_channel)
{
    int err;
    struct proc *a = proc_alloc(&err), *b = proc_alloc(&err);
    ASSERT_TRUE(a && b);
    int chan_a, chan_b;
    a->state = b->state = PROC_SLEEPING;
    a->wait_chan = &chan_a;
    b->wait_chan = &chan_b;
    proc_wakeup(&chan_a);
    EXPECT_EQ(PROC_RUNNABLE, a->state);
    EXPECT_EQ(PROC_SLEEPING, b->state);
    proc_signal(b, 15); /* a signal wakes a sleeper so it can die */
    EXPECT_EQ(PROC_RUNNABLE, b->state);
    EXPECT_EQ(15, b->pending_signal);
    a->state = b->state = PROC_EMBRYO;
    proc_free_unstarted(a);
    proc_free_unstarted(b);
}

KTEST(timer_ticks_advance)
{
    uint64_t t0 = timer_ticks();
    for (volatile uint64_t i = 0; i < 200000000UL && timer_ticks() < t0 + 2; i++)
        __asm__ volatile("pause");
    EXPECT_TRUE(timer_ticks() >= t0 + 2);
}
