/*
 * errno.c - errno itself and the text for each error number (strerror).
 * errno is thread-local (static TLS, see pthread_tls.c): each thread has
 * its own, reached through __errno_location() as <errno.h>'s macro says.
 * The table is indexed by the numbers of <errno.h>; a number missing from it
 * gets "Unknown error N", written into a thread-local buffer.
 */
#define _GNU_SOURCE /* strerror_r: glibc's form here, POSIX's as __xpg_strerror_r */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static _Thread_local int errno_value;

int *__errno_location(void)
{
    return &errno_value;
}

/* For assembly stubs (vfork.S): errno = -r, return -1. */
long __cowos_syscall_error(long r);
long __cowos_syscall_error(long r)
{
    errno_value = (int)-r;
    return -1;
}

static const char *const messages[] = {
    [0] = "Success",
    [EPERM] = "Operation not permitted",
    [ENOENT] = "No such file or directory",
    [ESRCH] = "No such process",
    [EINTR] = "Interrupted system call",
    [EIO] = "Input/output error",
    [ENXIO] = "No such device or address",
    [E2BIG] = "Argument list too long",
    [ENOEXEC] = "Exec format error",
    [EBADF] = "Bad file descriptor",
    [ECHILD] = "No child processes",
    [EAGAIN] = "Resource temporarily unavailable",
    [ENOMEM] = "Cannot allocate memory",
    [EACCES] = "Permission denied",
    [EFAULT] = "Bad address",
    [EBUSY] = "Device or resource busy",
    [EEXIST] = "File exists",
    [EXDEV] = "Invalid cross-device link",
    [ENODEV] = "No such device",
    [ENOTDIR] = "Not a directory",
    [EISDIR] = "Is a directory",
    [EINVAL] = "Invalid argument",
    [ENFILE] = "Too many open files in system",
    [EMFILE] = "Too many open files",
    [ENOTTY] = "Inappropriate ioctl for device",
    [ETXTBSY] = "Text file busy",
    [EFBIG] = "File too large",
    [ENOSPC] = "No space left on device",
    [ESPIPE] = "Illegal seek",
    [EROFS] = "Read-only file system",
    [EMLINK] = "Too many links",
    [EPIPE] = "Broken pipe",
    [EDOM] = "Numerical argument out of domain",
    [ERANGE] = "Numerical result out of range",
    [EDEADLK] = "Resource deadlock avoided",
    [ENAMETOOLONG] = "File name too long",
    [ENOSYS] = "Function not implemented",
    [ENOTEMPTY] = "Directory not empty",
    [ELOOP] = "Too many levels of symbolic links",
    [EOVERFLOW] = "Value too large for defined data type",
    [EILSEQ] = "Invalid or incomplete multibyte or wide character",
    [EOPNOTSUPP] = "Operation not supported",
    [ETIMEDOUT] = "Connection timed out",
};

char *strerror(int err)
{
    static _Thread_local char unknown[32];
    if (err >= 0 && (size_t)err < sizeof(messages) / sizeof(messages[0]) && messages[err])
        return (char *)messages[err];
    snprintf(unknown, sizeof(unknown), "Unknown error %d", err);
    return unknown;
}

/* glibc's strerror_r (_GNU_SOURCE): the message, in buf when it is made up. */
char *strerror_r(int err, char *buf, size_t size);
char *strerror_r(int err, char *buf, size_t size)
{
    if (err >= 0 && (size_t)err < sizeof(messages) / sizeof(messages[0]) && messages[err])
        return (char *)messages[err];
    if (size)
        snprintf(buf, size, "Unknown error %d", err);
    return buf;
}

/* POSIX's strerror_r (what <string.h> names strerror_r without _GNU_SOURCE). */
int __xpg_strerror_r(int err, char *buf, size_t size);
int __xpg_strerror_r(int err, char *buf, size_t size)
{
    char tmp[32];
    const char *msg = strerror_r(err, tmp, sizeof(tmp));
    size_t n = strlen(msg);
    if (size == 0)
        return ERANGE;
    if (n >= size) {
        memcpy(buf, msg, size - 1);
        buf[size - 1] = '\0';
        return ERANGE;
    }
    memcpy(buf, msg, n + 1);
    return 0;
}
