/*
 * signal.h - signals' names and default actions (the numbers, Linux's, are
 * in kernel/signum.h, shared with the user library).
 * There are no handlers in this kernel: a signal terminates its target or is
 * ignored, as its default action says.
 */
#ifndef PROC_SIGNAL_H
#define PROC_SIGNAL_H

#include "kernel/signum.h"
#include "kernel/types.h"

/* "SIGSEGV" for 11; a generic phrase for signals without a name. */
const char *signal_name(int sig);
/* True for the signals whose default action here is to be ignored. */
bool signal_ignored_by_default(int sig);

#endif
