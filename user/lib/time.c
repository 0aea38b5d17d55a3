/*
 * time.c - sleeping and clocks. The only time source is SYS_uptime_ms
 * (milliseconds since boot), so every clock here counts from boot and has
 * millisecond resolution.
 */
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "user/lib/syscall.h"

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    return (int)sysret(syscall2(SYS_nanosleep, (long)req, (long)rem));
}

unsigned int sleep(unsigned int seconds)
{
    struct timespec req = {.tv_sec = seconds, .tv_nsec = 0}, rem = {0, 0};
    if (nanosleep(&req, &rem) < 0)
        return (unsigned int)rem.tv_sec + (rem.tv_nsec > 0);
    return 0;
}

int usleep(useconds_t usec)
{
    struct timespec req = {.tv_sec = usec / 1000000, .tv_nsec = (long)(usec % 1000000) * 1000};
    return nanosleep(&req, NULL);
}

static unsigned long uptime_ms(void)
{
    return (unsigned long)syscall0(SYS_uptime_ms);
}

clock_t clock(void)
{
    return (clock_t)(uptime_ms() * (CLOCKS_PER_SEC / 1000));
}

time_t time(time_t *t)
{
    time_t now = (time_t)(uptime_ms() / 1000);
    if (t)
        *t = now;
    return now;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC) {
        errno = EINVAL;
        return -1;
    }
    unsigned long ms = uptime_ms();
    ts->tv_sec = (time_t)(ms / 1000);
    ts->tv_nsec = (long)(ms % 1000) * 1000000;
    return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    unsigned long ms = uptime_ms();
    tv->tv_sec = (time_t)(ms / 1000);
    tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
    return 0;
}

int clock_nanosleep(clockid_t id, int flags, const struct timespec *req, struct timespec *rem)
{
    if ((id != CLOCK_REALTIME && id != CLOCK_MONOTONIC) || (flags & ~TIMER_ABSTIME))
        return EINVAL;
    struct timespec rel = *req;
    if (flags & TIMER_ABSTIME) {
        if (req->tv_nsec < 0 || req->tv_nsec >= 1000000000L)
            return EINVAL;
        struct timespec now;
        clock_gettime(id, &now);
        rel.tv_sec = req->tv_sec - now.tv_sec;
        rel.tv_nsec = req->tv_nsec - now.tv_nsec;
        if (rel.tv_nsec < 0) {
            rel.tv_nsec += 1000000000L;
            rel.tv_sec--;
        }
        if (rel.tv_sec < 0)
            return 0; /* already past */
        rem = NULL;  /* an absolute sleep reports no time left */
    }
    int saved = errno;
    int r = nanosleep(&rel, rem) < 0 ? errno : 0;
    errno = saved;
    return r;
}
