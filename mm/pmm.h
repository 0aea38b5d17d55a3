/*
 * pmm.h - the physical frame allocator and per-frame reference counts.
 *
 * Every usable 4 KiB frame of RAM has a 32-bit reference count, indexed by
 * frame number. A free frame has count 0; pmm_alloc hands one out with count
 * 1; each extra mapping or holder takes pmm_incref; pmm_decref returns the
 * frame to the free pool exactly when the count drops to 0.
 */
#ifndef MM_PMM_H
#define MM_PMM_H

#include "kernel/types.h"

struct boot_info;

/* Take every available frame of the memory map except the first 1 MiB, the
 * kernel image, the boot modules and the boot information itself. */
void pmm_init(const struct boot_info *bi);

/* A zeroed frame with refcount 1, or 0 when memory is exhausted. */
paddr_t pmm_alloc(void);
/* Like pmm_alloc but the contents are left as they were: for callers that
 * overwrite all 4 KiB at once (the COW copy), so the zeroing is not wasted. */
paddr_t pmm_alloc_uninit(void);
/* Add one reference to an allocated frame (panics on a free frame). */
void pmm_incref(paddr_t pa);
/* Drop one reference; the frame is freed when the count reaches 0.
 * Panics with the frame's address on a free frame (a double free). */
void pmm_decref(paddr_t pa);
/* The frame's reference count (0 = free). */
uint32_t pmm_refcount(paddr_t pa);
/* True if pa is a frame this allocator manages. */
bool pmm_is_managed(paddr_t pa);

/* Frames free right now, and frames managed in all. */
uint64_t pmm_free_count(void);
uint64_t pmm_total_count(void);

/* Test hook: make pmm_alloc fail after `allowed` more successes (-1 = never). */
void pmm_fail_after(long allowed);

#endif
