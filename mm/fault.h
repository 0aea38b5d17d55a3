/*
 * fault.h - page faults: decoding, resolving, and routing.
 */
#ifndef MM_FAULT_H
#define MM_FAULT_H

#include "kernel/types.h"
#include "mm/vma.h"

struct proc;
struct trapframe;

/* Page-fault error code bits (pushed by the CPU with vector 14). */
#define PF_P (1UL << 0)    /* 0: page not present, 1: protection violation */
#define PF_W (1UL << 1)    /* the access was a write */
#define PF_U (1UL << 2)    /* the access came from ring 3 */
#define PF_RSVD (1UL << 3) /* a reserved bit was set in an entry */
#define PF_I (1UL << 4)    /* the access was an instruction fetch */

/* Install the #PF handler (vector 14). */
void fault_init(void);
/* Faults retried because the entry already allowed the access (another CPU
 * resolved the same fault first), since boot. */
uint64_t fault_retries(void);

/*
 * Make va accessible to p for a read or write, if an area of p allows it:
 * fill a missing page as its area says, grow the stack into its zone,
 * replace the zero frame on a write, or resolve a write to a copy-on-write
 * page. Returns 0 when resolving it made the access possible, 1 when the
 * page tables allowed it already (nothing to do), -EFAULT when the program
 * has no right to it, -ENXIO when the page lies past the end of a mapped
 * file (SIGBUS), -ENOMEM when memory ran out while resolving it.
 * Shared by the fault handler and by uaccess (the kernel's user copies).
 */
int fault_resolve(struct proc *p, vaddr_t va, bool write);

/* The routing itself, for any access (the fault handler passes instruction
 * fetches too): the same results, but FAULT_COW (2) when cow_fault resolved
 * it (so the handler can time COW faults without asking again), -EACCES when
 * an area forbids the access and -EFAULT only when no area covers va. */
#define FAULT_COW 2
int fault_resolve_access(struct proc *p, vaddr_t va, enum vma_access access) __attribute__((noinline));

#endif
