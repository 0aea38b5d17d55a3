/*
 * sys/time.h - cowos user library: struct timeval and gettimeofday().
 * As with <time.h>, the epoch is boot: there is no wall clock.
 */
#ifndef _COWOS_SYS_TIME_H
#define _COWOS_SYS_TIME_H

#include <sys/types.h>
#include <time.h>

struct timeval {
    time_t tv_sec;
    suseconds_t tv_usec;
};

/* Store the time since boot in *tv; tz must be NULL. Returns 0. */
int gettimeofday(struct timeval *tv, void *tz);
/* Set a file's access and modification times (tv NULL: now); see utimensat. */
int utimes(const char *path, const struct timeval tv[2]);

#endif
