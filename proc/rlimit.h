/*
 * rlimit.h - resource limits (getrlimit/setrlimit, Linux's RLIMIT_* numbers).
 * Two limits are per process and may be lowered, because the kernel enforces
 * them: RLIMIT_NOFILE (descriptors) and RLIMIT_NPROC (processes). The
 * others report what the kernel does and cannot be changed.
 */
#ifndef PROC_RLIMIT_H
#define PROC_RLIMIT_H

#include "kernel/types.h"

/* A zeroed struct proc has the default limits: NOFILE and NPROC at the
 * table sizes (proc_alloc, and the kernel tests' own processes). */

struct proc;

/* fork: the child gets the parent's limits (exec keeps them). */
void rlimit_fork(struct proc *child, const struct proc *parent);
/* Descriptor numbers p may create are below this (at most NOFILE). */
int rlimit_nofile(const struct proc *p);
/* p's soft RLIMIT_NPROC (at most NPROC). */
int rlimit_nproc(const struct proc *p);
/* May p fork now? False when the processes in the table (zombies included,
 * as Linux counts them) have reached p's soft RLIMIT_NPROC. */
bool rlimit_may_fork(const struct proc *p);

long sys_getrlimit(long resource, long urlim);
long sys_setrlimit(long resource, long urlim);

#endif
