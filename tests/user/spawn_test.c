/*
 * spawn_test.c - vfork and posix_spawn: the vfork parent waits until its
 * child execs or exits, the child borrows its memory (no page is copied or
 * shared copy-on-write, no page table built), exec failures come back as
 * posix_spawn's result with no child left behind, and file actions apply
 * in the child only. Plain POSIX: it also runs on Linux (the cowos counts
 * are skipped there).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "utest.h"
#ifdef __cowos__
#include <cowstat.h>
#endif

static volatile int order;

static void vfork_parent_waits_for_exit(void)
{
    order = 0;
    pid_t c = vfork();
    if (c == 0) {
        order = 1; /* the parent cannot have run yet: it sleeps until we exit */
        _exit(5);
    }
    EXPECT_TRUE(c > 0);
    EXPECT_EQ(1, order); /* our memory: we see the child's store */
    int st = 0;
    EXPECT_EQ(c, waitpid(c, &st, 0));
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 5);
}

static void vfork_copies_nothing(void)
{
#ifdef __cowos__
    struct cowos_memstat m0, m1;
    cowos_memstat(&m0);
    cowos_memstat(&m0);
    pid_t c = vfork();
    if (c == 0) {
        char *argv[] = {"true", NULL};
        execv("/bin/true", argv);
        _exit(127);
    }
    cowos_memstat(&m1);
    EXPECT_EQ(0, m1.forks - m0.forks); /* not a fork: nothing shared, nothing copied */
    EXPECT_EQ(0, m1.fork_pages_shared - m0.fork_pages_shared);
    EXPECT_EQ(0, m1.fork_pages_copied - m0.fork_pages_copied);
    EXPECT_EQ(0, m1.cow_faults - m0.cow_faults);
    int st = -1;
    EXPECT_EQ(c, waitpid(c, &st, 0));
    EXPECT_EQ(0, st);
#endif
}

static void spawn_with_file_actions(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    posix_spawn_file_actions_t fa;
    EXPECT_EQ(0, posix_spawn_file_actions_init(&fa));
    EXPECT_EQ(0, posix_spawn_file_actions_adddup2(&fa, fds[1], 1));
    EXPECT_EQ(0, posix_spawn_file_actions_addclose(&fa, fds[0]));
    EXPECT_EQ(0, posix_spawn_file_actions_addclose(&fa, fds[1]));
    char *argv[] = {"echo", "spawned", "child", NULL};
    pid_t pid = 0;
    EXPECT_EQ(0, posix_spawnp(&pid, "echo", &fa, NULL, argv, NULL));
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    char buf[64] = {0};
    long got = 0, n;
    while ((n = read(fds[0], buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
        got += n;
    close(fds[0]);
    EXPECT_EQ(0, strcmp(buf, "spawned child\n"));
    int st = -1;
    EXPECT_EQ(pid, waitpid(pid, &st, 0));
    EXPECT_EQ(0, st);
}

static void spawn_errors_come_back(void)
{
    char *argv[] = {"nosuch", NULL};
    pid_t pid = 12345;
    EXPECT_EQ(ENOENT, posix_spawn(&pid, "/bin/nosuch-program", NULL, NULL, argv, NULL));
    EXPECT_EQ(12345, pid); /* untouched on failure */
    EXPECT_EQ(-1, waitpid(-1, NULL, WNOHANG)); /* no child left behind */
    EXPECT_EQ(ECHILD, errno);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    EXPECT_EQ(0, posix_spawn_file_actions_addopen(&fa, 3, "/no/such/file", O_RDONLY, 0));
    char *targv[] = {"true", NULL};
    EXPECT_EQ(ENOENT, posix_spawn(&pid, "/bin/true", &fa, NULL, targv, NULL));
    posix_spawn_file_actions_destroy(&fa);
    EXPECT_EQ(EBADF, posix_spawn_file_actions_addclose(&fa, -1));
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    EXPECT_EQ(EINVAL, posix_spawnattr_setflags(&at, 0x4000));
}

int main(void)
{
    mlockall(MCL_CURRENT); /* every page resident now: exact counts from here on */
    vfork_parent_waits_for_exit();
    vfork_copies_nothing();
    spawn_with_file_actions();
    spawn_errors_come_back();
    utest_exit();
}
