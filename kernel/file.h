/*
 * file.h - open files and the per-process descriptor table. A struct file is
 * one open file description, shared by dup and fork and freed with its last
 * reference. Its ops table says what it is (console, pipe end, or a VFS file or
 * directory); a NULL op makes the system call fail as Linux would.
 */
#ifndef KERNEL_FILE_H
#define KERNEL_FILE_H

#include "kernel/types.h"

struct proc;
struct file;
struct cowos_dirent;

/*
 * Open flags and lseek whence values, with Linux's numbers. They belong in
 * the shared ABI header (kernel/sysnum.h); the guards let it take them over.
 */
#ifndef O_RDONLY
#define O_RDONLY 0
#endif
#ifndef O_WRONLY
#define O_WRONLY 1
#endif
#ifndef O_RDWR
#define O_RDWR 2
#endif
#ifndef O_ACCMODE
#define O_ACCMODE 3
#endif
#ifndef O_CREAT
#define O_CREAT 0100
#endif
#ifndef O_EXCL
#define O_EXCL 0200
#endif
#ifndef O_TRUNC
#define O_TRUNC 01000
#endif
#ifndef O_APPEND
#define O_APPEND 02000
#endif
#ifndef O_NOCTTY
#define O_NOCTTY 0400
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 04000
#endif
#ifndef O_LARGEFILE
#define O_LARGEFILE 0100000
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY 0200000
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0400000
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 02000000
#endif
/* fcntl commands and the descriptor flag, Linux's numbers. */
#ifndef F_DUPFD
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#endif
#ifndef SEEK_SET
#define SEEK_SET 0
#endif
#ifndef SEEK_CUR
#define SEEK_CUR 1
#endif
#ifndef SEEK_END
#define SEEK_END 2
#endif

/* struct file.flags: what the descriptor was opened for. */
#define FILE_READ 0x1
#define FILE_WRITE 0x2

/* The status flags F_SETFL may change (struct file.status). */
#define FILE_SETFL_MASK (O_APPEND | O_NONBLOCK)

/* The largest count one read or write moves (Linux's MAX_RW_COUNT), so that
 * the byte count always fits the return value. */
#define FILE_MAX_RW 0x7ffff000UL

/*
 * What an open file can do. buf is a user address below USER_TOP (touch it
 * only through mm/uaccess.h); n is already clamped to FILE_MAX_RW and the
 * access mode checked. write never sees n == 0; read does, and returns 0
 * unless the object refuses every read (-EISDIR for a directory).
 * read/write return bytes moved or -errno (-EFAULT only if nothing moved);
 * getdents returns entries written into buf (room for count) or -errno;
 * lseek returns the new offset. close runs once, when the last reference
 * goes, and frees what priv owns (not the struct file itself).
 */
struct file_ops {
    long (*read)(struct file *f, vaddr_t buf, size_t n);
    long (*write)(struct file *f, vaddr_t buf, size_t n);
    void (*close)(struct file *f);
    long (*getdents)(struct file *f, vaddr_t buf, size_t count);
    long (*lseek)(struct file *f, long offset, int whence);
};

struct file {
    const struct file_ops *ops;
    int refcount; /* descriptors (in any process) pointing here */
    int flags;    /* FILE_READ | FILE_WRITE */
    int status;   /* F_GETFL's bits besides the access mode (O_NONBLOCK, O_APPEND, ...) */
    uint64_t offset; /* bytes (files) or entries (directories) consumed */
    void *priv;   /* the object behind it, owned as ops->close says */
};

/* Set up the file layer. Call once at boot before any file exists. */
void file_init(void);

/*
 * A new open file description with one reference, offset 0, no status
 * flags. NULL when out of memory (priv then still belongs to the caller).
 */
struct file *file_alloc(const struct file_ops *ops, int flags, void *priv);
/* Take one more reference to f; returns f. */
struct file *file_ref(struct file *f);
/* Drop one reference; the last one calls ops->close and frees f. */
void file_close(struct file *f);

/* Open files alive right now (for leak checks in tests). */
int file_open_count(void);

/*
 * Copy to (from) user memory a page at a time: returns the bytes moved, less
 * than n only when it reached a page it may not write (read). So a short count
 * means the first bytes made it, like a partial read or write on Linux.
 */
