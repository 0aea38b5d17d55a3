/*
 * cowbeyond_test.c - copy-on-write beyond the kernel: the programs cowstring
 * and cowlist (user/bin) check their own counts and exit 0 only when every
 * one is the expected one. Run each with its output captured; show the
 * output on failure, and check the lines that carry the counts.
 */
#include <string.h>
#include <sys/wait.h>
#include "utest.h"

static char out[16384];

/* Run argv[0] with stdout and stderr into out; its wait status. */
static int run(char *const argv[])
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t c = fork();
    if (c == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], argv);
        _exit(127);
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

static void expect_ok(char *const argv[], const char *const lines[])
{
    int status = run(argv);
    int missing = 0;
    for (int i = 0; lines[i]; i++)
        if (!strstr(out, lines[i])) {
            printf("# %s: expected a line with \"%s\"\n", argv[0], lines[i]);
            missing++;
        }
    if (status != 0 || missing) {
        printf("# %s exited with status 0x%x; its output:\n", argv[0], status);
        for (char *line = out, *nl; *line; line = nl + 1) {
            if (!(nl = strchr(line, '\n')))
                nl = line + strlen(line) - 1;
            else
                *nl = '\0';
            printf("#   %s\n", line);
        }
    }
    EXPECT_EQ(0, status);
    EXPECT_EQ(0, missing);
}

int main(void)
{
    char *cowstring[] = {"/bin/cowstring", NULL};
    static const char *const string_lines[] = {
        "naive (bytes copied at every copy): buffers      1100      1100",
        "copy-on-write: buffers                             10        10",
        "cowstring: every count as expected", NULL};
    expect_ok(cowstring, string_lines);
    char *cowlist[] = {"/bin/cowlist", NULL};
    static const char *const list_lines[] = {
        "arrays copied 50 (expected 50: one per write), elements copied 1170 (expected 1170:",
        "ok:    readers went on reading during writes, without a lock",
        "ok:    without the copy, readers saw half-made arrays", "cowlist: every count as expected",
        NULL};
    expect_ok(cowlist, list_lines);
    utest_exit();
}
