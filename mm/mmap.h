/*
 * mmap.h - the memory-area system calls (arguments checked as Linux does).
 */
#ifndef MM_MMAP_H
#define MM_MMAP_H

/* mmap(addr, len, prot, flags, fd, offset) -> the mapping's address or -errno. */
long sys_mmap(long addr, long len, long prot, long flags, long fd, long offset);
/* munmap(addr, len) -> 0 or -EINVAL. Unmapping nothing is not an error. */
long sys_munmap(long addr, long len);
/* mprotect(addr, len, prot) -> 0, -EINVAL, -ENOMEM (not all mapped), -EACCES. */
long sys_mprotect(long addr, long len, long prot);
/* madvise(addr, len, advice) -> 0, -EINVAL, -ENOMEM (not all mapped). */
long sys_madvise(long addr, long len, long advice);
/* msync(addr, len, flags) -> 0, -EINVAL, -ENOMEM (not all mapped). */
long sys_msync(long addr, long len, long flags);

/* mlockall(flags): MCL_CURRENT faults in every page of every area now;
 * MCL_FUTURE does the same for every later mapping and heap growth. Nothing
 * is ever swapped out here, so that is all locking means. 0 or -EINVAL. */
long sys_mlockall(long flags);
/* munlockall(): later mappings are filled on demand again. Always 0. */
long sys_munlockall(void);

#endif
