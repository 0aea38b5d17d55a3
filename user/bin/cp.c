/*
 * cp - copy a file: cp SRC DST, or cp SRC... DIR (into the directory).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[16384];

static int copy(const char *src, const char *dst)
{
    int in = open(src, O_RDONLY);
    if (in < 0) {
        fprintf(stderr, "cp: cannot open '%s': %s\n", src, strerror(errno));
        return 1;
    }
    struct stat st;
    fstat(in, &st);
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "cp: -r not specified; omitting directory '%s'\n", src);
        close(in);
        return 1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 0777);
    if (out < 0) {
        fprintf(stderr, "cp: cannot create '%s': %s\n", dst, strerror(errno));
        close(in);
        return 1;
    }
    ssize_t n;
    int status = 0;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n) {
            fprintf(stderr, "cp: error writing '%s': %s\n", dst, strerror(errno));
            status = 1;
            break;
        }
    if (n < 0) {
        fprintf(stderr, "cp: error reading '%s': %s\n", src, strerror(errno));
        status = 1;
    }
    close(in);
    close(out);
    return status;
}

static const char *base(const char *p)
{
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cp SRC DST | cp SRC... DIR\n");
        return 1;
    }
    struct stat st;
    const char *last = argv[argc - 1];
    int into_dir = stat(last, &st) == 0 && S_ISDIR(st.st_mode);
    if (argc > 3 && !into_dir) {
        fprintf(stderr, "cp: target '%s' is not a directory\n", last);
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc - 1; i++) {
        char dst[1024];
        if (into_dir)
            snprintf(dst, sizeof(dst), "%s/%s", last, base(argv[i]));
        else
            snprintf(dst, sizeof(dst), "%s", last);
        status |= copy(argv[i], dst);
    }
    return status;
}
