/*
 * tmpfs.c - the root file system, in memory.
 *
 * A directory is a list of (name, inode) entries in creation order; each
 * entry is one link (nlink). A regular file's data is its page-cache object
 * (mm/pagecache.c): read and write copy to and from those frames, and mmap
 * and exec map the same frames. A symbolic link keeps its target string.
 *
 * Space: the pages that hold written data (the page cache's dirty pages)
 * may not exceed the limit (boot option fssize=, default half of RAM), nor
 * inodes their limit: ENOSPC. Files unpacked from the initrd cost nothing
 * until written, since their clean pages can always be read again.
 * Invariants: an inode is freed when nlink and refs are both 0, with its
 * object disowned (areas that map it keep the frames until unmapped).
 * Locks: klock (kernel/klock.h) guards all of it.
 */
#include "kernel/fs/tmpfs.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/fs/vfs.h"
#include "kernel/initrd.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pagecache.h"
#include "mm/pmm.h"
#include "mm/uaccess.h"
#include "mm/vma.h"


struct dent {
    struct dent *next;
    struct inode *ino;
    char name[]; /* NUL-terminated */
};

struct dir {
    struct dent *head;
    uint64_t count;
};

static uint64_t limit_pages, inodes_used, inodes_max;
static const struct inode_ops dir_ops, file_ops, link_ops;

static struct inode *inode_new(uint32_t mode, const struct inode_ops *ops)
{
    if (inodes_used >= inodes_max)
        return NULL;
    struct inode *ino = kmalloc(sizeof(*ino));
    if (!ino)
        return NULL;
    memset(ino, 0, sizeof(*ino));
    ino->ops = ops;
    ino->ino = vfs_next_ino();
    ino->mode = mode;
    ino->dev = TMPFS_DEV_ID;
    ino->mtime = ino->ctime = ino->atime = vfs_now();
    inodes_used++;
    return ino;
}

static void inode_free(struct inode *ino)
{
    inodes_used--;
    kfree(ino);
}

/* ---- directories ------------------------------------------------------------ */

static struct dent *find(struct inode *dir, const char *name, struct dent ***link)
{
    struct dir *d = dir->priv;
    for (struct dent **pp = &d->head; *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->name, name) == 0) {
            if (link)
                *link = pp;
            return *pp;
        }
    return NULL;
}

/* Add name -> ino at the end of dir (one more link to ino). */
static int add_entry(struct inode *dir, const char *name, struct inode *ino)
{
    size_t len = strlen(name);
    struct dent *e = kmalloc(sizeof(*e) + len + 1);
    if (!e)
        return -ENOMEM;
    memcpy(e->name, name, len + 1);
    e->ino = ino;
    e->next = NULL;
    struct dir *d = dir->priv;
    struct dent **pp = &d->head;
    while (*pp)
        pp = &(*pp)->next;
    *pp = e;
    d->count++;
    ino->nlink++;
    dir->mtime = dir->ctime = vfs_now();
    return 0;
}

/* Remove the entry *pp of dir; the inode loses a link (and may go). */
static void remove_entry(struct inode *dir, struct dent **pp, bool free_inode)
{
    struct dent *e = *pp;
    *pp = e->next;
    ((struct dir *)dir->priv)->count--;
    struct inode *ino = e->ino;
    kfree(e);
    ino->nlink--;
    ino->ctime = dir->mtime = dir->ctime = vfs_now();
    if (free_inode)
        vfs_maybe_free(ino);
}

static int dir_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct dent *e = find(dir, name, NULL);
    if (!e)
        return -ENOENT;
    *out = vfs_iget(e->ino);
    return 0;
}

static struct inode *dir_new(struct inode *parent, uint32_t mode)
{
    struct inode *ino = inode_new(mode, &dir_ops);
    if (!ino)
        return NULL;
    struct dir *d = kmalloc(sizeof(*d));
    if (!d) {
        inode_free(ino);
        return NULL;
    }
    d->head = NULL;
    d->count = 0;
    ino->priv = d;
    ino->parent = parent ? parent : ino;
    ino->nlink = 1; /* "." */
    return ino;
}

static int dir_create(struct inode *dir, const char *name, uint32_t mode, struct inode **out)
{
    if (find(dir, name, NULL))
        return -EEXIST;
    if (dir->nlink == 0)
        return -ENOENT; /* a removed directory takes no new entries */
    struct inode *ino = inode_new(mode, &file_ops);
    if (!ino)
        return inodes_used >= inodes_max ? -ENOSPC : -ENOMEM;
    ino->pages = pagecache_file_new(NULL, 0);
    if (!ino->pages || add_entry(dir, name, ino) < 0) {
        if (ino->pages)
            pagecache_disown(ino->pages);
        inode_free(ino);
        return -ENOMEM;
    }
    *out = vfs_iget(ino);
    return 0;
}

