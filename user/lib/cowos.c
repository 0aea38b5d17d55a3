/*
 * cowos.c - the cowos-only extras declared in <cowos.h> and <cowstat.h>:
 * raw system calls, power-off, the uptime clock, and reading a process's
 * memory areas and mapped pages (the whole list, grown until it fits).
 */
#include <cowos.h>
#include <cowstat.h>
#include <stdlib.h>
#include <string.h>
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

long cowos_vmareas(int pid, struct cowos_vmarea *buf, long max)
{
    return sysret(syscall3(SYS_vmareas, pid, (long)buf, max));
}

struct cowos_vmarea *cowos_vmareas_all(int pid, long *n)
{
    struct cowos_vmarea *a = NULL;
    long cap = 0;
    for (;;) {
        long got = cowos_vmareas(pid, a, cap);
        if (got < 0) {
            free(a);
            return NULL;
        }
        if (got <= cap) {
            *n = got;
            return a;
        }
        free(a); /* malloc may itself add an area (a large block): leave room */
        cap = got + 8;
        a = malloc((size_t)cap * sizeof(*a));
        if (!a)
            return NULL;
    }
}

struct cowos_vmentry *cowos_vmmap_all(int pid, long *n)
{
    struct cowos_vmentry *e = NULL;
    long cap = 0;
    for (;;) {
        long got = sysret(syscall3(SYS_vmmap, pid, (long)e, cap));
        if (got < 0) {
            free(e);
            return NULL;
        }
        if (got <= cap) {
            *n = got;
            return e;
        }
        /* Our own map grows while we allocate for it: ask again with room to spare. */
        free(e);
        cap = got + 64;
        e = malloc((size_t)cap * sizeof(*e));
        if (!e)
            return NULL;
    }
}

int cowos_vmpage(int pid, unsigned long va, struct cowos_vmentry *out)
{
    long n;
    struct cowos_vmentry *e = cowos_vmmap_all(pid, &n);
    memset(out, 0, sizeof(*out));
    if (!e)
        return -1;
    int found = 0;
    for (long i = 0; i < n && !found; i++)
        if (e[i].va == (va & ~4095UL)) {
            *out = e[i];
            found = 1;
        }
    free(e);
    return found;
}
