/*
 * file.c - the file-system calls by name and the stat family: thin wrappers
 * over the system calls (kernel/fs/fscalls.c), -errno turned into -1/errno.
 */
#include "user/lib/syscall.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <stdarg.h>
#include <unistd.h>

int creat(const char *path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }

ssize_t pread(int fd, void *buf, size_t n, off_t offset)
{
    return sysret(syscall4(SYS_pread64, fd, (long)buf, (long)n, offset));
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset)
{
    return sysret(syscall4(SYS_pwrite64, fd, (long)buf, (long)n, offset));
}

int unlink(const char *path) { return (int)sysret(syscall1(SYS_unlink, (long)path)); }
int rmdir(const char *path) { return (int)sysret(syscall1(SYS_rmdir, (long)path)); }
int rename(const char *a, const char *b) { return (int)sysret(syscall2(SYS_rename, (long)a, (long)b)); }
int link(const char *a, const char *b) { return (int)sysret(syscall2(SYS_link, (long)a, (long)b)); }

int symlink(const char *target, const char *linkpath)
{
    return (int)sysret(syscall2(SYS_symlink, (long)target, (long)linkpath));
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
    return sysret(syscall3(SYS_readlink, (long)path, (long)buf, (long)size));
}

int truncate(const char *path, off_t length)
{
    return (int)sysret(syscall2(SYS_truncate, (long)path, length));
}

int ftruncate(int fd, off_t length) { return (int)sysret(syscall2(SYS_ftruncate, fd, length)); }
int chdir(const char *path) { return (int)sysret(syscall1(SYS_chdir, (long)path)); }
int fchdir(int fd) { return (int)sysret(syscall1(SYS_fchdir, fd)); }

char *getcwd(char *buf, size_t size)
{
    long r = sysret(syscall2(SYS_getcwd, (long)buf, (long)size));
    return r < 0 ? NULL : buf;
}

int fsync(int fd) { return (int)sysret(syscall1(SYS_fsync, fd)); }
int fdatasync(int fd) { return fsync(fd); }
int access(const char *path, int mode) { return (int)sysret(syscall2(SYS_access, (long)path, mode)); }

int stat(const char *path, struct stat *st)
{
    return (int)sysret(syscall2(SYS_stat, (long)path, (long)st));
}

int fstat(int fd, struct stat *st) { return (int)sysret(syscall2(SYS_fstat, fd, (long)st)); }

int lstat(const char *path, struct stat *st)
{
    return (int)sysret(syscall2(SYS_lstat, (long)path, (long)st));
}

int mkdir(const char *path, mode_t mode)
{
    return (int)sysret(syscall2(SYS_mkdir, (long)path, (long)mode));
}

mode_t umask(mode_t mask) { return (mode_t)syscall1(SYS_umask, (long)mask); }

int statfs(const char *path, struct statfs *buf)
{
    return (int)sysret(syscall2(SYS_statfs, (long)path, (long)buf));
}

int remove(const char *path)
{
    if (unlink(path) == 0)
        return 0;
    return errno == EISDIR ? rmdir(path) : -1;
}

/* ---- the *at calls, chmod and times ---- */

int openat(int dirfd, const char *path, int flags, ...)
{
    long mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = (long)va_arg(ap, unsigned int);
        va_end(ap);
    }
    return (int)sysret(syscall4(SYS_openat, dirfd, (long)path, flags, mode));
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    return (int)sysret(syscall4(SYS_newfstatat, dirfd, (long)path, (long)st, flags));
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
    return (int)sysret(syscall3(SYS_mkdirat, dirfd, (long)path, (long)mode));
}

int unlinkat(int dirfd, const char *path, int flags)
{
    return (int)sysret(syscall3(SYS_unlinkat, dirfd, (long)path, flags));
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
    return (int)sysret(syscall4(SYS_renameat, olddirfd, (long)oldpath, newdirfd, (long)newpath));
}

ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
    return sysret(syscall4(SYS_readlinkat, dirfd, (long)path, (long)buf, (long)size));
}

int faccessat(int dirfd, const char *path, int mode, int flags)
{
    if (flags & ~AT_EACCESS) {
        errno = EINVAL;
        return -1;
    }
    return (int)sysret(syscall3(SYS_faccessat, dirfd, (long)path, mode));
}

int chmod(const char *path, mode_t mode) { return fchmodat(AT_FDCWD, path, mode, 0); }

int fchmod(int fd, mode_t mode) { return (int)sysret(syscall2(SYS_fchmod, fd, (long)mode)); }

int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
    if (flags & ~AT_SYMLINK_NOFOLLOW) {
        errno = EINVAL;
        return -1;
    }
    struct stat st;
    if (flags && fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        errno = EOPNOTSUPP; /* a link's own mode cannot change (as Linux) */
        return -1;
    }
    return (int)sysret(syscall3(SYS_fchmodat, dirfd, (long)path, (long)mode));
}

int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
    if (!path) { /* only futimens passes no path (the raw call's meaning) */
        errno = EFAULT;
        return -1;
    }
    return (int)sysret(syscall4(SYS_utimensat, dirfd, (long)path, (long)times, flags));
}

int futimens(int fd, const struct timespec times[2])
{
    return (int)sysret(syscall4(SYS_utimensat, fd, 0, (long)times, 0));
}

int utimes(const char *path, const struct timeval tv[2])
{
    if (!tv)
        return utimensat(AT_FDCWD, path, NULL, 0);
    struct timespec ts[2];
    for (int i = 0; i < 2; i++) {
        if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000) {
            errno = EINVAL;
            return -1;
        }
        ts[i].tv_sec = tv[i].tv_sec;
        ts[i].tv_nsec = (long)tv[i].tv_usec * 1000;
    }
    return utimensat(AT_FDCWD, path, ts, 0);
}
