/*
 * fscalls.h - the file-system system calls (numbers in kernel/sysnum.h).
 * Each returns >= 0 or -errno, as the Linux call of the same name.
 */
#ifndef KERNEL_FS_FSCALLS_H
#define KERNEL_FS_FSCALLS_H

long sys_open(long path, long flags, long mode);
long sys_pread64(long fd, long buf, long n, long off);
long sys_pwrite64(long fd, long buf, long n, long off);
long sys_ftruncate(long fd, long len);
long sys_truncate(long path, long len);
long sys_unlink(long path);
long sys_rename(long oldpath, long newpath);
long sys_link(long oldpath, long newpath);
long sys_symlink(long target, long linkpath);
long sys_readlink(long path, long buf, long size);
long sys_mkdir(long path, long mode);
long sys_rmdir(long path);
long sys_stat(long path, long st);
long sys_fstat(long fd, long st);
long sys_lstat(long path, long st);
long sys_getdents64(long fd, long buf, long count);
long sys_chdir(long path);
long sys_fchdir(long fd);
/* getcwd(buf, size): the length of the path with its NUL (as Linux's raw
 * call), -ERANGE if size is too small, -ENOENT if the directory was removed. */
long sys_getcwd(long buf, long size);
long sys_fsync(long fd);
long sys_umask(long mask);
long sys_access(long path, long mode);
long sys_statfs(long path, long buf);
long sys_fchmodat(long dirfd, long path, long mode);
long sys_fchmod(long fd, long mode);
long sys_utimensat(long dirfd, long path, long times, long flags);
long sys_openat(long dirfd, long path, long flags, long mode);
long sys_newfstatat(long dirfd, long path, long st, long flags);
long sys_mkdirat(long dirfd, long path, long mode);
long sys_unlinkat(long dirfd, long path, long flags);
long sys_renameat(long olddirfd, long oldpath, long newdirfd, long newpath);
long sys_readlinkat(long dirfd, long path, long buf, long size);
long sys_faccessat(long dirfd, long path, long mode);

#endif
