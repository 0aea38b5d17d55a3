/*
 * wait.c - reaping children through SYS_wait4 (pid, status, options).
 * The status word is the kernel's, already in Linux's encoding.
 */
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
