/*
 * demorun.h - running a demo program as a check (demos_test, usercow_test):
 * expect_demo_ok(argv) starts it with its output captured through a pipe,
 * shows that output only when it exits with a status other than 0, and
 * counts that as a failed check. Static functions: one copy per test.
 */
#ifndef TESTS_USER_DEMORUN_H
#define TESTS_USER_DEMORUN_H

#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include "utest.h"

static char out[65536];

/*
 * Run argv with stdout and stderr into a pipe; return its wait status. The
 * demo is started with posix_spawn (vfork): a fork would leave our own pages
 * copy-on-write, and reading its output into them would take COW faults
 * inside the very window the demo measures (the counters are machine-wide).
 */
static int run(char *const argv[])
{
    int fds[2];
    /* Touch all of out now: reading into it later while the demo measures
     * must not count a demand-zero fault (or take a frame) of ours there. */
    memset(out, 1, sizeof(out));
    if (pipe(fds) < 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    pid_t c = -1;
    int err = posix_spawn(&c, argv[0], &fa, NULL, argv, NULL);
    posix_spawn_file_actions_destroy(&fa);
    if (err) {
        printf("# posix_spawn %s: error %d\n", argv[0], err);
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(fds[0]);
    int status = -1;
    waitpid(c, &status, 0);
    return status;
}

static void expect_demo_ok(char *const argv[])
{
    int status = run(argv);
    if (status != 0) {
        printf("# %s exited with status 0x%x; its output:\n", argv[0], status);
        for (char *line = out, *nl; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            if (!nl)
                nl = line + strlen(line) - 1;
            else
                *nl = '\0';
            printf("#   %s\n", line);
        }
    }
    EXPECT_EQ(0, status);
}

#endif
