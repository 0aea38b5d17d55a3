/*
 * fork.h - creating a process as a copy of the caller.
 */
#ifndef PROC_FORK_H
#define PROC_FORK_H

#include "kernel/types.h"

/* How fork gives the child the parent's private memory (boot option fork=). */
enum fork_mode {
    FORK_TABLES, /* fork=cow (default): whole page tables shared copy-on-write */
    FORK_PAGES,  /* fork=page: page by page copy-on-write */
    FORK_COPY,   /* fork=copy: every page copied at once */
};

/* Read fork= from the command line (cmdline.c has refused other values). */
void fork_init(void);
enum fork_mode fork_mode(void);
/* True when booted with fork=copy. */
bool fork_is_eager(void);

/* fork(): the child's pid in the parent, 0 in the child; -EAGAIN when the
 * process table is full, -ENOMEM when memory is (nothing leaked either way). */
long sys_fork(void);

/*
 * vfork(): the child runs on the parent's own page tables and areas (no copy,
 * no copy-on-write), and the parent sleeps until the child execs or exits.
 * Returns as fork does. The C library's vfork keeps its return address in a
 * register, since the child reuses the parent's stack.
 */
long sys_vfork(void);
/* The vfork child execs or exits: its borrowed memory goes back (its vs and
 * areas become NULL) and the parent wakes. */
struct proc;
void fork_vfork_release(struct proc *child);
/* vforks whose child has given the memory back, since boot. */
uint64_t fork_vfork_count(void);

#endif
