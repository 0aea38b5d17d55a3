/*
 * vmm.c - walking, building and tearing down x86-64 page tables.
 *
 * Owns the page-table pages (each is a pmm frame with count 1, reached
 * through the direct map) and the kernel's top-level entries. Invariants:
 * every address space's PML4 slots 256-511 equal the kernel's, and the kernel
 * PDPTs behind them are allocated once at boot and never freed, so kernel
 * mappings made later are visible everywhere. User-half tables are freed as
 * soon as they hold no entries. Frames behind leaf entries are reference-
 * counted by their mappers (see vmm.h); this file never copies them.
 *
 * Shared page tables (fork in constant time): a last-level table may be
 * shared by several address spaces after fork. Its frame's reference count
 * says by how many; each sharer's directory entry to it is read-only (no
 * PTE_W), so no write can go through it, and the frames it maps hold one
 * reference for the table, not one per sharer (the deferred references).
 * Anything that would change a shared table first gives the changing space
 * its own copy (unshare): 512 entries copied, each present frame's count up,
 * and writable pages made copy-on-write in both copies, since two tables
 * now map them. The last sharer just gets its entry writable back.
 * Locks: klock (kernel/klock.h) guards every page table and vmspace; each
 * vmspace's `cpus` bits change atomically (mm/tlb.h); page-table pages come
 * from the frame allocator under its own lock.
 */
#include "mm/vmm.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "mm/kheap.h"
#include "kernel/panic.h"
#include "kernel/string.h"
#include "kernel/x86.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/tlb.h"
#include "kernel/cpu.h"

/* Table entries above the leaf: user-accessible and writable, so the leaf
 * alone decides what a page allows. */
#define TABLE_FLAGS (PTE_P | PTE_W | PTE_U)
#define KTABLE_FLAGS (PTE_P | PTE_W)

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];
extern char boot_stack_guard[];

static struct vmspace kernel_space;
static uint64_t pt_pages_in_use;

static pte_t *table_at(paddr_t pa) { return (pte_t *)P2V(pa); }

static paddr_t alloc_table(struct vmspace *vs)
{
    paddr_t pa = pmm_alloc(); /* zeroed */
    if (pa) {
        vs->pt_pages++;
        pt_pages_in_use++;
    }
    return pa;
}

static void free_table(struct vmspace *vs, paddr_t pa)
{
    vs->pt_pages--;
    if (pmm_refcount(pa) == 1)
        pt_pages_in_use--; /* a shared table stays for its other sharers */
    pmm_decref(pa);
}

static uint64_t tables_copied, tables_reused, pages_deferred;

/* A user directory entry without PTE_W points at a shared last-level table. */
static bool pde_shared(pte_t pde) { return pte_present(pde) && !(pde & PTE_W) && !(pde & PTE_PS); }

/* The directory entry (level 2) for user address va, or NULL if a table
 * above it is missing. */
static pte_t *pde_of(struct vmspace *vs, vaddr_t va)
{
    pte_t *pml4e = &table_at(vs->pml4)[PML4_INDEX(va)];
    if (!pte_present(*pml4e))
        return NULL;
    pte_t *pdpte = &table_at(pte_addr(*pml4e))[PDPT_INDEX(va)];
    if (!pte_present(*pdpte) || (*pdpte & PTE_PS))
        return NULL;
    return &table_at(pte_addr(*pdpte))[PD_INDEX(va)];
}

/* Give vs its own copy of the shared table *pde points at (see the top of
 * the file). Returns 0 or -ENOMEM (nothing changed). */
