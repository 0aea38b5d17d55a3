/*
 * fork.c - fork(): a new process whose user memory, registers, open files
 * and session are those of the caller.
 *
 * The child gets the parent's areas, decided one area at a time
 * (mm/vma.c, vma_fork): MAP_SHARED areas map the same frames in both;
 * private areas are shared copy-on-write in one of three modes (boot option
 * fork=): `cow` (the default) shares whole page tables where it can, so fork
 * costs about the same at any size and the tables are copied on the first
 * write into their 2 MiB; `page` shares page by page (cow_share: each PTE
 * made COW, each frame's count up); `copy` copies every page at once (an
 * eager copy, for comparison). Failure at any step undoes everything:
 * the child's slot, stack, page tables and frame references are given back.
 * Locks: klock (kernel/klock.h) guards all of it; the parent's TLB entries
 * on other CPUs (threads) are shot down once per fork (mm/tlb.h).
 */
#include "proc/fork.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/string.h"
#include "kernel/trap.h"
#include "mm/cow.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "proc/rlimit.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/thread.h"
#include "mm/uaccess.h"

static enum fork_mode mode = FORK_TABLES;
static uint64_t vfork_count;

void fork_init(void)
{
    char word[16];
    if (!cmdline_value("fork", word, sizeof(word)))
        return;
    if (strcmp(word, "copy") == 0)
        mode = FORK_COPY;
    else if (strcmp(word, "page") == 0)
        mode = FORK_PAGES;
}

enum fork_mode fork_mode(void) { return mode; }
bool fork_is_eager(void) { return mode == FORK_COPY; }

struct eager_copy {
    struct vmspace *dst;
    uint64_t copied;
};

/* Copy the present pages pt[first..last) of one parent table into fresh
 * frames of the child (fork=copy). The zero frame is mapped, not copied:
 * it is read-only and holds nothing of the parent's. */
static int copy_table(vaddr_t table_va, pte_t *pt, int first, int last, void *arg)
{
    /* LAB-BEGIN fork: copy each present page of pt[first..last) into a fresh frame mapped in ec->dst (docs/labs/fork.md, step 1) */
    struct eager_copy *ec = arg;
    for (int i = first; i < last; i++) {
        if (!pte_present(pt[i]))
            continue;
        vaddr_t va = table_va + (vaddr_t)i * PAGE_SIZE;
        paddr_t src = pte_addr(pt[i]);
        uint64_t flags = pte_flags(pt[i]) & ~(PTE_A | PTE_D);
        paddr_t pa = src;
        if (src == vma_zero_frame()) {
            pmm_incref(src);
        } else {
            pa = pmm_alloc_uninit(); /* all 4 KiB are overwritten just below */
            if (!pa)
                return -ENOMEM;
            memcpy(P2V(pa), P2V(src), PAGE_SIZE);
            if (pte_cow(flags))
                flags = pte_mkwrite(flags);
            ec->copied++;
        }
        if (vmm_map(ec->dst, va, pa, flags) < 0) {
            pmm_decref(pa);
            return -ENOMEM;
        }
    }
    return 0;
    /* LAB-STUB
     * (void)table_va;
     * (void)pt;
     * (void)first;
     * (void)last;
     * (void)arg;
     * return -ENOSYS;
     * LAB-END fork */
}

/* vma_fork's choice for a private area under fork=copy (fork.h). */
int fork_copy_area(struct vmspace *child, struct vmspace *parent, vaddr_t start, vaddr_t end,
                   void *arg)
{
    uint64_t *copied = arg;
    struct eager_copy ec = {child, 0};
    int r = vmm_for_each_table_in(parent, start, end, copy_table, &ec);
    *copied += ec.copied;
    return r;
}

/* Everything but memory: open files, registers (fork returns 0 in the
 * child), FPU state, TLS base, name, parent, session and group, the break,
 * and clone's options (o may be NULL). Then the child may run. */