size_t file_copy_out(vaddr_t dst, const void *src, size_t n);
size_t file_copy_in(void *dst, vaddr_t src, size_t n);

/* The file behind descriptor fd of p, or NULL if fd is out of range or closed.
 * No reference is taken. */
struct file *file_get(struct proc *p, int fd);
/*
 * Put f in the lowest free descriptor of p, FD_CLOEXEC clear. The caller's
 * reference moves into the table on success; on -EMFILE (table full) it
 * stays with the caller.
 */
int file_fd_install(struct proc *p, struct file *f);
/* close(fd): 0, or -EBADF if fd is not open. */
int file_fd_close(struct proc *p, int fd);
/* dup(fd): the new (lowest free) descriptor, FD_CLOEXEC clear; -EBADF or
 * -EMFILE. */
int file_fd_dup(struct proc *p, int fd);
/* dup2(oldfd, newfd): newfd (FD_CLOEXEC clear), closing what it held first;
 * -EBADF if oldfd is not open or newfd out of range. dup2(fd, fd) on an open
 * fd returns fd and changes nothing. */
int file_fd_dup2(struct proc *p, int oldfd, int newfd);
/* dup3(oldfd, newfd, flags): dup2 with FD_CLOEXEC set if flags has
 * O_CLOEXEC; -EINVAL for any other flag or oldfd == newfd, then as dup2. */
int file_fd_dup3(struct proc *p, int oldfd, int newfd, int flags);
/* pipe2(): a new pipe's read and write ends in p's two lowest free
 * descriptors, stored in fds; flags O_CLOEXEC (both descriptors) and
 * O_NONBLOCK (both ends). 0, -EINVAL (other flags), -EMFILE or -ENOMEM,
 * with nothing installed on failure. */
int file_fd_pipe(struct proc *p, int fds[2], int flags);
/* fcntl(fd, cmd, arg) for p: see sys_fcntl. */
long file_fcntl(struct proc *p, int fd, int cmd, long arg);
/* exec, at its point of no return: close every descriptor of p that has
 * FD_CLOEXEC. */
void file_close_on_exec(struct proc *p);

/*
 * open(path, flags, mode) for p on the file system: the new descriptor, or
 * -EINVAL (an open flag not implemented), -EMFILE, or vfs_open's errors
 * (-ENOENT, -ENOTDIR, -EISDIR, -EEXIST, -ELOOP, -ENAMETOOLONG, -ENOSPC,
 * -EACCES for writing /proc, -ENOMEM). path is a kernel string.
 */
int file_open(struct proc *p, const char *path, int flags, uint32_t mode);

/*
 * Descriptors 0, 1 and 2 of p on the console (one shared open file), for
 * init. Whatever they held is closed. Returns 0 or -ENOMEM (nothing changed).
 */
int file_install_console(struct proc *p);
/* fork: the child shares every open file of the parent (refcount + 1 each)
 * and gets the same descriptor flags. Always 0. */
int file_copy_table(struct proc *child, const struct proc *parent);
/* exit: close every descriptor of p. */
void file_close_all(struct proc *p);

/* System calls on descriptors, for the current process (see kernel/sysnum.h). */
long sys_read(long fd, long buf, long n);
long sys_write(long fd, long buf, long n);
long sys_close(long fd);
long sys_dup(long fd);
long sys_dup2(long oldfd, long newfd);
long sys_pipe(long fds);
long sys_getdents(long fd, long buf, long count);
long sys_lseek(long fd, long offset, long whence);
long sys_pipe2(long fds, long flags);
long sys_dup3(long oldfd, long newfd, long flags);
/*
 * fcntl(fd, cmd, arg): F_DUPFD / F_DUPFD_CLOEXEC (lowest free descriptor >=
 * arg; -EINVAL if arg is outside the table, -EMFILE if none is free),
 * F_GETFD / F_SETFD (FD_CLOEXEC; other bits of arg ignored), F_GETFL
 * (access mode | status), F_SETFL (O_APPEND and O_NONBLOCK from arg; the
 * access mode and creation flags are ignored as on Linux; FASYNC, O_DIRECT
 * and O_NOATIME, which Linux would act on, are -EINVAL). -EBADF first if fd
 * is not open; -EINVAL for any other command.
 */
long sys_fcntl(long fd, long cmd, long arg);

#endif
