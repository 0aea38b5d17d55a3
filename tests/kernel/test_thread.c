/*
 * test_thread.c - the thread-group rules of proc/signal.c and proc/proc.c
 * on hand-made groups (a leader and threads pointing at it, asleep): where
 * a process-directed signal goes, that a fatal one dooms every thread, that
 * SIGCONT continues them all, and that lookups see processes, not threads.
 */
#include "mm/pmm.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "tests/ktest.h"

static char nothing; /* what the hand-made threads sleep on */

/* A sleeping slot with tid; a thread of leader if leader is not NULL. */
static struct proc *fake(int tid, struct proc *leader)
{
    int err;
    struct proc *p = proc_alloc(&err);
    if (!p)
        return NULL;
    p->tid = tid;
    p->pid = leader ? leader->pid : tid;
    p->leader = leader;
    p->thread_count = leader ? 0 : 1;
    if (leader)
        leader->thread_count++;
    p->sid = p->pgid = 950;
    p->state = PROC_SLEEPING;
    p->wait_chan = &nothing;
    return p;
}

static void free_all(struct proc **ps, int n)
{
    for (int i = 0; i < n; i++) {
        ps[i]->state = PROC_EMBRYO;
        proc_free_unstarted(ps[i]);
    }
}

KTEST(thread_process_signal_goes_to_a_thread_not_blocking_it)
{
    uint64_t free0 = pmm_free_count();
    struct proc *g = fake(951, NULL);
    struct proc *t1 = g ? fake(952, g) : NULL;
    struct proc *t2 = t1 ? fake(953, g) : NULL;
    ASSERT_TRUE(g && t1 && t2);
    g->sig_action[SIGUSR1].handler = 0x1000; /* caught: a handler, not death */
    g->sig_blocked = t1->sig_blocked = signal_bit(SIGUSR1);
    EXPECT_TRUE(signal_send(g, SIGUSR1, SI_USER, 0));
    EXPECT_TRUE(g->sig_shared_pending & signal_bit(SIGUSR1)); /* the process's, not a thread's */
    EXPECT_EQ(0, g->sig_pending | t1->sig_pending | t2->sig_pending);
    EXPECT_EQ(PROC_SLEEPING, g->state);  /* blocks it: left asleep */
    EXPECT_EQ(PROC_SLEEPING, t1->state);
    EXPECT_EQ(PROC_RUNNABLE, t2->state); /* the one that can take it, woken */
    EXPECT_TRUE(signal_pending(t2));
    EXPECT_TRUE(!signal_pending(g));
    EXPECT_EQ(g, proc_find(951));
    EXPECT_EQ(NULL, proc_find(952)); /* a thread's id is no process */
    EXPECT_EQ(t1, proc_find_tid(952));
    /* tkill-style: only that thread's own set */
    t2->state = PROC_SLEEPING;
    EXPECT_TRUE(signal_send_thread(t1, SIGUSR1, SI_TKILL, 0));
    EXPECT_TRUE(t1->sig_pending & signal_bit(SIGUSR1));
    EXPECT_EQ(PROC_SLEEPING, t1->state); /* it blocks it */
    struct proc *all[] = {t2, t1, g};
    free_all(all, 3);
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(thread_fatal_signal_dooms_every_thread)
{
    uint64_t free0 = pmm_free_count();
    struct proc *g = fake(961, NULL);
    struct proc *t1 = g ? fake(962, g) : NULL;
    ASSERT_TRUE(g && t1);
    EXPECT_TRUE(signal_send(g, SIGTERM, SI_USER, 0)); /* default action: terminate */
    EXPECT_EQ(SIGTERM, g->pending_signal);
    EXPECT_EQ(SIGTERM, t1->pending_signal);
    EXPECT_EQ(PROC_RUNNABLE, g->state);
    EXPECT_EQ(PROC_RUNNABLE, t1->state);
    struct proc *all[] = {t1, g};
    free_all(all, 2);
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(thread_sigcont_continues_every_thread)
{
    uint64_t free0 = pmm_free_count();
    struct proc *parent = fake(970, NULL);
    struct proc *g = parent ? fake(971, NULL) : NULL;
    struct proc *t1 = g ? fake(972, g) : NULL;
    ASSERT_TRUE(parent && g && t1);
    g->parent = t1->parent = parent;
    g->stopped = t1->stopped = true;
    g->wait_chan = &g->stopped;
    t1->wait_chan = &t1->stopped;
    EXPECT_TRUE(!signal_send(g, SIGCONT, SI_USER, 0)); /* ignored by default: not left pending */
    EXPECT_TRUE(!g->stopped && !t1->stopped);
    EXPECT_EQ(PROC_RUNNABLE, g->state);
    EXPECT_EQ(PROC_RUNNABLE, t1->state);
    EXPECT_EQ(PROC_STATUS_CONTINUED, g->wait_report); /* one report, for the process */
    struct proc *all[] = {t1, g, parent};
    free_all(all, 3);
    EXPECT_EQ(free0, pmm_free_count());
}
