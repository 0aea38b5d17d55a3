/*
 * pte.h - the x86-64 page-table entry format, as explicit masks and verbs.
 *
 * A 48-bit virtual address splits into four 9-bit table indexes and a 12-bit
 * offset:
 *
 *   63      48 47    39 38    30 29    21 20    12 11         0
 *  +----------+--------+--------+--------+--------+------------+
 *  | sign ext | PML4   | PDPT   | PD     | PT     | offset     |
 *  +----------+--------+--------+--------+--------+------------+
 *
 * Every level's entry has the same shape: flags in bits 0-11 and 63, the
 * physical address of the next table (or the frame) in bits 12-51.
 * PTE_COW lives on bit 9, one of the three bits the CPU ignores (9-11);
 * bit 6 is the hardware Dirty bit and must never carry software state.
 */
#ifndef MM_PTE_H
#define MM_PTE_H

#include "kernel/types.h"

#define PTE_P (1UL << 0)    /* present */
#define PTE_W (1UL << 1)    /* writable */
#define PTE_U (1UL << 2)    /* user accessible (needed at every level) */
#define PTE_PWT (1UL << 3)  /* write-through */
#define PTE_PCD (1UL << 4)  /* cache disable */
#define PTE_A (1UL << 5)    /* accessed, set by the CPU */
#define PTE_D (1UL << 6)    /* dirty, set by the CPU (leaf only) */
#define PTE_PS (1UL << 7)   /* 2 MiB / 1 GiB page in a PD / PDPT entry */
#define PTE_G (1UL << 8)    /* global: survives CR3 reloads */
#define PTE_COW (1UL << 9)  /* software: copy-on-write page (AVL bit 9) */
#define PTE_NX (1UL << 63)  /* no-execute (needs EFER.NXE) */

#define PTE_ADDR_MASK 0x000ffffffffff000UL
#define PTE_FLAGS_MASK (~PTE_ADDR_MASK)

#define PML4_INDEX(va) (((va) >> 39) & 0x1ff)
#define PDPT_INDEX(va) (((va) >> 30) & 0x1ff)
#define PD_INDEX(va) (((va) >> 21) & 0x1ff)
#define PT_INDEX(va) (((va) >> 12) & 0x1ff)

static inline paddr_t pte_addr(pte_t pte) { return pte & PTE_ADDR_MASK; }
static inline uint64_t pte_flags(pte_t pte) { return pte & PTE_FLAGS_MASK; }
static inline bool pte_present(pte_t pte) { return (pte & PTE_P) != 0; }
static inline bool pte_writable(pte_t pte) { return (pte & PTE_W) != 0; }
static inline bool pte_user(pte_t pte) { return (pte & PTE_U) != 0; }
static inline bool pte_cow(pte_t pte) { return (pte & PTE_COW) != 0; }
static inline pte_t pte_make(paddr_t pa, uint64_t flags) { return (pa & PTE_ADDR_MASK) | flags; }
/* Make a page read-only and copy-on-write. */
static inline pte_t pte_mkcow(pte_t pte) { return (pte & ~PTE_W) | PTE_COW; }
/* Make a page writable and no longer copy-on-write. */
static inline pte_t pte_mkwrite(pte_t pte) { return (pte | PTE_W) & ~PTE_COW; }
static inline pte_t pte_wrprotect(pte_t pte) { return pte & ~PTE_W; }

#endif
