/*
 * signal.h - cowos user library: signal numbers (Linux's) and sending them.
 * cowos has no signal handlers: a signal ends its target or is ignored, as
 * its default action says, so signal()/sigaction() are not provided.
 */
#ifndef _COWOS_SIGNAL_H
#define _COWOS_SIGNAL_H

#include <sys/types.h>

typedef int sig_atomic_t;

#include "../../kernel/signum.h"

/*
 * Send sig to process pid (sig 0 only checks that pid exists).
 * Returns 0, or -1 with errno ESRCH (no such process), EINVAL (bad signal)
 * or EPERM.
 */
int kill(pid_t pid, int sig);

/* Send sig to the calling process: kill(getpid(), sig). */
int raise(int sig);

#endif
