/*
 * wait.c - waiting for children through SYS_wait4 (pid, status, options)
 * and SYS_waitid. The status word is the kernel's, already in Linux's
 * encoding.
 */
#include <errno.h>
#include <sys/wait.h>
#include "user/lib/syscall.h"

pid_t waitpid(pid_t pid, int *status, int options)
{
    return (pid_t)sysret(syscall3(SYS_wait4, pid, (long)status, options));
}

pid_t wait(int *status)
{
    return waitpid(-1, status, 0);
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
    if (ru) { /* no resource accounting: refused rather than left unfilled */
        errno = EINVAL;
        return -1;
    }
    return waitpid(pid, status, options);
}

pid_t wait3(int *status, int options, struct rusage *ru)
{
    return wait4(-1, status, options, ru);
}

int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options)
{
    return (int)sysret(syscall4(SYS_waitid, idtype, id, (long)info, options));
}
