/*
 * rm - remove files: rm [-r] [-f] PATH... (-r: directories and what they
 * hold; -f: no message for a missing name). Symbolic links are removed,
 * never followed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int recursive, force;

static int remove_path(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (force && errno == ENOENT)
            return 0;
        fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(errno));
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!recursive) {
            fprintf(stderr, "rm: cannot remove '%s': Is a directory\n", path);
            return 1;
        }
        int status = 0;
        DIR *d = opendir(path);
        struct dirent *e;
        char sub[1024];
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            if (remove_path(sub)) {
                status = 1;
                continue;
            }
            rewinddir(d); /* the directory changed: start over */
        }
        if (d)
            closedir(d);
        if (rmdir(path) < 0) {
            fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(errno));
            return 1;
        }
        return status;
    }
    if (unlink(path) < 0) {
        fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1, status = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *c = argv[i] + 1; *c; c++) {
            if (*c == 'r' || *c == 'R')
                recursive = 1;
            else if (*c == 'f')
                force = 1;
            else {
                fprintf(stderr, "rm: invalid option -- '%c'\nusage: rm [-rf] PATH...\n", *c);
                return 1;
            }
        }
    if (i == argc && !force) {
        fprintf(stderr, "usage: rm [-rf] PATH...\n");
        return 1;
    }
    for (; i < argc; i++)
        status |= remove_path(argv[i]);
    return status;
}
