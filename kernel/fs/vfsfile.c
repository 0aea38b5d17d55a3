/*
 * vfsfile.c - open files of the VFS: the struct file ops behind a
 * descriptor opened on a regular file, a directory or a /proc file.
 *
 * The file holds one inode reference (f->priv) until its last descriptor
 * closes, so an unlinked file stays readable and writable while open. The
 * offset is the file's, shared by dup and fork; O_APPEND moves it to the
 * end before each write, and since a system call runs without being
 * preempted, one write is never interleaved with another. A directory's
 * offset counts entries ("." and ".." first).
 */
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/fs/vfs.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "mm/kheap.h"
#include "mm/pagecache.h"
#include "mm/uaccess.h"

static struct inode *inode_of(struct file *f) { return f->priv; }

static uint64_t size_of(struct inode *ino)
{
    return VFS_ISREG(ino->mode) && ino->pages ? ino->pages->size : ino->size;
}

static long vf_read(struct file *f, vaddr_t buf, size_t n)
{
    struct inode *ino = inode_of(f);
    if (VFS_ISDIR(ino->mode))
        return -EISDIR;
    if (!ino->ops->read)
        return -EINVAL;
    long r = ino->ops->read(ino, f, f->offset, buf, n);
    if (r > 0)
        f->offset += (uint64_t)r;
    return r;
}

static long vf_write(struct file *f, vaddr_t buf, size_t n)
{
    struct inode *ino = inode_of(f);
    if (!ino->ops->write)
        return -EINVAL;
    if (f->status & O_APPEND)
        f->offset = size_of(ino);
    long r = ino->ops->write(ino, f->offset, buf, n);
    if (r > 0)
        f->offset += (uint64_t)r;
    return r;
}

static void vf_close(struct file *f)
{
    struct inode *ino = inode_of(f);
    if (ino->ops->release)
        ino->ops->release(f);
    if (f->flags & FILE_WRITE)
        ino->writers--;
    vfs_iput(ino);
}

static long vf_lseek(struct file *f, long offset, int whence)
{
    struct inode *ino = inode_of(f);
    long base;
    if (whence == SEEK_SET)
        base = 0;
    else if (whence == SEEK_CUR)
        base = (long)f->offset;
    else if (whence == SEEK_END && !VFS_ISDIR(ino->mode))
        base = (long)size_of(ino);
    else
        return -EINVAL;
    long pos;
    if (__builtin_add_overflow(base, offset, &pos) || pos < 0)
        return -EINVAL;
    f->offset = (uint64_t)pos;
    return pos;
}

/* The old SYS_getdents: struct cowos_dirent records, counted in entries. */
static long vf_getdents(struct file *f, vaddr_t buf, size_t count)
{
    struct inode *ino = inode_of(f);
    if (!VFS_ISDIR(ino->mode))
        return -ENOTDIR;
    if (count == 0)
        return -EINVAL;
    size_t done = 0;
    struct vfs_dirent *d = kmalloc(sizeof(struct vfs_dirent));
    if (!d)
        return -ENOMEM;
    long r = 0;
    while (done < count) {
        if (ino->ops->readdir(ino, f->offset, d) < 0)
            break;
        if (!strcmp(d->name, ".") || !strcmp(d->name, "..")) {
            f->offset++;
            continue; /* this older interface never listed them */
        }
        struct cowos_dirent e;
        memset(&e, 0, sizeof(e));
        struct inode *child = NULL;
        if (ino->ops->lookup && ino->ops->lookup(ino, d->name, &child) == 0) {
            e.size = size_of(child);
            vfs_iput(child);
        }
        strlcpy(e.name, d->name, sizeof(e.name));
        if (uaccess_copy_to_user(buf + done * sizeof(e), &e, sizeof(e)) < 0) {
            r = done ? 0 : -EFAULT;
            break;
        }
        f->offset++;
        done++;
    }
    kfree(d);
    return r < 0 ? r : (long)done;
}

static const struct file_ops vfs_ops = {
    .read = vf_read,
    .write = vf_write,
    .close = vf_close,
    .getdents = vf_getdents,
    .lseek = vf_lseek,
};

struct file *vfs_file_open(struct inode *ino, int flags)
{
    struct file *f = file_alloc(&vfs_ops, flags, ino);
    if (f) {
        vfs_iget(ino);
        if (flags & FILE_WRITE)
            ino->writers++;
    }
    return f;
}

struct inode *vfs_file_inode(const struct file *f)
{
    return f && f->ops == &vfs_ops ? f->priv : NULL;
}

/* Linux's struct linux_dirent64 header; d_name follows. */
struct dirent64_head {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
} __attribute__((packed));

long vfs_file_getdents64(struct file *f, vaddr_t buf, size_t count)
{
    struct inode *ino = inode_of(f);
    if (!VFS_ISDIR(ino->mode))
        return -ENOTDIR;
    struct vfs_dirent *d = kmalloc(sizeof(struct vfs_dirent));
    if (!d)
        return -ENOMEM;
    size_t used = 0;
    long r = 0;
    for (;;) {
        if (ino->ops->readdir(ino, f->offset, d) < 0)
            break;
        size_t namelen = strlen(d->name);
        size_t reclen = (sizeof(struct dirent64_head) + namelen + 1 + 7) & ~7UL;
        if (used + reclen > count) {
            if (used == 0)
                r = -EINVAL; /* not even one entry fits, as Linux */
            break;
        }
        uint8_t rec[sizeof(struct dirent64_head) + VFS_NAME_MAX + 1 + 8];
        memset(rec, 0, reclen);
        struct dirent64_head h = {d->ino, (int64_t)f->offset + 1, (uint16_t)reclen, d->type};
        memcpy(rec, &h, sizeof(h));
        memcpy(rec + sizeof(h), d->name, namelen + 1);
        if (uaccess_copy_to_user(buf + used, rec, reclen) < 0) {
            if (used == 0)
                r = -EFAULT;
            break;
        }
        used += reclen;
        f->offset++;
    }
    kfree(d);
    return r < 0 ? r : (long)used;
}
