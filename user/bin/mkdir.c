/*
 * mkdir - make directories: mkdir [-p] DIR... (-p: parents too, and no
 * error if the directory exists).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int make_parents(char *path)
{
    for (char *c = path + 1; *c; c++) {
        if (*c != '/')
            continue;
        *c = '\0';
        int r = mkdir(path, 0777);
        *c = '/';
        if (r < 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

int main(int argc, char **argv)
{
    int parents = 0, i = 1, status = 0;
    if (i < argc && strcmp(argv[i], "-p") == 0)
        parents = 1, i++;
    if (i == argc) {
        fprintf(stderr, "usage: mkdir [-p] DIR...\n");
        return 1;
    }
    for (; i < argc; i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s", argv[i]);
        if ((parents ? make_parents(path) : mkdir(path, 0777)) < 0) {
            fprintf(stderr, "mkdir: cannot create directory '%s': %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
