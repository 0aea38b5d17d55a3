/*
 * start.c - from _start to main: give the main thread its TLS and thread
 * control block (FS, pthread_tls.c: errno is thread-local, so before
 * anything else; they live in this function's frame), record argv[0] and the environment, run constructors
 * (.init_array, bounds from user/user.ld), call main and pass its result to
 * exit(). stdio needs no run-time setup: its streams are static objects.
 */
#include <stdlib.h>
#include <unistd.h>
#include "user/lib/internal.h"
#include "user/lib/pthread_impl.h"

int main(int argc, char **argv, char **envp);

char **environ;
const char *__cowos_progname = "?";

extern void (*const __init_array_start[])(int, char **, char **) __attribute__((visibility("hidden")));
extern void (*const __init_array_end[])(int, char **, char **) __attribute__((visibility("hidden")));

static const char *base_name(const char *path)
{
    const char *name = path;
    for (; *path; path++)
        if (*path == '/')
            name = path + 1;
    return name;
}

/* Called only by crt0.S with the values the kernel put on the stack. */
_Noreturn void __cowos_start(long argc, char **argv, char **envp);

_Noreturn void __cowos_start(long argc, char **argv, char **envp)
{
    char main_block[PT_MAIN_BLOCK]; /* this frame never returns: it lasts */
    pt_tls_init(main_block);
    environ = envp;
    if (argc > 0 && argv[0])
        __cowos_progname = base_name(argv[0]);
    for (size_t i = 0; i < (size_t)(__init_array_end - __init_array_start); i++)
        __init_array_start[i]((int)argc, argv, envp);
    exit(main((int)argc, argv, envp));
}
