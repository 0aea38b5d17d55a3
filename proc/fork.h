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

/*
 * vfork(): the child runs on the parent's own page tables and areas (no copy,
 * no copy-on-write), and the parent sleeps until the child execs or exits.
 * Returns as fork does. The C library's vfork keeps its return address in a
 * register, since the child reuses the parent's stack.
 */
long sys_vfork(void);
/* What clone asks of a new process beyond fork (proc/thread.c fills it):
 * its stack (0: the caller's), TLS base (settls), where to write the
 * child's id in the parent (before the child runs) and in the child (at its
 * first run), and the clear-tid address. Pointers unchecked: a bad one is
 * ignored when written, as Linux. */
struct fork_opts {
    vaddr_t newsp;
    bool settls;
    uint64_t tls;
    vaddr_t parent_settid, child_settid, child_cleartid;
};
/* fork and vfork with clone's options (o may be NULL: plain fork/vfork). */
long fork_clone(const struct fork_opts *o);
long fork_vclone(const struct fork_opts *o);

/* The vfork child execs or exits: its borrowed memory goes back (its vs and
 * areas become NULL) and the parent wakes. */
struct proc;
void fork_vfork_release(struct proc *child);
/* vforks whose child has given the memory back, since boot. */
uint64_t fork_vfork_count(void);

#endif
