/*
 * vma.h - memory areas: what each range of a process's address space is.
 *
 * Every user mapping belongs to exactly one area: text, data, bss, heap,
 * stack and each mmap. An area says what the range may do (prot), whether
 * writes are private (copy-on-write) or shared, and where its pages come
 * from: a memory object (a file's page cache, or shared anonymous memory) at
 * an offset, or, with no object, private anonymous memory (zeros on demand).
 * The page tables only cache what the areas allow; the fault handler asks
 * the area first, and fork decides per area what the child gets.
 */
#ifndef MM_VMA_H
#define MM_VMA_H

#include "kernel/types.h"
#include "mm/memlayout.h"

struct vmspace;
struct pagecache_obj;

/* prot: Linux's PROT_READ, PROT_WRITE, PROT_EXEC values. 0 = PROT_NONE. */
#define VMA_READ 0x1
#define VMA_WRITE 0x2
#define VMA_EXEC 0x4
#define VMA_PROT_MASK 0x7

/* flags */
#define VMA_SHARED 0x10      /* MAP_SHARED: one set of frames for every mapper, never COW */
#define VMA_GROWSDOWN 0x20   /* the stack: a fault just below it extends it */
#define VMA_DONTFORK 0x40    /* MADV_DONTFORK: the child does not get this area */
#define VMA_WIPEONFORK 0x80  /* MADV_WIPEONFORK: the child gets it empty (zeros) */
#define VMA_MAYWRITE 0x100   /* mprotect may add PROT_WRITE (not for a shared read-only file) */

/* Below the stack area nothing else may come closer than this (Linux's
 * stack_guard_gap: 256 pages), so a growing stack never runs into a mapping. */
#define VMA_STACK_GUARD_GAP (UL_(256) * PAGE_SIZE)
/* At most this many areas per process (Linux's default max_map_count);
 * mmap beyond it is ENOMEM. */
#define VMA_MAX_AREAS 65530
/* The lowest address mmap may hand out or accept (Linux's mmap_min_addr). */
#define VMA_MMAP_MIN_ADDR UL_(0x10000)

struct vm_area {
    vaddr_t start, end;          /* [start, end), page-aligned, never empty */
    uint32_t prot;               /* VMA_READ | VMA_WRITE | VMA_EXEC */
    uint32_t flags;              /* VMA_SHARED, VMA_GROWSDOWN, ... */
    struct pagecache_obj *obj;   /* NULL: private anonymous memory; else one reference held */
    uint64_t offset;             /* byte offset in obj of start */
    vaddr_t zero_from;           /* private file areas: 0, or the address from which the
                                    area reads zeros instead of the file (an ELF
                                    segment's bss tail in its last file page) */
    const char *name;            /* for display: a file's path, "[heap]", "[stack]", "" */
};

/* A process's areas, sorted by start and disjoint; binary search finds one. */
struct vma_set {
    struct vmspace *vs;          /* the page tables these areas govern */
    struct vm_area **areas;
    int count, cap;
    bool lock_future;            /* mlockall(MCL_FUTURE): fill new mappings at once */
    struct vm_area *last;        /* vma_find's last answer (NULL after any removal) */
    struct pagecache_obj *exe;   /* the program exec loaded (a reference; its exec_users
                                    counts this set): writing it is ETXTBSY */
    struct vma_set *next_set;    /* every set, for vma_truncate_object */
};

/* What an access wants, for vma_allows and the fault path. */
enum vma_access { VMA_ACCESS_READ, VMA_ACCESS_WRITE, VMA_ACCESS_EXEC };

/* Counters for memstat (since boot, but for the _now ones). */
struct vma_stats {
    uint64_t zero_page_maps;      /* reads that mapped the shared zero frame */
    uint64_t demand_zero_faults;  /* first writes that got a fresh zeroed frame */
    uint64_t file_faults;         /* faults that mapped a page of a file */
    uint64_t file_partial_fills;  /* private file pages cut short by an ELF bss tail */
    uint64_t shared_faults;       /* faults in MAP_SHARED areas */
    uint64_t fork_pages_shared_mapping; /* pages fork shared as MAP_SHARED (no COW, no copy) */
    uint64_t fork_tables_shared;  /* last-level tables fork shared whole (fork=cow) */
    uint64_t areas_now;           /* areas in all processes right now */
};

/* The shared zero frame, made at boot (call vma_init once after pmm_init). */
void vma_init(void);
paddr_t vma_zero_frame(void);

/* An empty set for vs; NULL when out of memory. */
struct vma_set *vma_set_create(struct vmspace *vs);
/* Free every area and the set, dropping each area's object reference. The
 * pages themselves belong to the page tables (vmm_destroy drops them). */
void vma_set_destroy(struct vma_set *set);

/* The set runs the program whose pages are obj (exec): while the set lives
 * (and in its forks) the file cannot be opened for writing (ETXTBSY). */
