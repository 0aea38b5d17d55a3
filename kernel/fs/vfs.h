/*
 * vfs.h - the virtual file system: inodes with an operations table, path
 * lookup (relative to a process's working directory, through symbolic links
 * and into /proc), and the operations the system calls need, by path.
 *
 * Two file systems sit below it: tmpfs (kernel/fs/tmpfs.c), the root, whose
 * file pages are page-cache frames, and procfs (kernel/fs/procfs.c), mounted
 * on /proc. Every inode a caller holds is a counted reference (vfs_iget /
 * vfs_iput); a tmpfs inode is freed when its last link and reference go, so
 * an unlinked file stays readable while open.
 */
#ifndef KERNEL_FS_VFS_H
#define KERNEL_FS_VFS_H

#include "kernel/types.h"

struct proc;
struct pagecache_obj;
struct cowos_stat;

#define VFS_NAME_MAX 255   /* bytes in one path component (Linux's NAME_MAX) */
#define VFS_PATH_MAX 4096  /* bytes in a path, NUL included (Linux's PATH_MAX) */
#define VFS_SYMLOOP_MAX 40 /* symbolic links followed in one lookup (Linux's) */

#define TMPFS_DEV_ID 1 /* inode->dev of the root file system (procfs: 2) */

/* Mode bits: Linux's values. */
#define VFS_IFMT 0170000
#define VFS_IFDIR 0040000
#define VFS_IFREG 0100000
#define VFS_IFLNK 0120000
#define VFS_ISDIR(m) (((m) & VFS_IFMT) == VFS_IFDIR)
#define VFS_ISREG(m) (((m) & VFS_IFMT) == VFS_IFREG)
#define VFS_ISLNK(m) (((m) & VFS_IFMT) == VFS_IFLNK)

/* d_type values of getdents64 (Linux's DT_*). */
#define VFS_DT_DIR 4
#define VFS_DT_REG 8
#define VFS_DT_LNK 10

struct inode;
struct file;

/* One entry of a directory listing (kernel side). */
struct vfs_dirent {
    uint64_t ino;
    uint8_t type; /* VFS_DT_* */
    char name[VFS_NAME_MAX + 1];
};

/*
 * What an inode can do. A NULL operation is refused by the VFS with the error
 * Linux gives (EPERM for links into /proc, ENOTDIR, ...). Directory
 * operations get a name that is one valid component ("." and ".." never
 * reach them); they return 0 or -errno. lookup returns a new reference.
 * readdir fills the index-th entry (from 0, "." and ".." included) or
 * returns -ENOENT past the last. read/write move bytes at off between the
 * file and a user buffer (mm/uaccess) and return the count or -errno.
 * open makes the struct file's ops for an open of this inode.
 */
struct inode_ops {
    int (*lookup)(struct inode *dir, const char *name, struct inode **out);
    int (*create)(struct inode *dir, const char *name, uint32_t mode, struct inode **out);
    int (*mkdir)(struct inode *dir, const char *name, uint32_t mode);
    int (*symlink)(struct inode *dir, const char *name, const char *target);
    int (*link)(struct inode *dir, const char *name, struct inode *target);
    int (*unlink)(struct inode *dir, const char *name);
    int (*rmdir)(struct inode *dir, const char *name);
    int (*rename)(struct inode *odir, const char *oname, struct inode *ndir, const char *nname);
    int (*readdir)(struct inode *dir, uint64_t index, struct vfs_dirent *out);
    int (*readlink)(struct inode *ino, char *buf, size_t size); /* length, not NUL-terminated */
    long (*read)(struct inode *ino, struct file *f, uint64_t off, vaddr_t buf, size_t n);
    long (*write)(struct inode *ino, uint64_t off, vaddr_t buf, size_t n);
    int (*truncate)(struct inode *ino, uint64_t size);
    void (*release)(struct file *f);  /* an open file of this inode closes */
    void (*destroy)(struct inode *ino); /* last reference and link gone: free it */
};

struct inode {
    const struct inode_ops *ops;
    uint64_t ino;
    uint32_t mode;            /* type | permission bits */
    int nlink;                /* directory entries naming it (+ "." and ".." for directories) */
    int refs;                 /* counted references: open files, working directories, lookups */
    int writers;              /* open files of it with FILE_WRITE (exec refuses: ETXTBSY) */
    uint64_t size;            /* bytes (regular files: pages->size is the truth) */
    uint64_t mtime, ctime, atime; /* nanoseconds since boot (vfs_now) */
    struct inode *parent;     /* directories: the directory holding it (itself for a root) */
    struct pagecache_obj *pages; /* regular files of tmpfs: the data */
    struct inode *mounted;    /* a directory covered by a mount: the mounted root */
    void *priv;               /* the file system's own */
    int dev;                  /* 1 tmpfs, 2 procfs */
    bool transient;           /* made on lookup (procfs): freed with its last reference */
};

/* Set up the root file system, fill it from the boot initrd, mount /proc and
 * make /tmp. Call once at boot after initrd_init. */
