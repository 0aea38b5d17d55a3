/*
 * file.c - open files, descriptor tables, the system calls on descriptors,
 * and the initrd's files and directories as open files. Invariant: a struct
 * file's refcount counts the descriptor slots (all processes) and kernel
 * holders pointing at it; it is freed when that reaches 0.
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

int file_fd_install(struct proc *p, struct file *f)
{
    int fd = lowest_free(p);
    if (fd >= 0)
        p->files[fd] = f;
    return fd;
}

int file_fd_close(struct proc *p, int fd)
{
    struct file *f = file_get(p, fd);
    if (!f)
        return -EBADF;
    p->files[fd] = NULL;
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
        p->files[nfd] = file_ref(f);
    return nfd;
}

int file_fd_dup2(struct proc *p, int oldfd, int newfd)
{
    struct file *f = file_get(p, oldfd);
    if (!f || newfd < 0 || newfd >= NOFILE)
        return -EBADF;
    if (oldfd == newfd)
        return newfd;
    /* Install first, close after: the old file's close cannot see a
     * half-updated table. */
    struct file *prev = p->files[newfd];
    p->files[newfd] = file_ref(f);
    if (prev)
        file_close(prev);
    return newfd;
}

int file_fd_pipe(struct proc *p, int fds[2])
{
    int free_slots = 0;
    for (int fd = 0; fd < NOFILE; fd++)
        free_slots += !p->files[fd];
    if (free_slots < 2)
        return -EMFILE;
    struct file *rf, *wf;
    int err = pipe_create(&rf, &wf);
    if (err)
        return err;
    fds[0] = file_fd_install(p, rf);
    fds[1] = file_fd_install(p, wf);
    return 0;
}

int file_install_console(struct proc *p)
{
    struct file *f = tty_open();
    if (!f)
        return -ENOMEM;
    for (int fd = 0; fd <= 2; fd++) {
        struct file *prev = p->files[fd];
        p->files[fd] = fd == 0 ? f : file_ref(f);
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
    int fd = file_fd_install(p, f);
    if (fd < 0)
        file_close(f);
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

long sys_pipe(long ufds)
{
    struct proc *p = proc_current();
    int fds[2];
    int err = file_fd_pipe(p, fds);
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
