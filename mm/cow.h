/*
 * cow.h - copy-on-write: share a parent's frames with a child at fork, and
 * copy a shared frame only when someone writes to it.
 */
#ifndef MM_COW_H
#define MM_COW_H

#include "kernel/types.h"

struct vmspace;
struct cowos_memstat;

/*
 * Give child the same user pages as parent in [start, end) (one private
 * area) without copying any data frame. Writable pages (and pages already
 * copy-on-write) become read-only with PTE_COW in both; read-only pages
 * (program text, the zero frame) are shared read-only as they are. Every
 * shared frame gains one reference. The caller flushes the parent's stale
 * TLB entries (vma_fork does, once). Returns 0, or -ENOMEM when a
 * page-table page for the child could not be had: then the child holds what
 * it got so far (destroy it), and the parent's pages stay copy-on-write,
 * which is harmless.
 */
int cow_share(struct vmspace *child, struct vmspace *parent, vaddr_t start, vaddr_t end);
/* cow_share in the shape vma_fork calls for private areas. */
int cow_share_area(struct vmspace *child, struct vmspace *parent, vaddr_t start, vaddr_t end,
                   void *unused);

/*
 * Resolve a write to the copy-on-write page at va in vs: the last sharer
 * (refcount 1) gets the frame back writable with no copy; any other sharer
 * gets a private copy of the 4 KiB. One call resolves it. ptep is va's leaf
 * entry when the caller has walked to it already (the fault path), else
 * NULL. Returns 0, -EFAULT if va is not a copy-on-write page, or -ENOMEM
 * with nothing changed.
 */
int cow_fault(struct vmspace *vs, vaddr_t va, pte_t *ptep);

/* COW faults resolved since boot (the fault handler's cheap "was it one?"). */
uint64_t cow_fault_count(void);

/* Add the cycles one COW-resolving page fault took (the fault handler measures). */
void cow_count_fault_cycles(uint64_t cycles);

/* Count one successful fork: data pages an eager fork copied (0 with COW;
 * cow_share counts the pages it shares) and the child's page-table pages. */
void cow_count_fork(uint64_t pages_copied, uint64_t pt_pages);
/* Fill the counters user space reads with SYS_memstat. */
void cow_stats(struct cowos_memstat *out);
/* Turn the per-fault trace line on or off; returns the previous setting. */
bool cow_set_trace(bool on);

long sys_memstat(long ubuf);
long sys_cowtrace(long on);

#endif
