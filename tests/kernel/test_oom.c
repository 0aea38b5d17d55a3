/*
 * test_oom.c - the OOM killer's choice of victim (most resident frames, pid
 * 1 only when alone, never a dying process, ties to the younger) and its
 * reclaim: the victim is signalled and emptied, its private frames freed.
 * The processes are hand-made slots that never run.
 */
#include "kernel/printk.h"
#include "kernel/signum.h"
#include "mm/memlayout.h"
#include "mm/oom.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "tests/ktest.h"

#define BASE 0x400000UL

/* A process with `pages` private user pages, the given pid and state. */
static struct proc *make_proc(int pid, int pages, enum proc_state state)
{
    int err;
    struct proc *p = proc_alloc(&err);
    if (!p)
        return NULL;
    p->pid = pid;
    snprintk(p->name, sizeof(p->name), "ktest%d", pid);
    p->vs = vmm_create();
    p->areas = p->vs ? vma_set_create(p->vs) : NULL;
    if (p->areas && pages > 0) /* the areas the pages belong to (and one for a shared page) */
        vma_map(p->areas, BASE, BASE + (vaddr_t)pages * PAGE_SIZE, VMA_READ | VMA_WRITE,
                VMA_MAYWRITE, NULL, 0, 0, "ktest");
    if (p->areas)
        vma_map(p->areas, 0x10000000UL, 0x10001000UL, VMA_READ | VMA_WRITE, VMA_MAYWRITE, NULL, 0, 0,
                "ktest-shared");
    for (int i = 0; i < pages && p->vs; i++) {
        paddr_t pa = pmm_alloc();
        if (pa && vmm_map(p->vs, BASE + (vaddr_t)i * PAGE_SIZE, pa, PTE_U | PTE_W | PTE_NX) < 0)
            pmm_decref(pa);
    }
    p->state = state;
    return p;
}

static void drop(struct proc *p)
{
    if (p)
        proc_free_unstarted(p);
}

KTEST(oom_resident_frames_count_shared_frames_for_each_sharer)
{
    struct proc *a = make_proc(100, 3, PROC_RUNNABLE), *b = make_proc(101, 0, PROC_RUNNABLE);
    ASSERT_TRUE(a && b && a->vs && b->vs);
    paddr_t pa = 0;
    ASSERT_EQ(0, vmm_translate(a->vs, BASE, &pa, NULL));
    pmm_incref(pa);
    ASSERT_EQ(0, vmm_map(b->vs, BASE, pa, PTE_U | PTE_NX)); /* b maps a's first frame too */
    EXPECT_EQ(3, oom_resident_frames(a));
    EXPECT_EQ(1, oom_resident_frames(b));
    EXPECT_EQ(0, oom_resident_frames(NULL));
    drop(a);
    drop(b);
}

KTEST(oom_victim_is_the_biggest_and_never_pid_1_while_another_exists)
{
    struct proc *init = make_proc(1, 40, PROC_SLEEPING);
    struct proc *small = make_proc(100, 3, PROC_RUNNING); /* the faulter */
    struct proc *big = make_proc(101, 20, PROC_SLEEPING);
    struct proc *mid = make_proc(102, 10, PROC_RUNNABLE);
    ASSERT_TRUE(init && small && big && mid);
    EXPECT_PTR_EQ(big, oom_choose_victim(small));
    EXPECT_PTR_EQ(big, oom_choose_victim(init)); /* init's own hunger: still not init */
    big->pending_signal = SIGKILL;              /* dying: skipped */
    EXPECT_PTR_EQ(mid, oom_choose_victim(small));
    mid->state = PROC_ZOMBIE;                   /* exited: skipped */
    EXPECT_PTR_EQ(small, oom_choose_victim(small)); /* the faulter itself, before init */
    drop(init);
    drop(small);
    drop(big);
    drop(mid);
}

