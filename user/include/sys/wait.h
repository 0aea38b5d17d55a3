/*
 * sys/wait.h - cowos user library: waiting for children, with Linux's
 * status encoding: exited => (code & 0xff) << 8, killed => the signal number
 * in the low 7 bits. cowos never stops a process, so WIFSTOPPED is false.
 */
#ifndef _COWOS_SYS_WAIT_H
#define _COWOS_SYS_WAIT_H

#include <sys/types.h>

#define WNOHANG 1
#define WUNTRACED 2

#define WTERMSIG(s) ((s) & 0x7f)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFEXITED(s) (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (WTERMSIG(s) != 0 && WTERMSIG(s) != 0x7f)
#define WIFSTOPPED(s) (((s) & 0xff) == 0x7f)
#define WSTOPSIG(s) WEXITSTATUS(s)
#define WCOREDUMP(s) ((s) & 0x80)

/*
 * Wait for a child to end and reap it: pid > 0 that child, pid == -1 any
 * child. With WNOHANG, return 0 when no child has ended yet. The status goes
 * to *status when status is not NULL. Returns the child's pid, or -1 with
 * errno ECHILD (no such child) or EINVAL.
 */
pid_t waitpid(pid_t pid, int *status, int options);
/* waitpid(-1, status, 0). */
pid_t wait(int *status);

#endif
