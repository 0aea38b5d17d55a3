/*
 * test_pipe.c - the pipe core through its kernel-buffer layer (which never
 * blocks: -EAGAIN where a process would sleep): ring wraparound, the 64 KiB
 * capacity and its 16 frames, atomic and partial writes, out of memory, end
 * of file, EPIPE, reference counts through file_close,
 * and every frame and file given back.
 */
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/pipe.h"
#include "kernel/string.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "tests/ktest.h"

static uint8_t out[PIPE_SIZE + 1000], in[PIPE_SIZE + 1000];

static void pattern(uint8_t *b, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

KTEST(pipe_ring_wraps_around)
{
    uint64_t free0 = pmm_free_count();
    int files0 = file_open_count();
    struct file *r, *w;
    ASSERT_EQ(0, pipe_create(&r, &w));
    EXPECT_EQ(files0 + 2, file_open_count());
    EXPECT_TRUE(pipe_is_pipe(r) && pipe_is_pipe(w));

    /* Three rounds of 3000 bytes: the second and third cross the ring's end. */
    for (unsigned round = 0; round < 3; round++) {
        pattern(out, 3000, round);
        memset(in, 0, 3000);
        EXPECT_EQ(3000, pipe_kwrite(w, out, 3000));
        EXPECT_EQ(3000, pipe_bytes_available(r));
        EXPECT_EQ(3000, pipe_kread(r, in, 3000));
        EXPECT_EQ(0, memcmp(in, out, 3000));
    }
    /* Wrapped data read back in small pieces keeps its order. */
    pattern(out, 2000, 9);
    EXPECT_EQ(2000, pipe_kwrite(w, out, 2000));
    size_t got = 0;
    while (got < 2000) {
        long n = pipe_kread(r, in + got, 333);
        ASSERT_TRUE(n > 0);
        got += (size_t)n;
    }
    EXPECT_EQ(0, memcmp(in, out, 2000));
    EXPECT_EQ(-EAGAIN, pipe_kread(r, in, 1)); /* empty, writer still open */

    file_close(r);
    file_close(w);
    EXPECT_EQ(files0, file_open_count());
    EXPECT_EQ(free0, pmm_free_count());
}

/* Write n bytes of out in pieces of at most PIPE_BUF; true if all went in. */
static bool put_all(struct file *w, size_t n)
{
    for (size_t off = 0; off < n; off += PIPE_BUF) {
        size_t piece = MIN(PIPE_BUF, n - off);
        if (pipe_kwrite(w, out + off, piece) != (long)piece)
            return false;
    }
    return true;
}

KTEST(pipe_atomic_and_partial_writes)
{
    struct file *r, *w;
    ASSERT_EQ(0, pipe_create(&r, &w));
    EXPECT_EQ(65536, PIPE_SIZE); /* Linux's default capacity */
    pattern(out, sizeof(out), 3);

    EXPECT_EQ(0, pipe_kwrite(w, out, 0));
    EXPECT_EQ(0, pipe_kread(r, in, 0));
    ASSERT_TRUE(put_all(w, PIPE_SIZE - 1096));
    /* 2000 <= PIPE_BUF does not fit in the 1096 left: all or nothing. */
    EXPECT_EQ(-EAGAIN, pipe_kwrite(w, out, 2000));
    EXPECT_EQ(PIPE_SIZE - 1096, pipe_bytes_available(r));
    EXPECT_EQ(1096, pipe_kwrite(w, out + PIPE_SIZE - 1096, 1096)); /* exactly fills it */
    EXPECT_EQ(-EAGAIN, pipe_kwrite(w, out, 1));
    EXPECT_EQ(PIPE_SIZE, pipe_kread(r, in, sizeof(in)));
    EXPECT_EQ(0, memcmp(in, out, PIPE_SIZE));

    /* Longer than PIPE_BUF: not atomic, so what fits goes now. */
    EXPECT_EQ(100, pipe_kwrite(w, out, 100));
    EXPECT_EQ(PIPE_SIZE - 100, pipe_kwrite(w, out + 100, PIPE_SIZE + 500));
    EXPECT_EQ(PIPE_SIZE, pipe_kread(r, in, sizeof(in)));
    EXPECT_EQ(0, memcmp(in, out, PIPE_SIZE));

    /* Wrong ends. */
    EXPECT_EQ(-EBADF, pipe_kread(w, in, 1));
    EXPECT_EQ(-EBADF, pipe_kwrite(r, out, 1));
    file_close(r);
    file_close(w);
}

/* The ring's 16 frames come with the pipe and go with its last end: exact
 * counts, and none taken or given back while data flows. */
KTEST(pipe_holds_sixteen_frames)
{
    struct file *r, *w;
    uint64_t free0 = pmm_free_count();
    ASSERT_EQ(0, pipe_create(&r, &w));
    uint64_t with_pipe = pmm_free_count();
    /* 16 for the ring; the heap may have taken a frame or two for a new slab. */
    EXPECT_TRUE(free0 - with_pipe >= 16 && free0 - with_pipe <= 18);
    ASSERT_TRUE(put_all(w, PIPE_SIZE));
    for (int i = 0; i < 5; i++) { /* around the ring a few more times */
        EXPECT_EQ(3000, pipe_kread(r, in, 3000));
        EXPECT_EQ(3000, pipe_kwrite(w, out, 3000));
    }
    EXPECT_EQ(with_pipe, pmm_free_count());
    file_close(w);
    EXPECT_EQ(with_pipe, pmm_free_count()); /* the reader still holds the data */
    file_close(r);
    EXPECT_EQ(free0, pmm_free_count());
}

KTEST(pipe_eof_when_writers_gone)
{
    struct file *r, *w;
    ASSERT_EQ(0, pipe_create(&r, &w));
    EXPECT_EQ(10, pipe_kwrite(w, "0123456789", 10));
    struct file *w2 = file_ref(w); /* as dup or fork would */
    EXPECT_EQ(2, w->refcount);
    file_close(w);
    EXPECT_EQ(1, w2->refcount);
    /* One reference to the write end is left: no end of file yet. */
    char buf[16] = {0};
    EXPECT_EQ(4, pipe_kread(r, buf, 4));
    EXPECT_EQ(0, memcmp(buf, "0123", 4));
    file_close(w2);
    /* Data written before the close is still delivered, then EOF. */
    EXPECT_EQ(6, pipe_kread(r, buf, sizeof(buf)));
    EXPECT_EQ(0, memcmp(buf, "456789", 6));
    EXPECT_EQ(0, pipe_kread(r, buf, sizeof(buf)));
    EXPECT_EQ(0, pipe_kread(r, buf, sizeof(buf)));
    file_close(r);
}

KTEST(pipe_epipe_when_readers_gone)
{
    uint64_t free0 = pmm_free_count();
    struct file *r, *w;
    ASSERT_EQ(0, pipe_create(&r, &w));
    struct file *r2 = file_ref(r);
    file_close(r);
    EXPECT_EQ(3, pipe_kwrite(w, "abc", 3)); /* a reader remains */
    file_close(r2);
    EXPECT_EQ(-EPIPE, pipe_kwrite(w, "abc", 3));
    EXPECT_EQ(-EPIPE, pipe_kwrite(w, out, PIPE_SIZE + 1));
    EXPECT_EQ(0, pipe_kwrite(w, "abc", 0)); /* zero bytes: nothing to refuse */
    file_close(w);
    EXPECT_EQ(free0, pmm_free_count()); /* the last close freed the ring */
}

KTEST(pipe_create_out_of_memory_leaks_nothing)
{
    uint64_t free0 = pmm_free_count();
    int files0 = file_open_count();
    struct file *r = NULL, *w = NULL;
    /* Running out at any of the ring's 16 frames leaves nothing behind
     * (whether the heap needs a frame more depends on its slabs' state, so
     * only the first 16 allocations are certain to be needed). */
    for (long allowed = 0; allowed < 16; allowed++) {
        pmm_fail_after(allowed);
        int err = pipe_create(&r, &w);
        pmm_fail_after(-1);
        EXPECT_EQ(-ENOMEM, err);
        EXPECT_EQ(files0, file_open_count());
        EXPECT_EQ(free0, pmm_free_count());
    }
}
