/*
 * pagecache.c - the pages of files and of shared anonymous memory.
 *
 * A file that some area maps has exactly one object, found through a list,
 * so ten processes running /bin/sh map the same frames of its text. The
 * initrd is the only file system: a page is read in by copying its bytes
 * from the initrd image into a fresh frame (zeros past the end of the file).
 * Shared anonymous memory (MAP_SHARED | MAP_ANONYMOUS) gets a fresh object
 * per mmap; fork gives the child's copy of the area the same object, which
 * is what makes it shared.
 *
 * Invariants: obj->pages[i] != 0 holds one reference on that frame; the
 * object lives exactly as long as some area points at it (refs > 0), so
 * when the last process that maps a file exits, the file's frames go back
 * too and free-frame counts come back exactly.
 */
#include "mm/pagecache.h"
#include "kernel/errno.h"
#include "kernel/initrd.h"
#include "kernel/panic.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"

static struct pagecache_obj *files; /* objects of files, most recent first */
static struct pagecache_stats stats;

static struct pagecache_obj *obj_new(const struct initrd_node *file, uint64_t size)
{
    uint64_t npages = page_round_up(size) >> PAGE_SHIFT;
    if (npages == 0)
        npages = 1; /* an empty file still has a first page (of zeros) past its end */
    if (npages > (1UL << 40) / sizeof(paddr_t))
        return NULL;
    struct pagecache_obj *obj = kmalloc(sizeof(*obj));
    if (!obj)
        return NULL;
    obj->pages = kmalloc(npages * sizeof(paddr_t));
    if (!obj->pages) {
        kfree(obj);
        return NULL;
    }
    obj->refs = 1;
    obj->file = file;
    obj->size = size;
    obj->npages = npages;
    obj->resident = 0;
    obj->next = NULL;
    return obj;
}

struct pagecache_obj *pagecache_file(const struct initrd_node *file)
{
    for (struct pagecache_obj *o = files; o; o = o->next) {
        if (o->file == file) {
            o->refs++;
            return o;
        }
    }
    struct pagecache_obj *obj = obj_new(file, file->size);
    if (!obj)
        return NULL;
    obj->next = files;
    files = obj;
    return obj;
}

struct pagecache_obj *pagecache_anon(uint64_t size)
{
    if (size == 0)
        return NULL;
    return obj_new(NULL, size);
}

void pagecache_get(struct pagecache_obj *obj) { obj->refs++; }

void pagecache_put(struct pagecache_obj *obj)
{
    if (obj->refs <= 0)
        panic("pagecache_put: object %p has no references", (void *)obj);
    if (--obj->refs > 0)
        return;
    for (uint64_t i = 0; i < obj->npages; i++) {
        if (!obj->pages[i])
            continue;
        pmm_decref(obj->pages[i]);
        if (obj->file)
            stats.file_pages--;
        else
            stats.anon_pages--;
    }
    if (obj->file) {
        struct pagecache_obj **pp = &files;
        while (*pp != obj)
            pp = &(*pp)->next;
        *pp = obj->next;
    }
    kfree(obj->pages);
    kfree(obj);
}

int pagecache_page(struct pagecache_obj *obj, uint64_t index, paddr_t *pa)
{
    if (index >= obj->npages || (index << PAGE_SHIFT) >= obj->size)
        return -ENXIO; /* wholly past the end: SIGBUS, as on Linux */
    if (obj->pages[index]) {
        if (obj->file)
            stats.hits++;
        *pa = obj->pages[index];
        return 0;
    }
    paddr_t frame;
    if (obj->file) {
        uint64_t off = index << PAGE_SHIFT;
        uint64_t n = MIN(PAGE_SIZE, obj->size - off);
        frame = pmm_alloc_uninit();
        if (!frame)
            return -ENOMEM;
        memcpy(P2V(frame), obj->file->data + off, n);
        memset((uint8_t *)P2V(frame) + n, 0, PAGE_SIZE - n);
        stats.fills++;
        stats.file_pages++;
    } else {
        frame = pmm_alloc(); /* zeroed */
        if (!frame)
            return -ENOMEM;
        stats.anon_pages++;
    }
    obj->pages[index] = frame;
    obj->resident++;
    *pa = frame;
    return 0;
}

void pagecache_get_stats(struct pagecache_stats *out) { *out = stats; }
