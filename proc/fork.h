/*
 * fork.h - creating a process as a copy of the caller.
 */
#ifndef PROC_FORK_H
#define PROC_FORK_H

#include "kernel/types.h"

/* Read "fork=copy" from the command line: eager full copies instead of
 * copy-on-write sharing, to compare the two on the same programs. */
void fork_init(void);
/* True when booted with fork=copy. */
bool fork_is_eager(void);

struct vmspace;
/* Copy every present page of the parent's [start, end) into fresh frames of
 * the child (fork=copy's choice for a private area; the zero frame is
 * mapped, not copied), adding the pages copied to *copied (a uint64_t).
 * -ENOMEM when memory runs out; what was mapped is the caller's to undo. */
int fork_copy_area(struct vmspace *child, struct vmspace *parent, vaddr_t start, vaddr_t end,
                   void *copied);

/* fork(): the child's pid in the parent, 0 in the child; -EAGAIN when the
 * process table is full, -ENOMEM when memory is (nothing leaked either way). */
long sys_fork(void);

#endif
