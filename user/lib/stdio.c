/*
 * stdio.c - the three standard streams and their buffers (printf.c does the
 * formatting). Output is kept in the stream's buffer until it fills, a
 * newline arrives on a line-buffered stream, fflush() or exit(); unbuffered
 * output goes straight to write(). Input is read a buffer at a time (a byte
 * at a time when unbuffered). Invariant: unwritten output is buf[0..wlen),
 * unread input is buf[rpos..rlen); a stream never holds both.
 * Each stream's lock (a recursive __cowos_lock, also flockfile's) guards
 * all of its fields; every public call holds it throughout (vfprintf for
 * the whole call, so two threads' printf lines never mix). Until the
 * process has a second thread the calls take no lock (flockfile does).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "user/lib/internal.h"

struct __cowos_file {
    int fd;
    int mode; /* _IOFBF, _IOLBF or _IONBF */
    int eof, err;
    unsigned char *buf; /* the buffer in use */
    size_t size;
    unsigned char *own; /* the stream's built-in buffer (BUFSIZ bytes) */
    size_t wlen;
    size_t rpos, rlen;
    struct __cowos_lock lock;
};

static unsigned char in_buf[BUFSIZ], out_buf[BUFSIZ], err_buf[BUFSIZ];

static FILE streams[3] = {
    {.fd = 0, .mode = _IOFBF, .buf = in_buf, .size = BUFSIZ, .own = in_buf},
    {.fd = 1, .mode = _IOLBF, .buf = out_buf, .size = BUFSIZ, .own = out_buf},
    {.fd = 2, .mode = _IONBF, .buf = err_buf, .size = BUFSIZ, .own = err_buf},
};

FILE *stdin = &streams[0];
FILE *stdout = &streams[1];
FILE *stderr = &streams[2];

/* Write out the buffered output. On failure the output is dropped and the
 * stream's error flag set, so one broken pipe is not retried forever. */
static int drain(FILE *f)
{
    size_t n = f->wlen;
    f->wlen = 0;
    if (n && __cowos_write_all(f->fd, f->buf, n) < 0) {
        f->err = 1;
        return EOF;
    }
    return 0;
}

/* Append n bytes of output to f, honouring its buffering mode. 0 or EOF. */
static int put_bytes(FILE *f, const void *p, size_t n)
{
    const unsigned char *s = p;
    if (f->mode == _IONBF || (f->wlen == 0 && n >= f->size)) {
        if (drain(f) < 0)
            return EOF;
        if (__cowos_write_all(f->fd, s, n) < 0) {
            f->err = 1;
            return EOF;
        }
        return 0;
    }
    int newline = f->mode == _IOLBF && memchr(s, '\n', n) != NULL;
    while (n > 0) {
        size_t k = f->size - f->wlen;
        if (k > n)
            k = n;
        memcpy(f->buf + f->wlen, s, k);
        f->wlen += k;
        s += k;
        n -= k;
        if (f->wlen == f->size && drain(f) < 0)
            return EOF;
    }
    return newline ? drain(f) : 0;
}

/* drain() with f's lock held (when the process has threads). */
static int drain_locked(FILE *f)
{
    int locked = __cowos_lock_mt(&f->lock);
    int r = drain(f);
    __cowos_unlock_mt(&f->lock, locked);
    return r;
}

int fflush(FILE *f)
{
    if (f)
        return drain_locked(f);
    int r = 0;
    for (int i = 0; i < 3; i++)
        if (drain_locked(&streams[i]) < 0)
            r = EOF;
    return r;
}

size_t fwrite_unlocked(const void *p, size_t size, size_t n, FILE *f)
{
    if (size == 0 || n == 0)
        return 0;
    if (n > (size_t)-1 / size) {
        errno = EINVAL;
        return 0;
    }
    return put_bytes(f, p, size * n) == 0 ? n : 0;
}

int fputc_unlocked(int c, FILE *f)
{
    unsigned char ch = (unsigned char)c;
    return put_bytes(f, &ch, 1) == 0 ? ch : EOF;
}

int putc(int c, FILE *f)
{
    return fputc(c, f);
}

int putchar(int c)
{
    return fputc(c, stdout);
}

int fputs_unlocked(const char *s, FILE *f)
{
    return put_bytes(f, s, strlen(s)) == 0 ? 0 : EOF;
}

static int puts_unlocked(const char *s)
{
    if (put_bytes(stdout, s, strlen(s)) < 0 || put_bytes(stdout, "\n", 1) < 0)
        return EOF;
    return 0;
}

/* Refill f's input buffer. Line-buffered output is flushed first, so a
 * prompt printed without a newline shows before we wait for input. */
static int refill(FILE *f)
{
    for (int i = 0; i < 3; i++)
        if (&streams[i] != f && streams[i].mode == _IOLBF && streams[i].wlen)
            drain_locked(&streams[i]);
    ssize_t r = read(f->fd, f->buf, f->mode == _IONBF ? 1 : f->size);
    if (r <= 0) {
        if (r == 0)
            f->eof = 1;
        else
            f->err = 1;
        return EOF;
    }
    f->rpos = 0;
    f->rlen = (size_t)r;
    return 0;
}

