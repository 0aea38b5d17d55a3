/*
 * vfs.c - inodes, path lookup and the path-based operations.
 *
 * Lookup is iterative: the path still to resolve lives in one buffer, and a
 * symbolic link is resolved by putting its target in front of what is left,
 * so no kernel stack grows with the number of links (at most 40, ELOOP).
 * A directory with a mount (/proc) is crossed into the mounted root; ".."
 * follows inode->parent, which for a mounted root is the mount point's
 * parent. Invariants: every inode pointer held across a call is a counted
 * reference; the file systems own their inodes and free them through
 * ops->destroy when refs and nlink are both 0.
 * Locks: klock (kernel/klock.h) guards the tree, inodes and mounts.
 */
#include "kernel/fs/vfs.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/fs/procfs.h"
#include "kernel/fs/tmpfs.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "kernel/timer.h"
#include "mm/kheap.h"
#include "mm/pagecache.h"
#include "proc/proc.h"

static struct inode *root;
static uint64_t last_ino = 1;

struct inode *vfs_root(void) { return root; }

uint64_t vfs_next_ino(void) { return ++last_ino; }

uint64_t vfs_now(void) { return timer_ticks() * (VFS_NSEC / TIMER_HZ); }

struct inode *vfs_iget(struct inode *ino)
{
    KASSERT(ino->refs >= 0);
    ino->refs++;
    return ino;
}

void vfs_maybe_free(struct inode *ino)
{
    if (ino->refs == 0 && (ino->nlink == 0 || ino->transient) && ino->ops->destroy)
        ino->ops->destroy(ino);
}

void vfs_iput(struct inode *ino)
{
    if (!ino)
        return;
    if (ino->refs <= 0)
        panic("vfs_iput: inode %lu has no references", ino->ino);
    ino->refs--;
    vfs_maybe_free(ino);
}

/* ---- lookup -------------------------------------------------------------- */

static struct inode *start_dir(struct proc *p, const char *path)
{
    if (path[0] != '/' && p && proc_group(p)->cwd)
        return vfs_iget(proc_group(p)->cwd);
    return vfs_iget(root);
}

/* One step from directory dir to its entry name (a component). */
static int step(struct inode *dir, const char *name, struct inode **out)
{
    if (!VFS_ISDIR(dir->mode))
        return -ENOTDIR;
    struct inode *next;
    if (strcmp(name, ".") == 0)
        next = vfs_iget(dir);
    else if (strcmp(name, "..") == 0)
        next = vfs_iget(dir->parent);
    else {
        if (!dir->ops->lookup)
            return -ENOENT;
        int r = dir->ops->lookup(dir, name, &next);
        if (r < 0)
            return r;
    }
    while (next->mounted) {
        struct inode *m = vfs_iget(next->mounted);
        vfs_iput(next);
        next = m;
    }
    *out = next;
    return 0;
}

/*
 * The walk: resolve rest (a kernel buffer of VFS_PATH_MAX bytes that it may
 * rewrite) from cur (a reference, consumed). With parent_only, stop before
 * the last component and copy it to last.
 */
