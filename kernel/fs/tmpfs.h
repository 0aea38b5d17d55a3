/*
 * tmpfs.h - the in-memory file system that is the root: directories as
 * lists of names, regular files as page-cache objects (their pages are the
 * data), symbolic links as strings. Filled from the initrd at boot.
 */
#ifndef KERNEL_FS_TMPFS_H
#define KERNEL_FS_TMPFS_H

#include "kernel/types.h"

struct inode;

/* The root directory of a fresh, empty file system (its reference lives
 * forever). The size limit comes from the boot option fssize= (default:
 * half of RAM). */
struct inode *tmpfs_init(void);
/* Unpack the boot initrd under root: every directory and file, the files'
 * pages read lazily from the boot module. */
void tmpfs_fill_from_initrd(struct inode *root);
/* mkdir for the kernel (boot): 0 with a reference in *out, or -errno. */
int tmpfs_mkdir_kernel(struct inode *dir, const char *name, struct inode **out);
/* Pages of data in use and the limit; inodes in use and the limit. */
void tmpfs_usage(uint64_t *pages_used, uint64_t *pages_max, uint64_t *inodes_used,
                 uint64_t *inodes_max);
/* Set the size limit in pages (tests); returns the previous one. */
uint64_t tmpfs_set_limit(uint64_t pages);

#endif
