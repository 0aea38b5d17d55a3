/*
 * test_proc_perm.c - what a process may do to others: kill(-1) reaches
 * everyone but pid 1 and the caller (ESRCH when that is nobody), and
 * proc_may_inspect allows a process's own line of descent only.
 * The processes are hand-made slots; the caller is installed as current.
 */
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/signum.h"
#include "proc/proc.h"
#include "tests/ktest.h"

static struct proc *make(int pid, struct proc *parent)
{
    int err;
    struct proc *p = proc_alloc(&err);
    if (p) {
        p->pid = pid;
        p->parent = parent;
        p->state = PROC_SLEEPING;
    }
    return p;
}

static void drop(struct proc *p)
{
    if (p)
        proc_free_unstarted(p);
}

KTEST(proc_kill_minus_one_spares_init_and_the_caller)
{
    struct proc *init = make(1, NULL), *self = make(300, init);
    ASSERT_TRUE(init && self);
    self->state = PROC_RUNNING;
    cpu0.current = self;
    EXPECT_EQ(-ESRCH, sys_kill(-1, 0)); /* nobody but init and the caller */
    EXPECT_EQ(-ESRCH, sys_kill(-1, SIGKILL));
    EXPECT_EQ(0, init->pending_signal);
    EXPECT_EQ(0, self->pending_signal);
    struct proc *other = make(301, init);
    ASSERT_TRUE(other != NULL);
    EXPECT_EQ(0, sys_kill(-1, SIGTERM));
    EXPECT_EQ(SIGTERM, other->pending_signal);
    EXPECT_EQ(0, init->pending_signal);
    EXPECT_EQ(0, self->pending_signal);
    cpu0.current = NULL;
    drop(other);
    drop(self);
    drop(init);
}

KTEST(proc_may_inspect_only_its_line_of_descent)
{
    struct proc *init = make(1, NULL);
    struct proc *parent = make(310, init);
    struct proc *child = make(311, parent), *sibling = make(312, parent);
    struct proc *grandchild = make(313, child);
    ASSERT_TRUE(init && parent && child && sibling && grandchild);
    EXPECT_TRUE(proc_may_inspect(child, child));
    EXPECT_TRUE(proc_may_inspect(parent, grandchild)); /* a descendant */
    EXPECT_TRUE(proc_may_inspect(grandchild, init));   /* an ancestor */
    EXPECT_TRUE(proc_may_inspect(init, sibling));      /* init: everyone descends from it */
    EXPECT_TRUE(!proc_may_inspect(sibling, child));     /* a sibling */
    EXPECT_TRUE(!proc_may_inspect(sibling, grandchild)); /* a nephew */
    EXPECT_TRUE(!proc_may_inspect(grandchild, sibling)); /* an uncle */
    EXPECT_TRUE(!proc_may_inspect(NULL, child));
    drop(grandchild);
    drop(sibling);
    drop(child);
    drop(parent);
    drop(init);
}
