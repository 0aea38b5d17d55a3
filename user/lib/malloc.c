/*
 * malloc.c - the heap: one contiguous run of blocks between the start of the
 * heap and the program break, grown and shrunk with sbrk().
 *
 * Every block starts with a 16-byte header {prev_size, size}; size counts the
 * header, is a multiple of 16 and carries two flags: INUSE (this block) and
 * PREV_INUSE (the block before it). prev_size is valid only when the block
 * before is free: a free block writes its size there (a boundary tag), so
 * free() can merge with both neighbours in O(1). Free blocks hold their list
 * links in the payload and live in size-class lists (bins). The heap ends
 * with a 16-byte fence header (size 0, INUSE), so every block has a
 * successor. Invariants: no two free blocks are adjacent; every free block
 * is in exactly the bin for its size; a free block at the top of the heap
 * larger than TRIM_AT is cut back and the memory returned with sbrk().
 *
 * Requests of MMAP_AT (128 KiB) and more get a mapping of their own
 * (mmap, private anonymous): its header has the MMAPPED flag and the
 * mapping's length as its size, and free() gives it back with munmap, so a
 * large block never pins the heap and costs no frame until it is touched.
 *
 * heap_lock (internal.h's recursive lock, taken only once the process has
 * threads) guards the bins and the heap bounds: every public function
 * holds it throughout. fork() holds it across the fork (the child's heap
 * is never caught mid-update by a thread that does not exist there).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <cowos.h>
#include "user/lib/internal.h"

#define ALIGN 16
#define HEADER 16
#define MIN_BLOCK 32              /* header + two list links */
#define GROW_MIN (32 * 1024)      /* the heap grows by at least this much */
#define TRIM_AT (128 * 1024)      /* a free top block this large is trimmed... */
#define TRIM_KEEP (32 * 1024)     /* ...down to about this much */
#define PAGE 4096
#define NBINS 20                  /* bin i: sizes in [32 << i, 32 << (i + 1)); the last: above */

#define MMAP_AT (128 * 1024)      /* blocks this large get their own mapping */

#define INUSE 1UL
#define PREV_INUSE 2UL
#define MMAPPED 4UL
#define FLAGS (INUSE | PREV_INUSE | MMAPPED)

struct block {
    size_t prev_size;        /* size of the previous block, when it is free */
    size_t size;             /* this block's size | INUSE | PREV_INUSE */
    struct block *next_free; /* bin links: only while free */
    struct block *prev_free;
};

static struct block *bins[NBINS];
static struct __cowos_lock heap_lock;
static char *heap_lo; /* the first block */
static char *heap_hi; /* the end of the fence: the program break as we left it */

static size_t size_of(const struct block *b) { return b->size & ~FLAGS; }
static bool in_use(const struct block *b) { return b->size & INUSE; }
static struct block *next_block(struct block *b) { return (struct block *)((char *)b + size_of(b)); }
static struct block *fence(void) { return (struct block *)(heap_hi - HEADER); }
static void *payload(struct block *b) { return (char *)b + HEADER; }
static struct block *block_of(void *p) { return (struct block *)((char *)p - HEADER); }

static int bin_index(size_t size)
{
    size_t classes = size / MIN_BLOCK;
    int i = 63 - __builtin_clzl(classes); /* floor(log2(size / 32)) */
    return i < NBINS ? i : NBINS - 1;
}

static void bin_insert(struct block *b)
{
    struct block **head = &bins[bin_index(size_of(b))];
    b->prev_free = NULL;
    b->next_free = *head;
    if (*head)
        (*head)->prev_free = b;
    *head = b;
}

static void bin_remove(struct block *b)
{
    if (b->prev_free)
        b->prev_free->next_free = b->next_free;
    else
        bins[bin_index(size_of(b))] = b->next_free;
    if (b->next_free)
        b->next_free->prev_free = b->prev_free;
}

/* Make b a free block of size bytes (flags kept) and tell its successor. */
static void mark_free(struct block *b, size_t size)
{
    b->size = size | (b->size & PREV_INUSE);
    struct block *n = next_block(b);
    n->prev_size = size;
    n->size &= ~PREV_INUSE;
}

static void mark_used(struct block *b, size_t size)
{
    b->size = size | INUSE | (b->size & PREV_INUSE);
    next_block(b)->size |= PREV_INUSE;
}

/*
 * Merge the free, unbinned block b with free neighbours, bin the result and
 * return it. Neighbours are taken out of their bins first.
 */
static struct block *coalesce(struct block *b)
{
    size_t size = size_of(b);
    struct block *n = next_block(b);
    if (!in_use(n)) {
        bin_remove(n);
        size += size_of(n);
    }
    if (!(b->size & PREV_INUSE)) {
        struct block *p = (struct block *)((char *)b - b->prev_size);
        bin_remove(p);
        size += size_of(p);
        b = p;
    }
    mark_free(b, size);
    bin_insert(b);
    return b;
}

