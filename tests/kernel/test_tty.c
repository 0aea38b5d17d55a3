/*
 * test_tty.c - Ctrl-C on the console: SIGINT to the programs of the console's
 * session, never to its leader (the shell), never to init or to another
 * session; at the prompt, the line being edited is dropped and an empty line
 * lets the shell prompt again. Uses hand-made processes that never run.
 */
#include "kernel/signum.h"
#include "kernel/string.h"
#include "kernel/tty.h"
#include "mm/pmm.h"
#include "proc/proc.h"
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

KTEST(tty_ctrl_c_interrupts_the_session_but_not_its_leader_or_init)
{
    uint64_t free0 = pmm_free_count();
    struct proc *shell = fake(900, 900);   /* the session leader */
    struct proc *program = fake(901, 900); /* what the shell waits for */
    struct proc *child = fake(902, 900);   /* and its child */
    struct proc *daemon = fake(903, 903);  /* another session */
    struct proc *other = fake(904, 903);
    struct proc *init = fake(1, 900);      /* even if init were in it */
    ASSERT_TRUE(shell && program && child && daemon && other && init);

    EXPECT_EQ(2, tty_interrupt_session(900));
    EXPECT_EQ(SIGINT, program->pending_signal);
    EXPECT_EQ(SIGINT, child->pending_signal);
    EXPECT_EQ(PROC_RUNNABLE, program->state); /* woken to notice */
    EXPECT_EQ(0, shell->pending_signal);
    EXPECT_EQ(0, init->pending_signal);
    EXPECT_EQ(0, daemon->pending_signal);
    EXPECT_EQ(0, other->pending_signal);
    EXPECT_EQ(0, tty_interrupt_session(0)); /* no console session yet: nobody */

    struct proc *all[] = {shell, program, child, daemon, other, init};
    for (int i = 0; i < 6; i++) {
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
