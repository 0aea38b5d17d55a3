/*
 * fcntl.h - cowos user library: open() and its flags (Linux's values).
 * The cowos kernel opens initrd files and directories read-only; other
 * flags are passed through for the kernel to accept or refuse.
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
#define O_DIRECTORY 0200000
#define O_CLOEXEC 02000000

/*
 * Open path with flags (a mode argument after them is accepted and ignored).
 * Returns the lowest free descriptor, or -1 with errno (ENOENT, EMFILE, ...).
 */
int open(const char *path, int flags, ...);

#endif
