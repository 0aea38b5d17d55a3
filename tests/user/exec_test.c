/*
 * exec_test.c - execv replaces the image and passes argv exactly; a failed
 * execv leaves the caller running, unchanged, with the right errno.
 * The test runs itself again as the exec target ("exec_test child a b ...").
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include "utest.h"

static int global_marker = 1234;

/* The exec'd image: check argv and that memory is fresh (not the parent's). */
static int child_main(int argc, char **argv)
{
    if (argc != 5 || strcmp(argv[2], "alpha") || strcmp(argv[3], "") ||
        strcmp(argv[4], "a much longer argument with spaces") || argv[5] != NULL)
        return 10;
    if (global_marker != 1234) /* the parent set it to 99 before exec */
        return 11;
    if (((unsigned long)__builtin_frame_address(0) & 15) != 0)
        return 12;
    return 42;
}

static void exec_passes_argv(void)
{
    pid_t c = fork();
    if (c == 0) {
        global_marker = 99;
        char *argv[] = {"exec_test", "child", "alpha", "", "a much longer argument with spaces",
                        NULL};
        execv("/tests/exec_test", argv);
        _exit(100 + errno);
    }
    int status;
    EXPECT_EQ(c, waitpid(c, &status, 0));
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(42, WEXITSTATUS(status));
}

static void failed_exec_keeps_the_caller(void)
{
    char *argv[] = {"nope", NULL};
    int local = 77;
    EXPECT_ERR(ENOENT, execv("/bin/does-not-exist", argv));
    EXPECT_ERR(EACCES, execv("/bin", argv));            /* a directory */
    EXPECT_ERR(ENOTDIR, execv("/bin/sh/x", argv));      /* a file as a directory */
    EXPECT_EQ(77, local);
    EXPECT_EQ(1234, global_marker);
}

static void too_many_arguments_is_e2big(void)
{
    static char *argv[200];
    for (int i = 0; i < 199; i++)
        argv[i] = "x";
    argv[199] = NULL;
    EXPECT_ERR(E2BIG, execv("/bin/true", argv));
}

static void exec_true_and_false(void)
{
    pid_t c = fork();
    if (c == 0) {
        char *argv[] = {"false", NULL};
        execv("/bin/false", argv);
        _exit(99);
    }
    int status;
    waitpid(c, &status, 0);
    EXPECT_EQ(1, WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child_main(argc, argv);
    exec_passes_argv();
    failed_exec_keeps_the_caller();
    too_many_arguments_is_e2big();
    exec_true_and_false();
    utest_exit();
}
