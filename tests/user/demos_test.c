/*
 * demos_test.c - the demo programs double as checks: each exits 0 only when
 * every number it measured matches what it claims. Run each (with small
 * sizes) with its output captured through a pipe; show it only on failure.
 */
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

int main(void)
{
    char *forkdemo[] = {"/bin/forkdemo", NULL};
    char *cowdemo[] = {"/bin/cowdemo", NULL};
    char *vmmap_demo[] = {"/bin/vmmap", "--demo", NULL};
    char *cowsize[] = {"/bin/cowsize", "8", NULL};
    char *forkserver[] = {"/bin/forkserver", NULL};
    char *daemon_[] = {"/bin/daemon", NULL};
    char *workers[] = {"/bin/workers", "3", NULL};
    char *memstat[] = {"/bin/memstat", NULL};
    char *vmmap_areas[] = {"/bin/vmmap", NULL};
    char *vmmap_pages[] = {"/bin/vmmap", "-p", NULL};
    char *sharedmem[] = {"/bin/sharedmem", NULL};
    char *sharefork[] = {"/bin/sharefork", NULL};
    char *zeropage[] = {"/bin/zeropage", "16", NULL};
    char *lazyexec[] = {"/bin/lazyexec", NULL};
    char *spawnrace[] = {"/bin/spawnrace", "1", "4", NULL};
    char *kvsnap[] = {"/bin/kvsnap", "2", NULL}; /* leaves /tmp/snapshot */
    char *usercow[] = {"/bin/usercow", NULL};
    char *psum[] = {"/bin/psum", "2", "1", "1", NULL}; /* sums agree; no timing asserted */
    expect_demo_ok(forkdemo);
    expect_demo_ok(cowdemo);
    expect_demo_ok(vmmap_demo);
    expect_demo_ok(cowsize);
    expect_demo_ok(forkserver);
    expect_demo_ok(daemon_);
    expect_demo_ok(workers);
    expect_demo_ok(memstat);
    expect_demo_ok(vmmap_areas);
    expect_demo_ok(vmmap_pages);
    expect_demo_ok(sharedmem);
    expect_demo_ok(sharefork);
    expect_demo_ok(zeropage);
    expect_demo_ok(lazyexec);
    expect_demo_ok(spawnrace);
    expect_demo_ok(kvsnap);
    unlink("/tmp/snapshot");
    expect_demo_ok(usercow);
    expect_demo_ok(psum);
    utest_exit();
}
