/*
 * pagecache.h - memory objects: the pages of a file, or of shared anonymous
 * memory, by page index.
 *
 * An area (mm/vma.h) that is backed by something other than private
 * anonymous memory points at one of these objects and an offset into it.
 * The object holds one reference on each of its frames; every page table
 * that maps one holds another. So a file page that two processes map has
 * count 3, and cow_fault can never mistake it for its last user.
 */
#ifndef MM_PAGECACHE_H
#define MM_PAGECACHE_H

#include "kernel/types.h"

struct initrd_node;

struct pagecache_obj {
    int refs;                        /* areas (in any process) that point here */
    const struct initrd_node *file;  /* the file, or NULL: shared anonymous memory */
    uint64_t size;                   /* bytes: the file's size, or the mapping's length */
    uint64_t npages;                 /* pages[] slots: size rounded up to pages */
    paddr_t *pages;                  /* frame of each page, 0 = not in memory yet */
    uint64_t resident;               /* nonzero slots of pages[] */
    struct pagecache_obj *next;      /* the list of file objects */
};

/* Counters for memstat. */
struct pagecache_stats {
    uint64_t file_pages;  /* frames holding file pages right now */
    uint64_t anon_pages;  /* frames of shared anonymous memory right now */
    uint64_t hits, fills; /* lookups of a file page: found in memory / read in */
};

/*
 * The object of a file, shared by every area that maps it: found if it
 * exists, made otherwise. Takes one reference. NULL when out of memory.
 */
struct pagecache_obj *pagecache_file(const struct initrd_node *file);
/* A new object of shared anonymous memory of size bytes (zero pages on
 * demand), with one reference. NULL when out of memory. */
struct pagecache_obj *pagecache_anon(uint64_t size);
/* One more reference (an area was copied or split). */
void pagecache_get(struct pagecache_obj *obj);
/* Drop a reference; the last one drops the object's reference on each of its
 * frames (a frame still mapped somewhere lives on until unmapped) and frees it. */
void pagecache_put(struct pagecache_obj *obj);

/*
 * The frame of page index of obj, read in (file: its bytes, zeros after the
 * end; anonymous: zeros) if it is not in memory. The caller gets no
 * reference: take one (pmm_incref) to map it. Returns 0, -ENXIO when index is
 * at or past the end of the object (SIGBUS for a program), -ENOMEM.
 */
int pagecache_page(struct pagecache_obj *obj, uint64_t index, paddr_t *pa);

/* The counters above. */
void pagecache_get_stats(struct pagecache_stats *out);

#endif
