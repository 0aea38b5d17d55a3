/*
 * sched.h - cowos user library: giving up the CPU.
 */
#ifndef _COWOS_SCHED_H
#define _COWOS_SCHED_H

/* Let another runnable process run; returns 0 (it cannot fail). */
int sched_yield(void);

#endif
