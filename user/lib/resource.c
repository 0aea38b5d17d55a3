/*
 * resource.c - getrlimit and setrlimit: struct rlimit is the kernel's
 * struct cowos_rlimit, so each is one system call.
 */
#include <sys/resource.h>
#include "user/lib/syscall.h"

_Static_assert(sizeof(struct rlimit) == sizeof(struct cowos_rlimit), "Linux's struct rlimit");

int getrlimit(int resource, struct rlimit *rl)
{
    return (int)sysret(syscall2(SYS_getrlimit, resource, (long)rl));
}

int setrlimit(int resource, const struct rlimit *rl)
{
    return (int)sysret(syscall2(SYS_setrlimit, resource, (long)rl));
}
