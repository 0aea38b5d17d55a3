/*
 * test_proc.c - the process table and fork's failure paths: slots run out
 * with -EAGAIN, memory with -ENOMEM, and nothing is ever leaked.
 * Fork runs on a hand-made parent installed as the current process.
 */
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "kernel/trap.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/fork.h"
#include "proc/proc.h"
#include "tests/ktest.h"

KTEST(proc_table_full_is_eagain_and_frees_everything)
{
    uint64_t free0 = pmm_free_count();
    static struct proc *got[NPROC + 1];
    int n = 0, err = 0;
    while (n <= NPROC) {
        struct proc *p = proc_alloc(&err);
        if (!p)
            break;
        got[n++] = p;
    }
    int live = 0;
    for (int i = 0; i < NPROC; i++)
        live += proc_table()[i].state != PROC_UNUSED;
    EXPECT_EQ(NPROC, live); /* every slot taken (no process runs during kernel tests) */
    EXPECT_EQ(-EAGAIN, err);
    EXPECT_EQ(NPROC, n);
    int distinct = 1;
    for (int i = 1; i < n; i++)
        distinct &= got[i]->pid != got[i - 1]->pid;
    EXPECT_TRUE(distinct);
    for (int i = 0; i < n; i++)
        proc_free_unstarted(got[i]);
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(proc_alloc_out_of_memory_is_enomem)
{
    uint64_t free0 = pmm_free_count();
    for (long k = 0; k < KSTACK_PAGES; k++) {
        int err = 0;
        pmm_fail_after(k); /* the k+1-th stack page fails */
        struct proc *p = proc_alloc(&err);
        pmm_fail_after(-1);
        EXPECT_TRUE(p == NULL);
        EXPECT_EQ(-ENOMEM, err);
        EXPECT_EQ(free0, pmm_free_count());
    }
}

KTEST(proc_kernel_stack_has_guard_page)
{
    int err;
    struct proc *p = proc_alloc(&err);
    ASSERT_TRUE(p != NULL);
    vaddr_t bottom = p->kstack_top - KSTACK_PAGES * PAGE_SIZE;
    EXPECT_EQ(0, vmm_translate(vmm_kernel_space(), bottom, NULL, NULL));
    EXPECT_EQ(-ENOENT, vmm_translate(vmm_kernel_space(), bottom - PAGE_SIZE, NULL, NULL));
    EXPECT_EQ(p->kstack_top - sizeof(struct trapframe), (vaddr_t)p->tf);
    EXPECT_EQ(0, p->kstack_top % 16);
    proc_free_unstarted(p);
}

/* A parent with `pages` mapped user pages, installed as the current process. */
static struct proc *make_parent(int pages)
{
    int err;
    struct proc *p = proc_alloc(&err);
    if (!p)
        return NULL;
    p->vs = vmm_create();
    p->areas = p->vs ? vma_set_create(p->vs) : NULL;
    if (p->areas)
        vma_map(p->areas, 0x400000, 0x400000 + (vaddr_t)pages * PAGE_SIZE, VMA_READ | VMA_WRITE,
                VMA_MAYWRITE, NULL, 0, 0, "test");
    for (int i = 0; i < pages && p->vs; i++) {
        paddr_t pa = pmm_alloc();
        ((uint64_t *)P2V(pa))[0] = 0xfeed0000UL + (uint64_t)i;
        vmm_map(p->vs, 0x400000 + (vaddr_t)i * PAGE_SIZE, pa, PTE_U | PTE_W | PTE_NX);
    }
    p->state = PROC_RUNNING;
    p->tf->rax = 12345;
    cpu0.current = p;
    return p;
}

static void drop_parent(struct proc *p)
{
    cpu0.current = NULL;
    proc_free_unstarted(p);
}

static struct proc *child_of(struct proc *parent)
{
    for (int i = 0; i < NPROC; i++)
        if (proc_table()[i].state != PROC_UNUSED && proc_table()[i].parent == parent)
            return &proc_table()[i];
    return NULL;
}

KTEST(fork_copies_registers_memory_and_identity)
{
    uint64_t free0 = pmm_free_count();
    struct proc *parent = make_parent(3);
    ASSERT_TRUE(parent != NULL);
    long pid = sys_fork();
    ASSERT_TRUE(pid > 0);
    struct proc *child = child_of(parent);
    ASSERT_TRUE(child != NULL);
    EXPECT_EQ(pid, child->pid);
    EXPECT_EQ(PROC_RUNNABLE, child->state);
    EXPECT_EQ(0, child->tf->rax);       /* fork returns 0 in the child */
    EXPECT_EQ(12345, parent->tf->rax);  /* the parent's frame is untouched */
    paddr_t pa = 0;
    EXPECT_EQ(0, vmm_translate(child->vs, 0x402000, &pa, NULL));
    EXPECT_EQ(0xfeed0002UL, ((uint64_t *)P2V(pa))[0]);
    child->state = PROC_EMBRYO;
    proc_free_unstarted(child);
    drop_parent(parent);
    EXPECT_EQ(free0, pmm_free_count());
}

/* Fail the k-th frame allocation of fork for every k until fork succeeds:
 * each failure is -ENOMEM and gives every frame back. */
KTEST(fork_out_of_memory_at_every_step_leaks_nothing)
{
    uint64_t free0 = pmm_free_count();
    struct proc *parent = make_parent(5);
    ASSERT_TRUE(parent != NULL);
    uint64_t free_parent = pmm_free_count();
    long pid = -ENOMEM;
    int failures = 0;
    for (long k = 0; k < 64 && pid == -ENOMEM; k++) {
        pmm_fail_after(k);
        pid = sys_fork();
        pmm_fail_after(-1);
        if (pid == -ENOMEM) {
            failures++;
            if (pmm_free_count() != free_parent)
                EXPECT_EQ(free_parent, pmm_free_count());
        }
    }
    EXPECT_TRUE(failures > 5); /* stack pages, tables and data pages each failed once */
    EXPECT_TRUE(pid > 0);
    struct proc *child = child_of(parent);
    if (child) {
        child->state = PROC_EMBRYO;
        proc_free_unstarted(child);
    }
    drop_parent(parent);
    EXPECT_EQ(free0, pmm_free_count());
}