static int unshare(struct vmspace *vs, pte_t *pde, vaddr_t va)
{
    paddr_t old = pte_addr(*pde);
    if (pmm_refcount(old) == 1) {
        *pde |= PTE_W; /* the last sharer: the table is ours alone again */
        tables_reused++;
    } else {
        paddr_t copy = pmm_alloc_uninit(); /* all 512 entries are written below */
        if (!copy)
            return -ENOMEM;
        pt_pages_in_use++;
        pte_t *from = table_at(old), *to = table_at(copy);
        for (int i = 0; i < 512; i++) {
            pte_t e = from[i];
            if (pte_present(e)) {
                if (pte_writable(e) || pte_cow(e))
                    from[i] = e = pte_mkcow(e); /* two tables map the frame now */
                pmm_incref(pte_addr(e));
                pages_deferred++; /* the reference fork did not take, taken now */
            }
            to[i] = e & ~(PTE_A | PTE_D);
        }
        *pde = pte_make(copy, TABLE_FLAGS);
        pmm_decref(old); /* our share of it; vs->pt_pages is unchanged */
        tables_copied++;
    }
    tlb_flush_all(vs); /* the whole 2 MiB may be cached through the old entry, on any CPU */
    (void)va;
    return 0;
}

int vmm_unshare(struct vmspace *vs, vaddr_t va)
{
    pte_t *pde = pde_of(vs, va);
    if (!pde || !pde_shared(*pde) || va >= USER_TOP)
        return 0;
    return unshare(vs, pde, va);
}

int vmm_unshare_range(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
    for (vaddr_t va = start & ~(HUGE_PAGE_SIZE - 1); va < end && va < USER_TOP; va += HUGE_PAGE_SIZE) {
        int r = vmm_unshare(vs, va);
        if (r < 0)
            return r;
    }
    return 0;
}

bool vmm_table_shared(struct vmspace *vs, vaddr_t va)
{
    pte_t *pde = va < USER_TOP ? pde_of(vs, va) : NULL;
    return pde && pde_shared(*pde);
}

bool vmm_same_table(struct vmspace *a, struct vmspace *b, vaddr_t va)
{
    pte_t *x = pde_of(a, va), *y = pde_of(b, va);
    return x && y && pte_present(*x) && pte_present(*y) && pte_addr(*x) == pte_addr(*y);
}

int vmm_share_table(struct vmspace *child, struct vmspace *parent, vaddr_t va)
{
    va &= ~(HUGE_PAGE_SIZE - 1);
    pte_t *ppde = pde_of(parent, va);
    if (!ppde || !pte_present(*ppde) || (*ppde & PTE_PS))
        return -ENOENT;
    /* The child's path down to its directory (PDPT and PD), made if missing. */
    pte_t *e = &table_at(child->pml4)[PML4_INDEX(va)];
    for (int level = 0; level < 2; level++) {
        if (!pte_present(*e)) {
            paddr_t t = alloc_table(child);
            if (!t)
                return -ENOMEM;
            *e = pte_make(t, TABLE_FLAGS);
        }
        e = &table_at(pte_addr(*e))[level == 0 ? PDPT_INDEX(va) : PD_INDEX(va)];
    }
    pte_t *cpde = e;
    if (pte_present(*cpde))
        return -EEXIST; /* the child has a table there already */
    paddr_t pt = pte_addr(*ppde);
    pmm_incref(pt);
    child->pt_pages++;
    *ppde &= ~PTE_W;
    *cpde = pte_make(pt, TABLE_FLAGS & ~PTE_W);
    return 0;
}

void vmm_table_stats(uint64_t *copied, uint64_t *reused, uint64_t *deferred)
{
    *copied = tables_copied;
    *reused = tables_reused;
    *deferred = pages_deferred;
}

static bool is_user(vaddr_t va) { return va < USER_TOP; }

/*
 * Walk to the leaf entry for va. With create, missing tables are made;
 * without, NULL is returned at the first missing one. A 2 MiB or 1 GiB page
 * (PTE_PS) on the way also yields NULL: only 4 KiB leaves are handled here.
 */
static pte_t *walk(struct vmspace *vs, vaddr_t va, bool create, bool modify)
{
    static const int shifts[3] = {39, 30, 21};
    pte_t *table = table_at(vs->pml4);
    uint64_t flags = is_user(va) ? TABLE_FLAGS : KTABLE_FLAGS;
    for (int level = 0; level < 3; level++) {
        pte_t *ptep = &table[(va >> shifts[level]) & 0x1ff];
        if (!pte_present(*ptep)) {
            if (!create)
                return NULL;
            paddr_t pa = alloc_table(vs);
            if (!pa)
                return NULL;
            *ptep = pte_make(pa, flags);
        } else if (*ptep & PTE_PS) {
            return NULL;
        } else if (level == 2 && (create || modify) && is_user(va) && pde_shared(*ptep) &&
                   unshare(vs, ptep, va) < 0) {
            return NULL; /* the caller wants to change the table: its own copy first */
        }
        table = table_at(pte_addr(*ptep));
    }
    return &table[PT_INDEX(va)];
}

