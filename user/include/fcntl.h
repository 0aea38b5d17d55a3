/*
 * fcntl.h - cowos user library: open() and fcntl() with their flags and
 * commands (Linux's values). The cowos kernel opens initrd files and
 * directories read-only; flags are passed through for the kernel to accept
 * or refuse (an open flag it does not implement is EINVAL, never ignored).
 */
#ifndef _COWOS_FCNTL_H
#define _COWOS_FCNTL_H

#include <sys/types.h>

#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_ACCMODE 03
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_NDELAY O_NONBLOCK
#define O_LARGEFILE 0100000 /* the kernel's bit; every file is "large" on x86-64 */
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000

/* fcntl() commands and the descriptor flag. */
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1

/*
 * Open path with flags (a mode argument after them is accepted and ignored).
 * Returns the lowest free descriptor, or -1 with errno (ENOENT, EMFILE, ...).
 */
/* Open (with O_CREAT: create, mode & ~umask) a file of the file system;
 * returns the lowest free descriptor or -1 with errno as Linux. */
int open(const char *path, int flags, ...);
/* The *at calls: a relative path starts at directory dirfd (AT_FDCWD: the
 * working directory). */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EACCESS 0x200
#define AT_EMPTY_PATH 0x1000
int openat(int dirfd, const char *path, int flags, ...);
/* open(path, O_CREAT | O_WRONLY | O_TRUNC, mode). */
int creat(const char *path, mode_t mode);

/*
 * Act on descriptor fd; the third argument is an int where cmd takes one.
 * F_DUPFD / F_DUPFD_CLOEXEC (lowest free descriptor >= arg; the second sets
 * FD_CLOEXEC on it), F_GETFD / F_SETFD (the descriptor's FD_CLOEXEC),
 * F_GETFL (access mode and status flags) / F_SETFL (changes O_APPEND and
 * O_NONBLOCK). -1 with EBADF (fd not open), EINVAL (unknown command, or arg
 * out of range for F_DUPFD) or EMFILE.
 */
int fcntl(int fd, int cmd, ...);

#endif
