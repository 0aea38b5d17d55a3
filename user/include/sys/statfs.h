/*
 * sys/statfs.h - file-system usage (Linux's x86-64 struct statfs); the
 * kernel has one file system, so every path reports the same numbers.
 */
#ifndef _COWOS_SYS_STATFS_H
#define _COWOS_SYS_STATFS_H

struct statfs {
    long f_type, f_bsize;
    unsigned long f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    struct {
        int __val[2];
    } f_fsid;
    long f_namelen, f_frsize, f_flags;
    long f_spare[4];
};

int statfs(const char *path, struct statfs *buf);

#endif
