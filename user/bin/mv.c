/*
 * mv - rename: mv SRC DST, or mv SRC... DIR (into the directory). One
 * file system, so a move is always one atomic rename.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *base(const char *p)
{
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mv SRC DST | mv SRC... DIR\n");
        return 1;
    }
    struct stat st;
    const char *last = argv[argc - 1];
    int into_dir = stat(last, &st) == 0 && S_ISDIR(st.st_mode);
    if (argc > 3 && !into_dir) {
        fprintf(stderr, "mv: target '%s' is not a directory\n", last);
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc - 1; i++) {
        char dst[1024];
        if (into_dir)
            snprintf(dst, sizeof(dst), "%s/%s", last, base(argv[i]));
        else
            snprintf(dst, sizeof(dst), "%s", last);
        if (rename(argv[i], dst) < 0) {
            fprintf(stderr, "mv: cannot move '%s' to '%s': %s\n", argv[i], dst, strerror(errno));
            status = 1;
        }
    }
    return status;
}