/* Shorten the in-use block b to size bytes, freeing the tail if it can hold a block. */
static void split(struct block *b, size_t size)
{
    size_t total = size_of(b);
    if (total - size < MIN_BLOCK)
        return;
    mark_used(b, size);
    struct block *tail = next_block(b);
    tail->size = PREV_INUSE; /* mark_free sets the size */
    mark_free(tail, total - size);
    coalesce(tail);
}

/* Give the top of the heap back when the free block below the fence is large. */
static void trim(void)
{
    struct block *f = fence();
    if (f->size & PREV_INUSE || f->prev_size < TRIM_AT || sbrk(0) != heap_hi)
        return; /* (someone else's sbrk above us would be cut instead) */
    struct block *top = (struct block *)((char *)f - f->prev_size);
    size_t release = (size_of(top) - TRIM_KEEP) & ~(size_t)(PAGE - 1);
    if (sbrk(-(long)release) == (void *)-1)
        return;
    bin_remove(top);
    heap_hi -= release;
    struct block *nf = fence();
    nf->size = INUSE; /* PREV_INUSE clear: top stays free below it */
    mark_free(top, size_of(top) - release);
    bin_insert(top);
}

/* Start the heap: align the break to 16 and lay down the fence. */
static bool heap_init(void)
{
    char *brk0 = sbrk(0);
    if (brk0 == (void *)-1)
        return false;
    size_t pad = (size_t)(-(uintptr_t)brk0 & (ALIGN - 1));
    if (sbrk((long)(pad + HEADER)) == (void *)-1)
        return false;
    heap_lo = brk0 + pad;
    heap_hi = heap_lo + HEADER;
    fence()->prev_size = 0;
    fence()->size = INUSE | PREV_INUSE;
    return true;
}

/*
 * Grow the heap so that its top holds a free block of at least size bytes.
 * Normally the old fence becomes the header of the new space, merged with a
 * free block below it. If something else moved the break, the old fence and
 * the foreign bytes become one in-use block that is never freed, and the
 * new space starts above them. Returns false (errno ENOMEM) if sbrk fails.
 */
static bool grow(size_t size)
{
    char *brk_now = sbrk(0);
    if (brk_now == (void *)-1 || brk_now < heap_hi) /* the break went down under us */
        return false;
    struct block *f = fence();
    size_t pad = (size_t)(-(uintptr_t)brk_now & (ALIGN - 1));
    size_t extra = brk_now == heap_hi ? 0 : pad + HEADER; /* room to wall off a gap */
    size_t top_free = extra || f->size & PREV_INUSE ? 0 : f->prev_size;
    size_t want = size - top_free + extra;
    if (want < GROW_MIN)
        want = GROW_MIN;
    want = ((want + PAGE - 1) & ~(size_t)(PAGE - 1)) + (extra ? pad : 0); /* end 16-aligned */
    char *old = sbrk((long)want);
    if (old == (void *)-1)
        return false;
    if (extra) {
        char *start = old + pad;
        f->size = (size_t)(start - (char *)f) | INUSE | (f->size & PREV_INUSE);
        f = (struct block *)start;
        f->size = PREV_INUSE;
        heap_hi = start + HEADER;
        want -= pad + HEADER;
    }
    heap_hi += want;
    fence()->size = INUSE;
    f->size = (f->size & PREV_INUSE) | want;
    mark_free(f, want);
    coalesce(f);
    return true;
}

/* The first free block of at least size bytes, taken out of its bin; or NULL. */
static struct block *find_fit(size_t size)
{
    for (int i = bin_index(size); i < NBINS; i++)
        for (struct block *b = bins[i]; b; b = b->next_free)
            if (size_of(b) >= size) {
                bin_remove(b);
                return b;
            }
    return NULL;
}

