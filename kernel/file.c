/*
 * file.c - open files, descriptor tables, the system calls on descriptors,
 * and open(). The files themselves live in kernel/fs. Invariants: a struct
 * file's refcount counts the descriptor slots (all processes) and kernel
 * holders pointing at it; it is freed when that reaches 0. p->fd_flags[fd]
 * (FD_CLOEXEC) belongs to the descriptor, not the file, and is set whenever
 * a descriptor is filled; status flags (O_NONBLOCK, ...) belong to the file.
 */
#include "kernel/file.h"
#include "kernel/errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/pipe.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "kernel/tty.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "proc/proc.h"
#include "proc/rlimit.h"


/*
 * The open flags the kernel implements. O_NOCTTY holds vacuously (open
 * reaches no terminal), O_LARGEFILE always. Anything else (O_SYNC, O_DSYNC, O_DIRECT, FASYNC, O_NOATIME,
 * O_PATH, O_TMPFILE, unknown bits) is -EINVAL.
 */
#define FILE_OPEN_FLAGS                                                                            \
    (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_LARGEFILE |     \
     O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
/* Status flags Linux's F_SETFL acts on that this kernel has no use for. */
#define FILE_FASYNC 020000
#define FILE_O_DIRECT 040000
#define FILE_O_NOATIME 01000000

static int files_open; /* struct files alive, for leak checks in tests */

void file_init(void) { files_open = 0; }

int file_open_count(void) { return files_open; }

struct file *file_alloc(const struct file_ops *ops, int flags, void *priv)
{
    struct file *f = kmalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->ops = ops;
    f->refcount = 1;
    f->flags = flags;
    f->status = 0;
    f->offset = 0;
    f->priv = priv;
    files_open++;
    return f;
}

struct file *file_ref(struct file *f)
{
    KASSERT(f->refcount > 0);
    f->refcount++;
    return f;
}

void file_close(struct file *f)
{
    KASSERT(f->refcount > 0);
    if (--f->refcount > 0)
        return;
    if (f->ops->close)
        f->ops->close(f);
    files_open--;
    kfree(f);
}

size_t file_copy_out(vaddr_t dst, const void *src, size_t n)
{
    size_t done = 0;
    while (done < n) {
        vaddr_t va = dst + done;
        size_t chunk = MIN(n - done, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        if (uaccess_copy_to_user(va, (const uint8_t *)src + done, chunk) < 0)
            break;
        done += chunk;
    }
    return done;
}

size_t file_copy_in(void *dst, vaddr_t src, size_t n)
{
    size_t done = 0;
    while (done < n) {
        vaddr_t va = src + done;
        size_t chunk = MIN(n - done, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        if (uaccess_copy_from_user((uint8_t *)dst + done, va, chunk) < 0)
            break;
        done += chunk;
    }
    return done;
}

/* ---- descriptor tables ---------------------------------------------------- */

struct file *file_get(struct proc *p, int fd)
{
    if (!p || fd < 0 || fd >= NOFILE)
        return NULL;
    return proc_group(p)->files[fd];
}

/* New descriptors stay below RLIMIT_NOFILE (proc/rlimit.c); those already
 * above it, after a lowering, stay usable. */
static int lowest_free(const struct proc *p)
{
    for (int fd = 0; fd < rlimit_nofile(p); fd++)
        if (!proc_group(p)->files[fd])
            return fd;
    return -EMFILE;
}

/* The lowest free descriptor >= from, or -EMFILE. */
static int lowest_free_from(const struct proc *p, int from)
{
    for (int fd = from; fd < rlimit_nofile(p); fd++)
        if (!proc_group(p)->files[fd])
            return fd;
    return -EMFILE;
}

/* Fill the free slot fd with f (the caller's reference) and its flag. */
static void install_at(struct proc *p, int fd, struct file *f, bool cloexec)
{
    proc_group(p)->files[fd] = f;
    proc_group(p)->fd_flags[fd] = cloexec ? FD_CLOEXEC : 0;
}

int file_fd_install(struct proc *p, struct file *f)
{
    int fd = lowest_free(p);
    if (fd >= 0)
        install_at(p, fd, f, false);
    return fd;
}

int file_fd_close(struct proc *p, int fd)
{
    struct file *f = file_get(p, fd);
    if (!f)
        return -EBADF;
    proc_group(p)->files[fd] = NULL;
    proc_group(p)->fd_flags[fd] = 0;
    file_close(f);
    return 0;
}

int file_fd_dup(struct proc *p, int fd)
{
    struct file *f = file_get(p, fd);
    if (!f)
        return -EBADF;
    int nfd = lowest_free(p);
    if (nfd >= 0)
        install_at(p, nfd, file_ref(f), false);
    return nfd;
}

/* dup2/dup3 once the arguments are known good (oldfd != newfd). */
static int dup_onto(struct proc *p, struct file *f, int newfd, bool cloexec)
{
    /* Install first, close after: the old file's close cannot see a
     * half-updated table. */
    struct file *prev = proc_group(p)->files[newfd];
    install_at(p, newfd, file_ref(f), cloexec);
    if (prev)
        file_close(prev);
    return newfd;
}

int file_fd_dup2(struct proc *p, int oldfd, int newfd)
{
    struct file *f = file_get(p, oldfd);
    if (!f || newfd < 0 || newfd >= rlimit_nofile(p))
        return -EBADF;
    if (oldfd == newfd)
        return newfd;
    return dup_onto(p, f, newfd, false);
}

int file_fd_dup3(struct proc *p, int oldfd, int newfd, int flags)
{
    /* Linux's order: flags, then the same number, then the descriptors. */
    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    if (oldfd == newfd)
        return -EINVAL;
    if (newfd < 0 || newfd >= rlimit_nofile(p))
        return -EBADF;
    struct file *f = file_get(p, oldfd);
    if (!f)
        return -EBADF;
    return dup_onto(p, f, newfd, flags & O_CLOEXEC);
}

int file_fd_pipe(struct proc *p, int fds[2], int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL; /* Linux also has O_DIRECT (packet mode): not here */
    int free_slots = 0;
    for (int fd = 0; fd < rlimit_nofile(p); fd++)
        free_slots += !proc_group(p)->files[fd];
    if (free_slots < 2)
        return -EMFILE;
    struct file *rf, *wf;
    int err = pipe_create(&rf, &wf);
    if (err)
        return err;
    rf->status = wf->status = flags & O_NONBLOCK;
    bool cloexec = flags & O_CLOEXEC;
    fds[0] = lowest_free(p);
    install_at(p, fds[0], rf, cloexec);
    fds[1] = lowest_free(p);
    install_at(p, fds[1], wf, cloexec);
    return 0;
}

long file_fcntl(struct proc *p, int fd, int cmd, long arg)
{
    struct file *f = file_get(p, fd);
    if (!f)
        return -EBADF;
    int argi = (int)arg; /* as Linux: every command here takes an int */
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        if (argi < 0 || argi >= rlimit_nofile(p))
            return -EINVAL;
        int nfd = lowest_free_from(p, argi);
        if (nfd >= 0)
            install_at(p, nfd, file_ref(f), cmd == F_DUPFD_CLOEXEC);
        return nfd;
    }
    case F_GETFD:
        return proc_group(p)->fd_flags[fd];
    case F_SETFD:
        proc_group(p)->fd_flags[fd] = argi & FD_CLOEXEC;
        return 0;
    case F_GETFL: {
        int acc = (f->flags & FILE_READ) && (f->flags & FILE_WRITE) ? O_RDWR
                  : (f->flags & FILE_WRITE)                         ? O_WRONLY
                                                                    : O_RDONLY;
        return acc | f->status;
    }
    case F_SETFL:
        /* Linux would start signal-driven I/O (FASYNC) or direct I/O, or
         * stop access-time updates: none of that exists here. */
        if (argi & (FILE_FASYNC | FILE_O_DIRECT | FILE_O_NOATIME))
            return -EINVAL;
        f->status = (f->status & ~FILE_SETFL_MASK) | (argi & FILE_SETFL_MASK);
        return 0;
    default:
        return -EINVAL;
    }
}

void file_close_on_exec(struct proc *p)
{
    for (int fd = 0; fd < NOFILE; fd++)
        if (proc_group(p)->files[fd] && (proc_group(p)->fd_flags[fd] & FD_CLOEXEC))
            file_fd_close(p, fd);
}

int file_install_console(struct proc *p)
{
    proc_group(p)->umask = 022; /* Linux's default for init */
    struct file *f = tty_open();
    if (!f)
        return -ENOMEM;
    f->status = O_LARGEFILE; /* as Linux's console, opened with open() */
    for (int fd = 0; fd <= 2; fd++) {
        struct file *prev = proc_group(p)->files[fd];
        install_at(p, fd, fd == 0 ? f : file_ref(f), false);
        if (prev)
            file_close(prev);
    }
    return 0;
}

int file_copy_table(struct proc *child, const struct proc *parent)
{
    struct inode *old_cwd = proc_group(child)->cwd;
    proc_group(child)->cwd = proc_group(parent)->cwd ? vfs_iget(proc_group(parent)->cwd) : NULL;
    vfs_iput(old_cwd);
    proc_group(child)->umask = proc_group(parent)->umask;
    for (int fd = 0; fd < NOFILE; fd++) {
        struct file *prev = proc_group(child)->files[fd];
        proc_group(child)->files[fd] = proc_group(parent)->files[fd] ? file_ref(proc_group(parent)->files[fd]) : NULL;
        proc_group(child)->fd_flags[fd] = proc_group(parent)->fd_flags[fd];
        if (prev)
            file_close(prev);
    }
    return 0;
}

void file_close_all(struct proc *p)
{
    vfs_iput(proc_group(p)->cwd);
    proc_group(p)->cwd = NULL;
    for (int fd = 0; fd < NOFILE; fd++)
        if (proc_group(p)->files[fd])
            file_fd_close(p, fd);
}

/*
 * open(path, flags, mode) for p: the new descriptor, or -EINVAL (a flag the
 * kernel does not implement), -EMFILE, and vfs_open's errors. path is a
 * kernel string. Error order follows Linux: flags, EMFILE, path.
 */
int file_open(struct proc *p, const char *path, int flags, uint32_t mode)
{
    if (flags & ~FILE_OPEN_FLAGS)
        return -EINVAL; /* a flag the kernel does not implement: refused, not ignored */
    if (lowest_free(p) < 0)
        return -EMFILE;
    struct file *f;
    int err = vfs_open(p, path, flags, mode, &f);
    if (err)
        return err;
    int fd = lowest_free(p);
    install_at(p, fd, f, flags & O_CLOEXEC);
    return fd;
}

/* ---- system calls ------------------------------------------------------------ */

long sys_read(long fd, long buf, long n)
{
    struct file *f = file_get(proc_current(), (int)fd);
    if (!f || !(f->flags & FILE_READ))
        return -EBADF;
    if (!f->ops->read)
        return -EINVAL;
    if ((uint64_t)buf >= USER_TOP || (uint64_t)n > USER_TOP - (uint64_t)buf)
        return -EFAULT; /* as Linux's access_ok: the whole range must be user space */
    /* A count beyond what the return value can hold is cut down; only the
     * bytes actually moved have to be mapped. */
    size_t len = MIN((size_t)n, FILE_MAX_RW);
    file_ref(f); /* the read may sleep: keep f alive whatever happens to the fd */
    long r = f->ops->read(f, (vaddr_t)buf, len);
    file_close(f);
    return r;
}

long sys_write(long fd, long buf, long n)
{
    struct file *f = file_get(proc_current(), (int)fd);
    if (!f || !(f->flags & FILE_WRITE))
        return -EBADF;
    if (!f->ops->write)
        return -EINVAL;
    if ((uint64_t)buf >= USER_TOP || (uint64_t)n > USER_TOP - (uint64_t)buf)
        return -EFAULT; /* as Linux's access_ok: the whole range must be user space */
    if (n == 0)
        return 0;
    size_t len = MIN((size_t)n, FILE_MAX_RW);
    file_ref(f);
    long r = f->ops->write(f, (vaddr_t)buf, len);
    file_close(f);
    return r;
}

long sys_close(long fd) { return file_fd_close(proc_current(), (int)fd); }

long sys_dup(long fd) { return file_fd_dup(proc_current(), (int)fd); }

long sys_dup2(long oldfd, long newfd)
{
    return file_fd_dup2(proc_current(), (int)oldfd, (int)newfd);
}

long sys_pipe(long ufds) { return sys_pipe2(ufds, 0); }

long sys_pipe2(long ufds, long flags)
{
    struct proc *p = proc_current();
    int fds[2];
    int err = file_fd_pipe(p, fds, (int)flags);
    if (err)
        return err;
    if (uaccess_copy_to_user((vaddr_t)ufds, fds, sizeof(fds)) < 0) {
        /* The caller never learns the numbers: take both ends back. */
        file_fd_close(p, fds[0]);
        file_fd_close(p, fds[1]);
        return -EFAULT;
    }
    return 0;
}

long sys_dup3(long oldfd, long newfd, long flags)
{
    return file_fd_dup3(proc_current(), (int)oldfd, (int)newfd, (int)flags);
}

long sys_fcntl(long fd, long cmd, long arg)
{
    return file_fcntl(proc_current(), (int)fd, (int)cmd, arg);
}

long sys_getdents(long fd, long buf, long count)
{
    struct file *f = file_get(proc_current(), (int)fd);
    if (!f)
        return -EBADF;
    if (!f->ops->getdents)
        return -ENOTDIR;
    if ((uint64_t)buf >= USER_TOP)
        return -EFAULT;
    return f->ops->getdents(f, (vaddr_t)buf, (size_t)count);
}

long sys_lseek(long fd, long offset, long whence)
{
    struct file *f = file_get(proc_current(), (int)fd);
    if (!f)
        return -EBADF;
    if (!f->ops->lseek)
        return -ESPIPE;
    return f->ops->lseek(f, offset, (int)whence);
}
