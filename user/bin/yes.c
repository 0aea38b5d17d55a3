/*
 * yes.c - print "y" (or the arguments, joined by spaces) forever, until a
 * signal ends it (Ctrl-C) or the reader goes away (SIGPIPE).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char line[256] = "y";
    if (argc > 1) {
        line[0] = '\0';
        for (int i = 1; i < argc; i++)
            snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s", i > 1 ? " " : "",
                     argv[i]);
    }
    strncat(line, "\n", sizeof(line) - strlen(line) - 1);
    char buf[4096];
    size_t len = strlen(line), n = 0;
    while (n + len <= sizeof(buf)) {
        memcpy(buf + n, line, len);
        n += len;
    }
    for (;;)
        if (write(1, buf, n) < 0)
            return 1;
}
