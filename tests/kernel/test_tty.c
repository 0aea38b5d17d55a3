/*
 * test_tty.c - Ctrl-C on the console: SIGINT to the foreground process group
 * of the console's session, never to another group or session; at the prompt, the line being edited is dropped and an empty line
 * lets the shell prompt again. Uses hand-made processes that never run.
 */
#include "kernel/signum.h"
#include "kernel/string.h"
#include "kernel/tty.h"
#include "mm/pmm.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "tests/ktest.h"

static char nothing; /* what the hand-made processes sleep on */

/* A process that exists (sleeping) in session sid, with the given pid. */
static struct proc *fake(int pid, int sid)
{
    int err;
    struct proc *p = proc_alloc(&err);
    if (!p)
        return NULL;
    p->pid = pid;
    p->sid = p->pgid = sid;
    p->state = PROC_SLEEPING;
    p->wait_chan = &nothing;
    return p;
}

KTEST(tty_ctrl_c_signals_the_foreground_group_only)
{
    uint64_t free0 = pmm_free_count();
    struct proc *shell = fake(900, 900);   /* the session leader, its own group */
    struct proc *job = fake(901, 900);     /* the foreground job: group 901 */
    struct proc *pipe2 = fake(902, 900);   /* ... the second program of its pipeline */
    struct proc *bg = fake(903, 900);      /* a background job: group 903 */
    struct proc *daemon = fake(904, 904);  /* another session */
    ASSERT_TRUE(shell && job && pipe2 && bg && daemon);
    job->pgid = pipe2->pgid = 901;
    bg->pgid = 903;

    tty_set_session(900, 901);
    EXPECT_EQ(901, tty_foreground());
    EXPECT_EQ(2, tty_signal_foreground(SIGINT));
    EXPECT_EQ(SIGINT, job->pending_signal);
    EXPECT_EQ(SIGINT, pipe2->pending_signal);
    EXPECT_EQ(PROC_RUNNABLE, job->state); /* woken to notice */
    EXPECT_EQ(0, shell->pending_signal);
    EXPECT_EQ(0, bg->pending_signal);
    EXPECT_EQ(0, daemon->pending_signal);
    EXPECT_EQ(2, tty_signal_foreground(SIGTSTP)); /* a stop is pending, not fatal */
    EXPECT_TRUE(job->sig_shared_pending & signal_bit(SIGTSTP)); /* sent to the process */
    tty_set_session(0, 0);
    EXPECT_EQ(0, tty_signal_foreground(SIGINT)); /* no controlling session: nobody */
    EXPECT_EQ(0, tty_foreground());

    struct proc *all[] = {shell, job, pipe2, bg, daemon};
    for (int i = 0; i < 5; i++) {
        all[i]->state = PROC_EMBRYO;
        proc_free_unstarted(all[i]);
    }
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(tty_ctrl_c_at_the_prompt_drops_the_line_and_sends_an_empty_one)
{
    bool echo = tty_set_echo(false);
    tty_flush_input();
    char buf[16];
    tty_input('l');
    tty_input('s');
    tty_input(0x03); /* Ctrl-C: nobody in the console's session to interrupt here */
    EXPECT_EQ(1, tty_kread(buf, sizeof(buf)));
    EXPECT_EQ('\n', buf[0]);
    tty_input('x');
    tty_input('\n');
    EXPECT_EQ(2, tty_kread(buf, sizeof(buf))); /* "ls" is gone for good */
    EXPECT_EQ('x', buf[0]);
    tty_flush_input();
    tty_set_echo(echo);
}
