/*
 * exit.c - ending the process: exit() runs the atexit() handlers (last
 * registered first, each once), flushes stdio, then _exit() (which ends
 * every thread); abort() sends SIGABRT to the caller. The handler table is
 * fixed-size: no allocation; atexit and exit share exit_lock once the
 * process has threads.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "user/lib/internal.h"

#define ATEXIT_MAX 32

static void (*handlers[ATEXIT_MAX])(void);
static int nhandlers;

static struct __cowos_lock exit_lock;

int atexit(void (*fn)(void))
{
    int locked = __cowos_lock_mt(&exit_lock);
    int r = -1;
    if (nhandlers < ATEXIT_MAX) {
        handlers[nhandlers++] = fn;
        r = 0;
    }
    __cowos_unlock_mt(&exit_lock, locked);
    return r;
}

/* exit_lock is held from the first exit() on: a second thread calling
 * exit() waits there until the first one's _exit ends it, so the handlers
 * run once. (A handler calling exit() holds it already: recursive.) */
_Noreturn void exit(int status)
{
    __cowos_lock_mt(&exit_lock); /* never released */
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
