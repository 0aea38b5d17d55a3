/*
 * grep - print lines that contain a fixed string: grep [-v] [-c] [-n]
 * STRING [FILE...] (standard input if no file). Exit 0 if a line was
 * selected, 1 if none, 2 on an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int invert, count_only, numbers, several;

static int search(int fd, const char *name, const char *pat)
{
    static char buf[8192], line[4096];
    size_t ll = 0;
    long count = 0, lineno = 0;
    ssize_t n;
    int more = 1;
    while (more) {
        n = read(fd, buf, sizeof(buf));
        if (n < 0) {
            fprintf(stderr, "grep: %s: %s\n", name, strerror(errno));
            return -1;
        }
        more = n > 0;
        for (ssize_t i = 0; i < n || (!more && ll > 0); i++) {
            char c = i < n ? buf[i] : '\n';
            if (c != '\n') {
                if (ll < sizeof(line) - 1)
                    line[ll++] = c;
                continue;
            }
            line[ll] = '\0';
            ll = 0;
            lineno++;
            if ((strstr(line, pat) != NULL) != invert) {
                count++;
                if (!count_only) {
                    if (several)
                        printf("%s:", name);
                    if (numbers)
                        printf("%ld:", lineno);
                    printf("%s\n", line);
                }
            }
            if (i >= n)
                break;
        }
    }
    if (count_only) {
        if (several)
            printf("%s:", name);
        printf("%ld\n", count);
    }
    return count > 0;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *c = argv[i] + 1; *c; c++) {
            if (*c == 'v')
                invert = 1;
            else if (*c == 'c')
                count_only = 1;
            else if (*c == 'n')
                numbers = 1;
            else {
                fprintf(stderr, "usage: grep [-vcn] STRING [FILE...]\n");
                return 2;
            }
        }
    if (i == argc) {
        fprintf(stderr, "usage: grep [-vcn] STRING [FILE...]\n");
        return 2;
    }
    const char *pat = argv[i++];
    if (i == argc)
        return search(0, "(standard input)", pat) > 0 ? 0 : 1;
    several = argc - i > 1;
    int found = 0, error = 0;
    for (; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "grep: %s: %s\n", argv[i], strerror(errno));
            error = 1;
            continue;
        }
        int r = search(fd, argv[i], pat);
        close(fd);
        if (r < 0)
            error = 1;
        else
            found |= r;
    }
    return error ? 2 : found ? 0 : 1;
}
