/*
 * vma.c - memory areas: the set of a process's areas, and the per-area
 * decisions (what a fault maps, what fork gives the child).
 *
 * The set is an array of pointers sorted by start address: lookups are a
 * binary search, inserts and removals move the pointers above (a few
 * thousand areas cost microseconds). Invariants: areas are page-aligned,
 * non-empty and disjoint; neighbours that could be one area (same
 * protection, flags, object, contiguous offset, name) are merged; a page
 * table entry exists only inside an area.
 *
 * The per-area choice for a missing page (vma_fill):
 *   private anonymous   read: the shared zero frame, read-only
 *                       write: a fresh zeroed frame (demand-zero)
 *   private file        the page cache's frame, copy-on-write when the area
 *                       is writable: a write copies it in cow_fault
 *   shared (file/anon)  the object's frame, writable if the area is: every
 *                       mapper sees every write, fork included
 * Locks: klock (kernel/klock.h) guards every area set and the counters.
 */
#include "mm/vma.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/string.h"
#include "kernel/x86.h"
#include "mm/cow.h"
#include "mm/fault.h"
#include "mm/kheap.h"
#include "mm/pagecache.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/tlb.h"
#include "mm/vmm.h"

static paddr_t zero_frame;
static struct vma_stats stats;
static struct vma_set *all_sets; /* every live set, through next_set */

void vma_init(void)
{
    zero_frame = pmm_alloc(); /* zeroed; this reference is never dropped */
    if (!zero_frame)
        panic("vma_init: no frame for the zero page");
}

paddr_t vma_zero_frame(void) { return zero_frame; }

/* ---- the set ----------------------------------------------------------- */

struct vma_set *vma_set_create(struct vmspace *vs)
{
    struct vma_set *set = kmalloc(sizeof(*set));
    if (set) {
        set->vs = vs;
        set->next_set = all_sets;
        all_sets = set;
    }
    return set;
}

void vma_set_exe(struct vma_set *set, struct pagecache_obj *obj)
{
    if (set->exe) {
        set->exe->exec_users--;
        pagecache_put(set->exe);
    }
    set->exe = obj;
    if (obj) {
        pagecache_get(obj);
        obj->exec_users++;
    }
}

static void area_free(struct vm_area *a)
{
    if (a->obj)
        pagecache_put(a->obj);
    kfree(a);
    stats.areas_now--;
}

void vma_set_destroy(struct vma_set *set)
{
    if (!set)
        return;
    for (int i = 0; i < set->count; i++)
        area_free(set->areas[i]);
    vma_set_exe(set, NULL);
    for (struct vma_set **pp = &all_sets; *pp; pp = &(*pp)->next_set)
        if (*pp == set) {
            *pp = set->next_set;
            break;
        }
    kfree(set->areas);
    kfree(set);
}

