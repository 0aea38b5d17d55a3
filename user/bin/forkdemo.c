/*
 * forkdemo.c - the classic fork(): one call, two returns. The parent gets
 * the child's pid, the child gets 0; each prints what it got. The child
 * changes a variable and exits with a status the parent reads back with
 * waitpid, and the parent's copy of the variable is still unchanged.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_STATUS 42

static int counter = 1; /* each process ends up with its own */

int main(void)
{
    printf("forkdemo: pid %d, counter = %d; calling fork()\n", (int)getpid(), counter);
    fflush(stdout); /* the child would inherit, and print again, anything unflushed */

    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "forkdemo: fork: %s\n", strerror(errno));
        return 2;
    }
    if (pid == 0) {
        counter = 100;
        printf("  child:  fork() returned 0;   I am pid %d, my parent is %d; counter = %d\n",
               (int)getpid(), (int)getppid(), counter);
        printf("  child:  exiting with status %d\n", CHILD_STATUS);
        return CHILD_STATUS; /* from main: exit() flushes stdout */
    }

    printf("  parent: fork() returned %d; I am pid %d; waiting for the child\n", (int)pid,
           (int)getpid());
    int status;
    pid_t done = waitpid(pid, &status, 0);
    if (done < 0) {
        fprintf(stderr, "forkdemo: waitpid: %s\n", strerror(errno));
        return 2;
    }
    if (WIFEXITED(status))
        printf("  parent: waitpid returned %d: the child exited with status %d\n", (int)done,
               WEXITSTATUS(status));
    else
        printf("  parent: waitpid returned %d: the child was killed by signal %d\n", (int)done,
               WTERMSIG(status));
    printf("  parent: my counter is still %d (the child changed only its own copy)\n", counter);

    int ok = done == pid && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_STATUS &&
             counter == 1;
    printf("forkdemo: %s\n", ok ? "ok" : "FAILED: the results above are not what fork promises");
    return ok ? 0 : 1;
}
