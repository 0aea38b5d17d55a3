/*
 * cowstat.h - cowos-only: reading the kernel's memory and copy-on-write
 * counters, switching the COW trace, and listing a process's memory areas
 * and mapped pages.
 * Only for programs built for cowos (the demos and tests).
 */
#ifndef _COWOS_COWSTAT_H
#define _COWOS_COWSTAT_H

#include <cowos.h>
#include <errno.h>

/* Fill *m with the kernel's counters (struct cowos_memstat in sysnum.h). 0 or -1. */
static inline int cowos_memstat(struct cowos_memstat *m)
{
    long r = cowos_syscall(SYS_memstat, (long)m, 0, 0, 0, 0, 0);
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return 0;
}

/* Turn the kernel's per-fault COW trace on (1) or off (0); returns the old setting. */
static inline int cowos_cowtrace(int on)
{
    return (int)cowos_syscall(SYS_cowtrace, on, 0, 0, 0, 0, 0);
}

/* Up to max mapped pages of pid (0 = self) into buf; returns the number of
 * mapped pages (may exceed max), or -1 with errno. */
static inline long cowos_vmmap(int pid, struct cowos_vmentry *buf, long max)
{
    long r = cowos_syscall(SYS_vmmap, pid, (long)buf, max, 0, 0, 0);
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

/* Up to max memory areas of pid (0 = self) into buf, sorted by address, as
 * /proc/PID/maps lists them with smaps-like page counts (struct cowos_vmarea
 * in sysnum.h); returns the number of areas (may exceed max), or -1 with errno. */
long cowos_vmareas(int pid, struct cowos_vmarea *buf, long max);

/* The areas of pid (0 = self) in a malloc'd array (free it), *n of them;
 * NULL with errno on error. Asks again if the list grew meanwhile. */
struct cowos_vmarea *cowos_vmareas_all(int pid, long *n);

/* The mapped pages of pid (0 = self) in a malloc'd array (free it), *n of
 * them; NULL with errno on error. */
struct cowos_vmentry *cowos_vmmap_all(int pid, long *n);

/* The entry of the page holding va in pid's page tables (0 = self): 1 and
 * *out filled when mapped, 0 (and *out zeroed) when not, -1 with errno. */
int cowos_vmpage(int pid, unsigned long va, struct cowos_vmentry *out);

#endif
