/*
 * pagecache.c - the pages of files and of shared anonymous memory.
 *
 * A file's object is made by the file system with the file and lives until
 * the file is gone and no area maps it. Its pages are the file's data: a page
 * not in memory reads as the backing's bytes (a file unpacked from the
 * initrd) or zeros (a hole). A page is read in on a fault or a write;
 * read() copies resident pages and reads the rest straight from the backing,
 * so reading a file costs no frames. Shared anonymous memory
 * (MAP_SHARED | MAP_ANONYMOUS) gets a fresh object per mmap; fork gives the
 * child's copy of the area the same object, which is what makes it shared.
 *
 * Invariants: pages[i] != 0 holds one reference on that frame (bit 0 of the
 * slot is the dirty mark); a clean page equals what the backing (or zeros)
 * would give, so it may be dropped whenever no area maps the object: then
 * running a program and exiting gives back every frame. Dirty pages are
 * counted in stats.dirty_pages, the file system's space in use.
 * Locks: klock (kernel/klock.h) guards the objects and their pages.
 */
#include "mm/pagecache.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"

#define PC_DIRTY 0x1UL
#define PC_FRAME(slot) ((slot) & ~(paddr_t)(PAGE_SIZE - 1))
#define PAGES_MAX ((1UL << 40) / sizeof(paddr_t))

static struct pagecache_stats stats;

static struct pagecache_obj *obj_new(bool file, uint64_t size)
{
    uint64_t npages = page_round_up(size) >> PAGE_SHIFT;
    if (npages == 0)
        npages = 1; /* an empty file still has a first page (of zeros) past its end */
    if (npages > PAGES_MAX)
        return NULL;
    struct pagecache_obj *obj = kmalloc(sizeof(*obj));
    if (!obj)
        return NULL;
    obj->pages = kmalloc(npages * sizeof(paddr_t));
    if (!obj->pages) {
        kfree(obj);
        return NULL;
    }
    memset(obj->pages, 0, npages * sizeof(paddr_t));
    obj->refs = 1;
    obj->file = file;
    obj->owned = file;
    obj->all_dirty = false;
    obj->size = size;
    obj->npages = npages;
    obj->resident = 0;
    obj->dirty = 0;
    obj->exec_users = 0;
    obj->backing = NULL;
    obj->backing_size = 0;
    obj->name[0] = '\0';
    return obj;
}

struct pagecache_obj *pagecache_file_new(const uint8_t *backing, uint64_t size)
{
    struct pagecache_obj *obj = obj_new(true, size);
    if (obj && backing) {
        obj->backing = backing;
        obj->backing_size = size;
    }
    return obj;
}

struct pagecache_obj *pagecache_anon(uint64_t size)
{
    if (size == 0)
        return NULL;
    return obj_new(false, size);
}

void pagecache_get(struct pagecache_obj *obj) { obj->refs++; }

/* Give up slot i (its frame reference and its counts). */
static void drop_slot(struct pagecache_obj *obj, uint64_t i)
{
    paddr_t slot = obj->pages[i];
    if (!slot)
        return;
    pmm_decref(PC_FRAME(slot));
    if (slot & PC_DIRTY) {
        obj->dirty--;
        stats.dirty_pages--;
    }
    if (obj->file)
        stats.file_pages--;
    else
        stats.anon_pages--;
    obj->pages[i] = 0;
    obj->resident--;
}

/* No area maps the object: clean pages can be read in again when needed. */
static void drop_clean(struct pagecache_obj *obj)
{
    if (obj->all_dirty || obj->resident == obj->dirty)
        return;
    for (uint64_t i = 0; i < obj->npages; i++)
        if (obj->pages[i] && !(obj->pages[i] & PC_DIRTY))
            drop_slot(obj, i);
}

void pagecache_put(struct pagecache_obj *obj)
{
    if (obj->refs <= 0)
        panic("pagecache_put: object %p has no references", (void *)obj);
    if (--obj->refs > 0) {
        if (obj->refs == 1 && obj->owned)
            drop_clean(obj);
        return;
    }
    for (uint64_t i = 0; i < obj->npages; i++)
        drop_slot(obj, i);
    kfree(obj->pages);
    kfree(obj);
}

void pagecache_disown(struct pagecache_obj *obj)
{
    if (!obj->owned)
        panic("pagecache_disown: object %p has no owner", (void *)obj);
    obj->owned = false;
    pagecache_put(obj);
}

/* Read page index in (it is not resident): backing bytes, then zeros. */
static int fill(struct pagecache_obj *obj, uint64_t index, bool dirty)
{
    paddr_t frame;
    uint64_t off = index << PAGE_SHIFT;
    if (obj->file && off < obj->backing_size) {
        uint64_t n = MIN(PAGE_SIZE, obj->backing_size - off);
        frame = pmm_alloc_uninit();
        if (!frame)
            return -ENOMEM;
        memcpy(P2V(frame), obj->backing + off, n);
        memset((uint8_t *)P2V(frame) + n, 0, PAGE_SIZE - n);
        stats.fills++;
    } else {
        frame = pmm_alloc(); /* zeroed: a hole, or anonymous memory */
        if (!frame)
            return -ENOMEM;
    }
    if (obj->file)
        stats.file_pages++;
    else
        stats.anon_pages++;
    obj->pages[index] = frame;
    obj->resident++;
    if (dirty) {
        obj->pages[index] |= PC_DIRTY;
        obj->dirty++;
        stats.dirty_pages++;
    }
    return 0;
}

