/*
 * fstools_test.c - the shell's redirections, cd and scripts, the small file
 * tools, /proc as the shell shows it, and kvsnap's own check. Each command
 * runs through /bin/sh -c in a child; outputs land in a scratch directory
 * under /tmp that is removed at the end.
 */
#include "utest.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char out[4096];

/* Run line with sh -c; its exit status. */
static int sh(const char *line)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"sh", "-c", (char *)line, NULL};
        execv("/bin/sh", argv);
        _exit(127);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The contents of path (NUL-terminated, at most sizeof(out) - 1 bytes). */
static const char *slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? 0 : read(fd, out, sizeof(out) - 1);
    if (fd >= 0)
        close(fd);
    out[n > 0 ? n : 0] = '\0';
    return out;
}

#define EXPECT_TEXT(expected, path) EXPECT_EQ(0, strcmp(expected, slurp(path)))

int main(void)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/fstools.%d", getpid());
    EXPECT_EQ(0, mkdir(dir, 0755));
    EXPECT_EQ(0, chdir(dir));

    EXPECT_EQ(0, sh("echo hello > a; echo world >> a"));
    EXPECT_TEXT("hello\nworld\n", "a");
    EXPECT_EQ(0, sh("wc < a > b"));
    EXPECT_TEXT("      2       2      12\n", "b");
    EXPECT_EQ(2, sh("ls /no-such 2> err; ls /no-such > both 2>&1")); /* ls's status */
    EXPECT_TRUE(strstr(slurp("err"), "No such file or directory") != NULL);
    EXPECT_TRUE(strstr(slurp("both"), "No such file or directory") != NULL);
    EXPECT_EQ(0, sh("mkdir -p d/e/f; touch d/e/f/g; cp a d/e/c; mv d/e/c d/e/f/h; ls d/e/f > l"));
    EXPECT_TEXT("g\nh\n", "l");
    EXPECT_EQ(0, sh("grep wor d/e/f/h > g; head -n 1 a > h; tail -n 1 a > t"));
    EXPECT_TEXT("world\n", "g");
    EXPECT_TEXT("hello\n", "h");
    EXPECT_TEXT("world\n", "t");
    EXPECT_EQ(1, sh("grep nothing a"));
    EXPECT_EQ(0, sh("cd d/e; pwd > ../../p"));
    snprintf(out + 2048, 512, "%s/d/e\n", dir);
    char want[600];
    strcpy(want, out + 2048);
    EXPECT_TEXT(want, "p");
    EXPECT_EQ(0, sh("echo 'echo one > s1' > script; echo 'echo two >> s1' >> script; sh script"));
    EXPECT_TEXT("one\ntwo\n", "s1");
    EXPECT_EQ(0, sh("rm -r d"));
    EXPECT_ERR(ENOENT, access("d", F_OK));
    EXPECT_EQ(0, sh("head -n 100 /proc/self/maps > m; ls -l /proc/1 > p1; ps > ps; df > df; stat a > st"));
    EXPECT_TRUE(strstr(slurp("m"), "/bin/head") != NULL);
    EXPECT_TRUE(strstr(slurp("m"), "[stack]") != NULL);
    EXPECT_EQ(0, sh("cat /proc/self/maps > cm"));
    EXPECT_TRUE(strstr(slurp("cm"), "/bin/cat") != NULL);
    EXPECT_TRUE(strstr(slurp("cm"), "[stack]") != NULL);
    EXPECT_TRUE(strstr(slurp("p1"), "maps") != NULL);
    EXPECT_TRUE(strstr(slurp("p1"), "status") != NULL);
    EXPECT_TRUE(strstr(slurp("p1"), "-r--r--r--") != NULL); /* ls -l's mode column */
    EXPECT_TRUE(strstr(slurp("ps"), "fstools_test") != NULL);
    EXPECT_TRUE(strstr(slurp("df"), "tmpfs") != NULL);
    EXPECT_TRUE(strstr(slurp("st"), "Size: 12") != NULL);
    EXPECT_EQ(0, sh("kvsnap 2 > kv"));
    if (!EXPECT_TRUE(strstr(slurp("kv"), "kvsnap: ok") != NULL))
        printf("# kvsnap's output:\n%s", out);
    EXPECT_EQ(0, unlink("/tmp/snapshot"));
    chdir("/");
    char cmd[100];
    snprintf(cmd, sizeof(cmd), "rm -r %s", dir);
    EXPECT_EQ(0, sh(cmd));
    EXPECT_ERR(ENOENT, access(dir, F_OK));
    utest_exit();
}
