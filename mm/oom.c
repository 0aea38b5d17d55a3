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
 * Mechanism: the victim gets SIGKILL and its whole user half is unmapped at
 * once, as Linux's oom_reaper does, so the caller can retry at once instead
 * of waiting for the victim to run to its exit. On one CPU that wait would
 * mean sleeping inside page faults and system calls' user copies (a new
 * sleep point in every system call, and loops between waiting processes).
 * Unmapping another process's pages is safe here: it is not running (one
 * CPU, the kernel is not preemptible), it never returns to user mode again
 * (SIGKILL is pending; a sleeper is woken and leaves with -EINTR), and the
 * kernel reaches user memory only through fault_resolve, which then finds
 * nothing mapped. Its kernel stack and top-level table go when it exits.
 */
#include "mm/oom.h"
#include "kernel/printk.h"
#include "kernel/signum.h"
#include "mm/memlayout.h"
#include "mm/vmm.h"
#include "proc/proc.h"

#define INIT_PID 1
#define UNMAP_BATCH 256

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
    return live && q->vs && !dying(q);
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

struct unmap_batch {
    vaddr_t va[UNMAP_BATCH];
    int n;
};

static int collect_page(vaddr_t va, pte_t *ptep, void *arg)
{
    (void)ptep;
    struct unmap_batch *b = arg;
    b->va[b->n++] = va;
    return b->n == UNMAP_BATCH; /* full: stop the walk, unmap, walk again */
}

/* Unmap every user page of vs (not the active space), freeing the frames
 * nobody else maps and the page-table pages left empty. */
static void unmap_user_half(struct vmspace *vs)
{
    static struct unmap_batch b; /* 2 KiB; one CPU and no nesting: static is fine */
    do {
        b.n = 0;
        vmm_for_each_user_page(vs, collect_page, &b);
        for (int i = 0; i < b.n; i++)
            vmm_unmap(vs, b.va[i]);
    } while (b.n == UNMAP_BATCH);
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
    unmap_user_half(victim->vs);
    return true;
}

uint64_t oom_kills(void) { return kills; }