pte_t *vmm_walk(struct vmspace *vs, vaddr_t va) { return walk(vs, va, false, false); }

pte_t *vmm_walk_alloc(struct vmspace *vs, vaddr_t va) { return walk(vs, va, true, true); }
pte_t *vmm_walk_modify(struct vmspace *vs, vaddr_t va) { return walk(vs, va, false, true); }

bool vmm_is_active(const struct vmspace *vs) { return (read_cr3() & PTE_ADDR_MASK) == vs->pml4; }

void vmm_invalidate(struct vmspace *vs, vaddr_t va)
{
    if (!is_user(va))
        tlb_kernel_unmapped(va); /* every CPU catches up before it next holds klock */
    else
        tlb_flush_page(vs, va);
}

void vmm_activate(struct vmspace *vs)
{
    struct cpu *c = this_cpu();
    struct vmspace *old = c->vs ? c->vs : &kernel_space;
    uint32_t bit = 1u << c->id;
    if (old != vs)
        __atomic_fetch_and(&old->cpus, ~bit, __ATOMIC_RELEASE);
    __atomic_fetch_or(&vs->cpus, bit, __ATOMIC_ACQ_REL);
    c->vs = vs == &kernel_space ? NULL : vs;
    write_cr3(vs->pml4);
}

static bool table_empty(const pte_t *t)
{
    for (int i = 0; i < 512; i++)
        if (t[i])
            return false;
    return true;
}

/*
 * Free the page-table pages on the path to va that hold no entries, deepest
 * first. The kernel's PDPTs are shared by every address space and permanent,
 * so for a kernel address only its PTs and PDs can go.
 */
static void prune(struct vmspace *vs, vaddr_t va)
{
    static const int shifts[3] = {39, 30, 21};
    pte_t *entries[3]; /* entries[i] points at the table of level i + 1 */
    pte_t *table = table_at(vs->pml4);
    int depth = 0;
    for (int level = 0; level < 3; level++) {
        pte_t *e = &table[(va >> shifts[level]) & 0x1ff];
        if (!pte_present(*e) || (*e & PTE_PS))
            break;
        entries[depth++] = e;
        table = table_at(pte_addr(*e));
    }
    for (int i = depth - 1; i >= 0; i--) {
        if (!table_empty(table_at(pte_addr(*entries[i]))))
            return;
        if (i == 0 && !is_user(va))
            return;
        free_table(vs, pte_addr(*entries[i]));
        *entries[i] = 0;
    }
}

int vmm_map(struct vmspace *vs, vaddr_t va, paddr_t pa, uint64_t flags)
{
    pte_t *ptep = vmm_walk(vs, va);
    if (ptep && pte_present(*ptep))
        return -EEXIST;
    if (!ptep || vmm_table_shared(vs, va)) {
        ptep = vmm_walk_alloc(vs, va);
        if (!ptep) {
            prune(vs, va); /* give back the tables made on the way */
            return -ENOMEM;
        }
    }
    *ptep = pte_make(pa, flags | PTE_P);
    return 0; /* the entry was not present, so no TLB entry can exist for it */
}

int vmm_unmap(struct vmspace *vs, vaddr_t va)
{
    pte_t *ptep = vmm_walk_modify(vs, va);
    if (!ptep || !pte_present(*ptep))
        return -ENOENT;
    paddr_t pa = pte_addr(*ptep);
    *ptep = 0;
    vmm_invalidate(vs, va);
    if (pmm_is_managed(pa))
        pmm_decref(pa);
    prune(vs, va);
    return 0;
}

