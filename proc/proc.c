/*
 * proc.c - the process table: allocation, exit, wait, signals, sleep/wakeup.
 *
 * Invariants: a process's children are the slots whose parent points at it;
 * when a process exits its children are handed to init (pid 1), which reaps
 * them. A ZOMBIE has given back its address space and files but keeps its
 * kernel stack until the parent's wait frees it (the process was running on
 * it when it exited). Signals have only their default actions: terminate, or
 * be ignored (SIGCHLD, SIGCONT, SIGURG, SIGWINCH, and the stop signals, since
 * there is no job control); init ignores every signal, like Linux's init
 * (which ignores those it has no handler for). proc_may_inspect says who may
 * look at whose memory; README "What a process may do to others" has the rules.
 */
#include "proc/proc.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/initrd.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/qemu.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "kernel/trap.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/uaccess.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/exec.h"
#include "proc/fork.h"
#include "proc/sched.h"
#include "proc/signal.h"

#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 8

extern char switch_first_return[];

static struct proc table[NPROC];
static struct proc *init_proc;
static int next_pid = 1;
static uint8_t pristine_fpu[512] __aligned(16);

void proc_init(void)
{
    cpu_fpu_init();
    cpu_fxsave(pristine_fpu);
}

void proc_fpu_reset(struct proc *p)
{
    memcpy(p->fpu, pristine_fpu, sizeof(p->fpu));
    if (p == proc_current())
        cpu_fxrstor(p->fpu);
}
struct proc *proc_table(void) { return table; }

struct proc *proc_find(int pid)
{
    if (pid <= 0)
        return NULL;
    for (int i = 0; i < NPROC; i++)
        if (table[i].state != PROC_UNUSED && table[i].pid == pid)
            return &table[i];
    return NULL;
}

static vaddr_t kstack_base(int slot)
{
    /* slot i: one guard page, then KSTACK_PAGES of stack */
    return KSTACK_BASE + (vaddr_t)slot * (KSTACK_PAGES + 1) * PAGE_SIZE + PAGE_SIZE;
}

static void unmap_kstack(int slot, int pages)
{
    for (int i = 0; i < pages; i++)
        vmm_unmap(vmm_kernel_space(), kstack_base(slot) + (vaddr_t)i * PAGE_SIZE);
}

static int map_kstack(int slot)
{
    for (int i = 0; i < KSTACK_PAGES; i++) {
        paddr_t pa = pmm_alloc();
        vaddr_t va = kstack_base(slot) + (vaddr_t)i * PAGE_SIZE;
        if (!pa || vmm_map(vmm_kernel_space(), va, pa, PTE_W | PTE_NX) < 0) {
            if (pa)
                pmm_decref(pa);
            unmap_kstack(slot, i);
            return -ENOMEM;
        }
    }
    return 0;
}

static int alloc_pid(void)
{
    for (;;) {
        int pid = next_pid;
        next_pid = next_pid == 0x7fffffff ? 2 : next_pid + 1;
        if (!proc_find(pid))
            return pid;
    }
}

struct proc *proc_alloc(int *err)
{
    struct proc *p = NULL;
    for (int i = 0; i < NPROC && !p; i++)
        if (table[i].state == PROC_UNUSED)
            p = &table[i];
    if (!p) {
        *err = -EAGAIN;
        return NULL;
    }
    int slot = (int)(p - table);
    if (map_kstack(slot) < 0) {
        *err = -ENOMEM;
        return NULL;
    }
    memset(p, 0, sizeof(*p));
    p->state = PROC_EMBRYO;
    p->pid = alloc_pid();
    p->kstack_top = kstack_base(slot) + KSTACK_PAGES * PAGE_SIZE;
    p->tf = (struct trapframe *)(p->kstack_top - sizeof(struct trapframe));
    /* The first switch_to pops six callee-saved registers (zero) and returns
     * to switch_first_return with rsp at the trapframe. */
    uint64_t *sp = (uint64_t *)p->tf;
    *--sp = (uint64_t)switch_first_return;
    for (int i = 0; i < 6; i++)
        *--sp = 0;
    p->ksp = (uint64_t)sp;
    memcpy(p->fpu, pristine_fpu, sizeof(p->fpu));
    return p;
}

/* Free a slot whose process will never run again: stack and slot. */
static void release_slot(struct proc *p)
{
    unmap_kstack((int)(p - table), KSTACK_PAGES);
    memset(p, 0, sizeof(*p));
    p->state = PROC_UNUSED;
}

void proc_free_unstarted(struct proc *p)
{
    file_close_all(p);
    vma_set_destroy(p->areas);
    if (p->vs)
        vmm_destroy(p->vs);
    release_slot(p);
}

