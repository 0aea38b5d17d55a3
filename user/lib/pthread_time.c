/*
 * pthread_time.c - the timeouts of the timed waits: POSIX gives them as an
 * absolute time on a clock, the kernel's futex wait as a relative one.
 * (Both clocks count from boot here, at the timer's 10 ms grain.) No state.
 */
#include <errno.h>
#include <time.h>
#include "user/lib/pthread_impl.h"

int pt_reltime(clockid_t clk, const struct timespec *abstime, struct timespec *rel)
{
    if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L)
        return EINVAL;
    struct timespec now;
    if (clock_gettime(clk, &now) < 0)
        return EINVAL;
    rel->tv_sec = abstime->tv_sec - now.tv_sec;
    rel->tv_nsec = abstime->tv_nsec - now.tv_nsec;
    if (rel->tv_nsec < 0) {
        rel->tv_nsec += 1000000000L;
        rel->tv_sec--;
    }
    if (rel->tv_sec < 0 || (rel->tv_sec == 0 && rel->tv_nsec == 0))
        return ETIMEDOUT;
    return 0;
}