static int do_mkdir(struct inode *dir, const char *name, uint32_t mode, struct inode **out)
{
    if (find(dir, name, NULL))
        return -EEXIST;
    if (dir->nlink == 0)
        return -ENOENT;
    struct inode *ino = dir_new(dir, mode);
    if (!ino)
        return inodes_used >= inodes_max ? -ENOSPC : -ENOMEM;
    if (add_entry(dir, name, ino) < 0) {
        kfree(ino->priv);
        inode_free(ino);
        return -ENOMEM;
    }
    dir->nlink++; /* the child's ".." */
    if (out)
        *out = vfs_iget(ino);
    return 0;
}

static int dir_mkdir(struct inode *dir, const char *name, uint32_t mode)
{
    return do_mkdir(dir, name, mode, NULL);
}

int tmpfs_mkdir_kernel(struct inode *dir, const char *name, struct inode **out)
{
    return do_mkdir(dir, name, VFS_IFDIR | 0755, out);
}

static int dir_symlink(struct inode *dir, const char *name, const char *target)
{
    if (find(dir, name, NULL))
        return -EEXIST;
    if (dir->nlink == 0)
        return -ENOENT;
    size_t len = strlen(target);
    struct inode *ino = inode_new(VFS_IFLNK | 0777, &link_ops);
    if (!ino)
        return inodes_used >= inodes_max ? -ENOSPC : -ENOMEM;
    char *t = kmalloc(len + 1);
    if (!t || add_entry(dir, name, ino) < 0) {
        kfree(t);
        inode_free(ino);
        return -ENOMEM;
    }
    memcpy(t, target, len + 1);
    ino->priv = t;
    ino->size = len;
    return 0;
}

static int dir_link(struct inode *dir, const char *name, struct inode *target)
{
    if (find(dir, name, NULL))
        return -EEXIST;
    if (dir->nlink == 0)
        return -ENOENT;
    if (target->nlink == 0)
        return -ENOENT; /* as Linux: an unlinked file cannot get a name back */
    int r = add_entry(dir, name, target);
    if (r == 0)
        target->ctime = vfs_now();
    return r;
}

static int dir_unlink(struct inode *dir, const char *name)
{
    struct dent **pp;
    struct dent *e = find(dir, name, &pp);
    if (!e)
        return -ENOENT;
    if (VFS_ISDIR(e->ino->mode))
        return -EISDIR;
    remove_entry(dir, pp, true);
    return 0;
}

static bool dir_empty(struct inode *ino) { return ((struct dir *)ino->priv)->count == 0; }

static int dir_rmdir(struct inode *dir, const char *name)
{
    struct dent **pp;
    struct dent *e = find(dir, name, &pp);
    if (!e)
        return -ENOENT;
    struct inode *victim = e->ino;
    if (!VFS_ISDIR(victim->mode))
        return -ENOTDIR;
    if (victim->mounted)
        return -EBUSY;
    if (!dir_empty(victim))
        return -ENOTEMPTY;
    remove_entry(dir, pp, false);
    victim->nlink--; /* its "." */
    dir->nlink--;    /* its ".." */
    vfs_maybe_free(victim);
    return 0;
}

/* Is dir inside (or equal to) maybe_ancestor? */
static bool inside(struct inode *dir, struct inode *maybe_ancestor)
{
    for (struct inode *d = dir;; d = d->parent) {
        if (d == maybe_ancestor)
            return true;
        if (d->parent == d)
            return false;
    }
}

static int dir_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname)
{
    struct dent **opp;
    struct dent *src = find(odir, oname, &opp);
    if (!src)
        return -ENOENT;
    struct inode *ino = src->ino;
    bool is_dir = VFS_ISDIR(ino->mode);
    if (is_dir && inside(ndir, ino))
        return -EINVAL; /* into itself */
    struct dent **npp;
    struct dent *dst = find(ndir, nname, &npp);
    if (dst && dst->ino == ino)
        return 0; /* two names of one file: nothing happens, as POSIX says */
    if (dst) {
        bool dst_dir = VFS_ISDIR(dst->ino->mode);
        if (is_dir && !dst_dir)
            return -ENOTDIR;
        if (!is_dir && dst_dir)
            return -EISDIR;
        if (dst_dir && (!dir_empty(dst->ino) || dst->ino->mounted))
            return dst->ino->mounted ? -EBUSY : -ENOTEMPTY;
    }
    if (ndir->nlink == 0)
        return -ENOENT;
    /* Add the new name first: a failure leaves everything as it was. */
    int r = add_entry(ndir, nname, ino);
    if (r < 0)
        return r;
    if (dst) {
        /* The old target's entry (found again: the list may have moved). */
        struct dent **pp = &((struct dir *)ndir->priv)->head;
        while (*pp != dst)
            pp = &(*pp)->next;
        struct inode *old = dst->ino;
        remove_entry(ndir, pp, false);
        if (VFS_ISDIR(old->mode)) {
            old->nlink--;
            ndir->nlink--;
        }
        vfs_maybe_free(old);
    }
    find(odir, oname, &opp);
    remove_entry(odir, opp, false);
    if (is_dir && odir != ndir) {
        odir->nlink--;
        ndir->nlink++;
        ino->parent = ndir;
    }
    return 0;
}