int vmm_protect(struct vmspace *vs, vaddr_t va, uint64_t flags)
{
    pte_t *ptep = vmm_walk_modify(vs, va);
    if (!ptep || !pte_present(*ptep))
        return -ENOENT;
    *ptep = pte_make(pte_addr(*ptep), flags | PTE_P);
    vmm_invalidate(vs, va);
    return 0;
}

int vmm_translate(struct vmspace *vs, vaddr_t va, paddr_t *pa, uint64_t *flags)
{
    pte_t *ptep = vmm_walk(vs, va);
    uint64_t offset_mask = PAGE_SIZE - 1;
    pte_t leaf = ptep ? *ptep : 0;
    if (!ptep) {
        /* A 2 MiB page of the kernel's direct map (vmm_walk stops there)? */
        const pte_t *t = table_at(vs->pml4);
        pte_t e = t[PML4_INDEX(va)];
        if (pte_present(e))
            e = table_at(pte_addr(e))[PDPT_INDEX(va)];
        if (pte_present(e) && !(e & PTE_PS))
            e = table_at(pte_addr(e))[PD_INDEX(va)];
        else
            e = 0;
        if (!pte_present(e) || !(e & PTE_PS))
            return -ENOENT;
        leaf = e;
        offset_mask = HUGE_PAGE_SIZE - 1;
    }
    if (!pte_present(leaf))
        return -ENOENT;
    if (pa)
        *pa = (pte_addr(leaf) & ~offset_mask) | (va & offset_mask);
    if (flags)
        *flags = pte_flags(leaf) & ~PTE_PS;
    return 0;
}

struct vmspace *vmm_kernel_space(void) { return &kernel_space; }

struct vmspace *vmm_create(void)
{
    struct vmspace *vs = kmalloc(sizeof(*vs));
    if (!vs)
        return NULL;
    vs->pt_pages = 0;
    vs->cpus = 0;
    vs->pml4 = alloc_table(vs);
    if (!vs->pml4) {
        kfree(vs);
        return NULL;
    }
    pte_t *k = table_at(kernel_space.pml4), *u = table_at(vs->pml4);
    for (int i = PML4_KERNEL_FIRST; i < 512; i++)
        u[i] = k[i];
    return vs;
}

/* Free a user table at level (3 = PDPT, 2 = PD, 1 = PT) and everything below. */
static void destroy_table(struct vmspace *vs, paddr_t table_pa, int level)
{
    pte_t *t = table_at(table_pa);
    if (level == 1 && pmm_refcount(table_pa) > 1) {
        free_table(vs, table_pa); /* shared: its frames stay with the other sharers */
        return;
    }
    for (int i = 0; i < 512; i++) {
        if (!pte_present(t[i]))
            continue;
        if (level == 1) {
            if (pmm_is_managed(pte_addr(t[i])))
                pmm_decref(pte_addr(t[i]));
        } else {
            destroy_table(vs, pte_addr(t[i]), level - 1);
        }
    }
    free_table(vs, table_pa);
}

void vmm_destroy(struct vmspace *vs)
{
    tlb_drop(vs); /* no other CPU may walk these tables once they are freed */
    if (vmm_is_active(vs))
        panic("vmm_destroy: %lx is the active address space", vs->pml4);
    pte_t *pml4 = table_at(vs->pml4);
    for (int i = 0; i < PML4_KERNEL_FIRST; i++)
        if (pte_present(pml4[i]))
            destroy_table(vs, pte_addr(pml4[i]), 3);
    free_table(vs, vs->pml4);
    if (vs->pt_pages != 0)
        panic("vmm_destroy: %lu page-table pages unaccounted for", vs->pt_pages);
    kfree(vs);
}

