/*
 * fcntl.c - fcntl(): takes the optional third argument and passes it to the
 * kernel as it is. Every command the kernel knows takes an int or nothing;
 * for those that take nothing the value read is never looked at.
 */
#include "user/lib/syscall.h"
#include <fcntl.h>
#include <stdarg.h>

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = (long)va_arg(ap, int); /* as Linux, only the int is used */
    va_end(ap);
    return (int)sysret(syscall3(SYS_fcntl, fd, cmd, arg));
}
