/*
 * signal.h - cowos user library: signal numbers (Linux's) and sending them.
 * cowos has no signal handlers: a signal ends its target or is ignored, as
 * its default action says, so signal()/sigaction() are not provided.
 */
#ifndef _COWOS_SIGNAL_H
#define _COWOS_SIGNAL_H

#include <sys/types.h>

typedef int sig_atomic_t;

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGIOT SIGABRT
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define NSIG 65 /* valid signals are 1..64 */

/*
 * Send sig to process pid (sig 0 only checks that pid exists).
 * Returns 0, or -1 with errno ESRCH (no such process), EINVAL (bad signal)
 * or EPERM.
 */
int kill(pid_t pid, int sig);

/* Send sig to the calling process: kill(getpid(), sig). */
int raise(int sig);

#endif