static int dir_readdir(struct inode *dir, uint64_t index, struct vfs_dirent *out)
{
    if (index < 2) {
        struct inode *which = index == 0 ? dir : dir->parent;
        out->ino = which->ino;
        out->type = VFS_DT_DIR;
        strlcpy(out->name, index == 0 ? "." : "..", sizeof(out->name));
        return 0;
    }
    uint64_t i = 2;
    for (struct dent *e = ((struct dir *)dir->priv)->head; e; e = e->next, i++) {
        if (i != index)
            continue;
        out->ino = e->ino->ino;
        out->type = VFS_ISDIR(e->ino->mode)   ? VFS_DT_DIR
                    : VFS_ISLNK(e->ino->mode) ? VFS_DT_LNK
                                              : VFS_DT_REG;
        strlcpy(out->name, e->name, sizeof(out->name));
        return 0;
    }
    return -ENOENT;
}

static void dir_destroy(struct inode *ino)
{
    kfree(ino->priv);
    inode_free(ino);
}

/* ---- regular files --------------------------------------------------------- */

/* The largest file: the whole file system. */
static uint64_t max_file_bytes(void) { return limit_pages << PAGE_SHIFT; }

static long file_read(struct inode *ino, struct file *f, uint64_t off, vaddr_t buf, size_t n)
{
    (void)f;
    struct pagecache_obj *obj = ino->pages;
    if (off >= obj->size || n == 0)
        return 0;
    n = MIN(n, obj->size - off);
    size_t done = 0;
    while (done < n) {
        uint64_t pos = off + done, in = pos & (PAGE_SIZE - 1);
        size_t chunk = MIN(n - done, PAGE_SIZE - in);
        paddr_t frame = pagecache_resident(obj, pos >> PAGE_SHIFT);
        const uint8_t *src;
        uint8_t bounce[256];
        if (frame)
            src = (const uint8_t *)P2V(frame) + in;
        else if (pos + chunk <= obj->backing_size)
            src = obj->backing + pos;
        else if (pos >= obj->backing_size)
            src = (const uint8_t *)P2V(vma_zero_frame()) + in;
        else {
            chunk = MIN(chunk, sizeof(bounce)); /* the backing ends inside the chunk */
            pagecache_read(obj, pos, bounce, chunk);
            src = bounce;
        }
        if (uaccess_copy_to_user(buf + done, src, chunk) < 0)
            break;
        done += chunk;
    }
    if (done == 0)
        return -EFAULT;
    ino->atime = vfs_now();
    return (long)done;
}

static long file_write(struct inode *ino, uint64_t off, vaddr_t buf, size_t n)
{
    struct pagecache_obj *obj = ino->pages;
    if (off >= max_file_bytes())
        return -EFBIG;
    n = MIN(n, max_file_bytes() - off);
    uint64_t old_size = obj->size;
    if (off + n > obj->size && pagecache_resize(obj, off + n) < 0)
        return -ENOSPC;
    struct pagecache_stats st;
    size_t done = 0;
    int err = 0;
    while (done < n) {
        uint64_t pos = off + done, index = pos >> PAGE_SHIFT, in = pos & (PAGE_SIZE - 1);
        size_t chunk = MIN(n - done, PAGE_SIZE - in);
        pagecache_get_stats(&st);
        if (!pagecache_is_dirty(obj, index) && st.dirty_pages >= limit_pages) {
            err = -ENOSPC;
            break;
        }
        paddr_t frame;
        if (pagecache_page_for_write(obj, index, &frame) < 0) {
            err = -ENOSPC;
            break;
        }
        if (uaccess_copy_from_user((uint8_t *)P2V(frame) + in, buf + done, chunk) < 0) {
            err = -EFAULT;
            break;
        }
        done += chunk;
    }
    if (done < n) {
        /* Give back what the write did not fill: the size is where it stopped. */
        uint64_t end = MAX(old_size, off + done);
        if (end < obj->size)
            pagecache_resize(obj, end);
    }
    if (done == 0)
        return err;
    ino->mtime = ino->ctime = vfs_now();
    return (long)done;
}

