/*
 * daemon.c - the classic double fork that turns a program into a daemon:
 * fork; the child calls setsid() and forks again; the child exits. The
 * grandchild is left in a session of its own without leading it (so it can
 * never gain a controlling terminal) and, its parent gone, belongs to init.
 * It reports pid, parent and session back to the original process by pipe.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What the grandchild tells the original process. */
struct report {
    long pid, ppid, sid, first_parent;
};

/* Print "  ok: what" or "  WRONG: what"; returns 1 when wrong. */
static int expect(int cond, const char *what)
{
    printf("  %s %s\n", cond ? "ok:   " : "WRONG:", what);
    return !cond;
}

static _Noreturn void grandchild(int report_fd, pid_t first_parent, int linger)
{
    /* Orphaned once the child exits: wait (up to 5 s) to see the new parent. */
    for (int i = 0; i < 500 && getppid() == first_parent; i++)
        usleep(10000);
    struct report r = {getpid(), getppid(), getsid(0), first_parent};
    printf("  grandchild pid %ld: my parent %ld has exited; my parent is now %ld; session %ld\n",
           r.pid, r.first_parent, r.ppid, r.sid);
    fflush(stdout);
    if (write(report_fd, &r, sizeof(r)) != sizeof(r))
        _exit(1);
    close(report_fd);
    /* A real daemon would now serve forever; this one lingers a moment,
     * outliving the process that started it, then ends quietly. */
    sleep((unsigned int)linger);
    _exit(0);
}

int main(void)
{
    pid_t me = getpid();
    int is_init = me == 1;
    int fds[2];
    if (pipe(fds) < 0) {
        perror("daemon: pipe");
        return 2;
    }
    printf("daemon: the original process is pid %d (parent %d, session %d)\n", (int)me,
           (int)getppid(), (int)getsid(0));
    if (is_init)
        printf("  I am pid 1, the init process of this boot: orphans are handed to me,\n"
               "  so the grandchild's new parent will be this very program.\n");
    fflush(stdout);

    pid_t child = fork();
    if (child < 0) {
        perror("daemon: fork");
        return 2;
    }
    if (child == 0) {
        close(fds[0]);
        pid_t sid = setsid();
        if (sid < 0) {
            printf("  child: setsid: %s\n", strerror(errno));
            _exit(1);
        }
        printf("  child      pid %d: setsid() = %d: a new session, and I lead it\n", (int)getpid(),
               (int)sid);
        fflush(stdout);
        pid_t self = getpid();
        pid_t g = fork();
        if (g < 0) {
            printf("  child: fork: %s\n", strerror(errno));
            _exit(1);
        }
        if (g == 0)
            grandchild(fds[1], self, is_init ? 1 : 2);
        printf("  child      pid %d: forked the grandchild %d; exiting now\n", (int)getpid(),
               (int)g);
        fflush(stdout);
        _exit(sid == getpid() ? 0 : 1);
    }
    close(fds[1]);

    int status;
    pid_t done = waitpid(child, &status, 0);
    struct report r;
    long got = read(fds[0], &r, sizeof(r));
    close(fds[0]);
    printf("daemon: reaped the child %d (exit status %d); the grandchild reported through the "
           "pipe:\n",
           (int)done, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (got != sizeof(r)) {
        printf("  WRONG: no report from the grandchild\n");
        return 1;
    }
    printf("  pid %ld, parent %ld, session %ld (the session the child created)\n", r.pid, r.ppid,
           r.sid);

    int bad = 0;
    bad += expect(done == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the child's setsid() made it leader of a new session, then it exited");
    bad += expect(r.first_parent == child, "the grandchild was born to the child");
    bad += expect(r.sid == child && r.pid != r.sid,
                  "the grandchild is in the child's session but does not lead it");
    bad += expect(r.sid != getsid(0), "it is no longer in the original process's session");
    bad += expect(r.ppid == 1, is_init ? "its new parent is pid 1: this program"
                                       : "its new parent is pid 1: init");
    if (is_init) {
        /* Reaping orphans is init's job, and here we are init. */
        pid_t g = waitpid((pid_t)r.pid, &status, 0);
        printf("daemon: as pid 1 I reap my adopted grandchild too: waitpid = %d\n", (int)g);
        bad += expect(g == (pid_t)r.pid, "pid 1 reaped the orphan");
    } else {
        bad += expect(kill((pid_t)r.pid, 0) == 0,
                      "the grandchild still runs after its parent was reaped");
        printf("daemon: exiting; the daemon lives on for a moment, and init will reap it.\n");
    }
    printf("daemon: %s\n", bad ? "FAILED (see WRONG above)" : "ok");
    return bad ? 1 : 0;
}
