/*
 * fscalls.c - the file-system system calls: each copies its user arguments
 * in (paths at most 4096 bytes, ENAMETOOLONG beyond; a bad pointer is
 * EFAULT before anything happens), then asks the VFS. Linux's argument
 * order and error numbers throughout; what the kernel cannot honour is
 * refused (see the README's list).
 */
#include "kernel/fs/fscalls.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/fs/vfs.h"
#include "kernel/pipe.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pagecache.h"
#include "mm/uaccess.h"
#include "proc/proc.h"

/* A user path into a fresh kernel buffer: NULL with *err set on failure. */
static char *user_path(long upath, long *err)
{
    char *buf = kmalloc(VFS_PATH_MAX);
    if (!buf) {
        *err = -ENOMEM;
        return NULL;
    }
    long len = uaccess_strncpy_from_user(buf, (vaddr_t)upath, VFS_PATH_MAX);
    if (len < 0) {
        kfree(buf);
        *err = len;
        return NULL;
    }
    return buf;
}

/* Look up the user path upath (flags as vfs_lookup): 0 with *ino held (the
 * caller puts it), or -errno. */
static long user_lookup(long upath, int flags, struct inode **ino)
{
    long r = 0;
    char *path = user_path(upath, &r);
    if (!path)
        return r;
    r = vfs_lookup(proc_current(), path, flags, ino);
    kfree(path);
    return r;
}

/* Run fn on one user path. */
static long with_path(long upath, int (*fn)(struct proc *, const char *))
{
    long r = 0;
    char *path = user_path(upath, &r);
    if (!path)
        return r;
    r = fn(proc_current(), path);
    kfree(path);
    return r;
}

/* Run fn on two user paths. */
static long with_paths(long ua, long ub, int (*fn)(struct proc *, const char *, const char *))
{
    long r = 0;
    char *a = user_path(ua, &r);
    if (!a)
        return r;
    char *b = user_path(ub, &r);
    if (b) {
        r = fn(proc_current(), a, b);
        kfree(b);
    }
    kfree(a);
    return r;
}

long sys_open(long upath, long flags, long mode)
{
    long r = 0;
    char *path = user_path(upath, &r);
    if (!path)
        return r;
    r = file_open(proc_current(), path, (int)flags, (uint32_t)mode);
    kfree(path);
    return r;
}

/* The VFS inode behind descriptor fd: -EBADF if not open. */
static struct inode *fd_inode(long fd, struct file **fp, long *err)
{
    struct file *f = file_get(proc_current(), (int)fd);
    if (!f) {
        *err = -EBADF;
        return NULL;
    }
    if (fp)
        *fp = f;
    struct inode *ino = vfs_file_inode(f);
    if (!ino)
        *err = -EINVAL;
    return ino;
}

/* pread/pwrite: the offset is given, the file's own is left alone. */
static long positional(long fd, long buf, long n, long off, bool write)
{
    struct file *f = file_get(proc_current(), (int)fd);
    if (!f || !(f->flags & (write ? FILE_WRITE : FILE_READ)))
        return -EBADF;
    struct inode *ino = vfs_file_inode(f);
    if (!ino)
        return -ESPIPE; /* pipes and the console have no position */
    if (off < 0)
        return -EINVAL;
    if (VFS_ISDIR(ino->mode))
        return -EISDIR;
    if ((uint64_t)buf >= USER_TOP || (uint64_t)n > USER_TOP - (uint64_t)buf)
        return -EFAULT;
    size_t len = MIN((size_t)n, FILE_MAX_RW);
    if (len == 0)
        return 0;
    if (write)
        return ino->ops->write ? ino->ops->write(ino, (uint64_t)off, (vaddr_t)buf, len) : -EINVAL;
    return ino->ops->read ? ino->ops->read(ino, f, (uint64_t)off, (vaddr_t)buf, len) : -EINVAL;
}

long sys_pread64(long fd, long buf, long n, long off) { return positional(fd, buf, n, off, false); }
long sys_pwrite64(long fd, long buf, long n, long off) { return positional(fd, buf, n, off, true); }

long sys_ftruncate(long fd, long len)
{
    struct file *f = file_get(proc_current(), (int)fd);
    if (!f)
        return -EBADF;
    struct inode *ino = vfs_file_inode(f);
    if (!ino || !(f->flags & FILE_WRITE) || !VFS_ISREG(ino->mode))
        return -EINVAL; /* Linux: EINVAL for a descriptor not open for writing, or not a file */
    if (len < 0)
        return -EINVAL;
    return vfs_truncate(ino, (uint64_t)len);
}

