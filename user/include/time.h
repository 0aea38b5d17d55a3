/*
 * time.h - cowos user library: sleeping and reading the clock.
 * cowos has no wall clock: every clock counts from boot, so time() is the
 * number of seconds since boot and clock() is elapsed time, not CPU time.
 */
#ifndef _COWOS_TIME_H
#define _COWOS_TIME_H

#include <sys/types.h>

#ifndef NULL
#define NULL ((void *)0)
#endif

#define CLOCKS_PER_SEC 1000000L
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

/*
 * Sleep for *req. Returns 0; or -1 with errno EINVAL (tv_nsec out of
 * [0, 1e9) or a negative time) or EINTR, with the time left in *rem
 * when rem is not NULL.
 */
int nanosleep(const struct timespec *req, struct timespec *rem);

/* Time since boot in CLOCKS_PER_SEC units (see the note above). */
clock_t clock(void);

/* Seconds since boot; also stored in *t when t is not NULL. */
time_t time(time_t *t);

/* Time since boot for CLOCK_REALTIME and CLOCK_MONOTONIC; 0, or -1/EINVAL. */
int clock_gettime(clockid_t id, struct timespec *ts);

/* Sleep for *req on clock id, or until that time with TIMER_ABSTIME. Returns
 * 0 or the error number (not -1): EINTR (*rem set for a relative sleep),
 * EINVAL (a bad clock, flag or time). */
#define TIMER_ABSTIME 1
int clock_nanosleep(clockid_t id, int flags, const struct timespec *req, struct timespec *rem);

#endif