static int walk(char *rest, struct inode *cur, int flags, bool parent_only, char *last,
                bool *trailing, struct inode **out)
{
    char name[VFS_NAME_MAX + 1];
    int links = 0;
    int r = 0;
    bool slash_end = false;
    for (;;) {
        char *s = rest;
        while (*s == '/')
            s++;
        if (!*s)
            break;
        char *e = s;
        while (*e && *e != '/')
            e++;
        size_t len = (size_t)(e - s);
        if (len > VFS_NAME_MAX) {
            r = -ENAMETOOLONG;
            goto fail;
        }
        memcpy(name, s, len);
        name[len] = '\0';
        char *after = e;
        while (*after == '/')
            after++;
        bool is_last = *after == '\0';
        slash_end = is_last && *e == '/';
        memmove(rest, after, strlen(after) + 1);
        if (is_last && parent_only) {
            if (!VFS_ISDIR(cur->mode)) {
                r = -ENOTDIR;
                goto fail;
            }
            strlcpy(last, name, VFS_NAME_MAX + 1);
            *trailing = slash_end;
            *out = cur;
            return 0;
        }
        struct inode *next;
        r = step(cur, name, &next);
        if (r < 0)
            goto fail;
        if (VFS_ISLNK(next->mode) && (!is_last || (flags & VFS_FOLLOW) || slash_end)) {
            if (++links > VFS_SYMLOOP_MAX) {
                vfs_iput(next);
                r = -ELOOP;
                goto fail;
            }
            char *target = kmalloc(VFS_PATH_MAX);
            if (!target) {
                vfs_iput(next);
                r = -ENOMEM;
                goto fail;
            }
            int tl = next->ops->readlink(next, target, VFS_PATH_MAX);
            vfs_iput(next);
            size_t restlen = strlen(rest);
            if (tl < 0 || (size_t)tl + 1 + restlen + (slash_end ? 1 : 0) >= VFS_PATH_MAX) {
                kfree(target);
                r = tl < 0 ? tl : -ENAMETOOLONG;
                goto fail;
            }
            /* rest := target "/" rest (the trailing slash kept) */
            memmove(rest + tl + 1, rest, restlen + 1);
            memcpy(rest, target, (size_t)tl);
            rest[tl] = '/';
            if (restlen == 0 && !slash_end)
                rest[tl] = '\0';
            kfree(target);
            if (rest[0] == '/') {
                vfs_iput(cur);
                cur = vfs_iget(root);
            }
            continue; /* cur stays the directory holding the link */
        }
        vfs_iput(cur);
        cur = next;
    }
    if (parent_only) {
        /* The path was "/" (or only slashes): the root itself. */
        strlcpy(last, ".", VFS_NAME_MAX + 1);
        *trailing = false;
        *out = cur;
        return 0;
    }
    if ((slash_end || (flags & VFS_DIRONLY)) && !VFS_ISDIR(cur->mode)) {
        r = -ENOTDIR;
        goto fail;
    }
    *out = cur;
    return 0;
fail:
    vfs_iput(cur);
    return r;
}

static char *path_copy(const char *path, int *err)
{
    size_t len = strnlen(path, VFS_PATH_MAX);
    if (len >= VFS_PATH_MAX) {
        *err = -ENAMETOOLONG;
        return NULL;
    }
    char *buf = kmalloc(VFS_PATH_MAX);
    if (!buf) {
        *err = -ENOMEM;
        return NULL;
    }
    memcpy(buf, path, len + 1);
    return buf;
}

int vfs_lookup(struct proc *p, const char *path, int flags, struct inode **out)
{
    if (!path[0])
        return -ENOENT;
    int err = 0;
    char *buf = path_copy(path, &err);
    if (!buf)
        return err;
    err = walk(buf, start_dir(p, path), flags, false, NULL, NULL, out);
    kfree(buf);
    return err;
}

/* vfs_lookup_parent from directory start (a reference, consumed), which a
 * relative path is resolved from. */
static int lookup_parent_from(struct inode *start, const char *path, struct inode **dir,
                              char *name, bool *trailing_slash)
{
    int err = -ENOENT;
    char *buf = path[0] ? path_copy(path, &err) : NULL;
    if (!buf) {
        vfs_iput(start);
        return err;
    }
    if (path[0] == '/') {
        vfs_iput(start);
        start = vfs_iget(root);
    }
    bool t = false;
    err = walk(buf, start, VFS_FOLLOW, true, name, &t, dir);
    kfree(buf);
    if (trailing_slash)
        *trailing_slash = t;
    return err;
}

int vfs_lookup_parent(struct proc *p, const char *path, struct inode **dir, char *name,
                      bool *trailing_slash)
{
    return lookup_parent_from(start_dir(p, path), path, dir, name, trailing_slash);
}

