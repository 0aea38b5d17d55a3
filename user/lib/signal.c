/*
 * signal.c - the signal calls of the user library: sigaction (which adds the
 * restorer every handler returns through), signal, the mask calls, sigset
 * operations, killpg, strsignal and psignal. The restorer is the only code
 * here the kernel jumps to: it must call rt_sigreturn with rsp exactly as
 * the handler's ret left it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "user/lib/internal.h"
#include "user/lib/syscall.h"

void __cowos_restore_rt(void);
__asm__(".text\n"
        ".globl __cowos_restore_rt\n"
        "__cowos_restore_rt:\n"
        "    movl $44, %eax\n" /* SYS_rt_sigreturn */
        "    syscall\n"
        "    ud2\n");
_Static_assert(SYS_rt_sigreturn == 44, "the restorer's system-call number");

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    struct cowos_sigaction k, kold;
    if (act) {
        k.handler = (unsigned long)act->sa_handler;
        k.flags = (unsigned long)(unsigned int)act->sa_flags | SA_RESTORER;
        k.restorer = (unsigned long)__cowos_restore_rt;
        k.mask = act->sa_mask;
    }
    long r = syscall4(SYS_rt_sigaction, sig, act ? (long)&k : 0, old ? (long)&kold : 0, 8);
    if (r < 0)
        return (int)sysret(r);
    if (old) {
        old->sa_handler = (void (*)(int))kold.handler;
        old->sa_flags = (int)(kold.flags & ~(unsigned long)SA_RESTORER);
        old->sa_mask = kold.mask;
        old->sa_restorer = 0;
    }
    return 0;
}

sighandler_t signal(int sig, sighandler_t handler)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    return (int)sysret(syscall4(SYS_rt_sigprocmask, how, (long)set, (long)old, 8));
}

int sigpending(sigset_t *set)
{
    return (int)sysret(syscall2(SYS_rt_sigpending, (long)set, 8));
}

int sigsuspend(const sigset_t *mask)
{
    return (int)sysret(syscall2(SYS_rt_sigsuspend, (long)mask, 8));
}

int pause(void)
{
    return (int)sysret(syscall0(SYS_pause));
}

unsigned int alarm(unsigned int seconds)
{
    return (unsigned int)syscall1(SYS_alarm, seconds);
}

static int bad_signal(int sig)
{
    if (sig >= 1 && sig < NSIG)
        return 0;
    errno = EINVAL;
    return 1;
}

int sigemptyset(sigset_t *set)
{
    *set = 0;
    return 0;
}

int sigfillset(sigset_t *set)
{
    *set = ~0UL;
    return 0;
}

int sigaddset(sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return -1;
    *set |= 1UL << (sig - 1);
    return 0;
}

int sigdelset(sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return -1;
    *set &= ~(1UL << (sig - 1));
    return 0;
}

int sigismember(const sigset_t *set, int sig)
{
    if (bad_signal(sig))
        return -1;
    return (*set >> (sig - 1)) & 1;
}

int killpg(pid_t pgrp, int sig)
{
    if (pgrp < 0) {
        errno = EINVAL;
        return -1;
    }
    return kill(-pgrp, sig);
}

/* glibc's descriptions, so messages read the same on both systems. */
static const char *const descriptions[] = {
    [SIGHUP] = "Hangup", [SIGINT] = "Interrupt", [SIGQUIT] = "Quit",
    [SIGILL] = "Illegal instruction", [SIGTRAP] = "Trace/breakpoint trap",
    [SIGABRT] = "Aborted", [SIGBUS] = "Bus error", [SIGFPE] = "Floating point exception",
    [SIGKILL] = "Killed", [SIGUSR1] = "User defined signal 1",
    [SIGSEGV] = "Segmentation fault", [SIGUSR2] = "User defined signal 2",
    [SIGPIPE] = "Broken pipe", [SIGALRM] = "Alarm clock", [SIGTERM] = "Terminated",
    [SIGSTKFLT] = "Stack fault", [SIGCHLD] = "Child exited", [SIGCONT] = "Continued",
    [SIGSTOP] = "Stopped (signal)", [SIGTSTP] = "Stopped", [SIGTTIN] = "Stopped (tty input)",
    [SIGTTOU] = "Stopped (tty output)", [SIGURG] = "Urgent I/O condition",
    [SIGXCPU] = "CPU time limit exceeded", [SIGXFSZ] = "File size limit exceeded",
    [SIGVTALRM] = "Virtual timer expired", [SIGPROF] = "Profiling timer expired",
    [SIGWINCH] = "Window changed", [SIGIO] = "I/O possible", [SIGPWR] = "Power failure",
    [SIGSYS] = "Bad system call",
};

char *strsignal(int sig)
{
    static char buf[32];
    if (sig > 0 && sig < (int)(sizeof(descriptions) / sizeof(descriptions[0])))
        return (char *)descriptions[sig];
    if (sig >= SIGRTMIN && sig <= SIGRTMAX)
        snprintf(buf, sizeof(buf), "Real-time signal %d", sig - SIGRTMIN);
    else
        snprintf(buf, sizeof(buf), "Unknown signal %d", sig);
    return buf;
}

void psignal(int sig, const char *s)
{
    if (s && *s)
        fprintf(stderr, "%s: %s\n", s, strsignal(sig));
    else
        fprintf(stderr, "%s\n", strsignal(sig));
}

int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
    return (int)sysret(syscall4(SYS_rt_sigtimedwait, (long)set, (long)info, (long)timeout, 8));
}

int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
    return sigtimedwait(set, info, NULL);
}

int sigwait(const sigset_t *set, int *sig)
{
    long r;
    do /* POSIX: sigwait is never interrupted; a handler that ran just means wait again */
        r = syscall4(SYS_rt_sigtimedwait, (long)set, 0, 0, 8);
    while (r == -EINTR);
    if (r < 0)
        return (int)-r;
    *sig = (int)r;
    return 0;
}
