/*
 * spawn.c - posix_spawn: vfork, apply the file actions and attributes in the
 * child, execve. The child shares our memory until it execs, so it reports a
 * failure by storing the error number in `err` (our variable) before
 * _exit(127); vfork returns only after the child has exec'd or exited, so the
 * parent then reads it and reaps the failed child itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ACT_OPEN, ACT_DUP2, ACT_CLOSE };

struct __cowos_spawn_action {
    int kind, fd, newfd, oflag;
    mode_t mode;
    char *path;
};

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
    memset(fa, 0, sizeof(*fa));
    return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
    for (int i = 0; i < fa->count; i++)
        free(fa->actions[i].path);
    free(fa->actions);
    memset(fa, 0, sizeof(*fa));
    return 0;
}

static int add(posix_spawn_file_actions_t *fa, struct __cowos_spawn_action a)
{
    if (a.fd < 0 || (a.kind == ACT_DUP2 && a.newfd < 0))
        return EBADF;
    if (fa->count == fa->cap) {
        int cap = fa->cap ? fa->cap * 2 : 4;
        struct __cowos_spawn_action *n = realloc(fa->actions, (size_t)cap * sizeof(*n));
        if (!n)
            return ENOMEM;
        fa->actions = n;
        fa->cap = cap;
    }
    fa->actions[fa->count++] = a;
    return 0;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path,
                                     int oflag, mode_t mode)
{
    char *copy = strdup(path);
    if (!copy)
        return ENOMEM;
    int r = add(fa, (struct __cowos_spawn_action){ACT_OPEN, fd, 0, oflag, mode, copy});
    if (r)
        free(copy);
    return r;
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd)
{
    return add(fa, (struct __cowos_spawn_action){ACT_DUP2, fd, newfd, 0, 0, NULL});
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
    return add(fa, (struct __cowos_spawn_action){ACT_CLOSE, fd, 0, 0, 0, NULL});
}

int posix_spawnattr_init(posix_spawnattr_t *attr)
{
    memset(attr, 0, sizeof(*attr));
    return 0;
}

int posix_spawnattr_destroy(posix_spawnattr_t *attr)
{
    (void)attr;
    return 0;
}

#define KNOWN_FLAGS                                                                            \
    (POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |                    \
     POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSCHEDPARAM | POSIX_SPAWN_SETSCHEDULER |           \
     POSIX_SPAWN_USEVFORK | POSIX_SPAWN_SETSID)
/* What cowos can do: one user (RESETIDS changes nothing), vfork always, setsid. */
#define DONE_FLAGS (POSIX_SPAWN_RESETIDS | POSIX_SPAWN_USEVFORK | POSIX_SPAWN_SETSID)

int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags)
{
    if (flags & ~KNOWN_FLAGS)
        return EINVAL;
    attr->flags = flags;
    return 0;
}

int posix_spawnattr_getflags(const posix_spawnattr_t *attr, short *flags)
{
    *flags = attr->flags;
    return 0;
}

int posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgroup)
{
    attr->pgroup = pgroup;
    return 0;
}

int posix_spawnattr_getpgroup(const posix_spawnattr_t *attr, pid_t *pgroup)
{
    *pgroup = attr->pgroup;
    return 0;
}

/* In the child: the file actions in order, then the attributes. 0 or an errno. */
static int child_setup(const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr)
{
    for (int i = 0; fa && i < fa->count; i++) {
        const struct __cowos_spawn_action *a = &fa->actions[i];
        if (a->kind == ACT_CLOSE) {
            if (close(a->fd) < 0 && errno != EBADF)
                return errno;
        } else if (a->kind == ACT_DUP2) {
            if (a->fd == a->newfd) { /* POSIX: clear FD_CLOEXEC instead */
                int fl = fcntl(a->fd, F_GETFD);
                if (fl < 0 || fcntl(a->fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
                    return errno;
            } else if (dup2(a->fd, a->newfd) < 0) {
                return errno;
            }
        } else {
            int fd = open(a->path, a->oflag, a->mode);
            if (fd < 0)
                return errno;
            if (fd != a->fd) {
                int r = dup2(fd, a->fd) < 0 ? errno : 0;
                close(fd);
                if (r)
                    return r;
            }
        }
    }
    if (attr && (attr->flags & POSIX_SPAWN_SETSID) && setsid() < 0)
        return errno;
    return 0;
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    if (attr && (attr->flags & ~DONE_FLAGS))
        return EINVAL; /* process groups and signal attributes: not in this kernel yet */
    volatile int err = 0;
    int saved = errno;
    pid_t child = vfork();
    if (child == 0) {
        int r = child_setup(fa, attr);
        if (r == 0) {
            execve(path, argv, envp);
            r = errno;
        }
        err = r;
        _exit(127);
    }
    if (child < 0) {
        int r = errno;
        errno = saved;
        return r;
    }
    if (err) { /* the child failed before its exec: reap it, report why */
        waitpid(child, NULL, 0);
        errno = saved;
        return err;
    }
    if (pid)
        *pid = child;
    errno = saved;
    return 0;
}

int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                 const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    if (strchr(file, '/'))
        return posix_spawn(pid, file, fa, attr, argv, envp);
    char path[256];
    if (strlen(file) + 6 > sizeof(path))
        return ENAMETOOLONG;
    strcpy(path, "/bin/");
    strcat(path, file);
    return posix_spawn(pid, path, fa, attr, argv, envp);
}
