/*
 * dirent.c - directory reading over SYS_getdents64 (Linux's struct
 * linux_dirent64 records): opendir, readdir, closedir. "." and ".." come
 * first, as on Linux.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "user/lib/syscall.h"

#define BUF_BYTES 2048 /* room for at least one record (a 255-byte name) */

struct __cowos_dir {
    int fd;
    long next, count; /* unread records are buf[next..count) */
    struct dirent current;
    char buf[BUF_BYTES] __attribute__((aligned(8)));
};

struct rec64 {
    unsigned long d_ino;
    long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
} __attribute__((packed));

DIR *opendir(const char *path)
{
    DIR *d = malloc(sizeof(*d));
    if (!d)
        return NULL;
    d->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d->fd < 0) {
        free(d);
        return NULL;
    }
    d->next = d->count = 0;
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (d->next >= d->count) {
        long n = sysret(syscall3(SYS_getdents64, d->fd, (long)d->buf, sizeof(d->buf)));
        if (n <= 0)
            return NULL;
        d->next = 0;
        d->count = n;
    }
    const struct rec64 *k = (const struct rec64 *)(d->buf + d->next);
    d->next += k->d_reclen;
    struct dirent *e = &d->current;
    size_t len = strnlen(k->d_name, sizeof(e->d_name) - 1);
    memcpy(e->d_name, k->d_name, len);
    e->d_name[len] = '\0';
    e->d_ino = k->d_ino;
    e->d_off = k->d_off;
    e->d_reclen = sizeof(*e);
    e->d_type = k->d_type;
    return e;
}

void rewinddir(DIR *d)
{
    lseek(d->fd, 0, SEEK_SET);
    d->next = d->count = 0;
}

int dirfd(DIR *d) { return d->fd; }

int closedir(DIR *d)
{
    int r = close(d->fd);
    free(d);
    return r;
}
