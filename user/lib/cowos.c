/*
 * cowos.c - the cowos-only extras declared in <cowos.h>: raw system calls,
 * power-off and the uptime clock.
 */
#include <cowos.h>
#include "user/lib/syscall.h"

long cowos_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    return syscall6(nr, a1, a2, a3, a4, a5, a6);
}

int cowos_poweroff(int status)
{
    return (int)sysret(syscall1(SYS_poweroff, status));
}

unsigned long cowos_uptime_ms(void)
{
    return (unsigned long)syscall0(SYS_uptime_ms);
}
