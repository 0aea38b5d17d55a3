/*
 * sys/resource.h - cowos user library: resource limits with Linux's numbers
 * and struct rlimit. RLIMIT_NOFILE and RLIMIT_NPROC may be lowered (the
 * kernel enforces both); the other limits report what the kernel does and
 * setting one to anything else is -1/EINVAL (see README, "Writing a user
 * program").
 */
#ifndef _COWOS_SYS_RESOURCE_H
#define _COWOS_SYS_RESOURCE_H

typedef unsigned long rlim_t;

struct rlimit {
    rlim_t rlim_cur; /* soft limit: what is enforced */
    rlim_t rlim_max; /* hard limit: the ceiling for rlim_cur */
};

#define RLIM_INFINITY (~0UL)
#define RLIM_SAVED_MAX RLIM_INFINITY
#define RLIM_SAVED_CUR RLIM_INFINITY

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIMIT_NLIMITS 16
#define RLIM_NLIMITS RLIMIT_NLIMITS

/* The limits of resource into *rl: 0, or -1 with errno EINVAL (no such
 * resource) or EFAULT. */
int getrlimit(int resource, struct rlimit *rl);
/* Set them: 0, or -1 with errno EINVAL (no such resource, cur > max, or a
 * change to a limit the kernel cannot enforce), EPERM (max above the old
 * max) or EFAULT. */
int setrlimit(int resource, const struct rlimit *rl);

#endif