int pagecache_page(struct pagecache_obj *obj, uint64_t index, paddr_t *pa)
{
    if (index >= obj->npages || (index << PAGE_SHIFT) >= obj->size)
        return -ENXIO; /* wholly past the end: SIGBUS, as on Linux */
    if (obj->pages[index]) {
        if (obj->file)
            stats.hits++;
    } else {
        int r = fill(obj, index, obj->file && obj->all_dirty);
        if (r < 0)
            return r;
    }
    *pa = PC_FRAME(obj->pages[index]);
    return 0;
}

int pagecache_page_for_write(struct pagecache_obj *obj, uint64_t index, paddr_t *pa)
{
    if (index >= obj->npages)
        panic("pagecache_page_for_write: page %lu past the object's %lu", index, obj->npages);
    if (!obj->pages[index]) {
        int r = fill(obj, index, true);
        if (r < 0)
            return r;
    } else if (!(obj->pages[index] & PC_DIRTY)) {
        obj->pages[index] |= PC_DIRTY;
        obj->dirty++;
        stats.dirty_pages++;
    }
    *pa = PC_FRAME(obj->pages[index]);
    return 0;
}

bool pagecache_is_dirty(const struct pagecache_obj *obj, uint64_t index)
{
    return index < obj->npages && (obj->pages[index] & PC_DIRTY);
}

paddr_t pagecache_resident(const struct pagecache_obj *obj, uint64_t index)
{
    return index < obj->npages ? PC_FRAME(obj->pages[index]) : 0;
}

uint64_t pagecache_read(const struct pagecache_obj *obj, uint64_t off, void *dst, uint64_t n)
{
    if (off >= obj->size)
        return 0;
    n = MIN(n, obj->size - off);
    uint64_t done = 0;
    while (done < n) {
        uint64_t pos = off + done, index = pos >> PAGE_SHIFT, in = pos & (PAGE_SIZE - 1);
        uint64_t chunk = MIN(n - done, PAGE_SIZE - in);
        paddr_t frame = pagecache_resident(obj, index);
        uint8_t *d = (uint8_t *)dst + done;
        if (frame) {
            memcpy(d, (uint8_t *)P2V(frame) + in, chunk);
        } else {
            uint64_t from_backing = pos < obj->backing_size ? MIN(chunk, obj->backing_size - pos) : 0;
            if (from_backing)
                memcpy(d, obj->backing + pos, from_backing);
            memset(d + from_backing, 0, chunk - from_backing);
        }
        done += chunk;
    }
    return done;
}

int pagecache_resize(struct pagecache_obj *obj, uint64_t size)
{
    uint64_t want = page_round_up(size) >> PAGE_SHIFT;
    if (want == 0)
        want = 1;
    if (want > PAGES_MAX)
        return -ENOMEM;
    if (want > obj->npages) {
        uint64_t cap = MAX(want, obj->npages * 2);
        if (cap > PAGES_MAX)
            cap = want;
        paddr_t *pages = kmalloc(cap * sizeof(paddr_t));
        if (!pages)
            return -ENOMEM;
        memcpy(pages, obj->pages, obj->npages * sizeof(paddr_t));
        memset(pages + obj->npages, 0, (cap - obj->npages) * sizeof(paddr_t));
        kfree(obj->pages);
        obj->pages = pages;
        obj->npages = cap;
    }
    if (size < obj->size) {
        /* Pages wholly past the new end go; the rest of the last one reads zeros. */
        for (uint64_t i = page_round_up(size) >> PAGE_SHIFT; i < obj->npages; i++)
            drop_slot(obj, i);
        uint64_t in = size & (PAGE_SIZE - 1);
        paddr_t last = pagecache_resident(obj, size >> PAGE_SHIFT);
        if (in && last)
            memset((uint8_t *)P2V(last) + in, 0, PAGE_SIZE - in);
        obj->backing_size = MIN(obj->backing_size, size);
    }
    obj->size = size;
    return 0;
}

void pagecache_mark_all_dirty(struct pagecache_obj *obj)
{
    if (obj->all_dirty)
        return;
    obj->all_dirty = true;
    for (uint64_t i = 0; i < obj->npages; i++)
        if (obj->pages[i] && !(obj->pages[i] & PC_DIRTY)) {
            obj->pages[i] |= PC_DIRTY;
            obj->dirty++;
            stats.dirty_pages++;
        }
}

void pagecache_get_stats(struct pagecache_stats *out) { *out = stats; }
