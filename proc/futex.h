/*
 * futex.h - wait on and wake a user address (Linux's futex(2): WAIT, WAKE,
 * WAIT_BITSET, WAKE_BITSET, REQUEUE, CMP_REQUEUE).
 */
#ifndef PROC_FUTEX_H
#define PROC_FUTEX_H

#include "kernel/types.h"

struct proc;

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffU

/* Wake up to n waiters of the word at uaddr in p's memory as a shared
 * (non-private) futex; returns how many woke, or -errno. */
long futex_wake_addr(struct proc *p, vaddr_t uaddr, int n);

long sys_futex(long uaddr, long op, long val, long utimeout, long uaddr2, long val3);

#endif
