/*
 * forklimit_test.c - a fork bomb is refused cleanly (EAGAIN when the process
 * table is full) and fully reaped, and memory comes back exactly.
 */
#include <errno.h>
#include <sys/wait.h>
#include "utest.h"

int main(void)
{
    long free0 = sysconf(_SC_AVPHYS_PAGES);
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    int made = 0, err = 0;
    for (int i = 0; i < 200; i++) {
        pid_t c = fork();
        if (c == 0) {
            char x;
            close(fds[1]);
            read(fds[0], &x, 1); /* blocks until the parent closes the write end */
            _exit(0);
        }
        if (c < 0) {
            err = errno;
            break;
        }
        made++;
    }
    EXPECT_EQ(EAGAIN, err);
    EXPECT_TRUE(made > 10);
    close(fds[1]);
    close(fds[0]);
    int reaped = 0;
    while (wait(NULL) > 0)
        reaped++;
    EXPECT_EQ(made, reaped);
    EXPECT_EQ(free0, sysconf(_SC_AVPHYS_PAGES));
    utest_exit();
}
