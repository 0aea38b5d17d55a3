/*
 * spawn.h - cowos user library: posix_spawn and posix_spawnp, built on
 * vfork + execve (the child borrows the caller's memory, so spawning costs
 * the same whatever the caller's size). File actions: open, dup2, close.
 * Attributes: POSIX_SPAWN_SETSID (as glibc); the process-group and signal
 * attributes are refused with EINVAL until the kernel has process groups and
 * signal handlers. envp is passed to execve, which has no environment here.
 */
#ifndef _COWOS_SPAWN_H
#define _COWOS_SPAWN_H

#include <sys/types.h>

#define POSIX_SPAWN_RESETIDS 0x01
#define POSIX_SPAWN_SETPGROUP 0x02
#define POSIX_SPAWN_SETSIGDEF 0x04
#define POSIX_SPAWN_SETSIGMASK 0x08
#define POSIX_SPAWN_SETSCHEDPARAM 0x10
#define POSIX_SPAWN_SETSCHEDULER 0x20
#define POSIX_SPAWN_USEVFORK 0x40
#define POSIX_SPAWN_SETSID 0x80

struct __cowos_spawn_action;

typedef struct {
    int count, cap;
    struct __cowos_spawn_action *actions;
} posix_spawn_file_actions_t;

typedef struct {
    short flags;
    pid_t pgroup;
} posix_spawnattr_t;

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa);
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path,
                                     int oflag, mode_t mode);
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd);
int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd);

int posix_spawnattr_init(posix_spawnattr_t *attr);
int posix_spawnattr_destroy(posix_spawnattr_t *attr);
int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags);
int posix_spawnattr_getflags(const posix_spawnattr_t *attr, short *flags);
int posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup);
int posix_spawnattr_getpgroup(const posix_spawnattr_t *attr, pid_t *pgroup);

/* Start path (posix_spawnp: a name without '/' is looked up in /bin) with
 * argv; the child's pid in *pid (if pid is not NULL). Returns 0 or an error
 * number (errno is left alone): the child's exec or file-action failure
 * too, as glibc reports it, and then no child is left behind. */
int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                 const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);

#endif
