/*
 * oom.h - the out-of-memory killer: when a page fault or the kernel's copy
 * into user memory cannot get a frame, choose a process to kill, take its
 * memory back, and let the allocation be tried again.
 */
#ifndef MM_OOM_H
#define MM_OOM_H

#include "kernel/types.h"

struct proc;

/*
 * Frames p has mapped in its user half right now (its resident set). A
 * frame shared with other processes counts fully for each of them, as
 * Linux's RSS does. 0 for a process without an address space.
 */
uint64_t oom_resident_frames(struct proc *p);

/*
 * The process the killer would choose to free memory for `faulter`: the
 * live process (RUNNABLE, RUNNING or SLEEPING, with an address space, no
 * signal pending) with the most resident frames; ties go to the younger
 * (higher pid). pid 1 only when no other candidate exists. The faulter is a
 * candidate like any other. NULL when there is no candidate at all.
 */
struct proc *oom_choose_victim(struct proc *faulter);

/*
 * Called when an allocation p needs (a page fault's or a user copy's) found
 * no frame. Chooses a victim, prints one console line naming it, sends it
 * SIGKILL and unmaps its whole user half at once, so its private frames are
 * free when this returns. True: try the allocation again. False: nothing
 * can be freed for p (p itself was chosen, or is dying, or no candidate is
 * left): the caller gives up, and p dies unless it is pid 1.
 * Usage: while ((r = fault_resolve(p, va, w)) == -ENOMEM && oom_reclaim(p)) ;
 */
bool oom_reclaim(struct proc *p);

/* Processes killed by the OOM killer since boot. */
uint64_t oom_kills(void);

#endif