/* Bytes of block (header included) for a request of n bytes; 0 if absurd. */
static size_t block_size(size_t n)
{
    if (n > PTRDIFF_MAX - HEADER - ALIGN)
        return 0;
    size_t size = (n + HEADER + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    return size < MIN_BLOCK ? MIN_BLOCK : size;
}

/* A block of its own mapping, for a large request of size bytes (header included). */
static void *malloc_mapped(size_t size)
{
    size_t len = (size + PAGE - 1) & ~(size_t)(PAGE - 1);
    if (len < size) {
        errno = ENOMEM;
        return NULL;
    }
    struct block *b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (b == MAP_FAILED)
        return NULL; /* errno ENOMEM from mmap */
    b->prev_size = 0;
    b->size = len | MMAPPED | INUSE;
    return payload(b);
}

static bool is_mapped(void *p)
{
    struct block *b = block_of(p);
    return (uintptr_t)b % PAGE == 0 && (b->size & (MMAPPED | INUSE)) == (MMAPPED | INUSE) &&
           !((char *)b >= heap_lo && (char *)b < heap_hi);
}

static void *malloc_unlocked(size_t n)
{
    size_t size = block_size(n);
    if (size >= MMAP_AT)
        return malloc_mapped(size);
    if (!size || (!heap_lo && !heap_init())) {
        errno = ENOMEM;
        return NULL;
    }
    struct block *b = find_fit(size);
    if (!b) {
        if (!grow(size)) {
            errno = ENOMEM;
            return NULL;
        }
        b = find_fit(size);
    }
    mark_used(b, size_of(b));
    split(b, size);
    return payload(b);
}

/* Abort on a pointer that is not a live block: heap corruption or a double free. */
static struct block *checked_block(void *p, const char *who)
{
    struct block *b = block_of(p);
    bool ok = heap_lo && (uintptr_t)p % ALIGN == 0 && (char *)b >= heap_lo &&
              (char *)b < heap_hi - HEADER && in_use(b) && size_of(b) >= MIN_BLOCK &&
              size_of(b) <= (size_t)(heap_hi - (char *)b) - HEADER &&
              (next_block(b)->size & PREV_INUSE);
    if (!ok) {
        static const char tail[] = "(): invalid pointer or double free\n";
        __cowos_write_all(2, who, strlen(who));
        __cowos_write_all(2, tail, sizeof(tail) - 1);
        abort();
    }
    return b;
}

static void free_unlocked(void *p)
{
    if (!p)
        return;
    if (is_mapped(p)) {
        munmap(block_of(p), size_of(block_of(p)));
        return;
    }
    struct block *b = checked_block(p, "free");
    mark_free(b, size_of(b));
    coalesce(b);
    trim();
}

void *calloc(size_t n, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(n, size, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = malloc(bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

static void *realloc_unlocked(void *p, size_t n)
{
    if (!p)
        return malloc_unlocked(n);
    if (n == 0) {
        free_unlocked(p);
        return NULL;
    }
    size_t size = block_size(n);
    if (!size) {
        errno = ENOMEM;
        return NULL;
    }
    if (is_mapped(p)) { /* keep it if it still fits and stays large, else move */
        size_t have = size_of(block_of(p));
        if (size <= have && size >= MMAP_AT)
            return p;
        void *q = malloc_unlocked(n);
        if (q) {
            memcpy(q, p, (size < have ? size : have) - HEADER);
            free_unlocked(p);
        }
        return q;
    }
    struct block *b = checked_block(p, "realloc");
    size_t have = size_of(b);
    if (size > have) { /* try to take the free block after b, growing the heap if b is last */
        if (next_block(b) == fence())
            grow(size - have); /* if this fails, so will the move below */
        struct block *next = next_block(b);
        if (!in_use(next) && have + size_of(next) >= size) {
            bin_remove(next);
            mark_used(b, have + size_of(next));
            have = size_of(b);
        }
    }
    if (size <= have) {
        split(b, size);
        trim();
        return p;
    }
    void *q = malloc_unlocked(n);
    if (!q)
        return NULL;
    memcpy(q, p, have - HEADER);
    free_unlocked(p);
    return q;
}

static int heap_check_unlocked(void)
{
    if (!heap_lo)
        return 0;
    size_t free_blocks = 0, binned = 0;
    bool prev_used = true;
    struct block *b = (struct block *)heap_lo;
    for (; b != fence(); b = next_block(b)) {
        size_t size = size_of(b);
        if (size < MIN_BLOCK || size % ALIGN || size > (size_t)(heap_hi - (char *)b) - HEADER)
            return -1;
        if (((b->size & PREV_INUSE) != 0) != prev_used)
            return -1;
        if (!in_use(b)) {
            if (!prev_used || next_block(b)->prev_size != size)
                return -1; /* two free neighbours, or a stale boundary tag */
            free_blocks++;
        }
        prev_used = in_use(b);
    }
    if (((b->size & PREV_INUSE) != 0) != prev_used || !in_use(b))
        return -1;
    for (int i = 0; i < NBINS; i++)
        for (struct block *f = bins[i]; f; f = f->next_free) {
            if (in_use(f) || bin_index(size_of(f)) != i || (char *)f < heap_lo ||
                (char *)f >= heap_hi)
                return -1;
            if (++binned > free_blocks)
                return -1;
        }
    return binned == free_blocks ? 0 : -1;
}

void *malloc(size_t n)
{
    int locked = __cowos_lock_mt(&heap_lock);
    void *r = malloc_unlocked(n);
    __cowos_unlock_mt(&heap_lock, locked);
    return r;
}

void free(void *p)
{
    int locked = __cowos_lock_mt(&heap_lock);
    free_unlocked(p);
    __cowos_unlock_mt(&heap_lock, locked);
}

void *realloc(void *p, size_t n)
{
    int locked = __cowos_lock_mt(&heap_lock);
    void *r = realloc_unlocked(p, n);
    __cowos_unlock_mt(&heap_lock, locked);
    return r;
}

int cowos_heap_check(void)
{
    int locked = __cowos_lock_mt(&heap_lock);
    int r = heap_check_unlocked();
    __cowos_unlock_mt(&heap_lock, locked);
    return r;
}

void __cowos_malloc_fork_lock(void)
{
    __cowos_lock(&heap_lock);
}

void __cowos_malloc_fork_unlock(void)
{
    __cowos_unlock(&heap_lock);
}
