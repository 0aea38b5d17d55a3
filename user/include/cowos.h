/*
 * cowos.h - cowos-only extras: not part of any standard, so a program that
 * includes this header builds only for cowos (guard with #ifdef __cowos__,
 * which the cowos build defines). Brings in the system-call numbers
 * (SYS_*) from the kernel's own kernel/sysnum.h.
 */
#ifndef _COWOS_COWOS_H
#define _COWOS_COWOS_H

#include "../../kernel/sysnum.h"

/*
 * Make system call number nr with up to six arguments (unused ones are
 * ignored) and return the kernel's raw result: >= 0, or -errno. errno is
 * not touched. For tests that check exactly what the kernel returns.
 */
long cowos_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* Turn the machine off with QEMU exit status status. Allowed for pid 1
 * only; returns -1 (EPERM) for everyone else. */
int cowos_poweroff(int status);

/* The descriptor on which the shell that init starts finds the write end of
 * its request pipe: one byte written there, then the shell's exit, asks init
 * to power off with that status (user/bin/init.c). The shell's programs
 * never inherit it. */
#define COWOS_INIT_REQUEST_FD 15

/* Milliseconds since boot. */
unsigned long cowos_uptime_ms(void);

/* Walk the malloc heap and check its invariants (block sizes and flags,
 * boundary tags, free lists): 0 when consistent, -1 when corrupt. */
int cowos_heap_check(void);

#endif