void proc_sleep(const void *chan)
{
    struct proc *p = proc_current();
    p->wait_chan = chan;
    p->state = PROC_SLEEPING;
    sched_yield();
    p->wait_chan = NULL;
}

void proc_wakeup(const void *chan)
{
    for (int i = 0; i < NPROC; i++)
        if (table[i].state == PROC_SLEEPING && table[i].wait_chan == chan && chan) {
            table[i].state = PROC_RUNNABLE;
            table[i].wake_tick = 0;
        }
}

bool proc_interrupted(void)
{
    struct proc *p = proc_current();
    return p && p->pending_signal != 0;
}

/* The end of the machine: init is gone. */
static __noreturn void init_exited(int status)
{
    if (cmdline_has("test"))
        qemu_exit(status == 0 ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL); /* the runner printed the tally */
    if (PROC_STATUS_SIGNALED(status) == status && status != 0)
        printk("init exited: killed by signal %d (%s)\n", status, signal_name(status));
    else
        printk("init exited with status %d\n", (status >> 8) & 0xff);
    qemu_exit(status == 0 ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
}

__noreturn void proc_exit(int status)
{
    struct proc *p = proc_current();
    if (p == init_proc)
        init_exited(status);
    file_close_all(p);
    if (p->vfork_parent) {
        vmm_activate(vmm_kernel_space());
        fork_vfork_release(p); /* the memory was the parent's: give it back, wake it */
    }
    if (p->vs) {
        vmm_activate(vmm_kernel_space()); /* never destroy the tables we run on */
        vmm_destroy(p->vs);
        p->vs = NULL;
    }
    vma_set_destroy(p->areas); /* drops its hold on files and shared memory */
    p->areas = NULL;
    bool zombie_for_init = false;
    for (int i = 0; i < NPROC; i++) {
        struct proc *c = &table[i];
        if (c->state != PROC_UNUSED && c->parent == p) {
            c->parent = init_proc;
            zombie_for_init |= c->state == PROC_ZOMBIE;
        }
    }
    if (zombie_for_init)
        proc_wakeup(init_proc);
    p->exit_status = status;
    p->state = PROC_ZOMBIE;
    proc_wakeup(p->parent);
    sched_yield();
    panic("proc_exit: zombie %d ran again", p->pid);
}

__noreturn void proc_kill_fault(int sig, const char *cause, vaddr_t addr)
{
    struct proc *p = proc_current();
    if (p->pending_signal == SIGKILL) /* already killed (the OOM killer said so): that wins */
        proc_exit(PROC_STATUS_SIGNALED(SIGKILL));
    printk("pid %d (%s): killed by %s: %s at %p (rip %p)\n", p->pid, p->name, signal_name(sig),
           cause, (void *)addr, (void *)p->tf->rip);
    proc_exit(PROC_STATUS_SIGNALED(sig));
}

void proc_signal(struct proc *p, int sig)
{
    if (sig <= 0 || p == init_proc || signal_ignored_by_default(sig))
        return;
    if (p->state == PROC_ZOMBIE || p->state == PROC_UNUSED)
        return;
    if (!p->pending_signal || sig == SIGKILL)
        p->pending_signal = sig;
    if (p->state == PROC_SLEEPING) {
        p->state = PROC_RUNNABLE; /* its sleep loop sees proc_interrupted() */
        p->wake_tick = 0;
    }
}

bool proc_may_inspect(const struct proc *caller, const struct proc *target)
{
    if (!caller || !target)
        return false;
    for (const struct proc *q = target; q; q = q->parent)
        if (q == caller)
            return true; /* itself, or one of its descendants */
    for (const struct proc *q = caller->parent; q; q = q->parent)
        if (q == target)
            return true; /* one of its ancestors */
    return false;
}

void proc_check_signals(void)
{
    struct proc *p = proc_current();
    if (p && p->pending_signal)
        proc_exit(PROC_STATUS_SIGNALED(p->pending_signal));
}

/* Free a reaped zombie's slot and return its pid. */
static int reap(struct proc *c)
{
    int pid = c->pid;
    release_slot(c);
    return pid;
}

/* Does child c match waitpid's pid argument for parent p? */
static bool wait_matches(const struct proc *p, const struct proc *c, long pid)
{
    if (pid == -1)
        return true;
    if (pid > 0)
        return c->pid == pid;
    if (pid == 0)
        return c->pgid == p->pgid;
    return c->pgid == -pid;
}

long sys_wait4(long lpid, long ustatus, long options)
{
    struct proc *p = proc_current();
    int pid = (int)lpid; /* pid_t is an int, as on Linux */
    if (options & ~(long)(WNOHANG | WUNTRACED | WCONTINUED))
        return -EINVAL;
    if (pid == -0x7fffffff - 1)
        return -ESRCH; /* -pid would not fit: Linux says ESRCH */
    for (;;) {
        bool have_children = false;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &table[i];
            if (c->state == PROC_UNUSED || c->state == PROC_EMBRYO || c->parent != p ||
                !wait_matches(p, c, pid))
                continue;
            have_children = true;
            if (c->state != PROC_ZOMBIE)
                continue;
            int status = c->exit_status;
            if (ustatus && uaccess_copy_to_user((vaddr_t)ustatus, &status, sizeof(status)) < 0)
                return -EFAULT; /* nothing reaped: the child can still be waited for */
            return reap(c);
        }
        if (!have_children)
            return -ECHILD;
        if (options & WNOHANG)
            return 0;
        if (proc_interrupted())
            return -EINTR;
        proc_sleep(p);
    }
}

