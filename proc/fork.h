/*
 * fork.h - creating a process as a copy of the caller.
 */
#ifndef PROC_FORK_H
#define PROC_FORK_H

/* fork(): the child's pid in the parent, 0 in the child; -EAGAIN when the
 * process table is full, -ENOMEM when memory is (nothing leaked either way). */
long sys_fork(void);

#endif
