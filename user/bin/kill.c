/*
 * kill.c - send a signal: kill [-s NAME | -NAME | -N] PID... (a negative
 * PID is a process group; the default signal is SIGTERM); kill -l lists the
 * signals in their numeric order, as bash's kill -l does.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
    "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
    "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
};
#define NNAMES (int)(sizeof(names) / sizeof(names[0]))

/* A signal by number or name (with or without SIG); -1 if neither. */
static int parse_signal(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (*s && !*end)
        return n >= 0 && n < NSIG ? (int)n : -1;
    if (strncmp(s, "SIG", 3) == 0)
        s += 3;
    for (int i = 0; i < NNAMES; i++)
        if (strcmp(s, names[i]) == 0)
            return i + 1;
    return -1;
}

int main(int argc, char **argv)
{
    int sig = SIGTERM, i = 1;
    if (argc > 1 && strcmp(argv[1], "-l") == 0) {
        for (int s = 1; s <= NNAMES; s++)
            printf("%2d) SIG%-8s%s", s, names[s - 1], s % 5 == 0 || s == NNAMES ? "\n" : " ");
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "-s") == 0) {
        sig = parse_signal(argv[2]);
        i = 3;
    } else if (argc > 1 && argv[1][0] == '-' && argv[1][1] && !(argv[1][1] >= '0' && argv[1][1] <= '9' && argc == 2)) {
        sig = parse_signal(argv[1] + 1);
        i = 2;
    }
    if (sig < 0 || i >= argc) {
        fprintf(stderr, "usage: kill [-s SIGNAL | -SIGNAL] PID...  or  kill -l\n");
        return 2;
    }
    int status = 0;
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (!*argv[i] || *end) {
            fprintf(stderr, "kill: %s: arguments must be process or job IDs\n", argv[i]);
            status = 1;
        } else if (kill((pid_t)pid, sig) < 0) {
            fprintf(stderr, "kill: (%ld) - %s\n", pid, strerror(errno));
            status = 1;
        }
    }
    return status;
}
