/*
 * oom.c - the out-of-memory killer: whom to kill when a frame a process
 * needs cannot be had, and taking that process's memory back.
 *
 * Policy (Linux's, without its tunables): the victim is the live process
 * with the most resident frames, a frame shared with others counting fully
 * for each sharer (as Linux's RSS); processes already dying are skipped (they
 * are freeing their memory anyway); pid 1 is chosen only when no other
 * candidate exists, so init never dies of someone else's hunger; on a tie the
 * younger process (higher pid) goes, so a parent outlives the children that
 * share its memory. The process that needs the frame is a candidate like any
 * other: the faulter dies only when it is itself the choice or nothing is
 * left to kill. Each kill prints one console line naming the victim and its
 * size.
 *
 * Mechanism: the victim gets SIGKILL and all its memory areas are removed
 * (pages unmapped) at once, as Linux's oom_reaper does, so the caller can retry at once instead
 * of waiting for the victim to run to its exit. On one CPU that wait would
 * mean sleeping inside page faults and system calls' user copies (a new
 * sleep point in every system call, and loops between waiting processes).
 * Unmapping another process's pages is safe here: it is not running (one
 * CPU, the kernel is not preemptible), it never returns to user mode again
 * (SIGKILL is pending; a sleeper is woken and leaves with -EINTR), and the
 * kernel reaches user memory only through fault_resolve, which then finds
 * no area to fill a page from. Its kernel stack and top-level table go when it exits.
 * Locks: klock (kernel/klock.h) guards all of it.
 */
#include "mm/oom.h"
#include "kernel/printk.h"
#include "kernel/signum.h"
#include "mm/memlayout.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/proc.h"

#define INIT_PID 1

static uint64_t kills;

static int count_page(vaddr_t va, pte_t *ptep, void *arg)
{
    (void)va;
    (void)ptep;
    (*(uint64_t *)arg)++;
    return 0;
}

uint64_t oom_resident_frames(struct proc *p)
{
    uint64_t n = 0;
    if (p && p->vs)
        vmm_for_each_user_page(p->vs, count_page, &n);
    return n;
}

/* Every pending signal is fatal in this kernel (ignored ones are dropped
 * when sent), so a process with one is on its way out. */
static bool dying(const struct proc *q) { return q->pending_signal != 0; }

static bool candidate(const struct proc *q)
{
    bool live = q->state == PROC_RUNNABLE || q->state == PROC_RUNNING || q->state == PROC_SLEEPING;
    /* A vfork child runs on its parent's memory and a vfork parent lends
     * it: neither can give memory back until the child execs or exits. */
    /* One candidate per process: its leader (the threads share its memory). */
    return live && q->vs && proc_is_leader(q) && !dying(q) && !q->vfork_parent && !q->vfork_waiting;
}

struct proc *oom_choose_victim(struct proc *faulter)
{
    (void)faulter; /* a candidate like any other: it is in the table */
    struct proc *table = proc_table(), *best = NULL, *init = NULL;
    uint64_t best_frames = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *q = &table[i];
        if (!candidate(q))
            continue;
        if (q->pid == INIT_PID) {
            init = q;
            continue;
        }
        uint64_t frames = oom_resident_frames(q);
        if (!best || frames > best_frames || (frames == best_frames && q->pid > best->pid)) {
            best = q;
            best_frames = frames;
        }
    }
    return best ? best : init;
}

bool oom_reclaim(struct proc *p)
{
    if (!p || dying(p))
        return false; /* it is exiting: that frees its memory */
    struct proc *victim = oom_choose_victim(p);
    if (!victim || (victim->pid == INIT_PID && victim != p))
        return false; /* init is never killed, nor emptied, for another process */
    uint64_t frames = oom_resident_frames(victim);
    uint64_t tenths_mib = (frames * (PAGE_SIZE / 1024) * 10 + 512) / 1024;
    printk("oom: killed pid %d (%s), %lu frames (%lu.%lu MiB) resident, to free memory for "
           "pid %d (%s)\n",
           victim->pid, victim->name, frames, tenths_mib / 10, tenths_mib % 10, p->pid, p->name);
    kills++;
    proc_signal(victim, SIGKILL); /* (pid 1 ignores it: then it was the faulter itself) */
    if (victim == p)
        return false; /* the caller dies on its way out; its exit frees the rest */
    /* As Linux's oom_reaper: empty its address space now. With no area
     * left, nothing refills it: if it sleeps in a system call, its copies
     * to user memory fail from here on, and it dies on its way out. */
    if (victim->areas)
        vma_unmap(victim->areas, 0, USER_TOP);
    return true;
}

uint64_t oom_kills(void) { return kills; }
