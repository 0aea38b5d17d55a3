/*
 * sleep.c - sleep N seconds (a whole number). Exits 0, or 1 for a bad
 * argument. A signal ends it as its default action says (Ctrl-C: SIGINT).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    char *end;
    long n = argc == 2 ? strtol(argv[1], &end, 10) : -1;
    if (argc != 2 || n < 0 || *end) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 1;
    }
    struct timespec t = {n, 0};
    while (nanosleep(&t, &t) < 0)
        ; /* a handled signal (none here) would interrupt: sleep the rest */
    return 0;
}