void vma_set_exe(struct vma_set *set, struct pagecache_obj *obj);
/*
 * A file shrank to size bytes: in every address space, the pages of areas of
 * obj that lie wholly past the new end are unmapped (private copies too, as
 * Linux), so the next access finds nothing there: SIGBUS.
 */
void vma_truncate_object(struct pagecache_obj *obj, uint64_t size);

/* The area containing va, or NULL. The last area found is remembered (a
 * fault usually lands in the same area as the one before). */
struct vm_area *vma_find(struct vma_set *set, vaddr_t va);
/* True if every page of [start, end) belongs to some area. */
bool vma_range_mapped(const struct vma_set *set, vaddr_t start, vaddr_t end);
/* True if [start, end) touches no area. */
bool vma_range_free(const struct vma_set *set, vaddr_t start, vaddr_t end);

/*
 * Add an area [start, end) over a free range (page-aligned), merging it with
 * matching neighbours. obj (may be NULL) gains a reference of its own.
 * Returns 0, -EEXIST if the range is not free, -ENOMEM.
 */
int vma_map(struct vma_set *set, vaddr_t start, vaddr_t end, uint32_t prot, uint32_t flags,
            struct pagecache_obj *obj, uint64_t offset, vaddr_t zero_from, const char *name);
/* Remove [start, end) from every area (splitting those it cuts) and unmap
 * its pages. Returns 0 or -ENOMEM (a split found no memory; nothing unmapped). */
int vma_unmap(struct vma_set *set, vaddr_t start, vaddr_t end);
/* Give [start, end) (all mapped: check vma_range_mapped) the protection prot,
 * splitting and merging areas and updating present pages. Returns 0, -EACCES
 * (PROT_WRITE on a shared mapping of a file not open for writing), -ENOMEM. */
int vma_protect(struct vma_set *set, vaddr_t start, vaddr_t end, uint32_t prot);
/* Set (or with clear, remove) flag on [start, end), splitting as needed.
 * Returns 0, -EINVAL (WIPEONFORK on a shared or file area), -ENOMEM. */
int vma_set_flag(struct vma_set *set, vaddr_t start, vaddr_t end, uint32_t flag, bool clear);
/* MADV_DONTNEED: drop the pages of [start, end); the next access refills them
 * (zeros for private anonymous memory, the object's page otherwise). */
void vma_drop_pages(struct vma_set *set, vaddr_t start, vaddr_t end);

/*
 * A free range of len bytes for mmap: at hint if that fits, else the highest
 * gap below the stack's zone. Returns its start, or 0 when none.
 */
vaddr_t vma_find_free(const struct vma_set *set, uint64_t len, vaddr_t hint);

/* True if area a permits the access. */
bool vma_allows(const struct vm_area *a, enum vma_access access);
/*
 * The stack area, extended down to cover va, if va lies just below a
 * growing-down area, within USER_STACK_MAX of its top and not closer than
 * the guard gap to the area below. NULL otherwise.
 */
struct vm_area *vma_grow_stack(struct vma_set *set, vaddr_t va);

/*
 * The per-area choice for a page that is not present (or is the zero frame
 * and is being written): the zero frame for a read of private anonymous
 * memory, a fresh zeroed frame for its first write, the object's frame for a
 * shared area, and for a private file area the page cache's frame mapped
 * copy-on-write (a write then copies it in cow_fault). a must contain va and
 * allow the access. Returns 0 (or FAULT_COW when the write was resolved by
 * cow_fault), -ENXIO (past the end of the file: SIGBUS), -ENOMEM.
 */
int vma_fill(struct vma_set *set, struct vm_area *a, vaddr_t va, bool write);
/* Fault in every page of [start, end) of set (exec's stack, MAP_POPULATE). */
int vma_populate(struct vma_set *set, vaddr_t start, vaddr_t end, bool write);

/*
 * fork, per area: DONTFORK areas are left out, WIPEONFORK areas come empty,
 * shared areas map the same frames writable in both, and private areas go to
 * share_private (cow_share, or the eager copy of fork=copy). With
 * share_tables, every last-level table whose 2 MiB holds only plain private
 * areas and at least VMA_SHARE_TABLE_MIN pages is shared whole first
 * (vmm_share_table: constant work per table), and share_private leaves those
 * tables alone. child must be empty. Returns 0 or -ENOMEM (destroy the
 * child's set and space then).
 */
#define VMA_SHARE_TABLE_MIN 32
typedef int (*vma_private_fn)(struct vmspace *child, struct vmspace *parent, vaddr_t start,
                              vaddr_t end, void *arg);
int vma_fork(struct vma_set *child, struct vma_set *parent, bool share_tables,
             vma_private_fn share_private, void *arg);

/* The PTE flags a page of a gets (before copy-on-write is applied). */
uint64_t vma_pte_flags(const struct vm_area *a);

/* Linux's heuristic overcommit: one request may not exceed all of RAM
 * (there is no swap). mmap and brk refuse more with ENOMEM. */
bool vma_may_commit(uint64_t bytes);

/* Counters. */
void vma_get_stats(struct vma_stats *out);

#endif
