/*
 * file.c - open files, descriptor tables, the system calls on descriptors,
 * and the initrd's files and directories as open files. Invariants: a struct
 * file's refcount counts the descriptor slots (all processes) and kernel
 * holders pointing at it; it is freed when that reaches 0. p->fd_flags[fd]
 * (FD_CLOEXEC) belongs to the descriptor, not the file, and is set whenever
 * a descriptor is filled; status flags (O_NONBLOCK, ...) belong to the file.
 */
#include "kernel/file.h"
#include "kernel/errno.h"
#include "kernel/initrd.h"
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


#define OPEN_PATH_MAX 256 /* longest path sys_open accepts, NUL included */

/*
 * The open flags the kernel implements. O_NOCTTY and O_NOFOLLOW hold
 * vacuously (open reaches no terminal and no symbolic link), O_LARGEFILE
 * always. Anything else (O_SYNC, O_DSYNC, O_DIRECT, FASYNC, O_NOATIME,
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
    return p->files[fd];
}

static int lowest_free(const struct proc *p)
{
    for (int fd = 0; fd < NOFILE; fd++)
        if (!p->files[fd])
            return fd;
    return -EMFILE;
}

/* The lowest free descriptor >= from, or -EMFILE. */
static int lowest_free_from(const struct proc *p, int from)
{
    for (int fd = from; fd < NOFILE; fd++)
        if (!p->files[fd])
            return fd;
    return -EMFILE;
}

/* Fill the free slot fd with f (the caller's reference) and its flag. */
static void install_at(struct proc *p, int fd, struct file *f, bool cloexec)
{
    p->files[fd] = f;
    p->fd_flags[fd] = cloexec ? FD_CLOEXEC : 0;
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
    p->files[fd] = NULL;
    p->fd_flags[fd] = 0;
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
    struct file *prev = p->files[newfd];
    install_at(p, newfd, file_ref(f), cloexec);
    if (prev)
        file_close(prev);
    return newfd;
}

int file_fd_dup2(struct proc *p, int oldfd, int newfd)
{
    struct file *f = file_get(p, oldfd);
    if (!f || newfd < 0 || newfd >= NOFILE)
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
    if (newfd < 0 || newfd >= NOFILE)
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
    for (int fd = 0; fd < NOFILE; fd++)
        free_slots += !p->files[fd];
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
        if (argi < 0 || argi >= NOFILE)
            return -EINVAL;
        int nfd = lowest_free_from(p, argi);
        if (nfd >= 0)
            install_at(p, nfd, file_ref(f), cmd == F_DUPFD_CLOEXEC);
        return nfd;
    }
    case F_GETFD:
        return p->fd_flags[fd];
    case F_SETFD:
        p->fd_flags[fd] = argi & FD_CLOEXEC;
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
        if (p->files[fd] && (p->fd_flags[fd] & FD_CLOEXEC))
            file_fd_close(p, fd);
}

int file_install_console(struct proc *p)
{
    struct file *f = tty_open();
    if (!f)
        return -ENOMEM;
    f->status = O_LARGEFILE; /* as Linux's console, opened with open() */
    for (int fd = 0; fd <= 2; fd++) {
        struct file *prev = p->files[fd];
        install_at(p, fd, fd == 0 ? f : file_ref(f), false);
        if (prev)
            file_close(prev);
    }
    return 0;
}

int file_copy_table(struct proc *child, const struct proc *parent)
{
    for (int fd = 0; fd < NOFILE; fd++) {
        struct file *prev = child->files[fd];
        child->files[fd] = parent->files[fd] ? file_ref(parent->files[fd]) : NULL;
        child->fd_flags[fd] = parent->fd_flags[fd];
        if (prev)
            file_close(prev);
    }
    return 0;
}

void file_close_all(struct proc *p)
{
    for (int fd = 0; fd < NOFILE; fd++)
        if (p->files[fd])
            file_fd_close(p, fd);
}

/* ---- initrd files and directories ----------------------------------------- */

/* A new offset for lseek, or -EINVAL if it would be negative or overflow. */
static long seek_to(uint64_t cur, uint64_t end, long offset, int whence)
{
    long base;
    if (whence == SEEK_SET)
        base = 0;
    else if (whence == SEEK_CUR)
        base = (long)cur;
    else if (whence == SEEK_END)
        base = (long)end;
    else
        return -EINVAL;
    long pos;
    if (__builtin_add_overflow(base, offset, &pos) || pos < 0)
        return -EINVAL;
    return pos;
}

static long rdfile_read(struct file *f, vaddr_t buf, size_t n)
{
    const struct initrd_node *node = f->priv;
    if (f->offset >= node->size || n == 0)
        return 0;
    size_t want = MIN(n, node->size - f->offset);
    size_t got = file_copy_out(buf, node->data + f->offset, want);
    if (got == 0)
        return -EFAULT;
    f->offset += got;
    return (long)got;
}

