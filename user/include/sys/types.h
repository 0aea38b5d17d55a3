/*
 * sys/types.h - cowos user library: the POSIX scalar types. Widths match
 * Linux on x86-64 so that structures and printf formats agree.
 */
#ifndef _COWOS_SYS_TYPES_H
#define _COWOS_SYS_TYPES_H

#ifndef __COWOS_SIZE_T
#define __COWOS_SIZE_T
typedef __SIZE_TYPE__ size_t;
#endif
typedef long ssize_t;
typedef int pid_t;
typedef long off_t;
typedef unsigned int mode_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned long ino_t;
typedef unsigned int useconds_t;
typedef long suseconds_t;
#ifndef __COWOS_TIME_T
#define __COWOS_TIME_T
typedef long time_t;
typedef long clock_t;
typedef int clockid_t;
#endif

#endif
