/*
 * host_test.c - runs the host unit tests of the cowos user library and
 * provides the fakes its renamed objects call in place of system calls:
 * sbrk over a static arena, write into per-descriptor capture buffers,
 * read from a script, an abort() that can be caught, and locks that do
 * nothing (one thread).
 * Prints each failure and a summary; exits 1 if anything failed.
 */
#include <sys/mman.h>
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cw.h"

long checks, failures;

void check_failed(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    failures++;
    if (failures > 50)
        return; /* enough to go on */
    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

uint64_t rnd(void)
{
    static uint64_t x = 0x9e3779b97f4a7c15ULL;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

/* ---- sbrk ---- */

#define ARENA_SIZE (96u << 20)
static char arena[ARENA_SIZE] __attribute__((aligned(4096)));
char *arena_base = arena + 8; /* deliberately not 16-aligned */
char *arena_limit = arena + ARENA_SIZE;
char *fake_brk = arena + 8;

void *cw_sbrk(long incr)
{
    char *old = fake_brk;
    if ((incr > 0 && incr > arena_limit - old) || (incr < 0 && -incr > old - arena_base)) {
        cw_errno = ENOMEM;
        return (void *)-1;
    }
    fake_brk += incr;
    return old;
}

/* ---- mmap and munmap: the host's own, counted ---- */

long mapped_now; /* mappings malloc made and has not given back */

void *cw_mmap(void *addr, size_t len, int prot, int flags, int fd, long offset)
{
    void *p = mmap(addr, len, prot, flags, fd, offset);
    if (p == MAP_FAILED) {
        cw_errno = errno;
        return (void *)-1;
    }
    mapped_now++;
    return p;
}

int cw_munmap(void *addr, size_t len)
{
    mapped_now--;
    return munmap(addr, len);
}

/* ---- write and read ---- */

struct capture captured[3];
int fail_writes;
int events[64];
int nevents;

static void event(int what)
{
    if (nevents < 64)
        events[nevents++] = what;
}

void capture_reset(void)
{
    memset(captured, 0, sizeof(captured));
    nevents = 0;
    fail_writes = 0;
}

int cw___cowos_write_all(int fd, const void *p, unsigned long n)
{
    event('w');
    if (fail_writes) {
        cw_errno = EPIPE;
        return -1;
    }
    if (fd < 0 || fd > 2 || captured[fd].len + n > sizeof(captured[fd].data)) {
        cw_errno = EBADF;
        return -1;
    }
    memcpy(captured[fd].data + captured[fd].len, p, n);
    captured[fd].len += n;
    captured[fd].writes++;
    return 0;
}

static const char *const *read_script;
static size_t read_offset; /* bytes of the current chunk already handed out */

void script_reads(const char *const *chunks)
{
    read_script = chunks;
    read_offset = 0;
}

long cw_read(int fd, void *buf, size_t n)
{
    (void)fd;
    event('r');
    if (!read_script || !*read_script)
        return 0;
    const char *chunk = *read_script + read_offset;
    size_t len = strlen(chunk);
    if (len > n) {
        memcpy(buf, chunk, n);
        read_offset += n;
        return (long)n;
    }
    memcpy(buf, chunk, len);
    read_script++;
    read_offset = 0;
    return (long)len;
}

/* ---- the library's locks: the host tests run one thread ---- */

int cw___cowos_threaded;
void cw___cowos_lock(void *l) { (void)l; }
void cw___cowos_unlock(void *l) { (void)l; }
int cw___cowos_lock_mt(void *l)
{
    (void)l;
    return 0;
}
void cw___cowos_unlock_mt(void *l, int locked)
{
    (void)l;
    (void)locked;
}
int cw___cowos_trylock(void *l)
{
    (void)l;
    return 1;
}

/* ---- abort ---- */

int abort_armed, abort_calls;
jmp_buf abort_jump;

void cw_abort(void)
{
    abort_calls++;
    if (abort_armed)
        longjmp(abort_jump, 1);
    fprintf(stderr, "host_test: the library called abort()\n");
    abort();
}

int main(void)
{
    test_string();
    test_ctype();
    test_strtol();
    test_printf();
    test_qsort();
    test_malloc();
    test_stdio();
    printf("host_test: %ld checks, %ld failed\n", checks, failures);
    return failures ? 1 : 0;
}
