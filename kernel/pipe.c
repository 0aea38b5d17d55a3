/*
 * pipe.c - owns struct pipe: a one-frame ring and its open ends. Invariants:
 * 0 <= nwritten - nread <= PIPE_SIZE; freed with its last end; bytes count as
 * moved only once copied. Data moves to or from an iobuf (user or kernel
 * memory). Readers sleep on &pipe->readers, writers on &pipe->writers.
 */
#include "kernel/pipe.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "proc/proc.h"

_Static_assert(PIPE_SIZE == PAGE_SIZE, "the ring is one frame");
_Static_assert(PIPE_BUF <= PIPE_SIZE, "an atomic write must fit in the ring");

struct pipe {
    uint8_t *ring;       /* PIPE_SIZE bytes, a frame seen through the direct map */
    uint64_t nread;      /* bytes ever taken out */
    uint64_t nwritten;   /* bytes ever put in */
    int readers, writers; /* open ends (struct files, not descriptors) */
};

/* Where a read puts its bytes or a write takes them from. */
struct iobuf {
    bool user;
    vaddr_t uva;   /* when user */
    uint8_t *kva;  /* otherwise */
};

/* Copy n bytes to io at offset off; returns how many made it. */
static size_t io_put(const struct iobuf *io, size_t off, const uint8_t *src, size_t n)
{
    if (!io->user) {
        memcpy(io->kva + off, src, n);
        return n;
    }
    return file_copy_out(io->uva + off, src, n);
}

/* Copy n bytes from io at offset off; returns how many made it. */
static size_t io_get(uint8_t *dst, const struct iobuf *io, size_t off, size_t n)
{
    if (!io->user) {
        memcpy(dst, io->kva + off, n);
        return n;
    }
    return file_copy_in(dst, io->uva + off, n);
}

static size_t used(const struct pipe *pp) { return pp->nwritten - pp->nread; }

/*
 * Read up to n bytes: waits (if block) until the pipe holds something or has
 * no writer. Bytes read, 0 at end of file, -EAGAIN, -EINTR, or -EFAULT (a
 * destination that faults part way consumes nothing, as on Linux).
 */
static long do_read(struct pipe *pp, const struct iobuf *io, size_t n, bool block)
{
    if (n == 0)
        return 0;
    while (used(pp) == 0) {
        if (pp->writers == 0)
            return 0;
        if (!block)
            return -EAGAIN;
        if (proc_interrupted())
            return -EINTR;
        proc_sleep(&pp->readers);
    }
    size_t want = MIN(n, used(pp));
    size_t start = pp->nread % PIPE_SIZE;
    size_t first = MIN(want, PIPE_SIZE - start); /* up to the ring's end, then wrap */
    size_t got = io_put(io, 0, pp->ring + start, first);
    if (got == first && want > first)
        got += io_put(io, first, pp->ring, want - first);
    if (got < want)
        return -EFAULT; /* as Linux: a read that faults consumes nothing */
    pp->nread += got;
    proc_wakeup(&pp->writers);
    return (long)got;
}

/*
 * Write n bytes, waiting (if block) for room; a write of at most PIPE_BUF
 * bytes waits until it fits whole, so it is never interleaved with another.
 * Returns n, or fewer if the readers went away, a signal came, the user
 * buffer turned bad part way, or (not blocking) the ring filled up; when
 * nothing was written: -EPIPE, -EINTR, -EFAULT or -EAGAIN.
 */
static long do_write(struct pipe *pp, const struct iobuf *io, size_t n, bool block)
{
    bool atomic = n <= PIPE_BUF;
    size_t done = 0;
    while (done < n) {
        if (pp->readers == 0)
            return done ? (long)done : -EPIPE;
        size_t room = PIPE_SIZE - used(pp);
        if (room == 0 || (atomic && room < n)) {
            if (!block)
                return done ? (long)done : -EAGAIN;
            if (proc_interrupted())
                return done ? (long)done : -EINTR;
            proc_sleep(&pp->writers);
            continue;
        }
        size_t want = MIN(n - done, room);
        size_t start = pp->nwritten % PIPE_SIZE;
        size_t first = MIN(want, PIPE_SIZE - start);
        size_t got = io_get(pp->ring + start, io, done, first);
        if (got == first && want > first)
            got += io_get(pp->ring, io, done + first, want - first);
        if (got < want && atomic)
            got = 0; /* all or nothing */
        pp->nwritten += got;
        done += got;
        if (got)
            proc_wakeup(&pp->readers);
        if (got < want)
            return done ? (long)done : -EFAULT;
    }
    return (long)done;
}

static long pipe_read_op(struct file *f, vaddr_t buf, size_t n)
{
    struct iobuf io = {.user = true, .uva = buf};
    return do_read(f->priv, &io, n, !(f->status & O_NONBLOCK));
}

static long pipe_write_op(struct file *f, vaddr_t buf, size_t n)
{
    struct iobuf io = {.user = true, .uva = buf};
    return do_write(f->priv, &io, n, !(f->status & O_NONBLOCK));
}

/* One end is gone: wake the other side so it sees EOF or EPIPE. */
static void pipe_close_op(struct file *f)
{
    struct pipe *pp = f->priv;
    if (f->flags & FILE_READ) {
        pp->readers--;
        proc_wakeup(&pp->writers);
    } else {
        pp->writers--;
        proc_wakeup(&pp->readers);
    }
    if (pp->readers == 0 && pp->writers == 0) {
        pmm_decref(V2P(pp->ring));
        kfree(pp);
    }
}

/* Pipes cannot seek (-ESPIPE) or list (-ENOTDIR): those ops stay NULL. */
static const struct file_ops pipe_ops = {
    .read = pipe_read_op,
    .write = pipe_write_op,
    .close = pipe_close_op,
};

int pipe_create(struct file **rf, struct file **wf)
{
    struct pipe *pp = kmalloc(sizeof(*pp));
    if (!pp)
        return -ENOMEM;
    paddr_t frame = pmm_alloc();
    if (!frame)
        goto free_pipe;
    pp->ring = P2V(frame);
    pp->nread = pp->nwritten = 0;
    pp->readers = pp->writers = 1;
    *rf = file_alloc(&pipe_ops, FILE_READ, pp);
    if (!*rf)
        goto free_ring;
    *wf = file_alloc(&pipe_ops, FILE_WRITE, pp);
    if (!*wf) {
        /* With no writer counted, closing the read end frees ring and pipe. */
        pp->writers = 0;
        file_close(*rf);
        return -ENOMEM;
    }
    return 0;

free_ring:
    pmm_decref(frame);
free_pipe:
    kfree(pp);
    return -ENOMEM;
}

bool pipe_is_pipe(const struct file *f) { return f && f->ops == &pipe_ops; }

size_t pipe_bytes_available(const struct file *f) { return used(f->priv); }

long pipe_kread(struct file *f, void *buf, size_t n)
{
    if (!pipe_is_pipe(f) || !(f->flags & FILE_READ))
        return -EBADF;
    struct iobuf io = {.user = false, .kva = buf};
    return do_read(f->priv, &io, n, false);
}

long pipe_kwrite(struct file *f, const void *buf, size_t n)
{
    if (!pipe_is_pipe(f) || !(f->flags & FILE_WRITE))
        return -EBADF;
    if (n == 0)
        return 0;
    struct iobuf io = {.user = false, .kva = (uint8_t *)(uintptr_t)buf};
    return do_write(f->priv, &io, n, false);
}
