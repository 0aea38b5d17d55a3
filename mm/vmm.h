/*
 * vmm.h - 4-level page tables and address spaces.
 *
 * A struct vmspace is one PML4: the user half (slots 0-255) private, the
 * kernel half (256-511) the same PDPTs in every address space. A mapped user
 * page holds one reference on its frame: vmm_map takes over the caller's
 * reference, vmm_unmap and vmm_destroy drop it.
 */
#ifndef MM_VMM_H
#define MM_VMM_H

#include "kernel/types.h"
#include "mm/memlayout.h"
#include "mm/pte.h"

struct boot_info;

struct vmspace {
    paddr_t pml4;      /* physical address of the top-level table */
    uint64_t pt_pages; /* page-table pages this space uses, PML4 included (shared ones too) */
    volatile uint32_t cpus; /* bit i: CPU i has it in CR3 (mm/tlb.h; atomic, changed under klock) */
};

/* Build the kernel's own tables (direct map of all RAM, image with per-section
 * permissions, no identity map), switch to them. Needs pmm_init first. */
void vmm_init_kernel(const struct boot_info *bi);
/* The kernel address space (kernel half only). */
struct vmspace *vmm_kernel_space(void);
/*
 * Make the physical range [pa, pa + len) readable by the kernel at P2V(pa):
 * RAM is mapped there already; firmware tables (read-only) and, with mmio,
 * device registers (writable, uncached) outside RAM get 4 KiB pages. Returns
 * P2V(pa), or NULL if the range lies beyond the direct map or a page table
 * could not be allocated. At boot, on CPU 0 only (kernel tables have no lock).
 */
void *vmm_kernel_map_phys(paddr_t pa, uint64_t len, bool mmio);
/* Remove the mapping of one kernel page (guard pages under stacks). */
void vmm_kernel_unmap_guard(vaddr_t va);

/* A new address space with an empty user half; NULL when out of memory. */
struct vmspace *vmm_create(void);
/* Drop every user mapping (one reference each) and free every user
 * page-table page and the vmspace itself. Must not be the active space. */
void vmm_destroy(struct vmspace *vs);
/* Load vs into CR3 on this CPU, moving this CPU's bit from the space it
 * had to vs (see mm/tlb.h). */
void vmm_activate(struct vmspace *vs);
/* The address space in CR3 now. */
bool vmm_is_active(const struct vmspace *vs);

/* The leaf entry for va, or NULL if an intermediate table is missing. */
pte_t *vmm_walk(struct vmspace *vs, vaddr_t va);
/* The fault path's one walk, inline: the leaf entry for user address va
 * (NULL if a table is missing), and in *shared whether its table is shared
 * (fork=cow). The user half has no large pages. */
static inline pte_t *vmm_walk_user(struct vmspace *vs, vaddr_t va, bool *shared)
{
    *shared = false;
    pte_t e = ((const pte_t *)P2V(vs->pml4))[PML4_INDEX(va)];
    if (!pte_present(e))
        return NULL;
    e = ((const pte_t *)P2V(pte_addr(e)))[PDPT_INDEX(va)];
    if (!pte_present(e))
        return NULL;
    e = ((const pte_t *)P2V(pte_addr(e)))[PD_INDEX(va)];
    if (!pte_present(e))
        return NULL;
    *shared = !(e & PTE_W);
    return &((pte_t *)P2V(pte_addr(e)))[PT_INDEX(va)];
}
/* The leaf entry for va, creating missing tables; NULL when out of memory.
 * A shared last-level table on the way is unshared first (see below). */
pte_t *vmm_walk_alloc(struct vmspace *vs, vaddr_t va);
/* The leaf entry for va, to change it: like vmm_walk, but a shared table on
 * the way is unshared first. NULL if a table is missing or memory ran out. */
pte_t *vmm_walk_modify(struct vmspace *vs, vaddr_t va);

