/*
 * unistd.c - one thin wrapper per system call for processes, descriptors
 * and system values. Each passes its arguments through unchanged and maps
 * a negative answer to -1 with errno (see syscall.h). No state lives here.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "user/lib/internal.h"
#include "user/lib/syscall.h"
#include <fcntl.h>
#include <stdarg.h>

/* Our public _SC_ names must be the kernel's (both use Linux's values). */
_Static_assert(_SC_CHILD_MAX == COWOS_SC_CHILD_MAX, "_SC_CHILD_MAX");
_Static_assert(_SC_CLK_TCK == COWOS_SC_CLK_TCK, "_SC_CLK_TCK");
_Static_assert(_SC_OPEN_MAX == COWOS_SC_OPEN_MAX, "_SC_OPEN_MAX");
_Static_assert(_SC_PAGESIZE == COWOS_SC_PAGESIZE, "_SC_PAGESIZE");
_Static_assert(_SC_NPROCESSORS_ONLN == COWOS_SC_NPROCESSORS_ONLN, "_SC_NPROCESSORS_ONLN");
_Static_assert(_SC_PHYS_PAGES == COWOS_SC_PHYS_PAGES, "_SC_PHYS_PAGES");
_Static_assert(_SC_AVPHYS_PAGES == COWOS_SC_AVPHYS_PAGES, "_SC_AVPHYS_PAGES");

_Static_assert(SYS_vfork == 96, "user/lib/vfork.S calls system call 96");

/* pthread.c's fork with atfork handlers and the library's locks, once the
 * process has either; until then fork is the bare system call. (.data:
 * reading it must not fault in a bss page.) */
pid_t (*__cowos_fork_hook)(void) __attribute__((section(".data")));

long __cowos_syscall_error(long r); /* errno.c: errno = -r, return -1 */

pid_t fork(void)
{
    if (__builtin_expect(__cowos_fork_hook != NULL, 0))
        return __cowos_fork_hook();
    long r = syscall0(SYS_fork);
    if (r < 0) /* (out of line: the way to `syscall` stays a few instructions) */
        return (pid_t)__cowos_syscall_error(r);
    return (pid_t)r;
}

_Noreturn void _exit(int status)
{
    syscall1(SYS_exit_group, status); /* every thread, as glibc (SYS_exit ends one) */
    __builtin_trap(); /* SYS_exit_group never returns */
}

pid_t gettid(void)
{
    return (pid_t)syscall0(SYS_gettid);
}

long syscall(long number, ...)
{
    va_list ap;
    va_start(ap, number);
    long a[6];
    for (int i = 0; i < 6; i++)
        a[i] = va_arg(ap, long); /* reading unpassed ones is harmless on x86-64 */
    va_end(ap);
    return sysret(syscall6(number, a[0], a[1], a[2], a[3], a[4], a[5]));
}

pid_t getpid(void)
{
    return (pid_t)syscall0(SYS_getpid);
}

pid_t getppid(void)
{
    return (pid_t)syscall0(SYS_getppid);
}

ssize_t read(int fd, void *buf, size_t n)
{
    return sysret(syscall3(SYS_read, fd, (long)buf, (long)n));
}

ssize_t write(int fd, const void *buf, size_t n)
{
    return sysret(syscall3(SYS_write, fd, (long)buf, (long)n));
}

int __cowos_write_all(int fd, const void *p, unsigned long n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t r = write(fd, c, n);
        if (r < 0)
            return -1;
        if (r == 0) { /* a writer that accepts nothing would spin forever */
            errno = EIO;
            return -1;
        }
        c += r;
        n -= (unsigned long)r;
    }
    return 0;
}

int close(int fd)
{
    return (int)sysret(syscall1(SYS_close, fd));
}

int pipe(int fds[2])
{
    return (int)sysret(syscall1(SYS_pipe, (long)fds));
}

int pipe2(int fds[2], int flags)
{
    return (int)sysret(syscall2(SYS_pipe2, (long)fds, flags));
}

int dup(int fd)
{
    return (int)sysret(syscall1(SYS_dup, fd));
}

int dup2(int fd, int newfd)
{
    return (int)sysret(syscall2(SYS_dup2, fd, newfd));
}

int dup3(int fd, int newfd, int flags)
{
    return (int)sysret(syscall3(SYS_dup3, fd, newfd, flags));
}

off_t lseek(int fd, off_t offset, int whence)
{
    return sysret(syscall3(SYS_lseek, fd, offset, whence));
}

int open(const char *path, int flags, ...)
{
    long mode = 0;
    if (flags & O_CREAT) { /* as glibc: the mode is read only when it is used */
        va_list ap;
        va_start(ap, flags);
        mode = (long)va_arg(ap, unsigned int);
        va_end(ap);
    }
    return (int)sysret(syscall3(SYS_open, (long)path, flags, mode));
}

int sched_yield(void)
{
    return (int)sysret(syscall0(SYS_sched_yield));
}

pid_t setsid(void)
{
    return (pid_t)sysret(syscall0(SYS_setsid));
}

pid_t getsid(pid_t pid)
{
    return (pid_t)sysret(syscall1(SYS_getsid, pid));
}

long sysconf(int name)
{
    if (name == _SC_NPROCESSORS_CONF) /* every CPU there is, is online */
        name = _SC_NPROCESSORS_ONLN;
    return sysret(syscall1(SYS_sysconf, name));
}

int kill(pid_t pid, int sig)
{
    return (int)sysret(syscall2(SYS_kill, pid, sig));
}

int raise(int sig)
{
    return (int)sysret(syscall3(SYS_tgkill, getpid(), gettid(), sig)); /* this thread */
}

int setpgid(pid_t pid, pid_t pgid)
{
    return (int)sysret(syscall2(SYS_setpgid, pid, pgid));
}

pid_t getpgid(pid_t pid)
{
    return (pid_t)sysret(syscall1(SYS_getpgid, pid));
}

pid_t getpgrp(void)
{
    return getpgid(0);
}

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    long arg = va_arg(ap, long);
    va_end(ap);
    return (int)sysret(syscall3(SYS_ioctl, fd, (long)request, arg));
}

pid_t tcgetpgrp(int fd)
{
    int pgrp;
    if (sysret(syscall3(SYS_ioctl, fd, TIOCGPGRP, (long)&pgrp)) < 0)
        return -1;
    return pgrp;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
    int pg = pgrp;
    return (int)sysret(syscall3(SYS_ioctl, fd, TIOCSPGRP, (long)&pg));
}

int isatty(int fd)
{
    char termios[64]; /* the kernel writes Linux's 36-byte struct */
    return sysret(syscall3(SYS_ioctl, fd, TCGETS, (long)termios)) == 0;
}

char *ttyname(int fd)
{
    static char name[] = "/dev/console";
    return isatty(fd) ? name : NULL;
}
