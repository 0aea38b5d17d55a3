/*
 * head - the first lines: head [-n N] [FILE] (10 lines, standard input if
 * no file).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
        fprintf(stderr, "head: cannot open '%s': %s\n", argv[i], strerror(errno));
        return 1;
    }
    static char buf[4096];
    ssize_t n;
    while (lines > 0 && (n = read(fd, buf, sizeof(buf))) > 0) {
        ssize_t end = 0;
        while (end < n && lines > 0)
            if (buf[end++] == '\n')
                lines--;
        write(1, buf, (size_t)end);
    }
    return 0;
}