static int file_truncate(struct inode *ino, uint64_t size)
{
    if (size > max_file_bytes())
        return -EFBIG;
    uint64_t old = ino->pages->size;
    if (pagecache_resize(ino->pages, size) < 0)
        return -ENOMEM;
    if (size < old)
        vma_truncate_object(ino->pages, size); /* mapped pages past the end: SIGBUS */
    ino->mtime = ino->ctime = vfs_now();
    return 0;
}

static void file_destroy(struct inode *ino)
{
    pagecache_disown(ino->pages);
    inode_free(ino);
}

/* ---- symbolic links -------------------------------------------------------- */

static int link_readlink(struct inode *ino, char *buf, size_t size)
{
    size_t n = MIN(size, ino->size);
    memcpy(buf, ino->priv, n);
    return (int)n;
}

static void link_destroy(struct inode *ino)
{
    kfree(ino->priv);
    inode_free(ino);
}

static const struct inode_ops dir_ops = {
    .lookup = dir_lookup,
    .create = dir_create,
    .mkdir = dir_mkdir,
    .symlink = dir_symlink,
    .link = dir_link,
    .unlink = dir_unlink,
    .rmdir = dir_rmdir,
    .rename = dir_rename,
    .readdir = dir_readdir,
    .destroy = dir_destroy,
};

static const struct inode_ops file_ops = {
    .read = file_read,
    .write = file_write,
    .truncate = file_truncate,
    .destroy = file_destroy,
};

static const struct inode_ops link_ops = {
    .readlink = link_readlink,
    .destroy = link_destroy,
};

/* ---- set-up ---------------------------------------------------------------- */

/* "fssize=" as bytes: digits with an optional K, M or G; 0 if absent or bad
 * (kernel/cmdline.c has refused a bad one before this runs). */
static uint64_t size_option(void)
{
    char v[32];
    if (!cmdline_value("fssize", v, sizeof(v)))
        return 0;
    uint64_t n = 0;
    const char *c = v;
    for (; *c >= '0' && *c <= '9'; c++)
        n = n * 10 + (uint64_t)(*c - '0');
    if (*c == 'K' || *c == 'k')
        n <<= 10;
    else if (*c == 'M' || *c == 'm')
        n <<= 20;
    else if (*c == 'G' || *c == 'g')
        n <<= 30;
    return n;
}

struct inode *tmpfs_init(void)
{
    uint64_t bytes = size_option();
    limit_pages = bytes ? page_round_up(bytes) >> PAGE_SHIFT : pmm_total_count() / 2;
    inodes_max = pmm_total_count() / 2;
    if (inodes_max < 1024)
        inodes_max = 1024;
    struct inode *root = dir_new(NULL, VFS_IFDIR | 0755);
    if (!root)
        return NULL;
    root->nlink = 2;
    root->refs = 1; /* forever */
    return root;
}

void tmpfs_fill_from_initrd(struct inode *root)
{
    const struct initrd *rd = initrd_boot();
    struct inode **made = kmalloc((size_t)rd->count * sizeof(*made));
    if (!made)
        return;
    made[0] = root;
    for (int i = 1; i < rd->count; i++) {
        const struct initrd_node *n = &rd->nodes[i];
        made[i] = NULL;
        struct inode *dir = n->parent >= 0 ? made[n->parent] : NULL;
        if (!dir)
            continue;
        const char *name = n->path;
        for (const char *c = n->path; *c; c++)
            if (*c == '/')
                name = c + 1;
        struct inode *ino = NULL;
        int r;
        if (n->is_dir) {
            r = do_mkdir(dir, name, VFS_IFDIR | 0755, &ino);
        } else {
            r = dir_create(dir, name, VFS_IFREG | 0755, &ino);
            if (r == 0) {
                pagecache_disown(ino->pages);
                ino->pages = pagecache_file_new(n->data, n->size);
                if (!ino->pages) {
                    ino->pages = pagecache_file_new(NULL, 0);
                    r = -ENOMEM;
                }
            }
        }
        if (r < 0)
            printk("tmpfs: cannot unpack %s (%d)\n", n->path, r);
        if (ino) {
            made[i] = ino;
            vfs_iput(ino); /* the directory entry keeps it */
        }
    }
    kfree(made);
}

void tmpfs_usage(uint64_t *pages_used, uint64_t *pages_max, uint64_t *inodes_in_use,
                 uint64_t *inodes_limit)
{
    struct pagecache_stats st;
    pagecache_get_stats(&st);
    *pages_used = st.dirty_pages;
    *pages_max = limit_pages;
    *inodes_in_use = inodes_used;
    *inodes_limit = inodes_max;
}

uint64_t tmpfs_set_limit(uint64_t pages)
{
    uint64_t old = limit_pages;
    limit_pages = pages;
    return old;
}