/* ---- operations by path ---------------------------------------------------- */

static uint32_t umask_of(struct proc *p) { return p ? proc_group(p)->umask : 022; }

/* Open flags F_GETFL shows (O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC and O_CLOEXEC
 * are gone, and on 64-bit every file is a large file). */
#define KEPT_STATUS (O_APPEND | O_NONBLOCK | O_DIRECTORY | O_NOFOLLOW)

/*
 * Where O_CREAT makes a file that path names: its parent directory and last
 * name. When that name is a dangling symbolic link, the file is made where
 * the link points (as Linux), following up to VFS_SYMLOOP_MAX links.
 */
static int create_parent(struct proc *p, const char *path, struct inode **dir, char *name,
                         bool *slash)
{
    int r = vfs_lookup_parent(p, path, dir, name, slash);
    for (int links = 0; r == 0; links++) {
        struct inode *ino;
        if (*slash || step(*dir, name, &ino) < 0)
            return 0; /* not there: make it here */
        if (!VFS_ISLNK(ino->mode)) {
            vfs_iput(ino); /* made meanwhile: cannot happen without preemption */
            vfs_iput(*dir);
            return -EEXIST;
        }
        char *target = kmalloc(VFS_PATH_MAX);
        int tl = target ? ino->ops->readlink(ino, target, VFS_PATH_MAX - 1) : -ENOMEM;
        vfs_iput(ino);
        if (links >= VFS_SYMLOOP_MAX || tl < 0) {
            kfree(target);
            vfs_iput(*dir);
            return tl < 0 ? tl : -ELOOP;
        }
        target[tl] = '\0';
        r = lookup_parent_from(*dir, target, dir, name, slash); /* the link's directory consumed */
        kfree(target);
    }
    return r;
}

int vfs_open(struct proc *p, const char *path, int flags, uint32_t mode, struct file **out)
{
    int acc = flags & O_ACCMODE;
    bool writing = acc == O_WRONLY || acc == O_RDWR;
    if (acc == O_ACCMODE)
        return -EINVAL; /* Linux's "3" needs ioctl-only semantics: not here */
    struct inode *ino = NULL;
    int lflags = (flags & O_NOFOLLOW) || (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)
                     ? 0
                     : VFS_FOLLOW;
    int r = vfs_lookup(p, path, lflags, &ino);
    if (r == -ENOENT && (flags & O_CREAT)) {
        struct inode *dir;
        char name[VFS_NAME_MAX + 1];
        bool slash;
        r = create_parent(p, path, &dir, name, &slash);
        if (r < 0)
            return r;
        if (slash) {
            vfs_iput(dir);
            return -EISDIR; /* creating "name/" asks for a directory */
        }
        if (!dir->ops->create) {
            vfs_iput(dir);
            return -EACCES; /* /proc */
        }
        r = dir->ops->create(dir, name, VFS_IFREG | (mode & 07777 & ~umask_of(p)), &ino);
        vfs_iput(dir);
        if (r < 0)
            return r;
        flags &= ~O_TRUNC; /* nothing to truncate */
    } else if (r < 0) {
        return r;
    } else if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
        vfs_iput(ino);
        return -EEXIST;
    }
    if (VFS_ISLNK(ino->mode))
        r = -ELOOP; /* O_NOFOLLOW on a link */
    else if (VFS_ISDIR(ino->mode) && (writing || (flags & (O_CREAT | O_TRUNC))))
        r = -EISDIR;
    else if (!VFS_ISDIR(ino->mode) && (flags & O_DIRECTORY))
        r = -ENOTDIR;
    else if (writing && !ino->ops->write)
        r = -EACCES; /* /proc is read-only */
    else if (writing && vfs_busy_text(ino))
        r = -ETXTBSY; /* a process runs it: as Linux */
    else if ((flags & O_TRUNC) && VFS_ISREG(ino->mode) && writing)
        r = vfs_truncate(ino, 0);
    if (r < 0) {
        vfs_iput(ino);
        return r;
    }
    int fflags = (acc == O_RDONLY || acc == O_RDWR ? FILE_READ : 0) | (writing ? FILE_WRITE : 0);
    if (VFS_ISREG(ino->mode) && ino->pages)
        vfs_name_object(p, path, ino->pages);
    struct file *f = vfs_file_open(ino, fflags);
    vfs_iput(ino); /* the open file holds its own */
    if (!f)
        return -ENOMEM;
    f->status = (flags & KEPT_STATUS) | O_LARGEFILE;
    *out = f;
    return 0;
}

