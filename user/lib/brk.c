/*
 * brk.c - the program break (the end of the heap). Nothing is cached: the
 * kernel's SYS_brk answer is always the truth, so fork, exec and raw
 * system calls can never leave a stale copy here.
 */
#include <stdint.h>
#include <unistd.h>
#include "user/lib/syscall.h"

int brk(void *addr)
{
    long r = syscall1(SYS_brk, (long)addr);
    if (r != (long)addr) { /* the kernel answers with the unchanged break when it refuses */
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void *sbrk(long incr)
{
    long old = syscall1(SYS_brk, 0);
    if (old < 0) {
        errno = ENOMEM;
        return (void *)-1;
    }
    if (incr == 0)
        return (void *)old;
    uintptr_t want = (uintptr_t)old + (uintptr_t)incr;
    if ((incr > 0 && want < (uintptr_t)old) || (incr < 0 && want > (uintptr_t)old)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    if (syscall1(SYS_brk, (long)want) != (long)want) {
        errno = ENOMEM;
        return (void *)-1;
    }
    return (void *)old;
}
