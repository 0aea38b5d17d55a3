/*
 * tail - the last lines: tail [-n N] [FILE] (10 lines, standard input if
 * no file). Keeps the input in memory (up to 1 MiB).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEEP (1 << 20)

int main(int argc, char **argv)
{
    long lines = 10;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
        lines = atol(argv[i + 1]);
        i += 2;
    }
    int fd = 0;
    if (i < argc && (fd = open(argv[i], O_RDONLY)) < 0) {
        fprintf(stderr, "tail: cannot open '%s': %s\n", argv[i], strerror(errno));
        return 1;
    }
    char *buf = malloc(KEEP);
    if (!buf)
        return 1;
    size_t len = 0;
    ssize_t n;
    while ((n = read(fd, buf + len, KEEP - len)) > 0) {
        len += (size_t)n;
        if (len == KEEP) { /* keep the second half: the end is what matters */
            memmove(buf, buf + KEEP / 2, KEEP / 2);
            len = KEEP / 2;
        }
    }
    size_t start = len;
    long seen = 0;
    if (start > 0 && buf[start - 1] == '\n')
        start--; /* the last line's newline ends it, it does not start one */
    while (start > 0) {
        if (buf[start - 1] == '\n' && ++seen == lines)
            break;
        start--;
    }
    if (lines > 0)
        write(1, buf + start, len - start);
    free(buf);
    return 0;
}
