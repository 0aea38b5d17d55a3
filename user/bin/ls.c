/*
 * ls - list directories: ls [-l] [-a] [PATH...] (default "."). Names are
 * sorted; -l shows type and mode, links, size and name (-> target for a
 * symbolic link); -a includes names starting with '.'.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NAMES 1024

static int opt_long, opt_all;

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void mode_string(unsigned int m, char *out)
{
    out[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISFIFO(m) ? 'p' : S_ISCHR(m) ? 'c' : '-';
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
    out[10] = '\0';
}

static void show(const char *dir, const char *name)
{
    if (!opt_long) {
        printf("%s\n", name);
        return;
    }
    char path[1024];
    if (dir)
        snprintf(path, sizeof(path), "%s/%s", dir, name);
    else
        snprintf(path, sizeof(path), "%s", name);
    struct stat st;
    if (lstat(path, &st) < 0) {
        printf("?????????? %s (%s)\n", name, strerror(errno));
        return;
    }
    char mode[11];
    mode_string(st.st_mode, mode);
    printf("%s %3lu %8ld %s", mode, st.st_nlink, (long)st.st_size, name);
    if (S_ISLNK(st.st_mode)) {
        char target[512];
        ssize_t n = readlink(path, target, sizeof(target) - 1);
        if (n >= 0) {
            target[n] = '\0';
            printf(" -> %s", target);
        }
    }
    printf("\n");
}

static int list(const char *path, int header)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        fprintf(stderr, "ls: cannot access '%s': %s\n", path, strerror(errno));
        return 2;
    }
    if (!S_ISDIR(st.st_mode)) {
        show(NULL, path);
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "ls: cannot open directory '%s': %s\n", path, strerror(errno));
        return 2;
    }
    static char *names[MAX_NAMES];
    int n = 0;
    struct dirent *e;
    while (n < MAX_NAMES && (e = readdir(d)))
        if (opt_all || e->d_name[0] != '.')
            if ((names[n] = strdup(e->d_name)))
                n++;
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), by_name);
    if (header)
        printf("%s:\n", path);
    for (int i = 0; i < n; i++) {
        show(path, names[i]);
        free(names[i]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *c = argv[i] + 1; *c; c++) {
            if (*c == 'l')
                opt_long = 1;
            else if (*c == 'a')
                opt_all = 1;
            else {
                fprintf(stderr, "ls: invalid option -- '%c'\nusage: ls [-la] [PATH...]\n", *c);
                return 2;
            }
        }
    if (i == argc)
        return list(".", 0);
    int status = 0, many = argc - i > 1;
    for (; i < argc; i++) {
        int r = list(argv[i], many);
        status = r > status ? r : status;
        if (many && i + 1 < argc)
            printf("\n");
    }
    return status;
}
