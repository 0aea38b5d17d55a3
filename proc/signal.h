/*
 * signal.h - signal numbers (Linux's values) and their default actions.
 * There are no handlers in this kernel: a signal terminates its target or is
 * ignored, as its default action says.
 */
#ifndef PROC_SIGNAL_H
#define PROC_SIGNAL_H

#include "kernel/types.h"

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGWINCH 28
#define NSIG 65 /* valid signals are 1..64 */

/* "SIGSEGV" for 11, "signal 40" style text for the rest. */
const char *signal_name(int sig);
/* True for the signals whose default action here is to be ignored. */
bool signal_ignored_by_default(int sig);

#endif
