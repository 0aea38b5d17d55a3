/*
 * cowtrace [on|off] - switch the kernel's copy-on-write trace: with it on,
 * the console gets one line per COW fault (pid, address, old and new frame,
 * reference counts before and after). Without an argument, says whether it
 * is on.
 */
#include <stdio.h>
#include <string.h>
#include <cowstat.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("cowtrace is %s\n", cowos_cowtrace(-1) ? "on" : "off");
        return 0;
    }
    int on = strcmp(argv[1], "on") == 0;
    if (!on && strcmp(argv[1], "off") != 0) {
        fprintf(stderr, "usage: cowtrace [on|off]\n");
        return 2;
    }
    int was = cowos_cowtrace(on);
    printf("cowtrace: %s (was %s)\n", on ? "on" : "off", was ? "on" : "off");
    return 0;
}
