/*
 * memlayout.h - where everything lives, physically and virtually.
 *
 * Owns the constants of the address-space layout; nothing here allocates.
 * Invariants: the kernel image is linked at KERNEL_VMA + its physical load
 * address; all RAM is reachable at DIRECT_MAP_BASE + paddr; user space is the
 * lower canonical half, [0, USER_TOP).
 *
 *   0xffffffffffffffff +---------------------------+
 *                      | kernel image (-2 GiB)     |  PML4 slot 511
 *   0xffffffff80000000 +---------------------------+
 *                      | kernel heap (large)       |  PML4 slot 400
 *   0xffffc80000000000 +---------------------------+
 *                      | kernel stacks + guards    |  PML4 slot 384
 *   0xffffc00000000000 +---------------------------+
 *                      | direct map of all RAM     |  PML4 slot 256..
 *   0xffff800000000000 +---------------------------+
 *                      | (non-canonical hole)      |
 *   0x0000800000000000 +---------------------------+  USER_TOP
 *                      | user stack, heap, data,   |  PML4 slots 0..255
 *                      | text                      |  (private per process)
 *   0x0000000000000000 +---------------------------+
 */
#ifndef MM_MEMLAYOUT_H
#define MM_MEMLAYOUT_H

#ifdef __ASSEMBLER__
#define UL_(x) x
#else
#define UL_(x) x##UL
#endif

#define PAGE_SIZE UL_(4096)
#define PAGE_SHIFT 12
#define HUGE_PAGE_SIZE (UL_(2) * 1024 * 1024)

#define KERNEL_VMA UL_(0xffffffff80000000) /* virtual address of physical 0 for the image */
#define KERNEL_PHYS_LOAD UL_(0x100000)     /* where GRUB loads the image (1 MiB) */
#define DIRECT_MAP_BASE UL_(0xffff800000000000)
#define DIRECT_MAP_MAX (UL_(64) << 30) /* we map at most 64 GiB of RAM */
#define KSTACK_BASE UL_(0xffffc00000000000)
#define KHEAP_BASE UL_(0xffffc80000000000)
#define KHEAP_SIZE (UL_(1) << 36) /* 64 GiB of virtual room for large kmallocs */

#define USER_TOP UL_(0x0000800000000000)  /* first address above user space */
#define USER_STACK_TOP UL_(0x00007ffffffff000)
#define USER_STACK_MAX (UL_(8) * 1024 * 1024)

/* PML4 slots: 0..255 user, 256..511 kernel (shared by every address space). */
#define PML4_KERNEL_FIRST 256

#ifndef __ASSEMBLER__
#include "kernel/types.h"

/* Physical to direct-map virtual and back. Only valid for RAM below DIRECT_MAP_MAX. */
static inline void *P2V(paddr_t pa) { return (void *)(pa + DIRECT_MAP_BASE); }
static inline paddr_t V2P(const void *va) { return (paddr_t)va - DIRECT_MAP_BASE; }
/* Physical address of a symbol in the kernel image. */
static inline paddr_t KIMG_V2P(const void *va) { return (paddr_t)va - KERNEL_VMA; }

static inline uint64_t page_round_down(uint64_t a) { return a & ~(PAGE_SIZE - 1); }
static inline uint64_t page_round_up(uint64_t a) { return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }
#endif

#endif