KTEST(oom_victim_is_pid_1_only_when_no_other_candidate_exists)
{
    struct proc *init = make_proc(1, 5, PROC_RUNNING);
    struct proc *embryo = make_proc(100, 30, PROC_EMBRYO);
    struct proc *dying = make_proc(101, 30, PROC_SLEEPING);
    ASSERT_TRUE(init && embryo && dying);
    dying->pending_signal = SIGKILL;
    EXPECT_PTR_EQ(init, oom_choose_victim(init));
    init->pending_signal = SIGTERM; /* (cannot happen to init; a dying one is never chosen) */
    EXPECT_PTR_EQ(NULL, oom_choose_victim(init));
    init->pending_signal = 0;
    drop(init);
    drop(embryo);
    drop(dying);
}

KTEST(oom_victim_tie_goes_to_the_younger_process)
{
    struct proc *older = make_proc(200, 7, PROC_SLEEPING);
    struct proc *younger = make_proc(201, 7, PROC_SLEEPING);
    ASSERT_TRUE(older && younger);
    EXPECT_PTR_EQ(younger, oom_choose_victim(older));
    drop(younger); /* table order must not matter: recreate in the other slot order */
    younger = make_proc(199, 7, PROC_SLEEPING);
    ASSERT_TRUE(younger != NULL);
    EXPECT_PTR_EQ(older, oom_choose_victim(younger));
    drop(older);
    drop(younger);
}

KTEST(oom_reclaim_kills_the_victim_and_frees_its_private_frames_at_once)
{
    uint64_t free0 = pmm_free_count();
    struct proc *faulter = make_proc(100, 2, PROC_RUNNING);
    struct proc *hog = make_proc(101, 600, PROC_SLEEPING); /* two page tables' worth and more */
    ASSERT_TRUE(faulter && hog);
    /* The hog also maps the faulter's first frame, as after a fork. */
    paddr_t shared = 0;
    ASSERT_EQ(0, vmm_translate(faulter->vs, BASE, &shared, NULL));
    pmm_incref(shared);
    ASSERT_EQ(0, vmm_map(hog->vs, 0x10000000UL, shared, PTE_U | PTE_NX | PTE_COW));
    uint64_t free_before = pmm_free_count(), kills = oom_kills();
    EXPECT_TRUE(oom_reclaim(faulter));
    EXPECT_EQ(SIGKILL, hog->pending_signal);
    EXPECT_EQ(0, faulter->pending_signal);
    EXPECT_EQ(0, oom_resident_frames(hog));
    EXPECT_EQ(2, oom_resident_frames(faulter));
    EXPECT_EQ(1, pmm_refcount(shared)); /* the faulter's write can now reuse it */
    /* 600 private frames, and the page tables left empty: a PDPT and a PD,
     * two PTs for the 600 pages and one for the shared page. */
    EXPECT_EQ(free_before + 600 + 5, pmm_free_count());
    EXPECT_EQ(kills + 1, oom_kills());
    /* The hog is dying now: nothing else is left for the faulter but itself. */
    EXPECT_TRUE(!oom_reclaim(faulter));
    EXPECT_EQ(SIGKILL, faulter->pending_signal);
    EXPECT_EQ(2, oom_resident_frames(faulter)); /* its own memory goes when it exits */
    EXPECT_TRUE(!oom_reclaim(faulter)); /* dying: nothing more to do for it */
    EXPECT_EQ(kills + 2, oom_kills());
    drop(faulter);
    drop(hog);
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(oom_reclaim_never_empties_pid_1_for_another_process)
{
    struct proc *init = make_proc(1, 4, PROC_SLEEPING);
    struct proc *embryo = make_proc(100, 1, PROC_EMBRYO); /* not a candidate */
    ASSERT_TRUE(init && embryo);
    EXPECT_TRUE(!oom_reclaim(embryo));
    EXPECT_EQ(0, init->pending_signal);
    EXPECT_EQ(4, oom_resident_frames(init));
    drop(init);
    drop(embryo);
}