int vmm_for_each_user_table(struct vmspace *vs, vmm_table_fn fn, void *arg)
{
    const pte_t *pml4 = table_at(vs->pml4);
    for (int i4 = 0; i4 < PML4_KERNEL_FIRST; i4++) {
        if (!pte_present(pml4[i4]))
            continue;
        const pte_t *pdpt = table_at(pte_addr(pml4[i4]));
        for (int i3 = 0; i3 < 512; i3++) {
            if (!pte_present(pdpt[i3]))
                continue;
            const pte_t *pd = table_at(pte_addr(pdpt[i3]));
            for (int i2 = 0; i2 < 512; i2++) {
                if (!pte_present(pd[i2]))
                    continue;
                vaddr_t va = ((vaddr_t)i4 << 39) | ((vaddr_t)i3 << 30) | ((vaddr_t)i2 << 21);
                int r = fn(va, table_at(pte_addr(pd[i2])), arg);
                if (r)
                    return r;
            }
        }
    }
    return 0;
}

struct page_walk {
    vmm_page_fn fn;
    void *arg;
};

static int each_page_of_table(vaddr_t va, pte_t *pt, void *arg)
{
    struct page_walk *w = arg;
    for (int i = 0; i < 512; i++) {
        if (!pte_present(pt[i]))
            continue;
        int r = w->fn(va + (vaddr_t)i * PAGE_SIZE, &pt[i], w->arg);
        if (r)
            return r;
    }
    return 0;
}

int vmm_for_each_user_page(struct vmspace *vs, vmm_page_fn fn, void *arg)
{
    struct page_walk w = {fn, arg};
    return vmm_for_each_user_table(vs, each_page_of_table, &w);
}

/*
 * The ranged walk: every present last-level table that overlaps [start, end),
 * skipping missing upper-level tables whole. fn sees the entries
 * pt[first..last) that lie inside the range.
 */
int vmm_for_each_table_in(struct vmspace *vs, vaddr_t start, vaddr_t end, vmm_range_fn fn,
                          void *arg)
{
    const pte_t *pml4 = table_at(vs->pml4);
    if (end > USER_TOP)
        end = USER_TOP;
    vaddr_t va = page_round_down(start);
    while (va < end) {
        const pte_t *e4 = &pml4[PML4_INDEX(va)];
        if (!pte_present(*e4)) {
            va = (va | ((1UL << 39) - 1)) + 1;
            continue;
        }
        const pte_t *e3 = &table_at(pte_addr(*e4))[PDPT_INDEX(va)];
        if (!pte_present(*e3)) {
            va = (va | ((1UL << 30) - 1)) + 1;
            continue;
        }
        const pte_t *e2 = &table_at(pte_addr(*e3))[PD_INDEX(va)];
        vaddr_t table_va = va & ~(HUGE_PAGE_SIZE - 1);
        if (pte_present(*e2) && !(*e2 & PTE_PS)) {
            int first = (int)PT_INDEX(va);
            int last = end - table_va >= HUGE_PAGE_SIZE ? 512
                                                        : (int)((end - table_va + PAGE_SIZE - 1) >> PAGE_SHIFT);
            int r = fn(table_va, table_at(pte_addr(*e2)), first, last, arg);
            if (r)
                return r;
        }
        va = table_va + HUGE_PAGE_SIZE;
    }
    return 0;
}

struct unmap_range {
    struct vmspace *vs;
    uint64_t pages;
};

static int unmap_in_table(vaddr_t table_va, pte_t *pt, int first, int last, void *arg)
{
    struct unmap_range *u = arg;
    for (int i = first; i < last; i++) {
        if (!pte_present(pt[i]))
            continue;
        paddr_t pa = pte_addr(pt[i]);
        pt[i] = 0;
        if (u->pages < 32)
            vmm_invalidate(u->vs, table_va + (vaddr_t)i * PAGE_SIZE);
        u->pages++;
        if (pmm_is_managed(pa))
            pmm_decref(pa);
    }
    if (table_empty(pt))
        prune(u->vs, table_va);
    return 0;
}

