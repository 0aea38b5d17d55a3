/*
 * pipe.h - pipes: a PIPE_SIZE-byte ring (16 frames, allocated with the
 * pipe) between two open files. Reads return what is there
 * or block; 0 once the ring is empty with no writer left. Writes block until
 * all is written; up to PIPE_BUF bytes, atomically. A write never sleeps
 * for room for bytes its buffer cannot supply: that is -EFAULT (or the
 * count written so far) at once. With no reader left a write fails with
 * -EPIPE and the writer gets SIGPIPE. O_NONBLOCK on an end turns
 * every sleep into -EAGAIN.
 */
#ifndef KERNEL_PIPE_H
#define KERNEL_PIPE_H

#include "kernel/types.h"

struct file;

#define PIPE_SIZE 65536 /* ring capacity in bytes (16 frames), Linux's default */
#define PIPE_BUF 4096   /* writes up to this size are never interleaved */

/*
 * A new pipe: *rf is its read end, *wf its write end, each an open file with
 * one reference, and PIPE_SIZE / PAGE_SIZE frames for the ring, given back
 * by the last close. Returns 0, or -ENOMEM with nothing allocated.
 */
int pipe_create(struct file **rf, struct file **wf);

/* True if f is an end of a pipe. */
bool pipe_is_pipe(const struct file *f);
/* Bytes waiting in f's pipe. */
size_t pipe_bytes_available(const struct file *f);

/*
 * The same reads and writes with kernel buffers, but never blocking: where
 * the user versions would sleep these return -EAGAIN (like O_NONBLOCK), or
 * the partial count of a write longer than PIPE_BUF. For the kernel's own
 * use and for tests, which run without a process to put to sleep.
 */
long pipe_kread(struct file *f, void *buf, size_t n);
long pipe_kwrite(struct file *f, const void *buf, size_t n);

#endif
