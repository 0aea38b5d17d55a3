/*
 * sys/mman.h - cowos user library: memory mappings (mmap, munmap, mprotect,
 * madvise, msync) with Linux's constants. What the kernel does not
 * implement it refuses with EINVAL; the README lists it.
 */
#ifndef _COWOS_SYS_MMAN_H
#define _COWOS_SYS_MMAN_H

#include <sys/types.h>
#include "../../../kernel/sysnum.h"

#define PROT_NONE COWOS_PROT_NONE
#define PROT_READ COWOS_PROT_READ
#define PROT_WRITE COWOS_PROT_WRITE
#define PROT_EXEC COWOS_PROT_EXEC

#define MAP_SHARED COWOS_MAP_SHARED
#define MAP_PRIVATE COWOS_MAP_PRIVATE
#define MAP_SHARED_VALIDATE COWOS_MAP_SHARED_VALIDATE
#define MAP_TYPE 0x0f
#define MAP_FIXED COWOS_MAP_FIXED
#define MAP_ANONYMOUS COWOS_MAP_ANONYMOUS
#define MAP_ANON MAP_ANONYMOUS
#define MAP_DENYWRITE COWOS_MAP_DENYWRITE
#define MAP_EXECUTABLE COWOS_MAP_EXECUTABLE
#define MAP_LOCKED COWOS_MAP_LOCKED
#define MAP_NORESERVE COWOS_MAP_NORESERVE
#define MAP_POPULATE COWOS_MAP_POPULATE
#define MAP_NONBLOCK COWOS_MAP_NONBLOCK
#define MAP_STACK COWOS_MAP_STACK
#define MAP_FIXED_NOREPLACE COWOS_MAP_FIXED_NOREPLACE
#define MAP_FAILED ((void *)-1)

#define MADV_NORMAL COWOS_MADV_NORMAL
#define MADV_RANDOM COWOS_MADV_RANDOM
#define MADV_SEQUENTIAL COWOS_MADV_SEQUENTIAL
#define MADV_WILLNEED COWOS_MADV_WILLNEED
#define MADV_DONTNEED COWOS_MADV_DONTNEED
#define MADV_FREE COWOS_MADV_FREE
#define MADV_DONTFORK COWOS_MADV_DONTFORK
#define MADV_DOFORK COWOS_MADV_DOFORK
#define MADV_WIPEONFORK COWOS_MADV_WIPEONFORK
#define MADV_KEEPONFORK COWOS_MADV_KEEPONFORK
#define MADV_COLD COWOS_MADV_COLD
#define MADV_POPULATE_READ COWOS_MADV_POPULATE_READ
#define MADV_POPULATE_WRITE COWOS_MADV_POPULATE_WRITE
#define POSIX_MADV_NORMAL MADV_NORMAL
#define POSIX_MADV_RANDOM MADV_RANDOM
#define POSIX_MADV_SEQUENTIAL MADV_SEQUENTIAL
#define POSIX_MADV_WILLNEED MADV_WILLNEED
#define POSIX_MADV_DONTNEED 4 /* as glibc: advice only, never drops data (see posix_madvise) */

#define MS_ASYNC COWOS_MS_ASYNC
#define MS_INVALIDATE COWOS_MS_INVALIDATE
#define MS_SYNC COWOS_MS_SYNC

#define MCL_CURRENT COWOS_MCL_CURRENT
#define MCL_FUTURE COWOS_MCL_FUTURE
#define MCL_ONFAULT COWOS_MCL_ONFAULT

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
int madvise(void *addr, size_t len, int advice);
/* POSIX's form: returns the error number instead of setting errno; as glibc,
 * POSIX_MADV_DONTNEED is a hint that keeps the data. */
int posix_madvise(void *addr, size_t len, int advice);
int msync(void *addr, size_t len, int flags);
/* mlockall(MCL_CURRENT) brings every page of the process into memory now
 * (the way to measure exact frame counts with no demand faults later). */
int mlockall(int flags);
int munlockall(void);

#endif