long sys_truncate(long upath, long len)
{
    struct inode *ino;
    long r = user_lookup(upath, VFS_FOLLOW, &ino);
    if (r < 0)
        return r;
    if (len < 0)
        r = -EINVAL;
    else if (VFS_ISREG(ino->mode) && !ino->ops->truncate)
        r = -EACCES;
    else if (vfs_busy_text(ino))
        r = -ETXTBSY;
    else
        r = vfs_truncate(ino, (uint64_t)len);
    vfs_iput(ino);
    return r;
}

long sys_unlink(long upath) { return with_path(upath, vfs_unlink); }
long sys_rmdir(long upath) { return with_path(upath, vfs_rmdir); }
long sys_rename(long a, long b) { return with_paths(a, b, vfs_rename); }
long sys_link(long a, long b) { return with_paths(a, b, vfs_link); }
long sys_symlink(long a, long b) { return with_paths(a, b, vfs_symlink); }

long sys_mkdir(long upath, long mode)
{
    long r = 0;
    char *path = user_path(upath, &r);
    if (!path)
        return r;
    r = vfs_mkdir(proc_current(), path, (uint32_t)mode);
    kfree(path);
    return r;
}

long sys_readlink(long upath, long ubuf, long size)
{
    if (size <= 0)
        return -EINVAL;
    long r = 0;
    char *path = user_path(upath, &r);
    if (!path)
        return r;
    char *out = kmalloc(VFS_PATH_MAX);
    if (!out) {
        kfree(path);
        return -ENOMEM;
    }
    r = vfs_readlink(proc_current(), path, out, MIN((size_t)size, VFS_PATH_MAX));
    if (r > 0 && uaccess_copy_to_user((vaddr_t)ubuf, out, (size_t)r) < 0)
        r = -EFAULT;
    kfree(out);
    kfree(path);
    return r;
}

static long stat_out(struct inode *ino, long ubuf)
{
    struct cowos_stat st;
    vfs_fill_stat(ino, &st);
    return uaccess_copy_to_user((vaddr_t)ubuf, &st, sizeof(st)) < 0 ? -EFAULT : 0;
}

static long stat_path(long upath, long ubuf, int flags)
{
    struct inode *ino;
    long r = user_lookup(upath, flags, &ino);
    if (r < 0)
        return r;
    r = stat_out(ino, ubuf);
    vfs_iput(ino);
    return r;
}

long sys_stat(long upath, long ubuf) { return stat_path(upath, ubuf, VFS_FOLLOW); }
long sys_lstat(long upath, long ubuf) { return stat_path(upath, ubuf, 0); }

long sys_fstat(long fd, long ubuf)
{
    struct file *f = file_get(proc_current(), (int)fd);
    if (!f)
        return -EBADF;
    struct inode *ino = vfs_file_inode(f);
    if (ino)
        return stat_out(ino, ubuf);
    /* A pipe or the console: no inode, just its type. */
    struct cowos_stat st;
    memset(&st, 0, sizeof(st));
    st.st_mode = pipe_is_pipe(f) ? 0010600 : 0020620; /* S_IFIFO, S_IFCHR */
    st.st_nlink = 1;
    st.st_blksize = 4096;
    return uaccess_copy_to_user((vaddr_t)ubuf, &st, sizeof(st)) < 0 ? -EFAULT : 0;
}

long sys_getdents64(long fd, long ubuf, long count)
{
    struct file *f = file_get(proc_current(), (int)fd);
    if (!f)
        return -EBADF;
    if (!vfs_file_inode(f))
        return -ENOTDIR;
    if ((uint64_t)ubuf >= USER_TOP)
        return -EFAULT;
    return vfs_file_getdents64(f, (vaddr_t)ubuf, (size_t)(unsigned int)count);
}

static int chdir_path(struct proc *p, const char *path)
{
    struct inode *ino;
    int r = vfs_lookup(p, path, VFS_FOLLOW, &ino);
    if (r < 0)
        return r;
    r = vfs_chdir(p, ino);
    vfs_iput(ino);
    return r;
}

long sys_chdir(long upath) { return with_path(upath, chdir_path); }

