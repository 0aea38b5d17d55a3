/*
 * sys/wait.h - cowos user library: waiting for children, with Linux's
 * status encoding: exited => (code & 0xff) << 8, killed => the signal number
 * in the low 7 bits (0x80 with a core dump), stopped => signal << 8 | 0x7f,
 * continued => 0xffff.
 */
#ifndef _COWOS_SYS_WAIT_H
#define _COWOS_SYS_WAIT_H

#include <signal.h>
#include <sys/types.h>

#define WNOHANG 1
#define WUNTRACED 2
#define WSTOPPED 2
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000

#define WTERMSIG(s) ((s) & 0x7f)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFEXITED(s) (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (((signed char)(((s) & 0x7f) + 1) >> 1) > 0)
#define WIFSTOPPED(s) (((s) & 0xff) == 0x7f)
#define WSTOPSIG(s) WEXITSTATUS(s)
#define WIFCONTINUED(s) ((s) == 0xffff)
#define WCOREDUMP(s) ((s) & 0x80)

typedef enum { P_ALL, P_PID, P_PGID } idtype_t;
typedef int id_t;
struct rusage;

/*
 * Wait for a child to change state: pid > 0 that child, -1 any, 0 the
 * caller's group, < -1 group -pid. Ends are reaped; with WUNTRACED a stop
 * and with WCONTINUED a continue is reported once. With WNOHANG, 0 when
 * nothing happened yet. The status goes to *status if not NULL. Returns the
 * child's pid, or -1 with errno ECHILD, EINVAL, EFAULT or EINTR.
 */
pid_t waitpid(pid_t pid, int *status, int options);
/* waitpid(-1, status, 0). */
pid_t wait(int *status);
/* waitpid with resource usage: ru must be NULL (no accounting here: EINVAL). */
pid_t wait3(int *status, int options, struct rusage *ru);
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);
/* WEXITED, WSTOPPED, WCONTINUED (at least one), WNOHANG, WNOWAIT; the
 * child's pid, code and status in *info. 0, or -1 (ECHILD, EINVAL, ...). */
int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options);

#endif