void vfs_init(void);
/* The root directory (no reference taken: it lives forever). */
struct inode *vfs_root(void);

/* Take another reference to ino; returns ino. */
struct inode *vfs_iget(struct inode *ino);
/* Drop a reference; NULL does nothing. */
void vfs_iput(struct inode *ino);
/* The file system tells the VFS that nlink changed (maybe to 0). */
void vfs_maybe_free(struct inode *ino);
/* A fresh inode number. */
uint64_t vfs_next_ino(void);
/* Nanoseconds since boot (the timer's resolution), for time stamps: there
 * is no wall clock, and time() counts from boot too. */
uint64_t vfs_now(void);
#define VFS_NSEC 1000000000UL

/* Lookup flags. */
#define VFS_FOLLOW 0x1   /* follow a symbolic link in the last component */
#define VFS_DIRONLY 0x2  /* the result must be a directory (a trailing '/' implies it) */

/*
 * Resolve path (kernel string) relative to p's working directory (or the
 * root): 0 with a new reference in *out, or -ENOENT, -ENOTDIR, -ENAMETOOLONG,
 * -ELOOP.
 */
int vfs_lookup(struct proc *p, const char *path, int flags, struct inode **out);
/*
 * Resolve all but the last component of path: 0 with a reference to the
 * directory in *dir and the last name copied into name (VFS_NAME_MAX + 1
 * bytes; may be "." or ".."; *trailing_slash set if path ended in '/').
 * -ENOENT for an empty path, and the errors of vfs_lookup.
 */
int vfs_lookup_parent(struct proc *p, const char *path, struct inode **dir, char *name,
                      bool *trailing_slash);

/* The system calls' work, by path, for p. Return 0 or -errno as Linux. */
int vfs_open(struct proc *p, const char *path, int flags, uint32_t mode, struct file **out);
int vfs_mkdir(struct proc *p, const char *path, uint32_t mode);
int vfs_rmdir(struct proc *p, const char *path);
int vfs_unlink(struct proc *p, const char *path);
int vfs_link(struct proc *p, const char *oldpath, const char *newpath);
int vfs_symlink(struct proc *p, const char *target, const char *linkpath);
int vfs_rename(struct proc *p, const char *oldpath, const char *newpath);
/* rename with each relative path resolved from its own directory (NULL:
 * p's working directory), for renameat. */
int vfs_renameat(struct proc *p, struct inode *ostart, const char *oldpath, struct inode *nstart,
                 const char *newpath);
/* Set the permission bits (07777) of ino; ctime becomes now. 0, or -EPERM
 * for /proc. */
int vfs_chmod(struct inode *ino, uint32_t mode);
/* Set the access and modification times (nanoseconds since boot; NULL
 * leaves one as it is); ctime becomes now. 0, or -EPERM for /proc. */
int vfs_set_times(struct inode *ino, const uint64_t *atime, const uint64_t *mtime);
long vfs_readlink(struct proc *p, const char *path, char *buf, size_t size);
/* Truncate a regular file (truncate and ftruncate check ETXTBSY first). */
int vfs_truncate(struct inode *ino, uint64_t size);
/* A process is running the file (exec): opening it for writing or
 * truncating it by name is ETXTBSY. */
bool vfs_busy_text(const struct inode *ino);
int vfs_chdir(struct proc *p, struct inode *dir);
/* The absolute path of directory dir into buf: its length, or -ERANGE. */
long vfs_dir_path(struct inode *dir, char *buf, size_t size);
/* Name a file's page-cache object after path as p opened it (made absolute
 * with p's working directory), for /proc/PID/maps and vmmap. */
void vfs_name_object(struct proc *p, const char *path, struct pagecache_obj *obj);
/* Fill st for ino (Linux's struct stat, see kernel/sysnum.h). */
void vfs_fill_stat(struct inode *ino, struct cowos_stat *st);

/* The inode behind an open file, or NULL (pipes, the console). */
struct inode *vfs_file_inode(const struct file *f);
/* A new open file of ino (kernel/fs/vfsfile.c) with its own inode
 * reference; flags FILE_READ | FILE_WRITE. NULL when out of memory. */
struct file *vfs_file_open(struct inode *ino, int flags);
/* getdents64 on f: Linux's struct linux_dirent64 records into buf (count
 * bytes); bytes written, 0 at the end, -ENOTDIR, -EINVAL (too small), -EFAULT. */
long vfs_file_getdents64(struct file *f, vaddr_t buf, size_t count);

/* Bytes of the file system in use and its limit, in pages; inodes in use and
 * their limit (for statfs and df). */
void vfs_usage(uint64_t *pages_used, uint64_t *pages_max, uint64_t *inodes_used,
               uint64_t *inodes_max);

/* Read n bytes at off of a regular file into a kernel buffer (exec): bytes
 * read (short at the end of the file). */
uint64_t vfs_read_kernel(struct inode *ino, uint64_t off, void *buf, uint64_t n);

#endif
