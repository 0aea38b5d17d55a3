/*
 * mman.c - memory mappings: thin stubs over SYS_mmap and friends.
 */
#include <errno.h>
#include <sys/mman.h>
#include "user/lib/syscall.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    long r = syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, offset);
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return MAP_FAILED;
    }
    return (void *)r;
}

int munmap(void *addr, size_t len) { return (int)sysret(syscall2(SYS_munmap, (long)addr, (long)len)); }

int mprotect(void *addr, size_t len, int prot)
{
    return (int)sysret(syscall3(SYS_mprotect, (long)addr, (long)len, prot));
}

int madvise(void *addr, size_t len, int advice)
{
    return (int)sysret(syscall3(SYS_madvise, (long)addr, (long)len, advice));
}

int posix_madvise(void *addr, size_t len, int advice)
{
    if (advice == POSIX_MADV_DONTNEED)
        advice = MADV_NORMAL; /* a hint: never throw the data away */
    long r = syscall3(SYS_madvise, (long)addr, (long)len, advice);
    return r < 0 ? (int)-r : 0;
}

int msync(void *addr, size_t len, int flags)
{
    return (int)sysret(syscall3(SYS_msync, (long)addr, (long)len, flags));
}

int mlockall(int flags) { return (int)sysret(syscall1(SYS_mlockall, flags)); }

int munlockall(void) { return (int)sysret(syscall0(SYS_munlockall)); }
