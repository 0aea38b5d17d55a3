/*
 * sys/syscall.h - the system-call numbers (SYS_*) for syscall(2): cowos's
 * own (kernel/sysnum.h), with Linux's names; the numbers are not Linux's.
 */
#ifndef _COWOS_SYS_SYSCALL_H
#define _COWOS_SYS_SYSCALL_H

#include "../../../kernel/sysnum.h"

#endif
