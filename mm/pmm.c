/*
 * pmm.c - physical frames: who is free, and how many holders each one has.
 *
 * Two arrays sized by the highest usable frame number, placed in RAM just
 * after the kernel image: refcount[] (one uint32_t per frame; FRAME_RESERVED
 * marks frames we never hand out) and free_stack[] (the numbers of the free
 * frames). Invariant: a managed frame is on the free stack exactly when its
 * count is 0 (between a count reaching 0 and its push, only the CPU that
 * dropped it knows the frame). The stack is filled so that low frames are
 * handed out first, which keeps early allocations inside the bootstrap 1 GiB
 * direct map.
 * Locks: pmm_lock (a spinlock) guards the free stack, free_top and the test
 * hook; the counts change by atomic operations, without the lock.
 */
#include "mm/pmm.h"
#include "kernel/bootinfo.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "mm/memlayout.h"

#define FRAME_RESERVED 0xffffffffu
#define REFCOUNT_MAX (FRAME_RESERVED - 1)

extern char __kernel_start[], __kernel_end[];

static uint32_t *refcount;   /* indexed by frame number */
static uint32_t *free_stack; /* frame numbers; free_stack[0..free_top) are free */
static uint64_t frame_limit; /* frames 0..frame_limit-1 have a refcount slot */
static uint64_t free_top;
static uint64_t total_frames;
static long fail_after = -1;
static struct spinlock pmm_lock = SPINLOCK_INIT("pmm");

static uint64_t frame_of(paddr_t pa) { return pa >> PAGE_SHIFT; }

/* Is [start, end) clear of every physical range we must not hand out? */
static bool range_is_free(const struct boot_info *bi, paddr_t start, paddr_t end,
                          paddr_t arrays_start, paddr_t arrays_end)
{
    paddr_t kstart = KIMG_V2P(__kernel_start), kend = KIMG_V2P(__kernel_end);
    if (start < 0x100000)
        return false;
    if (start < kend && end > kstart)
        return false;
    if (start < arrays_end && end > arrays_start)
        return false;
    if (start < bi->mbi_end && end > bi->mbi_start)
        return false;
    for (int i = 0; i < bi->module_count; i++)
        if (start < bi->modules[i].end && end > bi->modules[i].start)
            return false;
    return true;
}

/* Find room for the two arrays inside usable RAM below 1 GiB. */
static paddr_t place_arrays(const struct boot_info *bi, uint64_t bytes)
{
    for (int i = 0; i < bi->region_count; i++) {
        const struct boot_region *r = &bi->regions[i];
        if (r->type != BOOT_REGION_AVAILABLE)
            continue;
        paddr_t start = page_round_up(r->base), rend = r->base + r->len;
        while (start + bytes <= rend && start + bytes <= (1UL << 30)) {
            if (range_is_free(bi, start, start + bytes, 0, 0))
                return start;
            start += PAGE_SIZE;
        }
    }
    panic("pmm_init: no room for %lu bytes of frame tables", bytes);
}

void pmm_init(const struct boot_info *bi)
{
    paddr_t top = 0;
    for (int i = 0; i < bi->region_count; i++) {
        const struct boot_region *r = &bi->regions[i];
        if (r->type == BOOT_REGION_AVAILABLE && r->base + r->len > top)
            top = r->base + r->len;
    }
    if (top > DIRECT_MAP_MAX)
        top = DIRECT_MAP_MAX;
    frame_limit = frame_of(top);

    uint64_t bytes = page_round_up(frame_limit * sizeof(uint32_t) * 2);
    paddr_t arrays = place_arrays(bi, bytes);
    refcount = P2V(arrays);
    free_stack = refcount + frame_limit;
    for (uint64_t f = 0; f < frame_limit; f++)
        refcount[f] = FRAME_RESERVED;

    /* Push from the highest frame down so the lowest frames pop first. */
    free_top = 0;
    for (int i = bi->region_count - 1; i >= 0; i--) {
        const struct boot_region *r = &bi->regions[i];
        if (r->type != BOOT_REGION_AVAILABLE)
            continue;
        paddr_t first = page_round_up(r->base);
        paddr_t last = page_round_down(r->base + r->len); /* exclusive */
        if (last > top)
            last = top;
        for (paddr_t pa = last; pa > first; pa -= PAGE_SIZE) {
            paddr_t frame = pa - PAGE_SIZE;
            if (refcount[frame_of(frame)] != FRAME_RESERVED)
                continue; /* overlapping regions in the map: count once */
            if (!range_is_free(bi, frame, frame + PAGE_SIZE, arrays, arrays + bytes))
                continue;
            refcount[frame_of(frame)] = 0;
            free_stack[free_top++] = (uint32_t)frame_of(frame);
        }
    }
    /* Regions are usually listed low to high; we pushed them high first. */
    total_frames = free_top;
}