/* Resolve the parent of path for a call that makes or removes the last name:
 * "." and ".." are refused with err_dot. */
static int parent_for_change(struct proc *p, const char *path, struct inode **dir, char *name,
                             bool *slash, int err_dot)
{
    int r = vfs_lookup_parent(p, path, dir, name, slash);
    if (r < 0)
        return r;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        vfs_iput(*dir);
        return err_dot;
    }
    return 0;
}

int vfs_mkdir(struct proc *p, const char *path, uint32_t mode)
{
    struct inode *dir;
    char name[VFS_NAME_MAX + 1];
    int r = parent_for_change(p, path, &dir, name, NULL, -EEXIST);
    if (r < 0)
        return r;
    r = dir->ops->mkdir ? dir->ops->mkdir(dir, name, VFS_IFDIR | (mode & 07777 & ~umask_of(p)))
                        : -EACCES;
    vfs_iput(dir);
    return r;
}

int vfs_rmdir(struct proc *p, const char *path)
{
    struct inode *dir;
    char name[VFS_NAME_MAX + 1];
    int r = vfs_lookup_parent(p, path, &dir, name, NULL);
    if (r < 0)
        return r;
    if (strcmp(name, ".") == 0)
        r = dir == root ? -EBUSY : -EINVAL;
    else if (strcmp(name, "..") == 0)
        r = -ENOTEMPTY;
    else
        r = dir->ops->rmdir ? dir->ops->rmdir(dir, name) : -EACCES;
    vfs_iput(dir);
    return r;
}

int vfs_unlink(struct proc *p, const char *path)
{
    struct inode *dir;
    char name[VFS_NAME_MAX + 1];
    bool slash;
    int r = parent_for_change(p, path, &dir, name, &slash, -EISDIR);
    if (r < 0)
        return r;
    struct inode *victim;
    r = step(dir, name, &victim);
    if (r == 0) {
        if (VFS_ISDIR(victim->mode))
            r = -EISDIR;
        else if (slash)
            r = -ENOTDIR;
        vfs_iput(victim);
    }
    if (r == 0)
        r = dir->ops->unlink ? dir->ops->unlink(dir, name) : -EACCES;
    vfs_iput(dir);
    return r;
}

int vfs_link(struct proc *p, const char *oldpath, const char *newpath)
{
    struct inode *target;
    int r = vfs_lookup(p, oldpath, 0, &target);
    if (r < 0)
        return r;
    if (VFS_ISDIR(target->mode)) {
        vfs_iput(target);
        return -EPERM;
    }
    struct inode *dir;
    char name[VFS_NAME_MAX + 1];
    bool slash;
    r = parent_for_change(p, newpath, &dir, name, &slash, -EEXIST);
    if (r == 0) {
        if (dir->dev != target->dev)
            r = -EXDEV;
        else if (!dir->ops->link)
            r = -EPERM;
        else if (slash)
            r = -ENOENT;
        else
            r = dir->ops->link(dir, name, target);
        vfs_iput(dir);
    }
    vfs_iput(target);
    return r;
}

int vfs_symlink(struct proc *p, const char *target, const char *linkpath)
{
    if (!target[0])
        return -ENOENT;
    struct inode *dir;
    char name[VFS_NAME_MAX + 1];
    bool slash;
    int r = parent_for_change(p, linkpath, &dir, name, &slash, -EEXIST);
    if (r < 0)
        return r;
    r = !dir->ops->symlink ? -EACCES : slash ? -ENOENT : dir->ops->symlink(dir, name, target);
    vfs_iput(dir);
    return r;
}

