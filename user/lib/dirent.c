/*
 * dirent.c - directory reading over SYS_getdents (fd, struct cowos_dirent
 * *buf, count), which fills up to count entries and returns how many, 0 at
 * the end. A DIR holds one batch of kernel entries and the struct dirent
 * handed out last; it owns its descriptor and is malloc'd.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "user/lib/syscall.h"

#define BATCH 16 /* kernel entries fetched per SYS_getdents */

struct __cowos_dir {
    int fd;
    int next, count;        /* unread entries are batch[next..count) */
    unsigned long position; /* entries returned so far */
    struct cowos_dirent batch[BATCH];
    struct dirent current;
};

DIR *opendir(const char *path)
{
    DIR *d = malloc(sizeof(*d));
    if (!d)
        return NULL;
    d->fd = open(path, O_RDONLY);
    if (d->fd < 0) {
        free(d);
        return NULL;
    }
    d->next = d->count = 0;
    d->position = 0;
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (d->next == d->count) {
        long n = sysret(syscall3(SYS_getdents, d->fd, (long)d->batch, BATCH));
        if (n <= 0)
            return NULL;
        d->next = 0;
        d->count = n > BATCH ? BATCH : (int)n;
    }
    const struct cowos_dirent *k = &d->batch[d->next++];
    struct dirent *e = &d->current;
    size_t len = strnlen(k->name, sizeof(k->name) - 1);
    memcpy(e->d_name, k->name, len);
    e->d_name[len] = '\0';
    e->d_ino = ++d->position; /* nonzero: some programs skip entries with d_ino 0 */
    e->d_off = (off_t)d->position;
    e->d_reclen = sizeof(*e);
    e->d_type = DT_UNKNOWN;
    return e;
}

int closedir(DIR *d)
{
    int r = close(d->fd);
    free(d);
    return r;
}