uint64_t vmm_unmap_range(struct vmspace *vs, vaddr_t start, vaddr_t end)
{
    /* Shared tables: one the range covers whole is just dropped (its frames
     * stay with the other sharers); one it cuts is unshared first. If that
     * finds no memory the pages stay mapped, which only wastes them. */
    for (vaddr_t va = start & ~(HUGE_PAGE_SIZE - 1); va < end && va < USER_TOP; va += HUGE_PAGE_SIZE) {
        pte_t *pde = pde_of(vs, va);
        if (!pde || !pde_shared(*pde))
            continue;
        if (va >= start && va + HUGE_PAGE_SIZE <= end && pmm_refcount(pte_addr(*pde)) > 1) {
            paddr_t pt = pte_addr(*pde);
            *pde = 0;
            free_table(vs, pt);
            prune(vs, va);
        } else {
            unshare(vs, pde, va);
        }
    }
    struct unmap_range u = {vs, 0};
    bool batch = !this_cpu()->batch_vs;
    if (batch)
        tlb_batch_begin(vs); /* one shootdown for the whole range */
    vmm_for_each_table_in(vs, start, end, unmap_in_table, &u);
    if (u.pages >= 32)
        tlb_flush_all(vs); /* cheaper than one invlpg per page from here on */
    if (batch)
        tlb_batch_end();
    return u.pages;
}

uint64_t vmm_pt_pages_in_use(void) { return pt_pages_in_use; }

/* ---- building the kernel's tables at boot ---- */

static void kmap_or_panic(vaddr_t va, paddr_t pa, uint64_t flags)
{
    pte_t *ptep = vmm_walk_alloc(&kernel_space, va);
    if (!ptep)
        panic("vmm_init_kernel: out of memory mapping %lx", va);
    *ptep = pte_make(pa, flags | PTE_P);
}

/*
 * The direct map also reaches the kernel image's frames. Split the 2 MiB
 * pages covering the image into 4 KiB pages and make the alias of text and
 * rodata read-only, so no kernel write can change code through it either.
 */
static void protect_image_alias(void)
{
    paddr_t ro_start = KIMG_V2P(__kernel_start), ro_end = KIMG_V2P(__rodata_end);
    for (paddr_t chunk = ro_start & ~(HUGE_PAGE_SIZE - 1); chunk < ro_end; chunk += HUGE_PAGE_SIZE) {
        vaddr_t va = DIRECT_MAP_BASE + chunk;
        pte_t *pml4 = table_at(kernel_space.pml4);
        pte_t *pdpt = table_at(pte_addr(pml4[PML4_INDEX(va)]));
        pte_t *pd = table_at(pte_addr(pdpt[PDPT_INDEX(va)]));
        paddr_t pt = alloc_table(&kernel_space);
        if (!pt)
            panic("vmm_init_kernel: out of memory splitting the direct map");
        pte_t *ptes = table_at(pt);
        for (int i = 0; i < 512; i++) {
            paddr_t pa = chunk + (paddr_t)i * PAGE_SIZE;
            uint64_t w = (pa >= ro_start && pa < ro_end) ? 0 : PTE_W;
            ptes[i] = pte_make(pa, PTE_P | w | PTE_G | PTE_NX);
        }
        pd[PD_INDEX(va)] = pte_make(pt, KTABLE_FLAGS);
    }
}

/* Map [0, top) at DIRECT_MAP_BASE with 2 MiB pages, only where RAM is. */
static void map_direct(const struct boot_info *bi)
{
    pte_t *pml4 = table_at(kernel_space.pml4);
    for (int i = 0; i < bi->region_count; i++) {
        const struct boot_region *r = &bi->regions[i];
        if (r->type != BOOT_REGION_AVAILABLE && r->base != 0)
            continue;
        paddr_t end = MIN(r->base + r->len, DIRECT_MAP_MAX);
        for (paddr_t pa = r->base & ~(HUGE_PAGE_SIZE - 1); pa < end; pa += HUGE_PAGE_SIZE) {
            vaddr_t va = DIRECT_MAP_BASE + pa;
            pte_t *pdpt = table_at(pte_addr(pml4[PML4_INDEX(va)]));
            pte_t *pdpte = &pdpt[PDPT_INDEX(va)];
            if (!pte_present(*pdpte)) {
                paddr_t t = alloc_table(&kernel_space);
                if (!t)
                    panic("vmm_init_kernel: out of memory for the direct map");
                *pdpte = pte_make(t, KTABLE_FLAGS);
            }
            pte_t *pd = table_at(pte_addr(*pdpte));
            if (pte_present(pd[PD_INDEX(va)]))
                continue; /* overlapping regions: mapped already */
            pd[PD_INDEX(va)] = pte_make(pa, PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX);
        }
    }
    protect_image_alias();
}