/*
 * Shared last-level tables (fork=table). vmm_share_table makes child use
 * parent's table for the 2 MiB holding va: the table's count goes up, both
 * directory entries become read-only, and the frames it maps get no extra
 * reference (deferred until someone unshares). Returns 0, -ENOENT (parent
 * has no table there) or -ENOMEM. vmm_unshare gives vs its own copy of a
 * shared table (writable pages become copy-on-write in both copies), or
 * just its write permission back when vs is the last sharer; 0 or -ENOMEM.
 */
int vmm_share_table(struct vmspace *child, struct vmspace *parent, vaddr_t va);
int vmm_unshare(struct vmspace *vs, vaddr_t va);
int vmm_unshare_range(struct vmspace *vs, vaddr_t start, vaddr_t end);
/* Is the table for va shared (read-only directory entry)? Do a and b use
 * the very same table for va? */
bool vmm_table_shared(struct vmspace *vs, vaddr_t va);
bool vmm_same_table(struct vmspace *a, struct vmspace *b, vaddr_t va);
/* Since boot: tables unshared by copying, and by finding the last sharer;
 * and the references the copies took for the pages fork had not counted. */
void vmm_table_stats(uint64_t *copied, uint64_t *reused, uint64_t *deferred);

/*
 * Map the page at va to frame pa with flags (PTE_P is added). The mapping
 * takes over one reference to pa from the caller. Returns 0, -EEXIST if va
 * is already mapped, -ENOMEM if a table could not be allocated (then nothing
 * changed and the caller still owns its reference).
 */
int vmm_map(struct vmspace *vs, vaddr_t va, paddr_t pa, uint64_t flags);
/* Unmap va, drop the frame's reference, free page-table pages left empty
 * (user half). Returns 0 or -ENOENT. */
int vmm_unmap(struct vmspace *vs, vaddr_t va);
/* Replace the flags of a mapped page (PTE_P is kept). Returns 0 or -ENOENT. */
int vmm_protect(struct vmspace *vs, vaddr_t va, uint64_t flags);
/* Physical address va maps to, and its leaf flags (a 2 MiB page of the
 * kernel's direct map too, PTE_PS left out); -ENOENT if unmapped. */
int vmm_translate(struct vmspace *vs, vaddr_t va, paddr_t *pa, uint64_t *flags);
/* Drop any TLB entry for va if vs is the active space (or va is kernel). */
void vmm_invalidate(struct vmspace *vs, vaddr_t va);

/*
 * Call fn(va, ptep, arg) for every present 4 KiB page of vs's user half, in
 * address order. fn may change *ptep (keeping it present). A nonzero return
 * from fn stops the walk and is returned; otherwise 0.
 */
typedef int (*vmm_page_fn)(vaddr_t va, pte_t *ptep, void *arg);
int vmm_for_each_user_page(struct vmspace *vs, vmm_page_fn fn, void *arg);

/*
 * The same a whole page table at a time: fn(va, pt, arg) for every present
 * last-level table of vs's user half, pt being its 512 entries, which map
 * the 2 MiB starting at va. For loops that want no call per page (fork).
 */
typedef int (*vmm_table_fn)(vaddr_t va, pte_t *pt, void *arg);
int vmm_for_each_user_table(struct vmspace *vs, vmm_table_fn fn, void *arg);

/*
 * The same for the part of the user half in [start, end) (page-aligned):
 * fn(table_va, pt, first, last, arg) for every present last-level table
 * that overlaps it, where pt[first..last) are the entries inside the range.
 * Missing tables are skipped whole, so a sparse range costs little.
 */
typedef int (*vmm_range_fn)(vaddr_t table_va, pte_t *pt, int first, int last, void *arg);
int vmm_for_each_table_in(struct vmspace *vs, vaddr_t start, vaddr_t end, vmm_range_fn fn,
                          void *arg);
/* Unmap every present page in [start, end) (page-aligned) of the user half:
 * one reference dropped per page, tables left empty freed, stale TLB entries
 * flushed. Returns the pages unmapped. */
uint64_t vmm_unmap_range(struct vmspace *vs, vaddr_t start, vaddr_t end);

/* Page-table pages allocated by all address spaces right now. */
uint64_t vmm_pt_pages_in_use(void);

#endif
