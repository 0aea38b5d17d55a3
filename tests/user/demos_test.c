/*
 * demos_test.c - the demo programs double as checks: each exits 0 only when
 * every number it measured matches what it claims. Run each (with small
 * sizes) with its output captured through a pipe; show it only on failure.
 * usercow, which needs a signal handler, is usercow_test's (the signals lab).
 */
#include "demorun.h"

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
    char *psum[] = {"/bin/psum", "2", "1", "1", NULL}; /* sums agree; no timing asserted */
    char *shootdown[] = {"/bin/shootdown", NULL}; /* the child's snapshot holds */
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
    expect_demo_ok(psum);
    expect_demo_ok(shootdown);
    utest_exit();
}
