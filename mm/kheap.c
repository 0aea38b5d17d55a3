/*
 * kheap.c - the kernel heap.
 *
 * Small requests (up to KHEAP_SLAB_MAX) come from slabs: one frame, reached
 * through the direct map, holding a header and equal-sized objects of one
 * power-of-two class (16 .. 2048). A slab is freed back to pmm as soon as its
 * last object is, so the heap holds no frames it does not use. Larger
 * requests get whole pages mapped contiguously in the KHEAP_BASE region, with
 * an unmapped page after each allocation, and a header in front holding the
 * page count.
 * Locks: klock (kernel/klock.h) guards the heap once the scheduler runs
 * (before that only CPU 0 runs kernel code).
 */
#include "mm/kheap.h"
#include "kernel/panic.h"
#include "kernel/string.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vmm.h"

#define SLAB_MAGIC 0x51ab51ab
#define LARGE_MAGIC 0x1a26e000
#define NCLASSES 8 /* 16, 32, ..., 2048 */
#define LARGE_HEADER 16

struct free_obj {
    struct free_obj *next;
};

struct slab {
    uint32_t magic;
    uint32_t size;   /* object size of this slab's class */
    uint32_t used;   /* objects handed out */
    uint32_t total;  /* objects that fit */
    struct free_obj *free;
    struct slab *prev, *next; /* the class's slabs that have a free object */
};

struct large_header {
    uint32_t magic;
    uint32_t pages;
    uint64_t pad;
};

/* A freed stretch of KHEAP virtual space, kept for reuse. */
struct vrange {
    vaddr_t va;
    uint64_t pages; /* including the guard page */
};

static struct slab *partial[NCLASSES]; /* slabs with at least one free object */
static uint64_t frames_in_use;
static vaddr_t large_next = KHEAP_BASE;
static struct vrange freed[64];
static int nfreed;

static int class_of(size_t size)
{
    int c = 0;
    size_t s = 16;
    while (s < size) {
        s <<= 1;
        c++;
    }
    return c;
}

static size_t first_object_offset(size_t size)
{
    size_t off = sizeof(struct slab);
    return (off + size - 1) / size * size; /* objects aligned to their size */
}

static void unlink_slab(int c, struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        partial[c] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->prev = s->next = NULL;
}

static void push_slab(int c, struct slab *s)
{
    s->prev = NULL;
    s->next = partial[c];
    if (partial[c])
        partial[c]->prev = s;
    partial[c] = s;
}

static struct slab *new_slab(int c)
{
    paddr_t pa = pmm_alloc();
    if (!pa)
        return NULL;
    frames_in_use++;
    struct slab *s = P2V(pa);
    size_t size = 16UL << c;
    s->magic = SLAB_MAGIC;
    s->size = (uint32_t)size;
    s->used = 0;
    s->free = NULL;
    s->total = 0;
    for (size_t off = first_object_offset(size); off + size <= PAGE_SIZE; off += size) {
        struct free_obj *o = (struct free_obj *)((char *)s + off);
        o->next = s->free;
        s->free = o;
        s->total++;
    }
    push_slab(c, s);
    return s;
}

static void *slab_alloc(size_t size)
{
    int c = class_of(size);
    struct slab *s = partial[c];
    if (!s && !(s = new_slab(c)))
        return NULL;
    struct free_obj *o = s->free;
    s->free = o->next;
    s->used++;
    if (!s->free)
        unlink_slab(c, s);
    memset(o, 0, s->size);
    return o;
}

static void slab_free(struct slab *s, void *p)
{
    int c = class_of(s->size);
    uintptr_t off = (uintptr_t)p - (uintptr_t)s;
    if (off < first_object_offset(s->size) || (off - first_object_offset(s->size)) % s->size)
        panic("kfree: %p is not an object of its slab", p);
    for (struct free_obj *f = s->free; f; f = f->next)
        if (f == p)
            panic("kfree: %p freed twice", p);
    if (!s->free)
        push_slab(c, s); /* it was full, now it has room */
    struct free_obj *o = p;
    o->next = s->free;
    s->free = o;
    if (--s->used == 0) {
        unlink_slab(c, s);
        s->magic = 0;
        frames_in_use--;
        pmm_decref(V2P(s));
    }
}

/* Virtual room for n pages plus a guard page: a freed stretch or fresh space. */
static vaddr_t take_vrange(uint64_t pages)
{
    for (int i = 0; i < nfreed; i++) {
        if (freed[i].pages < pages + 1)
            continue;
        vaddr_t va = freed[i].va;
        freed[i].va += (pages + 1) * PAGE_SIZE;
        freed[i].pages -= pages + 1;
        if (freed[i].pages == 0)
            freed[i] = freed[--nfreed];
        return va;
    }
    if (large_next + (pages + 1) * PAGE_SIZE > KHEAP_BASE + KHEAP_SIZE)
        return 0;
    vaddr_t va = large_next;
    large_next += (pages + 1) * PAGE_SIZE;
    return va;
}

static void give_vrange(vaddr_t va, uint64_t pages)
{
    if (nfreed < (int)ARRAY_SIZE(freed))
        freed[nfreed++] = (struct vrange){va, pages + 1};
    /* else: the virtual space is lost, no frame is */
}

static void large_free_pages(vaddr_t va, uint64_t mapped)
{
    for (uint64_t i = 0; i < mapped; i++)
        vmm_unmap(vmm_kernel_space(), va + i * PAGE_SIZE);
    frames_in_use -= mapped;
}

static void *large_alloc(size_t size)
{
    uint64_t pages = page_round_up(size + LARGE_HEADER) / PAGE_SIZE;
    vaddr_t va = take_vrange(pages);
    if (!va)
        return NULL;
    for (uint64_t i = 0; i < pages; i++) {
        paddr_t pa = pmm_alloc();
        if (pa && vmm_map(vmm_kernel_space(), va + i * PAGE_SIZE, pa, PTE_W | PTE_NX | PTE_G) < 0) {
            pmm_decref(pa);
            pa = 0;
        }
        if (!pa) {
            large_free_pages(va, i);
            give_vrange(va, pages);
            return NULL;
        }
        frames_in_use++;
    }
    struct large_header *h = (struct large_header *)va;
    h->magic = LARGE_MAGIC;
    h->pages = (uint32_t)pages;
    return (char *)va + LARGE_HEADER;
}

void *kmalloc(size_t size)
{
    if (size == 0 || size > (1UL << 32))
        return NULL;
    return size <= KHEAP_SLAB_MAX ? slab_alloc(size) : large_alloc(size);
}

void kfree(void *p)
{
    if (!p)
        return;
    vaddr_t va = (vaddr_t)p;
    if (va >= KHEAP_BASE && va < KHEAP_BASE + KHEAP_SIZE) {
        struct large_header *h = (struct large_header *)(va - LARGE_HEADER);
        if ((va & (PAGE_SIZE - 1)) != LARGE_HEADER || h->magic != LARGE_MAGIC)
            panic("kfree: %p was not returned by kmalloc", p);
        uint64_t pages = h->pages;
        h->magic = 0;
        large_free_pages((vaddr_t)h, pages);
        give_vrange((vaddr_t)h, pages);
        return;
    }
    struct slab *s = (struct slab *)page_round_down(va);
    if (va < DIRECT_MAP_BASE || va >= DIRECT_MAP_BASE + DIRECT_MAP_MAX || s->magic != SLAB_MAGIC)
        panic("kfree: %p was not returned by kmalloc", p);
    slab_free(s, p);
}

uint64_t kheap_frames_in_use(void) { return frames_in_use; }
