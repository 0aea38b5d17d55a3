/*
 * exec.c - the exec family. Only execv reaches the kernel; the others build
 * an argument vector or a path for it. The search for a bare name is a
 * fixed "/bin/NAME" (there is no PATH variable on cowos).
 */
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include "user/lib/syscall.h"

#define EXEC_ARGS_MAX 64 /* the kernel's limit, argv[0] included */

int execv(const char *path, char *const argv[])
{
    return (int)sysret(syscall2(SYS_execv, (long)path, (long)argv));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    (void)envp; /* cowos processes have no environment */
    return execv(path, argv);
}

int execvp(const char *file, char *const argv[])
{
    if (strchr(file, '/'))
        return execv(file, argv);
    if (!*file) {
        errno = ENOENT;
        return -1;
    }
    char path[PATH_MAX];
    size_t len = strlen(file);
    if (len + sizeof("/bin/") > sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(path, "/bin/", 5);
    memcpy(path + 5, file, len + 1);
    return execv(path, argv);
}

/* Gather the NULL-terminated variadic list after arg0 into argv. */
static int collect_args(char *argv[EXEC_ARGS_MAX + 1], const char *arg0, va_list ap)
{
    int n = 0;
    for (const char *a = arg0; a; a = va_arg(ap, const char *)) {
        if (n == EXEC_ARGS_MAX) {
            errno = E2BIG;
            return -1;
        }
        argv[n++] = (char *)a;
    }
    argv[n] = NULL;
    return 0;
}

int execl(const char *path, const char *arg0, ...)
{
    char *argv[EXEC_ARGS_MAX + 1];
    va_list ap;
    va_start(ap, arg0);
    int r = collect_args(argv, arg0, ap);
    va_end(ap);
    return r < 0 ? -1 : execv(path, argv);
}

int execlp(const char *file, const char *arg0, ...)
{
    char *argv[EXEC_ARGS_MAX + 1];
    va_list ap;
    va_start(ap, arg0);
    int r = collect_args(argv, arg0, ap);
    va_end(ap);
    return r < 0 ? -1 : execvp(file, argv);
}
