/*
 * init.c - pid 1. Without arguments it keeps a shell on the console: fork,
 * the child starts its own session and runs /bin/sh; init reaps every child
 * meanwhile - the shell and the orphans the kernel hands to pid 1 - and
 * starts a new shell when one exits. With arguments ("init PROG ARGS...") it
 * runs PROG once, reaps, and powers the machine off with PROG's status: a
 * way to boot straight into a test.
 *
 * Only pid 1 may power off. The shell asks for it through a request pipe
 * that init creates for each shell it starts: the write end is the shell's
 * descriptor COWOS_INIT_REQUEST_FD (cowos.h), which the shell never passes on
 * to its programs; the shell writes the status byte there and exits, and init,
 * having reaped that shell, reads the byte and powers off. Nobody else holds
 * the pipe, so nobody else can ask (and the read never blocks: once the shell
 * is gone the pipe has no writer left).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <unistd.h>
#ifdef __cowos__
#include <cowos.h>
#endif

#define SHELL "/bin/sh"

/* Power the machine off with status; if that fails, stay alive reaping. */
static _Noreturn void power_off(int status)
{
    fflush(NULL);
#ifdef __cowos__
    cowos_poweroff(status);
    perror("init: poweroff");
#else
    (void)status;
#endif
    for (;;)
        if (wait(NULL) < 0)
            sleep(1);
}

/*
 * Fork a child that leads a new session and runs argv, with the write end of
 * request[] as its COWOS_INIT_REQUEST_FD; init keeps only the read end.
 * The child's pid, or -1.
 */
static pid_t start(char *const argv[], int request[2])
{
    fflush(NULL); /* or the child would inherit, and print, our pending output */
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        ioctl(0, TIOCSCTTY, 0); /* the console becomes the shell's terminal: job control */
        close(request[0]);
#ifdef __cowos__
        if (request[1] != COWOS_INIT_REQUEST_FD) {
            dup2(request[1], COWOS_INIT_REQUEST_FD);
            close(request[1]);
        }
#endif
        execv(argv[0], argv);
        fprintf(stderr, "init: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        perror("init: fork");
    close(request[1]);
    return pid;
}

/* After the child of start() has been reaped: the status it asked init to
 * power off with, or -1 if it made no request. Closes the read end. */
static int request_made(int request_fd)
{
    unsigned char status;
    int asked = read(request_fd, &status, 1) == 1 ? status : -1;
    close(request_fd);
    return asked;
}

/* Power off if the child that just ended asked for it. */
static void honour_request(int request_fd)
{
    int asked = request_made(request_fd);
    if (asked < 0)
        return;
    printf("init: powering off, as the shell asked (status %d)\n", asked);
    power_off(asked);
}

/* Reap children (orphans included) until pid ends; returns its wait status. */
static int reap_until(pid_t pid)
{
    for (;;) {
        int status;
        pid_t done = wait(&status);
        if (done == pid)
            return status;
        if (done < 0 && errno == ECHILD) /* cannot happen while pid lives */
            return 127 << 8;
    }
}

/* The status a shell would report: the exit code, or 128 + the signal. */
static int shell_status(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void report(const char *what, int status)
{
    if (WIFEXITED(status))
        printf("init: %s exited with status %d\n", what, WEXITSTATUS(status));
    else
        printf("init: %s was killed by signal %d\n", what, WTERMSIG(status));
}

static _Noreturn void run_once(char **argv)
{
    int request[2];
    if (pipe(request) < 0) {
        perror("init: pipe");
        power_off(127);
    }
    pid_t pid = start(argv, request);
    int status = pid < 0 ? 127 << 8 : reap_until(pid);
    report(argv[0], status);
    honour_request(request[0]);
    power_off(shell_status(status));
}

static _Noreturn void keep_shell_running(void)
{
    static char *const shell_argv[] = {SHELL, NULL};
    for (;;) {
        /* Without a shell in the initrd, restarting it forever helps nobody. */
        int fd = open(SHELL, O_RDONLY);
        if (fd < 0) {
            printf("init: cannot open %s: %s; powering off\n", SHELL, strerror(errno));
            power_off(1);
        }
        close(fd);
        int request[2];
        if (pipe(request) < 0) {
            perror("init: pipe");
            sleep(1);
            continue;
        }
        pid_t pid = start(shell_argv, request);
        if (pid < 0) {
            close(request[0]);
            sleep(1);
            continue;
        }
        int status = reap_until(pid);
        honour_request(request[0]);
        report("shell", status);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            sleep(1); /* it may not have started at all: do not spin */
        printf("init: starting a new shell\n");
    }
}

int main(int argc, char **argv)
{
    if (getpid() != 1) {
        fprintf(stderr, "init: must run as pid 1\n");
        return 1;
    }
    if (argc > 1)
        run_once(argv + 1);
    keep_shell_running();
}
