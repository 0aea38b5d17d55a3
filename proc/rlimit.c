/*
 * rlimit.c - resource limits: what each RLIMIT_* is on this kernel, and the
 * two a process may lower (RLIMIT_NOFILE, RLIMIT_NPROC, kept in struct proc
 * as how far below NOFILE and NPROC they are, inherited by fork, kept by
 * exec). Invariant: cur <= max <= the table size. Every other limit is fixed: setting it to anything but
 * its value is EINVAL, since the kernel could not enforce it.
 */
#include "proc/rlimit.h"
#include "kernel/errno.h"
#include "kernel/sysnum.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "proc/proc.h"

#define INF (~0UL)

enum {
    RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_RSS,
    RLIMIT_NPROC, RLIMIT_NOFILE, RLIMIT_MEMLOCK, RLIMIT_AS, RLIMIT_LOCKS,
    RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME,
};
_Static_assert(RLIMIT_RTTIME + 1 == COWOS_RLIMIT_NLIMITS, "Linux's 16 limits");

/* The fixed limits, as the kernel behaves: nothing bounds CPU time, file
 * size (beyond the file system's fssize=), data, resident or locked memory
 * or the address space; the stack grows to USER_STACK_MAX and no further;
 * no core file is ever written; no message queues, no priorities; at most
 * one pending signal of each of the 64 (standard signals do not queue). */
static const struct cowos_rlimit fixed[COWOS_RLIMIT_NLIMITS] = {
    [RLIMIT_CPU] = {INF, INF},        [RLIMIT_FSIZE] = {INF, INF},
    [RLIMIT_DATA] = {INF, INF},       [RLIMIT_STACK] = {USER_STACK_MAX, USER_STACK_MAX},
    [RLIMIT_CORE] = {0, 0},           [RLIMIT_RSS] = {INF, INF},
    [RLIMIT_MEMLOCK] = {INF, INF},    [RLIMIT_AS] = {INF, INF},
    [RLIMIT_LOCKS] = {INF, INF},      [RLIMIT_SIGPENDING] = {64, 64},
    [RLIMIT_MSGQUEUE] = {0, 0},       [RLIMIT_NICE] = {0, 0},
    [RLIMIT_RTPRIO] = {0, 0},         [RLIMIT_RTTIME] = {INF, INF},
};

void rlimit_fork(struct proc *child, const struct proc *parent)
{
    proc_group(child)->nofile_cut_cur = proc_group(parent)->nofile_cut_cur;
    proc_group(child)->nofile_cut_max = proc_group(parent)->nofile_cut_max;
    proc_group(child)->nproc_cut_cur = proc_group(parent)->nproc_cut_cur;
    proc_group(child)->nproc_cut_max = proc_group(parent)->nproc_cut_max;
}

int rlimit_nofile(const struct proc *p) { return (int)(NOFILE - proc_group(p)->nofile_cut_cur); }

int rlimit_nproc(const struct proc *p) { return (int)(NPROC - proc_group(p)->nproc_cut_cur); }

bool rlimit_may_fork(const struct proc *p)
{
    const struct proc *t = proc_table();
    uint64_t n = 0;
    for (int i = 0; i < NPROC; i++)
        n += t[i].state != PROC_UNUSED;
    return n < (uint64_t)rlimit_nproc(p);
}

static struct cowos_rlimit get(const struct proc *p, int resource)
{
    if (resource == RLIMIT_NOFILE)
        return (struct cowos_rlimit){NOFILE - proc_group(p)->nofile_cut_cur, NOFILE - proc_group(p)->nofile_cut_max};
    if (resource == RLIMIT_NPROC)
        return (struct cowos_rlimit){NPROC - proc_group(p)->nproc_cut_cur, NPROC - proc_group(p)->nproc_cut_max};
    return fixed[resource];
}

long sys_getrlimit(long resource, long urlim)
{
    if (resource < 0 || resource >= COWOS_RLIMIT_NLIMITS)
        return -EINVAL;
    struct cowos_rlimit r = get(proc_current(), (int)resource);
    return uaccess_copy_to_user((vaddr_t)urlim, &r, sizeof(r)) < 0 ? -EFAULT : 0;
}

/*
 * Linux's checks in Linux's order: the resource, the pointer, soft above
 * hard (EINVAL), hard above the old hard (EPERM: the tables are the ceiling,
 * as nr_open is for root on Linux). Then, for a fixed limit, any change is
 * EINVAL: accepting it would promise what the kernel does not do.
 */
long sys_setrlimit(long resource, long urlim)
{
    if (resource < 0 || resource >= COWOS_RLIMIT_NLIMITS)
        return -EINVAL;
    struct cowos_rlimit want;
    if (uaccess_copy_from_user(&want, (vaddr_t)urlim, sizeof(want)) < 0)
        return -EFAULT;
    if (want.cur > want.max)
        return -EINVAL;
    struct proc *p = proc_current();
    struct cowos_rlimit old = get(p, (int)resource);
    if (want.max > old.max)
        return -EPERM;
    if (resource == RLIMIT_NOFILE) { /* max <= old max <= NOFILE: no wrap */
        proc_group(p)->nofile_cut_cur = NOFILE - want.cur;
        proc_group(p)->nofile_cut_max = NOFILE - want.max;
    } else if (resource == RLIMIT_NPROC) {
        proc_group(p)->nproc_cut_cur = NPROC - want.cur;
        proc_group(p)->nproc_cut_max = NPROC - want.max;
    } else if (want.cur != old.cur || want.max != old.max) {
        return -EINVAL;
    }
    return 0;
}