int vfs_rename(struct proc *p, const char *oldpath, const char *newpath)
{
    return vfs_renameat(p, NULL, oldpath, NULL, newpath);
}

int vfs_renameat(struct proc *p, struct inode *ostart, const char *oldpath, struct inode *nstart,
                 const char *newpath)
{
    struct inode *odir, *ndir;
    char oname[VFS_NAME_MAX + 1], nname[VFS_NAME_MAX + 1];
    bool oslash, nslash;
    int r = lookup_parent_from(ostart ? vfs_iget(ostart) : start_dir(p, oldpath), oldpath, &odir,
                               oname, &oslash);
    if (r < 0)
        return r;
    r = lookup_parent_from(nstart ? vfs_iget(nstart) : start_dir(p, newpath), newpath, &ndir,
                           nname, &nslash);
    if (r < 0) {
        vfs_iput(odir);
        return r;
    }
    bool dots = !strcmp(oname, ".") || !strcmp(oname, "..") || !strcmp(nname, ".") ||
                !strcmp(nname, "..");
    if (dots)
        r = -EBUSY;
    else if (odir->dev != ndir->dev)
        r = -EXDEV;
    else if (!odir->ops->rename)
        r = -EACCES;
    else {
        struct inode *src;
        r = step(odir, oname, &src);
        if (r == 0) {
            if ((oslash || nslash) && !VFS_ISDIR(src->mode))
                r = -ENOTDIR;
            vfs_iput(src);
        }
        if (r == 0)
            r = odir->ops->rename(odir, oname, ndir, nname);
    }
    vfs_iput(odir);
    vfs_iput(ndir);
    return r;
}

long vfs_readlink(struct proc *p, const char *path, char *buf, size_t size)
{
    struct inode *ino;
    int r = vfs_lookup(p, path, 0, &ino);
    if (r < 0)
        return r;
    if (!VFS_ISLNK(ino->mode))
        r = -EINVAL;
    else
        r = ino->ops->readlink(ino, buf, size);
    vfs_iput(ino);
    return r;
}

bool vfs_busy_text(const struct inode *ino)
{
    return ino->pages && ino->pages->exec_users > 0;
}

int vfs_truncate(struct inode *ino, uint64_t size)
{
    if (VFS_ISDIR(ino->mode))
        return -EISDIR;
    if (!VFS_ISREG(ino->mode) || !ino->ops->truncate)
        return -EINVAL;
    return ino->ops->truncate(ino, size);
}

int vfs_chmod(struct inode *ino, uint32_t mode)
{
    if (ino->dev != TMPFS_DEV_ID)
        return -EPERM; /* /proc's modes are fixed */
    ino->mode = (ino->mode & VFS_IFMT) | (mode & 07777);
    ino->ctime = vfs_now();
    return 0;
}

int vfs_set_times(struct inode *ino, const uint64_t *atime, const uint64_t *mtime)
{
    if (ino->dev != TMPFS_DEV_ID)
        return -EPERM;
    if (atime)
        ino->atime = *atime;
    if (mtime)
        ino->mtime = *mtime;
    ino->ctime = vfs_now();
    return 0;
}

int vfs_chdir(struct proc *p, struct inode *dir)
{
    if (!VFS_ISDIR(dir->mode))
        return -ENOTDIR;
    struct inode *old = proc_group(p)->cwd;
    proc_group(p)->cwd = vfs_iget(dir);
    vfs_iput(old);
    return 0;
}