bool pmm_is_managed(paddr_t pa)
{
    uint64_t f = frame_of(pa);
    return f < frame_limit && refcount[f] != FRAME_RESERVED;
}

paddr_t pmm_alloc(void)
{
    paddr_t pa = pmm_alloc_uninit();
    if (pa)
        memset(P2V(pa), 0, PAGE_SIZE);
    return pa;
}

paddr_t pmm_alloc_uninit(void)
{
    spin_lock(&pmm_lock);
    if (free_top == 0 || fail_after == 0) {
        spin_unlock(&pmm_lock);
        return 0;
    }
    if (__builtin_expect(fail_after > 0, 0)) /* the test hook, off the fast path */
        fail_after--;
    uint64_t f = free_stack[--free_top];
    spin_unlock(&pmm_lock);
    uint32_t expected = 0;
    if (!__atomic_compare_exchange_n(&refcount[f], &expected, 1, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED))
        panic("pmm_alloc: frame %lx on the free stack has count %u", f << PAGE_SHIFT, expected);
    return f << PAGE_SHIFT;
}

/* The slow path of pmm_incref/pmm_decref: say exactly what is wrong. */
static __noreturn void bad_ref(paddr_t pa, const char *who)
{
    uint64_t f = frame_of(pa);
    if ((pa & (PAGE_SIZE - 1)) || f >= frame_limit || refcount[f] == FRAME_RESERVED)
        panic("%s: %lx is not a managed frame", who, pa);
    if (refcount[f] == 0)
        panic("%s: frame %lx is already free (double free)", who, pa);
    panic("%s: frame %lx reference count overflow", who, pa);
}

/*
 * Both run once per page at fork and exit, so the checks are one compare
 * each, on the count as it was before the atomic change: count - 1
 * (unsigned) is below REFCOUNT_MAX - 1 exactly when the frame is allocated
 * (count >= 1) and neither reserved nor about to overflow.
 */
void pmm_incref(paddr_t pa)
{
    uint64_t f = frame_of(pa);
    if (f >= frame_limit)
        bad_ref(pa, "pmm_incref");
    uint32_t old = __atomic_fetch_add(&refcount[f], 1, __ATOMIC_RELAXED);
    if (old - 1u >= REFCOUNT_MAX - 1u) {
        __atomic_fetch_sub(&refcount[f], 1, __ATOMIC_RELAXED); /* as it was, for the report */
        bad_ref(pa, "pmm_incref");
    }
}

void pmm_decref(paddr_t pa)
{
    uint64_t f = frame_of(pa);
    if ((pa & (PAGE_SIZE - 1)) || f >= frame_limit)
        bad_ref(pa, "pmm_decref");
    uint32_t old = __atomic_fetch_sub(&refcount[f], 1, __ATOMIC_ACQ_REL);
    if (old - 1u >= REFCOUNT_MAX) {
        __atomic_fetch_add(&refcount[f], 1, __ATOMIC_RELAXED); /* as it was, for the report */
        bad_ref(pa, "pmm_decref");
    }
    if (old == 1) {
        spin_lock(&pmm_lock);
        free_stack[free_top++] = (uint32_t)f;
        spin_unlock(&pmm_lock);
    }
}

uint32_t pmm_refcount(paddr_t pa)
{
    uint64_t f = frame_of(pa);
    if (f >= frame_limit || refcount[f] == FRAME_RESERVED)
        return 0;
    return refcount[f];
}

uint64_t pmm_free_count(void) { return __atomic_load_n(&free_top, __ATOMIC_RELAXED); }
uint64_t pmm_total_count(void) { return total_frames; }

void pmm_fail_after(long allowed)
{
    spin_lock(&pmm_lock);
    fail_after = allowed;
    spin_unlock(&pmm_lock);
}
