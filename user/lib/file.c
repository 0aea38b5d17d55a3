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