/* Index of the first area that ends above va (count if none). */
static int lower_bound(const struct vma_set *set, vaddr_t va)
{
    int lo = 0, hi = set->count;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (set->areas[mid]->end <= va)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct vm_area *vma_find(struct vma_set *set, vaddr_t va)
{
    struct vm_area *a = set->last; /* faults come in runs within one area */
    if (a && a->start <= va && va < a->end)
        return a;
    int i = lower_bound(set, va);
    a = (i < set->count && set->areas[i]->start <= va) ? set->areas[i] : NULL;
    if (a)
        set->last = a;
    return a;
}

bool vma_range_free(const struct vma_set *set, vaddr_t start, vaddr_t end)
{
    int i = lower_bound(set, start);
    return i == set->count || set->areas[i]->start >= end;
}

bool vma_range_mapped(const struct vma_set *set, vaddr_t start, vaddr_t end)
{
    vaddr_t at = start;
    for (int i = lower_bound(set, start); i < set->count && at < end; i++) {
        if (set->areas[i]->start > at)
            return false;
        at = set->areas[i]->end;
    }
    return at >= end;
}

/* Make room for one more pointer. */
static int reserve(struct vma_set *set)
{
    if (set->count < set->cap)
        return 0;
    int cap = set->cap ? set->cap * 2 : 16;
    struct vm_area **a = kmalloc((size_t)cap * sizeof(*a));
    if (!a)
        return -ENOMEM;
    if (set->count)
        memcpy(a, set->areas, (size_t)set->count * sizeof(*a));
    kfree(set->areas);
    set->areas = a;
    set->cap = cap;
    return 0;
}

/* Give back most of the array when few areas are left (after a big munmap). */
static void shrink(struct vma_set *set)
{
    if (set->cap <= 16 || set->count > set->cap / 4)
        return;
    int cap = set->cap / 2;
    struct vm_area **a = kmalloc((size_t)cap * sizeof(*a));
    if (!a)
        return; /* keep the larger one */
    if (set->count)
        memcpy(a, set->areas, (size_t)set->count * sizeof(*a));
    kfree(set->areas);
    set->areas = a;
    set->cap = cap;
}

static void insert_at(struct vma_set *set, int i, struct vm_area *a)
{
    memmove(&set->areas[i + 1], &set->areas[i], (size_t)(set->count - i) * sizeof(a));
    set->areas[i] = a;
    set->count++;
}

static void remove_at(struct vma_set *set, int i)
{
    set->last = NULL; /* the area removed may be the one remembered */
    memmove(&set->areas[i], &set->areas[i + 1], (size_t)(set->count - i - 1) * sizeof(void *));
    set->count--;
}

static struct vm_area *area_new(void)
{
    struct vm_area *a = kmalloc(sizeof(*a));
    if (a)
        stats.areas_now++;
    return a;
}

/* Can b (just above a) be folded into a? */
static bool mergeable(const struct vm_area *a, const struct vm_area *b)
{
    return a->end == b->start && a->prot == b->prot && a->flags == b->flags && a->obj == b->obj &&
           a->zero_from == b->zero_from && a->name == b->name &&
           (!a->obj || a->offset + (a->end - a->start) == b->offset);
}

/* Merge area i with its neighbours where possible. */
static void merge_around(struct vma_set *set, int i)
{
    if (i + 1 < set->count && mergeable(set->areas[i], set->areas[i + 1])) {
        set->areas[i]->end = set->areas[i + 1]->end;
        area_free(set->areas[i + 1]);
        remove_at(set, i + 1);
    }
    if (i > 0 && mergeable(set->areas[i - 1], set->areas[i])) {
        set->areas[i - 1]->end = set->areas[i]->end;
        area_free(set->areas[i]);
        remove_at(set, i);
    }
}

/* Split area i at addr (strictly inside it): [start, addr) stays at i,
 * [addr, end) becomes i + 1. */
static int split_at(struct vma_set *set, int i, vaddr_t addr)
{
    struct vm_area *a = set->areas[i];
    if (reserve(set) < 0)
        return -ENOMEM;
    struct vm_area *b = area_new();
    if (!b)
        return -ENOMEM;
    *b = *a;
    b->start = addr;
    if (b->obj) {
        b->offset += addr - a->start;
        pagecache_get(b->obj);
    }
    a->end = addr;
    insert_at(set, i + 1, b);
    return 0;
}

/* Make addr a boundary between areas (if an area straddles it). */
static int cut(struct vma_set *set, vaddr_t addr)
{
    int i = lower_bound(set, addr);
    if (i < set->count && set->areas[i]->start < addr)
        return split_at(set, i, addr);
    return 0;
}

int vma_map(struct vma_set *set, vaddr_t start, vaddr_t end, uint32_t prot, uint32_t flags,
            struct pagecache_obj *obj, uint64_t offset, vaddr_t zero_from, const char *name)
{
    if (start >= end || (start | end) & (PAGE_SIZE - 1) || end > USER_TOP)
        return -EINVAL;
    if (!vma_range_free(set, start, end))
        return -EEXIST;
    if (reserve(set) < 0)
        return -ENOMEM;
    struct vm_area *a = area_new();
    if (!a)
        return -ENOMEM;
    *a = (struct vm_area){start, end, prot & VMA_PROT_MASK, flags, obj, offset, zero_from,
                          name ? name : ""};
    if (obj)
        pagecache_get(obj);
    int i = lower_bound(set, start);
    insert_at(set, i, a);
    merge_around(set, i);
    return 0;
}

int vma_unmap(struct vma_set *set, vaddr_t start, vaddr_t end)
{
    if (cut(set, start) < 0 || cut(set, end) < 0)
        return -ENOMEM;
    int i = lower_bound(set, start);
    while (i < set->count && set->areas[i]->start < end) {
        struct vm_area *a = set->areas[i];
        vmm_unmap_range(set->vs, a->start, a->end);
        remove_at(set, i);
        area_free(a);
    }
    while (set->cap > 16 && set->count <= set->cap / 4) {
        int cap = set->cap;
        shrink(set);
        if (set->cap == cap)
            break;
    }
    return 0;
}

uint64_t vma_pte_flags(const struct vm_area *a)
{
    if (!(a->prot & VMA_PROT_MASK))
        return 0; /* PROT_NONE: present for the kernel's bookkeeping, no user access */
    uint64_t f = PTE_U;
    if (a->prot & VMA_WRITE)
        f |= PTE_W;
    if (!(a->prot & VMA_EXEC))
        f |= PTE_NX;
    return f;
}

/*
 * The entry for a page of a private writable area whose frame others may
 * still see (another sharer, the page cache, the zero frame) must not be
 * writable: the frame's count says so. The zero frame is never COW: a write
 * to it gets a fresh zeroed frame instead (vma_fill).
 */
static pte_t private_entry(const struct vm_area *a, paddr_t pa, uint64_t keep)
{
    uint64_t f = vma_pte_flags(a) | keep | PTE_P;
    if (!(f & PTE_W) || (a->flags & VMA_SHARED))
        return pte_make(pa, f);
    if (pa == zero_frame)
        return pte_make(pa, f & ~PTE_W);
    if (pmm_refcount(pa) > 1)
        return pte_make(pa, pte_mkcow(f));
    return pte_make(pa, f);
}

struct protect_walk {
    struct vma_set *set;
    const struct vm_area *a;
};

static int protect_table(vaddr_t table_va, pte_t *pt, int first, int last, void *arg)
{
    struct protect_walk *w = arg;
    for (int i = first; i < last; i++) {
        if (!pte_present(pt[i]))
            continue;
        pt[i] = private_entry(w->a, pte_addr(pt[i]), pt[i] & (PTE_A | PTE_D));
        vmm_invalidate(w->set->vs, table_va + (vaddr_t)i * PAGE_SIZE);
    }
    return 0;
}

int vma_protect(struct vma_set *set, vaddr_t start, vaddr_t end, uint32_t prot)
{
    prot &= VMA_PROT_MASK;
    for (int i = lower_bound(set, start); i < set->count && set->areas[i]->start < end; i++)
        if ((prot & VMA_WRITE) && !(set->areas[i]->flags & VMA_MAYWRITE))
            return -EACCES;
    if (cut(set, start) < 0 || cut(set, end) < 0 || vmm_unshare_range(set->vs, start, end) < 0)
        return -ENOMEM;
    int i = lower_bound(set, start);
    int first = i;
    tlb_batch_begin(set->vs); /* one shootdown for the whole range */
    for (; i < set->count && set->areas[i]->start < end; i++) {
        struct vm_area *a = set->areas[i];
        a->prot = prot;
        struct protect_walk w = {set, a};
        vmm_for_each_table_in(set->vs, a->start, a->end, protect_table, &w);
    }
    tlb_batch_end();
    /* Merge from the top down so the indexes below stay valid. */
    for (int j = i - 1; j >= first - 1 && j >= 0; j--)
        if (j < set->count)
            merge_around(set, j);
    return 0;
}

int vma_set_flag(struct vma_set *set, vaddr_t start, vaddr_t end, uint32_t flag, bool clear)
{
    if (flag == VMA_WIPEONFORK && !clear)
        for (int i = lower_bound(set, start); i < set->count && set->areas[i]->start < end; i++)
            if (set->areas[i]->obj || (set->areas[i]->flags & VMA_SHARED))
                return -EINVAL; /* as Linux: private anonymous memory only */
    if (cut(set, start) < 0 || cut(set, end) < 0)
        return -ENOMEM;
    int i = lower_bound(set, start), first = i;
    for (; i < set->count && set->areas[i]->start < end; i++)
        set->areas[i]->flags = clear ? set->areas[i]->flags & ~flag : set->areas[i]->flags | flag;
    for (int j = i - 1; j >= first - 1 && j >= 0; j--)
        if (j < set->count)
            merge_around(set, j);
    return 0;
}

void vma_drop_pages(struct vma_set *set, vaddr_t start, vaddr_t end)
{
    for (int i = lower_bound(set, start); i < set->count && set->areas[i]->start < end; i++) {
        struct vm_area *a = set->areas[i];
        vmm_unmap_range(set->vs, MAX(a->start, start), MIN(a->end, end));
    }
}

void vma_truncate_object(struct pagecache_obj *obj, uint64_t size)
{
    uint64_t keep = page_round_up(size); /* offsets below this stay mapped */
    for (struct vma_set *set = all_sets; set; set = set->next_set)
        for (int i = 0; i < set->count; i++) {
            const struct vm_area *a = set->areas[i];
            uint64_t len = a->end - a->start;
            if (a->obj != obj || a->offset + len <= keep)
                continue;
            vaddr_t from = a->offset >= keep ? a->start : a->start + (keep - a->offset);
            vma_drop_pages(set, from, a->end);
        }
}

vaddr_t vma_find_free(const struct vma_set *set, uint64_t len, vaddr_t hint)
{
    const vaddr_t top = USER_STACK_TOP - USER_STACK_MAX - VMA_STACK_GUARD_GAP;
    if (len == 0 || len > top - VMA_MMAP_MIN_ADDR)
        return 0;
    hint = page_round_down(hint);
    if (hint >= VMA_MMAP_MIN_ADDR && hint <= USER_TOP - len && vma_range_free(set, hint, hint + len))
        return hint;
    /* Top-down: the highest gap below `top` that holds len. */
    int j = lower_bound(set, top);
    vaddr_t ceiling = top;
    if (j < set->count && set->areas[j]->start < ceiling)
        ceiling = set->areas[j]->start;
    for (int i = j - 1;; i--) {
        vaddr_t floor = i >= 0 ? set->areas[i]->end : VMA_MMAP_MIN_ADDR;
        if (floor < VMA_MMAP_MIN_ADDR)
            floor = VMA_MMAP_MIN_ADDR;
        if (ceiling > floor && ceiling - floor >= len)
            return ceiling - len;
        if (i < 0)
            return 0;
        ceiling = set->areas[i]->start;
    }
}

bool vma_allows(const struct vm_area *a, enum vma_access access)
{
    switch (access) {
    case VMA_ACCESS_WRITE:
        return (a->prot & VMA_WRITE) != 0;
    case VMA_ACCESS_EXEC:
        return (a->prot & VMA_EXEC) != 0;
    default:
        return (a->prot & VMA_PROT_MASK) != 0; /* on x86 write and exec imply read */
    }
}

struct vm_area *vma_grow_stack(struct vma_set *set, vaddr_t va)
{
    int i = lower_bound(set, va);
    if (i == set->count)
        return NULL;
    struct vm_area *s = set->areas[i];
    vaddr_t page = page_round_down(va);
    if (!(s->flags & VMA_GROWSDOWN) || va >= s->start || s->end - page > USER_STACK_MAX)
        return NULL;
    if (i > 0 && page - set->areas[i - 1]->end < VMA_STACK_GUARD_GAP)
        return NULL;
    s->start = page;
    return s;
}

/* ---- faults ------------------------------------------------------------- */

/* Map pa (with a reference of its own, taken here) at page with entry flags. */
static int map_frame(struct vma_set *set, vaddr_t page, paddr_t pa, pte_t entry_flags)
{
    pmm_incref(pa);
    if (vmm_map(set->vs, page, pa, entry_flags & PTE_FLAGS_MASK) < 0) {
        pmm_decref(pa);
        return -ENOMEM;
    }
    return 0;
}

/* Private anonymous memory (or a bss tail): zeros, lazily. */
static int fill_anon(struct vma_set *set, const struct vm_area *a, vaddr_t page, bool write)
{
    if (!write) {
        stats.zero_page_maps++;
        return map_frame(set, page, zero_frame, pte_flags(private_entry(a, zero_frame, 0)));
    }
    paddr_t pa = pmm_alloc(); /* zeroed */
    if (!pa)
        return -ENOMEM;
    if (vmm_unshare(set->vs, page) < 0) {
        pmm_decref(pa);
        return -ENOMEM;
    }
    pte_t *ptep = vmm_walk(set->vs, page);
    if (ptep && pte_present(*ptep)) {
        /* Replacing the zero frame: the first write to a page that was read. */
        paddr_t old = pte_addr(*ptep);
        *ptep = pte_make(pa, vma_pte_flags(a) | PTE_P);
        vmm_invalidate(set->vs, page);
        pmm_decref(old);
    } else if (vmm_map(set->vs, page, pa, vma_pte_flags(a)) < 0) {
        pmm_decref(pa);
        return -ENOMEM;
    }
    stats.demand_zero_faults++;
    return 0;
}

int vma_fill(struct vma_set *set, struct vm_area *a, vaddr_t va, bool write)
{
    vaddr_t page = page_round_down(va);
    if (!a->obj)
        return fill_anon(set, a, page, write);

    uint64_t index = (a->offset + (page - a->start)) >> PAGE_SHIFT;
    if (a->zero_from && page >= a->zero_from)
        return fill_anon(set, a, page, write); /* all bss */
    paddr_t pa;
    int r = pagecache_page(a->obj, index, &pa);
    if (r < 0)
        return r;
    if (a->flags & VMA_SHARED) {
        stats.shared_faults++;
        return map_frame(set, page, pa, vma_pte_flags(a));
    }
    stats.file_faults++;
    if (a->zero_from && a->zero_from < page + PAGE_SIZE) {
        /* The segment's file bytes end inside this page and bss follows:
         * a private page with the file's bytes, then zeros. */
        paddr_t own = pmm_alloc();
        if (!own)
            return -ENOMEM;
        memcpy(P2V(own), P2V(pa), a->zero_from - page);
        if (vmm_map(set->vs, page, own, vma_pte_flags(a)) < 0) {
            pmm_decref(own);
            return -ENOMEM;
        }
        stats.file_partial_fills++;
        return 0;
    }
    /* The cache keeps its own reference, so the frame is never this
     * mapping's alone: in a writable area it is mapped copy-on-write. */
    uint64_t f = vma_pte_flags(a);
    if (f & PTE_W)
        f = pte_mkcow(f);
    r = map_frame(set, page, pa, f);
    if (r < 0 || !write)
        return r;
    r = cow_fault(set->vs, page, NULL); /* a write to a file page: this is where it is copied */
    return r == 0 ? FAULT_COW : r;
}

int vma_populate(struct vma_set *set, vaddr_t start, vaddr_t end, bool write)
{
    for (vaddr_t va = page_round_down(start); va < end; va += PAGE_SIZE) {
        struct vm_area *a = vma_find(set, va);
        if (!a)
            return -EFAULT;
        pte_t *ptep = vmm_walk(set->vs, va);
        bool present = ptep && pte_present(*ptep);
        int r = 0;
        if (!present)
            r = vma_fill(set, a, va, write);
        else if (write && pte_addr(*ptep) == zero_frame)
            r = vma_fill(set, a, va, true);
        else if (write && pte_cow(*ptep))
            r = cow_fault(set->vs, va, NULL);
        if (r < 0)
            return r;
    }
    return 0;
}

/* ---- fork --------------------------------------------------------------- */

struct share_shared {
    struct vmspace *child;
    uint64_t pages;
};

/* MAP_SHARED: the child maps the very same frames, writable if they are. */
static int share_table_shared(vaddr_t table_va, pte_t *pt, int first, int last, void *arg)
{
    struct share_shared *s = arg;
    pte_t *child_pt = NULL;
    for (int i = first; i < last; i++) {
        if (!pte_present(pt[i]))
            continue;
        if (!child_pt && !(child_pt = vmm_walk_alloc(s->child, table_va)))
            return -ENOMEM; /* &child_pt[0]: the child's table for these 2 MiB */
        child_pt[i] = pt[i] & ~(PTE_A | PTE_D);
        pmm_incref(pte_addr(pt[i]));
        s->pages++;
    }
    return 0;
}

/* Share whole tables: only where every area the 2 MiB touches is plain
 * private (fork gives the child the same pages copy-on-write) and the table
 * maps enough pages for sharing to beat the per-page path. */
struct share_tables {
    struct vma_set *child, *parent;
    uint64_t tables;
};

static bool table_plain_private(const struct vma_set *set, vaddr_t table_va)
{
    vaddr_t end = table_va + HUGE_PAGE_SIZE;
    for (int i = lower_bound(set, table_va); i < set->count && set->areas[i]->start < end; i++)
        if (set->areas[i]->flags & (VMA_SHARED | VMA_DONTFORK | VMA_WIPEONFORK))
            return false;
    return true;
}

static int maybe_share_table(vaddr_t table_va, pte_t *pt, int first, int last, void *arg)
{
    struct share_tables *st = arg;
    /* Enough pages to gain? Stop counting as soon as we know: fork must not
     * touch all 512 entries of a table it shares (their number is counted
     * when a table is copied, fork_pages_deferred). */
    int present = 0;
    for (int i = first; i < last && present < VMA_SHARE_TABLE_MIN; i++)
        present += (int)(pt[i] & PTE_P); /* PTE_P is bit 0 */
    if (present < VMA_SHARE_TABLE_MIN || !table_plain_private(st->parent, table_va))
        return 0;
    int r = vmm_share_table(st->child->vs, st->parent->vs, table_va);
    if (r == 0)
        st->tables++;
    return r == -ENOENT ? 0 : r;
}

static int fork_areas(struct vma_set *child, struct vma_set *parent, bool share_tables,
                      vma_private_fn share_private, void *arg)
{
    int r = 0;
    for (int i = 0; i < parent->count; i++) {
        const struct vm_area *a = parent->areas[i];
        /* LAB-BEGIN mmap: an area the child must not have at all (docs/labs/mmap.md, step 1) */
        if (a->flags & VMA_DONTFORK)
            continue;
        /* LAB-END mmap */
        if (reserve(child) < 0)
            return -ENOMEM;
        struct vm_area *c = area_new();
        if (!c)
            return -ENOMEM;
        *c = *a;
        if (c->obj)
            pagecache_get(c->obj);
        insert_at(child, child->count, c);
    }
    vma_set_exe(child, parent->exe);
    if (share_tables) { /* whole tables first; share_private skips what they cover */
        struct share_tables st = {child, parent, 0};
        r = vmm_for_each_table_in(parent->vs, 0, USER_TOP, maybe_share_table, &st);
        stats.fork_tables_shared += st.tables;
    }
    for (int i = 0; i < parent->count && r == 0; i++) {
        const struct vm_area *a = parent->areas[i];
        /* LAB-BEGIN mmap: the child gets no pages of an area left out, nor of a wiped one (docs/labs/mmap.md, step 1) */
        if (a->flags & (VMA_DONTFORK | VMA_WIPEONFORK))
            continue; /* left out, or the child's copy starts empty: zeros on demand */
        /* LAB-END mmap */
        if (a->flags & VMA_SHARED) {
            struct share_shared s = {child->vs, 0};
            r = vmm_for_each_table_in(parent->vs, a->start, a->end, share_table_shared, &s);
            stats.fork_pages_shared_mapping += s.pages;
        } else {
            r = share_private(child->vs, parent->vs, a->start, a->end, arg);
        }
    }
    /* The parent may cache writable translations of pages now copy-on-write
     * (or reached through a directory entry now read-only). */
    tlb_flush_all(parent->vs); /* here, and on every CPU running a thread of the parent */
    return r;
}

int vma_fork(struct vma_set *child, struct vma_set *parent, bool share_tables,
             vma_private_fn share_private, void *arg)
{
    tlb_batch_begin(parent->vs); /* the whole fork is one shootdown (at most) */
    int r = fork_areas(child, parent, share_tables, share_private, arg);
    tlb_batch_end();
    return r;
}

bool vma_may_commit(uint64_t bytes) { return (bytes >> PAGE_SHIFT) <= pmm_total_count(); }

void vma_get_stats(struct vma_stats *out) { *out = stats; }