long vfs_dir_path(struct inode *dir, char *buf, size_t size)
{
    /* Built from the end of a scratch buffer, one name per level up. */
    char *tmp = kmalloc(VFS_PATH_MAX);
    if (!tmp)
        return -ENOMEM;
    size_t pos = VFS_PATH_MAX - 1;
    tmp[pos] = '\0';
    struct inode *cur = dir;
    long r = 0;
    while (cur != root) {
        /* A mounted root has its mount point's number and parent. */
        struct inode *up = cur->parent;
        struct vfs_dirent d;
        bool found = false;
        for (uint64_t i = 0; up->ops->readdir && up->ops->readdir(up, i, &d) == 0; i++) {
            if (d.ino == cur->ino && strcmp(d.name, ".") && strcmp(d.name, "..")) {
                found = true;
                break;
            }
        }
        if (!found) {
            r = -ENOENT; /* removed while it was the working directory */
            break;
        }
        size_t len = strlen(d.name);
        if (len + 1 > pos) {
            r = -ENAMETOOLONG;
            break;
        }
        pos -= len;
        memcpy(tmp + pos, d.name, len);
        tmp[--pos] = '/';
        cur = up;
    }
    if (r == 0) {
        if (pos == VFS_PATH_MAX - 1)
            tmp[--pos] = '/';
        size_t len = VFS_PATH_MAX - 1 - pos;
        if (len + 1 > size)
            r = -ERANGE;
        else {
            memcpy(buf, tmp + pos, len + 1);
            r = (long)len;
        }
    }
    kfree(tmp);
    return r;
}

void vfs_name_object(struct proc *p, const char *path, struct pagecache_obj *obj)
{
    char name[PAGECACHE_NAME_MAX];
    if (path[0] == '/') {
        strlcpy(obj->name, path, sizeof(obj->name));
        return;
    }
    long n = vfs_dir_path(p && proc_group(p)->cwd ? proc_group(p)->cwd : root, name, sizeof(name));
    if (n < 0)
        n = 0;
    snprintk(obj->name, sizeof(obj->name), "%s%s%s", n ? name : "", n > 1 ? "/" : "", path);
}

void vfs_fill_stat(struct inode *ino, struct cowos_stat *st)
{
    memset(st, 0, sizeof(*st));
    uint64_t size = VFS_ISREG(ino->mode) && ino->pages ? ino->pages->size : ino->size;
    st->st_dev = (unsigned long)ino->dev;
    st->st_ino = ino->ino;
    st->st_nlink = (unsigned long)ino->nlink;
    st->st_mode = ino->mode;
    st->st_size = (long)size;
    st->st_blksize = 4096;
    st->st_blocks = ino->pages ? (long)(ino->pages->resident * 8) : 0;
    st->st_atime = ino->atime / VFS_NSEC;
    st->st_atime_nsec = ino->atime % VFS_NSEC;
    st->st_mtime = ino->mtime / VFS_NSEC;
    st->st_mtime_nsec = ino->mtime % VFS_NSEC;
    st->st_ctime = ino->ctime / VFS_NSEC;
    st->st_ctime_nsec = ino->ctime % VFS_NSEC;
}

uint64_t vfs_read_kernel(struct inode *ino, uint64_t off, void *buf, uint64_t n)
{
    if (!VFS_ISREG(ino->mode) || !ino->pages)
        return 0;
    return pagecache_read(ino->pages, off, buf, n);
}

void vfs_usage(uint64_t *pages_used, uint64_t *pages_max, uint64_t *inodes_used,
               uint64_t *inodes_max)
{
    tmpfs_usage(pages_used, pages_max, inodes_used, inodes_max);
}

void vfs_init(void)
{
    root = tmpfs_init();
    tmpfs_fill_from_initrd(root);
    struct inode *proc_dir = NULL;
    if (tmpfs_mkdir_kernel(root, "proc", &proc_dir) == 0) {
        proc_dir->mounted = procfs_init(proc_dir);
        vfs_iput(proc_dir);
    }
    struct inode *tmp = NULL;
    if (tmpfs_mkdir_kernel(root, "tmp", &tmp) == 0) {
        tmp->mode = VFS_IFDIR | 01777;
        vfs_iput(tmp);
    }
}