static void become_child_of(struct proc *child, struct proc *parent, const struct fork_opts *o)
{
    file_copy_table(child, parent);
    *child->tf = *parent->tf;
    child->tf->rax = 0;
    child->fs_base = thread_fs_base(parent);
    if (o) {
        if (o->newsp)
            child->tf->rsp = o->newsp;
        if (o->settls)
            child->fs_base = o->tls;
        child->set_child_tid = o->child_settid;
        child->clear_child_tid = o->child_cleartid;
    }
    cpu_fxsave(parent->fpu); /* the FPU holds the parent's live user state */
    memcpy(child->fpu, parent->fpu, sizeof(child->fpu));
    strlcpy(child->name, parent->name, sizeof(child->name));
    child->parent = proc_group(parent); /* a thread's child is its process's */
    child->sid = parent->sid;
    child->pgid = parent->pgid;
    signal_fork(child, parent); /* actions and mask inherited, nothing pending */
    rlimit_fork(child, parent);
    child->brk_start = proc_group(parent)->brk_start;
    child->brk = proc_group(parent)->brk;
    child->state = PROC_RUNNABLE;
    sched_place_new(child); /* on this CPU; an idle one takes it if this one stays busy */
}

/* A fresh slot for a child of parent: NULL with -EAGAIN (RLIMIT_NPROC or
 * a full table) or -ENOMEM in *err. */
static struct proc *alloc_child(struct proc *parent, int *err)
{
    if (!rlimit_may_fork(parent)) {
        *err = -EAGAIN; /* RLIMIT_NPROC */
        return NULL;
    }
    return proc_alloc(err);
}

long sys_fork(void) { return fork_clone(NULL); }

long fork_clone(const struct fork_opts *o)
{
    struct proc *parent = proc_current();
    int err = 0;
    struct proc *child = alloc_child(parent, &err);
    if (!child)
        return err;
    child->vs = vmm_create();
    if (child->vs)
        child->areas = vma_set_create(child->vs);
    uint64_t copied = 0;
    struct vma_stats before, after;
    vma_get_stats(&before);
    int r = -ENOMEM;
    if (child->areas) /* per area: left out, emptied, shared, or private (COW or copied) */
        r = mode == FORK_COPY ? vma_fork(child->areas, parent->areas, false, fork_copy_area, &copied)
                              : vma_fork(child->areas, parent->areas, mode == FORK_TABLES,
                                         cow_share_area, NULL);
    if (r < 0) {
        proc_free_unstarted(child); /* destroys the partial copy or share too */
        return -ENOMEM;
    }
    /* Page-table pages made for the child: its tables but those it shares. */
    vma_get_stats(&after);
    cow_count_fork(copied, child->vs->pt_pages - (after.fork_tables_shared - before.fork_tables_shared));
    if (o && o->parent_settid) /* before the child can run, as Linux; a bad pointer is ignored */
        (void)uaccess_copy_to_user(o->parent_settid, &child->tid, sizeof(int));
    become_child_of(child, parent, o);
    return child->pid;
}

void fork_vfork_release(struct proc *child)
{
    child->vfork_parent = NULL;
    child->vs = NULL;
    child->areas = NULL;
    vfork_count++;
    proc_wakeup(child); /* the parent sleeps on its child */
}

long sys_vfork(void) { return fork_vclone(NULL); }

long fork_vclone(const struct fork_opts *o)
{
    struct proc *parent = proc_current();
    int err = 0;
    struct proc *child = alloc_child(parent, &err);
    if (!child)
        return err;
    /* Nothing is copied or shared copy-on-write: the child runs on the
     * parent's very page tables and areas until it execs or exits. */
    child->vs = parent->vs;
    child->areas = parent->areas;
    child->vfork_parent = parent;
    if (o && o->parent_settid)
        (void)uaccess_copy_to_user(o->parent_settid, &child->tid, sizeof(int));
    become_child_of(child, parent, o);
    /* The parent may not run (or die: its memory is in use) until the child
     * gives the memory back; signals wait until then, as on Linux. */
    parent->vfork_waiting = true;
    while (child->vfork_parent == parent)
        proc_sleep(child);
    parent->vfork_waiting = false;
    return child->pid;
}

uint64_t fork_vfork_count(void) { return vfork_count; }
