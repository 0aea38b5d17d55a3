/*
 * limits.h - cowos user library: ranges of the integer types (LP64) and a
 * few system limits. PATH_MAX, NAME_MAX, OPEN_MAX and CHILD_MAX are cowos's
 * own: the kernel copies at most 256 bytes of a path, a directory entry name
 * is 55 bytes, a process has 16 descriptors and the process table 64 slots
 * (sysconf(_SC_OPEN_MAX), sysconf(_SC_CHILD_MAX) and getrlimit's RLIMIT_NOFILE
 * and RLIMIT_NPROC say the same, until a process lowers its limits).
 */
#ifndef _COWOS_LIMITS_H
#define _COWOS_LIMITS_H

#define CHAR_BIT 8
#define SCHAR_MAX __SCHAR_MAX__
#define SCHAR_MIN (-SCHAR_MAX - 1)
#define UCHAR_MAX (SCHAR_MAX * 2 + 1)
#ifdef __CHAR_UNSIGNED__
#define CHAR_MIN 0
#define CHAR_MAX UCHAR_MAX
#else
#define CHAR_MIN SCHAR_MIN
#define CHAR_MAX SCHAR_MAX
#endif
#define MB_LEN_MAX 1
#define SHRT_MAX __SHRT_MAX__
#define SHRT_MIN (-SHRT_MAX - 1)
#define USHRT_MAX (SHRT_MAX * 2 + 1)
#define INT_MAX __INT_MAX__
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX (INT_MAX * 2U + 1U)
#define LONG_MAX __LONG_MAX__
#define LONG_MIN (-LONG_MAX - 1L)
#define ULONG_MAX (LONG_MAX * 2UL + 1UL)
#define LLONG_MAX __LONG_LONG_MAX__
#define LLONG_MIN (-LLONG_MAX - 1LL)
#define ULLONG_MAX (LLONG_MAX * 2ULL + 1ULL)
#define SSIZE_MAX LONG_MAX

#define PATH_MAX 256
#define NAME_MAX 55
#define PIPE_BUF 4096 /* pipe writes up to this size are never interleaved (as Linux) */
#define OPEN_MAX 16   /* descriptors per process (the kernel's NOFILE) */
#define CHILD_MAX 64  /* processes at once (the kernel's NPROC, init included) */
/* Threads (<pthread.h>, <semaphore.h> say the same; glibc has them here too). */
#define PTHREAD_KEYS_MAX 128
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#define PTHREAD_STACK_MIN 16384
#define SEM_VALUE_MAX 2147483647

#endif
