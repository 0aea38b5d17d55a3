/*
 * sys/stat.h - file status and modes (Linux's x86-64 struct stat).
 */
#ifndef _COWOS_SYS_STAT_H
#define _COWOS_SYS_STAT_H

#include <sys/types.h>
#include <time.h>

struct stat {
    unsigned long st_dev;
    ino_t st_ino;
    unsigned long st_nlink;
    mode_t st_mode;
    uid_t st_uid;
    gid_t st_gid;
    int __pad0;
    unsigned long st_rdev;
    off_t st_size;
    long st_blksize;
    long st_blocks; /* 512-byte units */
    struct timespec st_atim; /* last access */
    struct timespec st_mtim; /* last change of the data */
    struct timespec st_ctim; /* last change of the data or the inode */
    long __unused[3];
};
#define st_atime st_atim.tv_sec
#define st_mtime st_mtim.tv_sec
#define st_ctime st_ctim.tv_sec

#define S_IFMT 0170000
#define S_IFIFO 0010000
#define S_IFCHR 0020000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_IRWXU 0700
#define S_IRUSR 0400
#define S_IWUSR 0200
#define S_IXUSR 0100
#define S_IRWXG 070
#define S_IRWXO 07

#define S_IRGRP 040
#define S_IWGRP 020
#define S_IXGRP 010
#define S_IROTH 04
#define S_IWOTH 02
#define S_IXOTH 01
#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000

/* utimensat and futimens: a tv_nsec that means "now" or "leave as it is". */
#define UTIME_NOW ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)

int stat(const char *path, struct stat *st);
/* flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH (stat dirfd itself). */
int fstatat(int dirfd, const char *path, struct stat *st, int flags);
/* Set the permission bits (07777); stat and ls -l show them. With one user
 * who has root's powers they change what access(X_OK) and exec allow. */
int chmod(const char *path, mode_t mode);
int fchmod(int fd, mode_t mode);
/* flags: 0, or AT_SYMLINK_NOFOLLOW (EOPNOTSUPP on a link, as glibc). */
int fchmodat(int dirfd, const char *path, mode_t mode, int flags);
int mkdirat(int dirfd, const char *path, mode_t mode);
/* Set the access and modification times (times NULL: both now; a tv_nsec
 * of UTIME_NOW or UTIME_OMIT). Times count from boot (see <time.h>). */
int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags);
int futimens(int fd, const struct timespec times[2]);
int fstat(int fd, struct stat *st);
int lstat(const char *path, struct stat *st);
int mkdir(const char *path, mode_t mode);
/* Set the creation mask; returns the previous one. */
mode_t umask(mode_t mask);

#endif
