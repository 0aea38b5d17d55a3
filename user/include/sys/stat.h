/*
 * sys/stat.h - file status and modes (Linux's x86-64 struct stat).
 */
#ifndef _COWOS_SYS_STAT_H
#define _COWOS_SYS_STAT_H

#include <sys/types.h>

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
    time_t st_atime;
    unsigned long st_atime_nsec;
    time_t st_mtime;
    unsigned long st_mtime_nsec;
    time_t st_ctime;
    unsigned long st_ctime_nsec;
    long __unused[3];
};

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

int stat(const char *path, struct stat *st);
int fstat(int fd, struct stat *st);
int lstat(const char *path, struct stat *st);
int mkdir(const char *path, mode_t mode);
/* Set the creation mask; returns the previous one. */
mode_t umask(mode_t mask);

#endif
