/*
 * sched.h - cowos user library: giving up the CPU, which CPU runs the
 * caller, and the raw clone() of Linux (glibc's wrapper, for programs that
 * make their own threads; pthread_create is the usual way).
 */
#ifndef _COWOS_SCHED_H
#define _COWOS_SCHED_H

#include <sys/types.h>

/* Let another runnable thread run; returns 0 (it cannot fail). */
int sched_yield(void);

/* The CPU the caller runs on (it may move at any moment), or -1/ENOSYS. */
int sched_getcpu(void);

/*
 * CPU sets, as glibc's (1024 CPUs). The kernel has no affinity: every
 * thread may run on every CPU. So sched_getaffinity reports the CPUs
 * online, and sched_setaffinity accepts a set that holds all of them
 * (what is true anyway) and refuses any narrower one with ENOSYS.
 */
#define CPU_SETSIZE 1024
typedef struct {
    unsigned long __bits[CPU_SETSIZE / 64];
} cpu_set_t;
#define CPU_ZERO(set) __builtin_memset((set), 0, sizeof(cpu_set_t))
#define CPU_SET(cpu, set) ((void)((cpu) < CPU_SETSIZE ? ((set)->__bits[(cpu) / 64] |= 1UL << ((cpu) % 64)) : 0))
#define CPU_CLR(cpu, set) ((void)((cpu) < CPU_SETSIZE ? ((set)->__bits[(cpu) / 64] &= ~(1UL << ((cpu) % 64))) : 0))
#define CPU_ISSET(cpu, set) ((cpu) < CPU_SETSIZE ? (int)(((set)->__bits[(cpu) / 64] >> ((cpu) % 64)) & 1) : 0)
#define CPU_COUNT(set) __cowos_cpu_count(sizeof(cpu_set_t), (set))
int __cowos_cpu_count(size_t size, const cpu_set_t *set);
int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set);
int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set);

#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
struct sched_param {
    int sched_priority;
};
/* One policy (SCHED_OTHER), priority 0: min and max are 0 for it, EINVAL
 * (-1) for another number. */
int sched_get_priority_min(int policy);
int sched_get_priority_max(int policy);

/* clone flags: Linux's values. Which combinations the kernel takes, and
 * which it refuses with EINVAL, is in the README ("Threads"). */
#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000

/*
 * glibc's clone: run fn(arg) in a new task on stack (its highest address),
 * with flags (and ptid, tls, ctid as CLONE_PARENT_SETTID, CLONE_SETTLS,
 * CLONE_CHILD_SETTID/CLEARTID ask). The task ends (SYS_exit) with fn's
 * result. Returns its tid, or -1 with errno (EINVAL for a NULL fn or stack).
 */
int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...);

#endif
