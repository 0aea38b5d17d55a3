/*
 * pagecache.h - memory objects: the pages of a file, or of shared anonymous
 * memory, by page index.
 *
 * A regular file of the file system (kernel/fs/tmpfs.c) owns exactly one
 * object: its pages ARE the file's data, so read and write, exec and every
 * mmap of the file use the same frames. An area (mm/vma.h) backed by
 * something other than private anonymous memory points at an object and an
 * offset into it. The object holds one reference on each of its frames;
 * every page table that maps one holds another. So a file page that two
 * processes map has count 3, and cow_fault can never mistake it for its last
 * user.
 *
 * A file unpacked from the initrd starts with its bytes in the boot module
 * (the backing): a page is read in from there when first needed and stays
 * "clean" until written. Clean pages are dropped when no area maps the file
 * any more, so running a program and exiting gives back every frame; written
 * ("dirty") pages are the only copy of the data and live as long as the file.
 */
#ifndef MM_PAGECACHE_H
#define MM_PAGECACHE_H

#include "kernel/types.h"

#define PAGECACHE_NAME_MAX 128

struct pagecache_obj {
    int refs;                        /* areas pointing here, plus 1 while a file owns it */
    bool file;                       /* a file's pages (else shared anonymous memory) */
    bool owned;                      /* a file still owns the object (pagecache_disown not yet called) */
    bool all_dirty;                  /* a writable shared mapping existed: no page is clean */
    uint64_t size;                   /* bytes: the file's size, or the mapping's length */
    uint64_t npages;                 /* pages[] slots (>= size in pages) */
    paddr_t *pages;                  /* frame of each page | PC_DIRTY, 0 = not in memory */
    uint64_t resident;               /* nonzero slots of pages[] */
    uint64_t dirty;                  /* slots marked dirty */
    int exec_users;                  /* address spaces running this file (mm/vma.c's
                                        vma_set_exe): opening it for writing is ETXTBSY */
    const uint8_t *backing;          /* the file's initial bytes (initrd), or NULL */
    uint64_t backing_size;           /* bytes of backing still part of the file */
    char name[PAGECACHE_NAME_MAX];   /* the file's path, for maps ("" if unknown) */
};

/* Counters for memstat. */
struct pagecache_stats {
    uint64_t file_pages;  /* frames holding file pages right now */
    uint64_t anon_pages;  /* frames of shared anonymous memory right now */
    uint64_t hits, fills; /* lookups of a file page: found in memory / read in */
    uint64_t dirty_pages; /* file pages that are the only copy of their data, right now */
};

/*
 * A new, empty object for a file of size bytes whose first backing_size
 * bytes are at backing (NULL, 0: a file that starts as a hole). One reference,
 * the owning file's. NULL when out of memory.
 */
struct pagecache_obj *pagecache_file_new(const uint8_t *backing, uint64_t size);
/* The owning file is gone: drop its reference (areas may keep the object). */
void pagecache_disown(struct pagecache_obj *obj);
/* A new object of shared anonymous memory of size bytes (zero pages on
 * demand), with one reference. NULL when out of memory. */
struct pagecache_obj *pagecache_anon(uint64_t size);
/* One more reference (an area was made, copied or split). */
void pagecache_get(struct pagecache_obj *obj);
/* Drop a reference; the last one drops the object's reference on each of its
 * frames (a frame still mapped somewhere lives on until unmapped) and frees
 * it. When only the owning file is left, clean pages are dropped. */
void pagecache_put(struct pagecache_obj *obj);

/*
 * The frame of page index of obj, read in (from the backing, zeros after
 * it; anonymous: zeros) if it is not in memory. The caller gets no
 * reference: take one (pmm_incref) to map it. Returns 0, -ENXIO when index is
 * at or past the end of the object (SIGBUS for a program), -ENOMEM.
 */
int pagecache_page(struct pagecache_obj *obj, uint64_t index, paddr_t *pa);
/*
 * The same for a write by the file system: the page becomes dirty (the
 * only copy of its bytes; the file system's space accounting counts these).
 * index must be below the size (grow it with pagecache_resize first).
 * Returns 0 or -ENOMEM.
 */
int pagecache_page_for_write(struct pagecache_obj *obj, uint64_t index, paddr_t *pa);
/* True if page index is in memory and dirty. */
bool pagecache_is_dirty(const struct pagecache_obj *obj, uint64_t index);
/*
 * Copy n bytes at offset off of the file into dst (a kernel buffer), from
 * resident pages or straight from the backing, without reading pages in.
 * Bytes past the end of the file are not copied. Returns the bytes copied.
 */
uint64_t pagecache_read(const struct pagecache_obj *obj, uint64_t off, void *dst, uint64_t n);
/* The frame of page index if it is in memory, else 0 (no reference taken). */
paddr_t pagecache_resident(const struct pagecache_obj *obj, uint64_t index);
/*
 * Set the size to size bytes: pages wholly past the new end are dropped (a
 * frame still mapped lives on until unmapped), the tail of the last page
 * is zeroed, and a later extension reads zeros. Returns 0, or -ENOMEM (the
 * page table could not grow; nothing changed).
 */
int pagecache_resize(struct pagecache_obj *obj, uint64_t size);
/* Writable shared mappings may write any page: treat every page as dirty from now on. */
void pagecache_mark_all_dirty(struct pagecache_obj *obj);

/* The counters above. */
void pagecache_get_stats(struct pagecache_stats *out);

#endif
