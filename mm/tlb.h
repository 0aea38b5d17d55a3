/*
 * tlb.h - keeping every CPU's TLB honest (TLB shootdown).
 *
 * Each address space has the set of CPUs that may cache its translations
 * (struct vmspace's `cpus`, a bit per CPU): a CPU's bit is set when it loads
 * the space into CR3 (vmm_activate) and cleared when it loads another; a CPU
 * that goes idle loads the kernel's tables first, so the set is exactly the
 * CPUs running a process (or thread) of the space, plus, for a moment, the
 * CPU deciding what runs next. When the kernel removes or downgrades a user
 * translation (fork's COW marking, a COW copy, munmap, mprotect, madvise,
 * unsharing a page table, teardown) it calls tlb_flush_page or tlb_flush_all:
 * this CPU flushes at once, every other CPU in the set gets an IPI and the
 * caller waits for all of their acknowledgments before going on. A batch
 * (tlb_batch_begin .. tlb_batch_end) collects a whole range into one
 * shootdown: a list of up to CPU_TLB_BATCH_MAX pages, or a full flush.
 * Kernel-half mappings removed (a process's kernel stack, a large kmalloc
 * block) cost no IPI: they bump a generation, and each CPU flushes once when
 * it next takes klock (tlb_kernel_sync); no CPU reaches such an address
 * without klock. Callers hold klock (the mailbox is klock's).
 * Frames and page tables freed inside a batch, before its shootdown, are not
 * reused before it completes: allocating needs klock, which the initiator
 * holds until then; a stale write meanwhile lands in a free frame, which is
 * zeroed or fully overwritten before any use.
 */
#ifndef MM_TLB_H
#define MM_TLB_H

#include "kernel/types.h"

struct vmspace;

#define TLB_VECTOR 49 /* the shootdown IPI (the local APICs' block, kernel/dev/lapic.h) */

/* Make every CPU forget its translation of user page va in vs: this CPU at
 * once (if vs is loaded here), the others by IPI, or into the open batch. */
void tlb_flush_page(struct vmspace *vs, vaddr_t va);
/* The same for every user translation of vs. */
void tlb_flush_all(struct vmspace *vs);
/* Collect the flushes of vs from here to tlb_batch_end into one shootdown
 * (this CPU still flushes each page at once). Batches do not nest. */
void tlb_batch_begin(struct vmspace *vs);
void tlb_batch_end(void);
/* vs is about to be destroyed: every other CPU that still has it in CR3
 * loads the kernel's tables (never the case for a space nobody runs). */
void tlb_drop(struct vmspace *vs);

/* A kernel-half mapping at va was removed: flush it here, and make every
 * other CPU flush its kernel translations before it next holds klock. */
void tlb_kernel_unmapped(vaddr_t va);
/* Called with klock just taken: catch up with kernel unmaps (a full flush,
 * global pages included) if this CPU is behind. */
void tlb_kernel_sync(void);

/* Answer a shootdown addressed to this CPU, if one is pending: the IPI
 * handler, and loops that spin with interrupts off (klock_acquire). */
void tlb_poll(void);
/* The IPI handler's installation (smp_init, on CPU 0). */
void tlb_init(void);

/* This CPU's shootdowns started so far (the COW trace tells a fault that
 * caused one by the difference). */
uint64_t tlb_local_shootdowns(void);

struct tlb_stats {
    uint64_t shootdowns, ipis, pages_flushed, full_flushes, wait_cycles, kernel_flushes;
};
/* The counters of every CPU, summed. */
void tlb_get_stats(struct tlb_stats *out);

#endif
