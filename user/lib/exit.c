/*
 * exit.c - ending the process: exit() runs the atexit() handlers (last
 * registered first, each once), flushes stdio, then _exit(); abort() sends
 * SIGABRT to the caller. The handler table is fixed-size: no allocation.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ATEXIT_MAX 32

static void (*handlers[ATEXIT_MAX])(void);
static int nhandlers;

int atexit(void (*fn)(void))
{
    if (nhandlers == ATEXIT_MAX)
        return -1;
    handlers[nhandlers++] = fn;
    return 0;
}

_Noreturn void exit(int status)
{
    /* Pop before calling, so a handler that calls exit() cannot loop. */
    while (nhandlers > 0)
        handlers[--nhandlers]();
    fflush(NULL);
    _exit(status);
}

_Noreturn void _Exit(int status)
{
    _exit(status);
}

_Noreturn void abort(void)
{
    /* POSIX: unblocked, raised; a handler that returns does not stop it. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGABRT);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(SIGABRT);
    signal(SIGABRT, SIG_DFL);
    raise(SIGABRT);
    _exit(128 + SIGABRT); /* only if SIGABRT did not end us */
}
