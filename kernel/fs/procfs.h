/*
 * procfs.h - /proc: read-only files generated on every read from the
 * kernel's tables, laid out as Linux does (meminfo, self, PID/maps, ...).
 */
#ifndef KERNEL_FS_PROCFS_H
#define KERNEL_FS_PROCFS_H

struct inode;

/* The root of /proc, to mount on the directory mount_point (whose number and
 * parent it takes, so ".." and getcwd cross the mount). Lives forever. */
struct inode *procfs_init(struct inode *mount_point);

#endif