static long rdfile_lseek(struct file *f, long offset, int whence)
{
    const struct initrd_node *node = f->priv;
    long pos = seek_to(f->offset, node->size, offset, whence);
    if (pos >= 0)
        f->offset = (uint64_t)pos;
    return pos;
}

static long rddir_read(struct file *f, vaddr_t buf, size_t n)
{
    (void)f, (void)buf, (void)n;
    return -EISDIR;
}

/* Entries from f->offset on, as many as fit in count; the offset counts
 * entries. A short count only at the end of the directory. */
static long rddir_getdents(struct file *f, vaddr_t buf, size_t count)
{
    const struct initrd_node *dir = f->priv;
    if (count == 0)
        return -EINVAL; /* no room for even one entry, as Linux */
    size_t done = 0;
    while (done < count && f->offset < INITRD_MAX_NODES) {
        struct cowos_dirent d;
        if (initrd_list(dir->path, (int)f->offset, &d) < 0)
            break;
        if (uaccess_copy_to_user(buf + done * sizeof(d), &d, sizeof(d)) < 0)
            return done ? (long)done : -EFAULT;
        f->offset++;
        done++;
    }
    return (long)done;
}

/* Directories seek by entry index; SEEK_END has no meaning for them. */
static long rddir_lseek(struct file *f, long offset, int whence)
{
    if (whence == SEEK_END)
        return -EINVAL;
    long pos = seek_to(f->offset, 0, offset, whence);
    if (pos >= 0)
        f->offset = (uint64_t)pos;
    return pos;
}

/* The nodes belong to the initrd: closing frees nothing. */
static const struct file_ops rdfile_ops = {
    .read = rdfile_read,
    .lseek = rdfile_lseek,
};

static const struct file_ops rddir_ops = {
    .read = rddir_read,
    .getdents = rddir_getdents,
    .lseek = rddir_lseek,
};

/*
 * open(path, flags) on the initrd, which is read-only: opening for writing,
 * truncating or creating fails as on a read-only Linux mount (EROFS, or
 * EISDIR for a directory). Error order follows Linux: flags, path, EMFILE,
 * lookup.
 */
int file_open(struct proc *p, const char *path, int flags)
{
    if (flags & ~FILE_OPEN_FLAGS)
        return -EINVAL; /* a flag the kernel does not implement: refused, not ignored */
    int acc = flags & O_ACCMODE;
    bool writing = acc != O_RDONLY;
    if (lowest_free(p) < 0)
        return -EMFILE;
    if (path[0] == '\0')
        return -ENOENT;
    const struct initrd_node *node;
    int err = initrd_stat(path, &node);
    if (err == -ENOENT && (flags & O_CREAT)) {
        /* Creating fails for lack of a writable file system only if the
         * directory it would go in exists. */
        size_t len = strlen(path);
        if (path[len - 1] == '/')
            return -EISDIR; /* a trailing slash asks to create a directory */
        char parent[OPEN_PATH_MAX + 4];
        const struct initrd_node *dir;
        strlcpy(parent, path, sizeof(parent));
        size_t cut = 0; /* keep everything before the last '/' ("/" if that is all) */
        for (size_t i = 0; parent[i]; i++)
            if (parent[i] == '/')
                cut = i;
        parent[cut ? cut : (parent[0] == '/' ? 1 : 0)] = '\0';
        err = initrd_stat(parent[0] ? parent : "/", &dir);
        if (!err && !dir->is_dir)
            err = -ENOTDIR;
        return err ? err : -EROFS;
    }
    if (err)
        return err;
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return -EEXIST;
    if (node->is_dir && (writing || (flags & O_CREAT)))
        return -EISDIR;
    if (!node->is_dir && (flags & O_DIRECTORY))
        return -ENOTDIR;
    if (!node->is_dir && (writing || (flags & O_TRUNC)))
        return -EROFS;
    struct file *f =
        file_alloc(node->is_dir ? &rddir_ops : &rdfile_ops, FILE_READ, (void *)(uintptr_t)node);
    if (!f)
        return -ENOMEM;
    /* What Linux's F_GETFL shows too: O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC
     * and O_CLOEXEC are gone, and on 64-bit every file is a large file. */
    f->status = (flags & (O_APPEND | O_NONBLOCK | O_DIRECTORY | O_NOFOLLOW)) | O_LARGEFILE;
    int fd = lowest_free(p);
    if (fd < 0) {
        file_close(f);
        return fd;
    }
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

long sys_open(long upath, long flags)
{
    char path[OPEN_PATH_MAX];
    long len = uaccess_strncpy_from_user(path, (vaddr_t)upath, sizeof(path));
    if (len < 0)
        return len;
    return file_open(proc_current(), path, (int)flags);
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

const struct initrd_node *file_initrd_node(const struct file *f)
{
    return f->ops == &rdfile_ops ? f->priv : NULL;
}
