/*
 * kheap.h - kmalloc and kfree for the kernel's own objects.
 */
#ifndef MM_KHEAP_H
#define MM_KHEAP_H

#include "kernel/types.h"

/* Largest request served from a slab; bigger ones get whole pages. */
#define KHEAP_SLAB_MAX 2048

/* size bytes, 16-byte aligned, zeroed; NULL when out of memory or size is 0. */
void *kmalloc(size_t size);
/* Free what kmalloc returned; kfree(NULL) does nothing. Panics on a pointer
 * kmalloc never returned (where it can tell). */
void kfree(void *p);
/* Frames the heap holds right now (slab pages and large-allocation pages). */
uint64_t kheap_frames_in_use(void);

#endif