int fgetc_unlocked(FILE *f)
{
    if (f->eof) /* end of file is sticky until clearerr(), as C requires */
        return EOF;
    if (f->rpos == f->rlen && refill(f) < 0)
        return EOF;
    return f->buf[f->rpos++];
}

int getc(FILE *f)
{
    return fgetc(f);
}

int getchar(void)
{
    return fgetc(stdin);
}

char *fgets_unlocked(char *s, int n, FILE *f)
{
    if (n <= 0)
        return NULL;
    int i = 0;
    while (i < n - 1) {
        int c = fgetc_unlocked(f);
        if (c == EOF)
            break;
        s[i++] = (char)c;
        if (c == '\n')
            break;
    }
    if (i == 0 && n > 1)
        return NULL;
    s[i] = '\0';
    return s;
}

static int setvbuf_unlocked(FILE *f, char *buf, int mode, size_t size)
{
    if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF)
        return -1;
    drain(f);
    f->mode = mode;
    if (f->rpos < f->rlen) /* unread input stays where it is */
        return 0;
    f->rpos = f->rlen = 0;
    if (buf && size > 0) {
        f->buf = (unsigned char *)buf;
        f->size = size;
    } else {
        f->buf = f->own;
        f->size = BUFSIZ;
    }
    return 0;
}

void setbuf(FILE *f, char *buf)
{
    setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

int feof(FILE *f)
{
    return f->eof;
}

int ferror(FILE *f)
{
    return f->err;
}

void clearerr_unlocked(FILE *f)
{
    f->eof = f->err = 0;
}

int fileno(FILE *f)
{
    return f->fd;
}

void perror(const char *s)
{
    const char *msg = strerror(errno);
    if (s && *s)
        fprintf(stderr, "%s: %s\n", s, msg);
    else
        fprintf(stderr, "%s\n", msg);
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    int locked = __cowos_lock_mt(&f->lock);
    size_t r = fwrite_unlocked(p, size, n, f);
    __cowos_unlock_mt(&f->lock, locked);
    return r;
}

int fputc(int c, FILE *f)
{
    int locked = __cowos_lock_mt(&f->lock);
    int r = fputc_unlocked(c, f);
    __cowos_unlock_mt(&f->lock, locked);
    return r;
}

int fputs(const char *s, FILE *f)
{
    int locked = __cowos_lock_mt(&f->lock);
    int r = fputs_unlocked(s, f);
    __cowos_unlock_mt(&f->lock, locked);
    return r;
}

int puts(const char *s)
{
    int locked = __cowos_lock_mt(&stdout->lock);
    int r = puts_unlocked(s);
    __cowos_unlock_mt(&stdout->lock, locked);
    return r;
}

int fgetc(FILE *f)
{
    int locked = __cowos_lock_mt(&f->lock);
    int r = fgetc_unlocked(f);
    __cowos_unlock_mt(&f->lock, locked);
    return r;
}

char *fgets(char *s, int n, FILE *f)
{
    int locked = __cowos_lock_mt(&f->lock);
    char * r = fgets_unlocked(s, n, f);
    __cowos_unlock_mt(&f->lock, locked);
    return r;
}

int setvbuf(FILE *f, char *buf, int mode, size_t size)
{
    int locked = __cowos_lock_mt(&f->lock);
    int r = setvbuf_unlocked(f, buf, mode, size);
    __cowos_unlock_mt(&f->lock, locked);
    return r;
}

void clearerr(FILE *f)
{
    int locked = __cowos_lock_mt(&f->lock);
    clearerr_unlocked(f);
    __cowos_unlock_mt(&f->lock, locked);
}

int putc_unlocked(int c, FILE *f)
{
    return fputc_unlocked(c, f);
}

int putchar_unlocked(int c)
{
    return fputc_unlocked(c, stdout);
}

int getc_unlocked(FILE *f)
{
    return fgetc_unlocked(f);
}

int getchar_unlocked(void)
{
    return fgetc_unlocked(stdin);
}

void flockfile(FILE *f)
{
    __cowos_lock(&f->lock);
}

int ftrylockfile(FILE *f)
{
    return __cowos_trylock(&f->lock) ? 0 : 1;
}

void funlockfile(FILE *f)
{
    __cowos_unlock(&f->lock);
}

void __cowos_stdio_fork_lock(void)
{
    for (int i = 0; i < 3; i++)
        __cowos_lock(&streams[i].lock);
}

void __cowos_stdio_fork_unlock(void)
{
    for (int i = 2; i >= 0; i--)
        __cowos_unlock(&streams[i].lock);
}

struct __cowos_lock *__cowos_file_lock(FILE *f)
{
    return &f->lock;
}