long sys_fchdir(long fd)
{
    long err = 0;
    struct inode *ino = fd_inode(fd, NULL, &err);
    if (!ino)
        return err == -EINVAL ? -ENOTDIR : err;
    return vfs_chdir(proc_current(), ino);
}

long sys_getcwd(long ubuf, long size)
{
    struct proc *p = proc_current();
    char *buf = kmalloc(VFS_PATH_MAX);
    if (!buf)
        return -ENOMEM;
    long r = vfs_dir_path(proc_group(p)->cwd ? proc_group(p)->cwd : vfs_root(), buf, VFS_PATH_MAX);
    if (r >= 0 && (size_t)r + 1 > (size_t)size)
        r = size == 0 ? -EINVAL : -ERANGE;
    if (r >= 0) {
        if (uaccess_copy_to_user((vaddr_t)ubuf, buf, (size_t)r + 1) < 0)
            r = -EFAULT;
        else
            r = r + 1; /* the raw system call returns the length with the NUL */
    }
    kfree(buf);
    return r;
}

long sys_fsync(long fd)
{
    struct file *f = file_get(proc_current(), (int)fd);
    if (!f)
        return -EBADF;
    return vfs_file_inode(f) ? 0 : -EINVAL; /* memory is the disk: nothing to write back */
}

long sys_umask(long mask)
{
    struct proc *p = proc_current();
    long old = proc_group(p)->umask;
    proc_group(p)->umask = (uint32_t)mask & 0777;
    return old;
}

#define ACCESS_F_OK 0
#define ACCESS_MASK 7 /* R_OK | W_OK | X_OK */

/* Every process has the powers of root: reading and writing are always
 * allowed, except writing /proc; executing needs an x bit (as root). */
static long access_check(struct inode *ino, long mode)
{
    if ((mode & 2) && !ino->ops->write && !VFS_ISDIR(ino->mode))
        return -EACCES;
    if ((mode & 1) && !VFS_ISDIR(ino->mode) && !(ino->mode & 0111))
        return -EACCES;
    return 0;
}

long sys_access(long upath, long mode) { return sys_faccessat(COWOS_AT_FDCWD, upath, mode); }

static long statfs_out(long ubuf)
{
    uint64_t used, max, iused, imax;
    vfs_usage(&used, &max, &iused, &imax);
    struct cowos_statfs s;
    memset(&s, 0, sizeof(s));
    s.f_type = 0x01021994; /* TMPFS_MAGIC */
    s.f_bsize = PAGE_SIZE;
    s.f_blocks = max;
    s.f_bfree = s.f_bavail = used < max ? max - used : 0;
    s.f_files = imax;
    s.f_ffree = iused < imax ? imax - iused : 0;
    s.f_namelen = VFS_NAME_MAX;
    s.f_frsize = PAGE_SIZE;
    return uaccess_copy_to_user((vaddr_t)ubuf, &s, sizeof(s)) < 0 ? -EFAULT : 0;
}

long sys_statfs(long upath, long ubuf)
{
    struct inode *ino;
    long r = user_lookup(upath, VFS_FOLLOW, &ino);
    if (r < 0)
        return r;
    vfs_iput(ino);
    return statfs_out(ubuf);
}

/* ---- the *at calls, chmod and times ------------------------------------- */

/*
 * A relative path of an *at call starts at the directory of dirfd: for the
 * length of the call that directory stands in for the working directory.
 * No reference is taken: the descriptor holds one, and these calls neither
 * sleep nor close descriptors. AT_FDCWD and absolute paths change nothing.
 */
struct at_dir {
    struct proc *p;
    struct inode *saved;
    bool swapped;
};

static long at_enter(struct at_dir *a, long dirfd, const char *path)
{
    a->p = proc_current();
    a->swapped = false;
    if (path[0] == '/' || path[0] == '\0' || (int)dirfd == COWOS_AT_FDCWD)
        return 0;
    struct file *f = file_get(a->p, (int)dirfd);
    if (!f)
        return -EBADF;
    struct inode *ino = vfs_file_inode(f);
    if (!ino || !VFS_ISDIR(ino->mode))
        return -ENOTDIR;
    a->saved = proc_group(a->p)->cwd;
    proc_group(a->p)->cwd = ino;
    a->swapped = true;
    return 0;
}

static void at_leave(struct at_dir *a)
{
    if (a->swapped)
        proc_group(a->p)->cwd = a->saved;
}

