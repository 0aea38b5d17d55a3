/*
 * dirent.h - cowos user library: reading directories of the initrd.
 * cowos does not report entry types, so d_type is always DT_UNKNOWN;
 * d_ino is a nonzero position, not a real inode number.
 */
#ifndef _COWOS_DIRENT_H
#define _COWOS_DIRENT_H

#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

typedef struct __cowos_dir DIR;

struct dirent {
    ino_t d_ino;
    off_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[256];
};

/* Open a directory for reading; NULL with errno (ENOENT, ENOTDIR, ENOMEM). */
DIR *opendir(const char *path);
/*
 * The next entry, or NULL at the end (errno unchanged) or on error (errno
 * set). The entry stays valid until the next readdir or closedir on d.
 */
struct dirent *readdir(DIR *d);
/* Close d and free it; 0 or -1. */
int closedir(DIR *d);
void rewinddir(DIR *d);
int dirfd(DIR *d);

#endif
