/*
 * pipe.c - owns struct pipe: a PIPE_SIZE-byte ring of PIPE_PAGES frames and
 * its open ends. Invariants: 0 <= nwritten - nread <= PIPE_SIZE; byte b of
 * the stream lives in frame (b / PAGE_SIZE) % PIPE_PAGES; all frames are
 * allocated with the pipe and freed with its last end (so no write ever
 * waits for or fails for memory, and counts of free frames stay put while
 * data flows); bytes count as moved only once copied. Data moves to or
 * from an iobuf (user or kernel memory). Readers sleep on &pipe->readers,
 * writers on &pipe->writers.
 * Locks: klock (kernel/klock.h) guards every pipe.
 */
#include "kernel/pipe.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/uaccess.h"
#include "proc/proc.h"
#include "proc/signal.h"

#define PIPE_PAGES (PIPE_SIZE / PAGE_SIZE)

_Static_assert(PIPE_SIZE % PAGE_SIZE == 0, "the ring is whole frames");
_Static_assert(PIPE_BUF <= PIPE_SIZE, "an atomic write must fit in the ring");

struct pipe {
    uint8_t *page[PIPE_PAGES]; /* the ring's frames, seen through the direct map */
    uint64_t nread;            /* bytes ever taken out */
    uint64_t nwritten;         /* bytes ever put in */
    int readers, writers;      /* open ends (struct files, not descriptors) */
};

/* Where a read puts its bytes or a write takes them from. */
struct iobuf {
    bool user;
    vaddr_t uva;  /* when user */
    uint8_t *kva; /* otherwise */
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

/* True if the n bytes at offset off of io can be read now. */
static bool io_readable(const struct iobuf *io, size_t off, size_t n)
{
    return !io->user || uaccess_ok(io->uva + off, n, false);
}

static size_t used(const struct pipe *pp) { return pp->nwritten - pp->nread; }

/* The frame that holds stream byte pos (at offset pos % PAGE_SIZE). */
static uint8_t *frame_of(const struct pipe *pp, uint64_t pos)
{
    return pp->page[(pos / PAGE_SIZE) % PIPE_PAGES];
}

/* Copy n bytes from io (at offset off) into the ring at stream byte pos.
 * Returns how many made it (short only on a fault). */
static size_t ring_fill(struct pipe *pp, uint64_t pos, const struct iobuf *io, size_t off, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t in_page = (pos + done) % PAGE_SIZE;
        size_t chunk = MIN(n - done, PAGE_SIZE - in_page);
        size_t got = io_get(frame_of(pp, pos + done) + in_page, io, off + done, chunk);
        done += got;
        if (got < chunk)
            break;
    }
    return done;
}

/* Copy n bytes of the ring from stream byte pos to io (at offset 0).
 * Returns how many made it (short only on a fault). */
static size_t ring_drain(struct pipe *pp, uint64_t pos, const struct iobuf *io, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t in_page = (pos + done) % PAGE_SIZE;
        size_t chunk = MIN(n - done, PAGE_SIZE - in_page);
        size_t got = io_put(io, done, frame_of(pp, pos + done) + in_page, chunk);
        done += got;
        if (got < chunk)
            break;
    }
    return done;
}

/*
 * Read up to n bytes: waits (if block) until the pipe holds something or has
 * no writer. Bytes read, 0 at end of file, -EAGAIN, -ERESTARTSYS (a signal),
 * or -EFAULT.
 * As on Linux the destination is looked at only when there is something to
 * copy (a read into a bad buffer sleeps like any other), and a destination
 * that faults part way consumes nothing: the bytes stay for the next read.
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
            return -ERESTARTSYS; /* EINTR, or restarted under SA_RESTART */
        proc_sleep(&pp->readers);
    }
    size_t want = MIN(n, used(pp));
    if (ring_drain(pp, pp->nread, io, want) < want)
        return -EFAULT;
    pp->nread += want;
    proc_wakeup(&pp->writers);
    return (long)want;
}

/*
 * Write n bytes, waiting (if block) for room; a write of at most PIPE_BUF
 * bytes waits until it fits whole, so it is never interleaved with another.
 * Before any wait the bytes still to come are checked: a write never sleeps
 * for room for bytes it cannot read (the whole buffer when atomic, the next
 * byte otherwise). Returns n, or fewer if the readers went away, a signal
 * came, the user buffer turned bad part way (what was readable went in), or
 * (not blocking) the ring filled up; when nothing was written: -EPIPE,
 * -ERESTARTSYS (a signal), -EFAULT or -EAGAIN; a write with no reader left
 * also sends the writer SIGPIPE.
 */
static long do_write(struct pipe *pp, const struct iobuf *io, size_t n, bool block)
{
    bool atomic = n <= PIPE_BUF;
    size_t done = 0;
    while (done < n) {
        if (pp->readers == 0) {
            if (proc_current()) /* as Linux: SIGPIPE even after a partial write */
                signal_send(proc_current(), SIGPIPE, SI_USER, proc_current()->pid);
            return done ? (long)done : -EPIPE;
        }
        size_t room = PIPE_SIZE - used(pp);
        if (room == 0 || (atomic && room < n)) {
            if (!block)
                return done ? (long)done : -EAGAIN;
            if (!io_readable(io, done, atomic ? n : 1))
                return done ? (long)done : -EFAULT;
            if (proc_interrupted())
                return done ? (long)done : -ERESTARTSYS;
            proc_sleep(&pp->writers);
            continue;
        }
        size_t want = MIN(n - done, room);
        size_t got = ring_fill(pp, pp->nwritten, io, done, want);
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

/* Give back the ring's frames (those allocated so far) and pp itself. */
static void free_pipe(struct pipe *pp)
{
    for (size_t i = 0; i < PIPE_PAGES; i++)
        if (pp->page[i])
            pmm_decref(V2P(pp->page[i]));
    kfree(pp);
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
    if (pp->readers == 0 && pp->writers == 0)
        free_pipe(pp);
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
    memset(pp, 0, sizeof(*pp));
    for (size_t i = 0; i < PIPE_PAGES; i++) {
        paddr_t frame = pmm_alloc();
        if (!frame) {
            free_pipe(pp);
            return -ENOMEM;
        }
        pp->page[i] = P2V(frame);
    }
    pp->readers = pp->writers = 1;
    *rf = file_alloc(&pipe_ops, FILE_READ, pp);
    if (!*rf) {
        free_pipe(pp);
        return -ENOMEM;
    }
    *wf = file_alloc(&pipe_ops, FILE_WRITE, pp);
    if (!*wf) {
        /* With no writer counted, closing the read end frees the pipe. */
        pp->writers = 0;
        file_close(*rf);
        return -ENOMEM;
    }
    return 0;
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