long sys_exit(long status) { proc_exit(PROC_STATUS_EXITED((int)status)); }
long sys_getpid(void) { return proc_current()->pid; }
long sys_getppid(void)
{
    struct proc *parent = proc_current()->parent;
    return parent ? parent->pid : 0;
}

long sys_kill(long lpid, long lsig)
{
    struct proc *self = proc_current();
    int pid = (int)lpid, sig = (int)lsig; /* int parameters, as on Linux */
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    if (pid == -0x7fffffff - 1)
        return -ESRCH;
    int found = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *q = &table[i];
        if (q->state == PROC_UNUSED || q->state == PROC_EMBRYO)
            continue;
        bool match;
        if (pid > 0)
            match = q->pid == pid;
        else if (pid == 0)
            match = q->pgid == self->pgid;
        else if (pid == -1)
            match = q->pid > 1 && q != self; /* everyone but init and the caller */
        else
            match = q->pgid == -pid;
        if (!match)
            continue;
        found++;
        if (sig)
            proc_signal(q, sig);
    }
    return found ? 0 : -ESRCH;
}

long sys_setsid(void)
{
    struct proc *p = proc_current();
    for (int i = 0; i < NPROC; i++)
        if (table[i].state != PROC_UNUSED && table[i].pgid == p->pid)
            return -EPERM; /* already a group leader (or its id is some group's) */
    p->sid = p->pgid = p->pid;
    return p->sid;
}

long sys_getsid(long pid)
{
    if (pid == 0)
        return proc_current()->sid;
    struct proc *q = (pid > 0 && pid <= 0x7fffffffL) ? proc_find((int)pid) : NULL;
    return q ? q->sid : -ESRCH;
}

/* Linux's wording for the errors exec can give pid 1 (strerror's text). */
static const char *init_error_text(int err)
{
    switch (err) {
    case -ENOENT: return "No such file or directory";
    case -ENOTDIR: return "Not a directory";
    case -EISDIR: return "Is a directory";
    case -EACCES: return "Permission denied";
    case -ENOEXEC: return "Exec format error";
    case -E2BIG: return "Argument list too long";
    case -ENOMEM: return "Cannot allocate memory";
    case -ENAMETOOLONG: return "File name too long";
    default: return "error";
    }
}

/* pid 1 cannot start: one line with Linux's wording, the programs there are,
 * and QEMU's failure status (a user's mistake, not a kernel bug: no panic). */
static __noreturn void init_cannot_start(const char *path, int err)
{
    printk("init: %s: %s\n", path, init_error_text(err));
    printk("init: the programs in /bin are:");
    struct cowos_dirent e;
    for (int i = 0; initrd_list("/bin", i, &e) == 0; i++)
        printk(" %s", e.name);
    printk("\ninit: nothing to run as pid 1; powering off\n");
    qemu_exit(QEMU_EXIT_FAIL);
}

void proc_start_init(const char *path, char *const argv[])
{
    int err = 0;
    struct proc *p = proc_alloc(&err);
    if (!p)
        panic("proc_start_init: cannot allocate pid 1 (%d)", err);
    /* Kernel tests may have used pids already; init is pid 1 regardless. */
    for (int i = 0; i < NPROC; i++)
        if (&table[i] != p && table[i].state != PROC_UNUSED)
            panic("proc_start_init: pid %d exists before init", table[i].pid);
    p->pid = 1;
    next_pid = 2;
    p->sid = p->pgid = p->pid;
    err = exec_replace(p, path, argv);
    if (err < 0)
        init_cannot_start(path, err);
    if (file_install_console(p) < 0)
        panic("proc_start_init: no memory for the console files");
    init_proc = p;
    p->state = PROC_RUNNABLE;
}
