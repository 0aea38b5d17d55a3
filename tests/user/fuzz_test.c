/*
 * fuzz_test.c - the fixed-seed part of the system-call fuzzer in make test:
 * /bin/syzfuzz SEED N for two seeds, in a child (it forks its own driver,
 * watcher and nested children). Each run must exit 0 before its deadline and
 * leave exactly the free frames it found. The long runs are make fuzz.
 */
#include <sys/mman.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include "utest.h"

#define CALLS "20000"
#define DEADLINE_MS 90000L

static long avail(void) { return sysconf(_SC_AVPHYS_PAGES); }

static void fuzz(const char *seed)
{
    long free0 = avail();
    pid_t c = fork();
    if (c == 0) {
        char *argv[] = {"syzfuzz", (char *)seed, CALLS, NULL};
        execv("/bin/syzfuzz", argv);
        printf("# execv /bin/syzfuzz: errno %d\n", errno);
        _exit(127);
    }
    int status = -1;
    pid_t r = 0;
    for (long waited = 0; r == 0 && waited < DEADLINE_MS; waited += 50) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
        r = waitpid(c, &status, WNOHANG);
    }
    if (r == 0) {
        printf("# syzfuzz %s %s: still running after %ld ms: a hang\n", seed, CALLS, DEADLINE_MS);
        kill(c, SIGKILL);
        waitpid(c, &status, 0);
        utest_failures++;
        return;
    }
    if (status != 0)
        printf("# syzfuzz %s %s: expected exit status 0, got %#x (see its BUG lines)\n", seed,
               CALLS, status);
    EXPECT_EQ(0, status);
    EXPECT_EQ(free0, avail());
}

int main(void)
{
    mlockall(MCL_CURRENT); /* every page resident now: exact frame counts from here on */
    fuzz("1");
    fuzz("7");
    utest_exit();
}