/* Run fn(p, path, arg) on a user path relative to dirfd. */
static long at_path(long dirfd, long upath, long (*fn)(struct proc *, const char *, long, long),
                    long arg1, long arg2)
{
    long r = 0;
    char *path = user_path(upath, &r);
    if (!path)
        return r;
    struct at_dir a;
    r = at_enter(&a, dirfd, path);
    if (r == 0) {
        r = fn(a.p, path, arg1, arg2);
        at_leave(&a);
    }
    kfree(path);
    return r;
}

static long do_open(struct proc *p, const char *path, long flags, long mode)
{
    return file_open(p, path, (int)flags, (uint32_t)mode);
}

long sys_openat(long dirfd, long upath, long flags, long mode)
{
    return at_path(dirfd, upath, do_open, flags, mode);
}

static long do_mkdir(struct proc *p, const char *path, long mode, long unused)
{
    (void)unused;
    return vfs_mkdir(p, path, (uint32_t)mode);
}

long sys_mkdirat(long dirfd, long upath, long mode) { return at_path(dirfd, upath, do_mkdir, mode, 0); }

static long do_unlink(struct proc *p, const char *path, long flags, long unused)
{
    (void)unused;
    return flags & COWOS_AT_REMOVEDIR ? vfs_rmdir(p, path) : vfs_unlink(p, path);
}

long sys_unlinkat(long dirfd, long upath, long flags)
{
    if (flags & ~(long)COWOS_AT_REMOVEDIR)
        return -EINVAL;
    return at_path(dirfd, upath, do_unlink, flags, 0);
}

static long do_readlink(struct proc *p, const char *path, long ubuf, long size)
{
    char *out = kmalloc(VFS_PATH_MAX);
    if (!out)
        return -ENOMEM;
    long r = vfs_readlink(p, path, out, MIN((size_t)size, VFS_PATH_MAX));
    if (r > 0 && uaccess_copy_to_user((vaddr_t)ubuf, out, (size_t)r) < 0)
        r = -EFAULT;
    kfree(out);
    return r;
}

long sys_readlinkat(long dirfd, long upath, long ubuf, long size)
{
    if (size <= 0)
        return -EINVAL;
    return at_path(dirfd, upath, do_readlink, ubuf, size);
}

/* The inode a path names (following a last link unless nofollow). */
static long path_inode(struct proc *p, const char *path, bool nofollow, struct inode **out)
{
    return vfs_lookup(p, path, nofollow ? 0 : VFS_FOLLOW, out);
}

static long do_access(struct proc *p, const char *path, long mode, long unused)
{
    (void)unused;
    struct inode *ino;
    long r = path_inode(p, path, false, &ino);
    if (r < 0)
        return r;
    r = access_check(ino, mode);
    vfs_iput(ino);
    return r;
}

long sys_faccessat(long dirfd, long upath, long mode)
{
    if (mode & ~(long)ACCESS_MASK)
        return -EINVAL;
    return at_path(dirfd, upath, do_access, mode, 0);
}

static long do_stat(struct proc *p, const char *path, long ubuf, long flags)
{
    struct inode *ino;
    long r = path_inode(p, path, flags & COWOS_AT_SYMLINK_NOFOLLOW, &ino);
    if (r < 0)
        return r;
    r = stat_out(ino, ubuf);
    vfs_iput(ino);
    return r;
}

long sys_newfstatat(long dirfd, long upath, long ubuf, long flags)
{
    if (flags & ~(long)(COWOS_AT_SYMLINK_NOFOLLOW | COWOS_AT_EMPTY_PATH))
        return -EINVAL;
    if (flags & COWOS_AT_EMPTY_PATH) {
        char c;
        if (uaccess_copy_from_user(&c, (vaddr_t)upath, 1) < 0)
            return -EFAULT;
        if (c == '\0') { /* the descriptor itself */
            if ((int)dirfd == COWOS_AT_FDCWD) {
                struct proc *p = proc_current();
                return stat_out(proc_group(p)->cwd ? proc_group(p)->cwd : vfs_root(), ubuf);
            }
            return sys_fstat(dirfd, ubuf);
        }
    }
    return at_path(dirfd, upath, do_stat, ubuf, flags);
}

