/*
 * wc - count lines, words and bytes: wc [FILE...] (standard input if none),
 * with a total line for several files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long tl, tw, tb;

static int count(int fd, const char *name)
{
    static char buf[8192];
    long l = 0, w = 0, b = 0;
    int in_word = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        b += n;
        for (ssize_t i = 0; i < n; i++) {
            char c = buf[i];
            if (c == '\n')
                l++;
            int space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
            if (!space && !in_word)
                w++;
            in_word = !space;
        }
    }
    if (n < 0) {
        fprintf(stderr, "wc: %s: %s\n", name ? name : "-", strerror(errno));
        return 1;
    }
    printf("%7ld %7ld %7ld%s%s\n", l, w, b, name ? " " : "", name ? name : "");
    tl += l, tw += w, tb += b;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return count(0, NULL);
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        status |= count(fd, argv[i]);
        close(fd);
    }
    if (argc > 2)
        printf("%7ld %7ld %7ld total\n", tl, tw, tb);
    return status;
}