/* Text read-only and executable, rodata read-only, data and bss writable,
 * both no-execute. The boot stack's guard page is left unmapped. */
static void map_image(void)
{
    for (vaddr_t va = (vaddr_t)__kernel_start; va < (vaddr_t)__kernel_end; va += PAGE_SIZE) {
        uint64_t flags = PTE_G;
        if (va < (vaddr_t)__text_end)
            flags |= 0; /* read-only, executable */
        else if (va < (vaddr_t)__rodata_end)
            flags |= PTE_NX;
        else
            flags |= PTE_W | PTE_NX;
        if (va == (vaddr_t)boot_stack_guard)
            continue;
        kmap_or_panic(va, KIMG_V2P((void *)va), flags);
    }
}

void vmm_init_kernel(const struct boot_info *bi)
{
    kernel_space.pml4 = alloc_table(&kernel_space);
    if (!kernel_space.pml4)
        panic("vmm_init_kernel: no frame for the kernel PML4");
    pte_t *pml4 = table_at(kernel_space.pml4);

    /* The kernel half's PDPTs exist from now on, so every address space made
     * later shares them. Slots: direct map, kernel stacks, heap, image. */
    int slots[] = {PML4_INDEX(KSTACK_BASE), PML4_INDEX(KHEAP_BASE), 511};
    uint64_t dm_slots = (DIRECT_MAP_MAX + (1UL << 39) - 1) >> 39;
    for (uint64_t s = 0; s < dm_slots; s++) {
        paddr_t t = alloc_table(&kernel_space);
        if (!t)
            panic("vmm_init_kernel: out of memory");
        pml4[PML4_INDEX(DIRECT_MAP_BASE) + s] = pte_make(t, KTABLE_FLAGS);
    }
    for (size_t i = 0; i < ARRAY_SIZE(slots); i++) {
        paddr_t t = alloc_table(&kernel_space);
        if (!t)
            panic("vmm_init_kernel: out of memory");
        pml4[slots[i]] = pte_make(t, KTABLE_FLAGS);
    }
    map_direct(bi);
    map_image();
    write_cr4(read_cr4() | CR4_PGE);
    vmm_activate(&kernel_space); /* the identity map of low memory is gone */
}

/* Is the kernel address va mapped (by a 4 KiB, 2 MiB or 1 GiB page)? */
static bool kernel_mapped(vaddr_t va)
{
    static const int shifts[4] = {39, 30, 21, 12};
    pte_t *table = table_at(kernel_space.pml4);
    for (int level = 0; level < 4; level++) {
        pte_t e = table[(va >> shifts[level]) & 0x1ff];
        if (!pte_present(e))
            return false;
        if (level == 3 || (level > 0 && (e & PTE_PS)))
            return true;
        table = table_at(pte_addr(e));
    }
    return false;
}

void *vmm_kernel_map_phys(paddr_t pa, uint64_t len, bool mmio)
{
    if (len == 0 || pa + len < pa || pa + len > DIRECT_MAP_MAX)
        return NULL;
    uint64_t flags = PTE_P | PTE_G | PTE_NX | (mmio ? PTE_W | PTE_PCD | PTE_PWT : 0);
    for (paddr_t p = page_round_down(pa); p < pa + len; p += PAGE_SIZE) {
        vaddr_t va = DIRECT_MAP_BASE + p;
        if (kernel_mapped(va))
            continue;
        pte_t *ptep = vmm_walk_alloc(&kernel_space, va);
        if (!ptep)
            return NULL;
        *ptep = pte_make(p, flags);
        invlpg(va);
    }
    return P2V(pa);
}

void vmm_kernel_unmap_guard(vaddr_t va)
{
    pte_t *ptep = vmm_walk(&kernel_space, va);
    if (!ptep || !pte_present(*ptep))
        return;
    *ptep = 0; /* image pages are not reference-counted frames */
    invlpg(va);
}