long sys_renameat(long olddirfd, long uold, long newdirfd, long unew)
{
    long r = 0;
    char *oldp = user_path(uold, &r);
    if (!oldp)
        return r;
    char *newp = user_path(unew, &r);
    if (!newp) {
        kfree(oldp);
        return r;
    }
    /* Each path from its own directory: the old one's first. */
    struct at_dir a;
    struct inode *ostart = NULL, *nstart = NULL;
    r = at_enter(&a, olddirfd, oldp);
    if (r == 0) {
        ostart = a.swapped ? proc_group(a.p)->cwd : NULL;
        at_leave(&a);
        r = at_enter(&a, newdirfd, newp);
    }
    if (r == 0) {
        nstart = a.swapped ? proc_group(a.p)->cwd : NULL;
        at_leave(&a);
        r = vfs_renameat(a.p, ostart, oldp, nstart, newp);
    }
    kfree(newp);
    kfree(oldp);
    return r;
}

static long do_chmod(struct proc *p, const char *path, long mode, long unused)
{
    (void)unused;
    struct inode *ino;
    long r = path_inode(p, path, false, &ino);
    if (r < 0)
        return r;
    r = vfs_chmod(ino, (uint32_t)mode);
    vfs_iput(ino);
    return r;
}

long sys_fchmodat(long dirfd, long upath, long mode) { return at_path(dirfd, upath, do_chmod, mode, 0); }

long sys_fchmod(long fd, long mode)
{
    long err = 0;
    struct inode *ino = fd_inode(fd, NULL, &err);
    if (!ino)
        return err == -EINVAL ? -EPERM : err; /* a pipe or the console: not here (README) */
    return vfs_chmod(ino, (uint32_t)mode);
}

/* Linux's struct timespec. */
struct at_timespec {
    long tv_sec, tv_nsec;
};

/* times[2] (NULL: both now) into what vfs_set_times takes. */
static long read_times(long utimes, uint64_t t[2], bool set[2])
{
    struct at_timespec ts[2];
    if (!utimes) {
        t[0] = t[1] = vfs_now();
        set[0] = set[1] = true;
        return 0;
    }
    if (uaccess_copy_from_user(ts, (vaddr_t)utimes, sizeof(ts)) < 0)
        return -EFAULT;
    for (int i = 0; i < 2; i++) {
        set[i] = ts[i].tv_nsec != COWOS_UTIME_OMIT;
        if (ts[i].tv_nsec == COWOS_UTIME_NOW)
            t[i] = vfs_now();
        else if (ts[i].tv_nsec == COWOS_UTIME_OMIT)
            t[i] = 0;
        else if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= (long)VFS_NSEC || ts[i].tv_sec < 0 ||
                 (uint64_t)ts[i].tv_sec > ~0UL / VFS_NSEC - 1)
            return -EINVAL; /* before the boot cannot be stored: README */
        else
            t[i] = (uint64_t)ts[i].tv_sec * VFS_NSEC + (uint64_t)ts[i].tv_nsec;
    }
    return 0;
}

static long set_times(struct inode *ino, const uint64_t t[2], const bool set[2])
{
    if (!set[0] && !set[1])
        return 0; /* both UTIME_OMIT: nothing changes, as Linux */
    return vfs_set_times(ino, set[0] ? &t[0] : NULL, set[1] ? &t[1] : NULL);
}

struct times_req {
    uint64_t t[2]; /* access, modification */
    bool set[2];
};

static long do_utimes(struct proc *p, const char *path, long req_addr, long flags)
{
    const struct times_req *req = (const struct times_req *)req_addr;
    struct inode *ino;
    long r = path_inode(p, path, flags & COWOS_AT_SYMLINK_NOFOLLOW, &ino);
    if (r < 0)
        return r;
    r = set_times(ino, req->t, req->set);
    vfs_iput(ino);
    return r;
}

long sys_utimensat(long dirfd, long upath, long utimes, long flags)
{
    if (flags & ~(long)COWOS_AT_SYMLINK_NOFOLLOW)
        return -EINVAL;
    struct times_req req;
    long r = read_times(utimes, req.t, req.set);
    if (r < 0)
        return r;
    if (!upath) { /* futimens: dirfd itself */
        if ((int)dirfd == COWOS_AT_FDCWD)
            return -EFAULT;
        if (flags)
            return -EINVAL;
        struct inode *ino = fd_inode(dirfd, NULL, &r);
        if (!ino)
            return r == -EINVAL ? -EPERM : r;
        return set_times(ino, req.t, req.set);
    }
    return at_path(dirfd, upath, do_utimes, (long)&req, flags);
}
