/*
 * test_fs.c - the VFS and tmpfs from inside the kernel: path lookup and its
 * error numbers, a tree of files with written pages removed giving back
 * every frame and inode, an unlinked open file living until its close, and
 * /proc's layout. Calls go through a hand-made struct proc (working
 * directory = root); the ktest runner also checks that no frame leaks.
 */
#include "tests/ktest.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/fs/tmpfs.h"
#include "kernel/fs/vfs.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/memlayout.h"
#include "mm/kheap.h"
#include "mm/pagecache.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/proc.h"

static struct proc fp;

static void fresh(void) { memset(&fp, 0, sizeof(fp)); }

/* Create path with size bytes, every page written (dirty). */
static int make_file(const char *path, uint64_t size)
{
    struct file *f;
    int r = vfs_open(&fp, path, O_CREAT | O_EXCL | O_RDWR, 0644, &f);
    if (r < 0)
        return r;
    struct inode *ino = vfs_file_inode(f);
    r = pagecache_resize(ino->pages, size);
    for (uint64_t i = 0; r == 0 && i < (size + PAGE_SIZE - 1) / PAGE_SIZE; i++) {
        paddr_t pa;
        r = pagecache_page_for_write(ino->pages, i, &pa);
    }
    file_close(f);
    return r;
}

KTEST(fs_remove_tree_gives_back_every_frame)
{
    fresh();
    uint64_t free0 = pmm_free_count(), used0, max, inodes0, imax;
    tmpfs_usage(&used0, &max, &inodes0, &imax);
    ASSERT_EQ(0, vfs_mkdir(&fp, "/tmp/kt", 0755));
    char path[64];
    for (int d = 0; d < 4; d++) {
        snprintk(path, sizeof(path), "/tmp/kt/d%d", d);
        ASSERT_EQ(0, vfs_mkdir(&fp, path, 0755));
        for (int f = 0; f < 10; f++) {
            snprintk(path, sizeof(path), "/tmp/kt/d%d/f%d", d, f);
            ASSERT_EQ(0, make_file(path, (uint64_t)(f + 1) * 3000));
        }
    }
    uint64_t used, inodes;
    tmpfs_usage(&used, &max, &inodes, &imax);
    uint64_t pages = 0;
    for (int f = 0; f < 10; f++)
        pages += ((uint64_t)(f + 1) * 3000 + PAGE_SIZE - 1) / PAGE_SIZE;
    EXPECT_EQ(used0 + 4 * pages, used);    /* exact: written pages are the space used */
    EXPECT_EQ(inodes0 + 1 + 4 + 40, inodes);
    EXPECT_TRUE(pmm_free_count() < free0 - 4 * pages);
    EXPECT_EQ(-ENOTEMPTY, vfs_rmdir(&fp, "/tmp/kt"));
    for (int d = 0; d < 4; d++) {
        for (int f = 0; f < 10; f++) {
            snprintk(path, sizeof(path), "/tmp/kt/d%d/f%d", d, f);
            EXPECT_EQ(0, vfs_unlink(&fp, path));
        }
        snprintk(path, sizeof(path), "/tmp/kt/d%d", d);
        EXPECT_EQ(0, vfs_rmdir(&fp, path));
    }
    EXPECT_EQ(0, vfs_rmdir(&fp, "/tmp/kt"));
    tmpfs_usage(&used, &max, &inodes, &imax);
    EXPECT_EQ(used0, used);
    EXPECT_EQ(inodes0, inodes);
    EXPECT_EQ(free0, pmm_free_count()); /* every data page, inode and entry came back */
}

KTEST(fs_lookup_error_numbers)
{
    fresh();
    struct inode *ino;
    char longname[300];
    memset(longname, 'n', sizeof(longname));
    longname[0] = '/';
    longname[257] = '\0'; /* a 256-byte name */
    EXPECT_EQ(-ENAMETOOLONG, vfs_lookup(&fp, longname, VFS_FOLLOW, &ino));
    longname[256] = '\0'; /* 255 bytes: fine, just missing */
    EXPECT_EQ(-ENOENT, vfs_lookup(&fp, longname, VFS_FOLLOW, &ino));
    EXPECT_EQ(-ENOENT, vfs_lookup(&fp, "", VFS_FOLLOW, &ino));
    EXPECT_EQ(-ENOENT, vfs_lookup(&fp, "/nonexistent/../bin", VFS_FOLLOW, &ino));
    EXPECT_EQ(-ENOTDIR, vfs_lookup(&fp, "/bin/true/", VFS_FOLLOW, &ino));
    EXPECT_EQ(-ENOTDIR, vfs_lookup(&fp, "/bin/true/..", VFS_FOLLOW, &ino));
    ASSERT_EQ(0, vfs_lookup(&fp, "//bin/./../bin//true", VFS_FOLLOW, &ino));
    EXPECT_TRUE(VFS_ISREG(ino->mode));
    vfs_iput(ino);
    EXPECT_EQ(-EEXIST, vfs_mkdir(&fp, "/tmp", 0755));
    EXPECT_EQ(-EEXIST, vfs_mkdir(&fp, "/", 0755));
    EXPECT_EQ(-EBUSY, vfs_rmdir(&fp, "/"));
    EXPECT_EQ(-EBUSY, vfs_rmdir(&fp, "/proc"));
    EXPECT_EQ(-ENOTEMPTY, vfs_rmdir(&fp, "/bin"));
    EXPECT_EQ(-EISDIR, vfs_unlink(&fp, "/tmp"));
    EXPECT_EQ(-ENOTDIR, vfs_rmdir(&fp, "/bin/true"));
    EXPECT_EQ(0, vfs_symlink(&fp, "/tmp/kl", "/tmp/kl"));
    EXPECT_EQ(-ELOOP, vfs_lookup(&fp, "/tmp/kl", VFS_FOLLOW, &ino));
    EXPECT_EQ(-ELOOP, vfs_lookup(&fp, "/tmp/kl/x", 0, &ino));
    EXPECT_EQ(0, vfs_unlink(&fp, "/tmp/kl"));
    EXPECT_EQ(-EXDEV, vfs_rename(&fp, "/proc/meminfo", "/tmp/m"));
    EXPECT_EQ(-EACCES, vfs_mkdir(&fp, "/proc/x", 0755));
}

KTEST(fs_unlinked_open_file_lives_until_closed)
{
    fresh();
    uint64_t used0, max, inodes0, imax, used, inodes;
    tmpfs_usage(&used0, &max, &inodes0, &imax);
    ASSERT_EQ(0, make_file("/tmp/kf", 2 * PAGE_SIZE));
    struct file *f;
    ASSERT_EQ(0, vfs_open(&fp, "/tmp/kf", O_RDONLY, 0, &f));
    EXPECT_EQ(0, vfs_unlink(&fp, "/tmp/kf"));
    struct inode *ino = vfs_file_inode(f);
    EXPECT_EQ(0, ino->nlink);
    EXPECT_EQ(2 * PAGE_SIZE, ino->pages->size);
    tmpfs_usage(&used, &max, &inodes, &imax);
    EXPECT_EQ(used0 + 2, used); /* still there */
    EXPECT_EQ(inodes0 + 1, inodes);
    file_close(f);
    tmpfs_usage(&used, &max, &inodes, &imax);
    EXPECT_EQ(used0, used);
    EXPECT_EQ(inodes0, inodes);
}

KTEST(fs_proc_layout)
{
    fresh();
    struct inode *ino;
    ASSERT_EQ(0, vfs_lookup(&fp, "/proc", VFS_FOLLOW, &ino));
    EXPECT_TRUE(VFS_ISDIR(ino->mode));
    struct vfs_dirent d;
    int files = 0;
    for (uint64_t i = 0; ino->ops->readdir(ino, i, &d) == 0; i++)
        files += !strcmp(d.name, "meminfo") || !strcmp(d.name, "cowstat") || !strcmp(d.name, "self");
    EXPECT_EQ(3, files);
    vfs_iput(ino);
    ASSERT_EQ(0, vfs_lookup(&fp, "/proc/meminfo", VFS_FOLLOW, &ino));
    EXPECT_TRUE(VFS_ISREG(ino->mode));
    vfs_iput(ino);
    EXPECT_EQ(-ENOENT, vfs_lookup(&fp, "/proc/99999/maps", VFS_FOLLOW, &ino));
    ASSERT_EQ(0, vfs_lookup(&fp, "/proc/..", VFS_FOLLOW, &ino));
    EXPECT_PTR_EQ(vfs_root(), ino);
    vfs_iput(ino);
    char buf[64];
    ASSERT_EQ(0, vfs_lookup(&fp, "/proc", VFS_FOLLOW, &ino));
    EXPECT_EQ(5, vfs_dir_path(ino, buf, sizeof(buf)));
    EXPECT_STREQ("/proc", buf);
    vfs_iput(ino);
}

/* A user buffer for writes: fp gets an address space with UBUF_PAGES
 * writable pages at UBUF, filled with 'x', and becomes the current process. */
#define UBUF 0x10000000UL
#define UBUF_PAGES 3

static void user_buffer(void)
{
    fresh();
    fp.vs = vmm_create();
    fp.areas = vma_set_create(fp.vs);
    vma_map(fp.areas, UBUF, UBUF + UBUF_PAGES * PAGE_SIZE, VMA_READ | VMA_WRITE, VMA_MAYWRITE,
            NULL, 0, 0, "buf");
    for (vaddr_t va = UBUF; va < UBUF + UBUF_PAGES * PAGE_SIZE; va += PAGE_SIZE) {
        paddr_t pa = pmm_alloc();
        memset(P2V(pa), 'x', PAGE_SIZE);
        vmm_map(fp.vs, va, pa, PTE_U | PTE_W | PTE_NX);
    }
    cpu0.current = &fp;
}

static void user_buffer_done(void)
{
    cpu0.current = NULL;
    vma_set_destroy(fp.areas);
    vmm_destroy(fp.vs);
}

/*
 * fssize: with room for 3 more pages, a 2-page write fits, the next 2-page
 * write is short (one page), the next is ENOSPC; a write or truncate past
 * the limit's size is EFBIG; rewriting a page already written needs no
 * room; removing the file gives back exactly what it took.
 */
KTEST(fs_full_is_short_write_then_enospc)
{
    user_buffer();
    uint64_t free0 = pmm_free_count(), used0, max, inodes0, imax, used, inodes;
    /* 8 pages in use already, so the largest file (the limit) exceeds 8 pages. */
    ASSERT_EQ(0, make_file("/tmp/kfiller", 8 * PAGE_SIZE));
    tmpfs_usage(&used0, &max, &inodes0, &imax);
    uint64_t old_limit = tmpfs_set_limit(used0 + 3);
    struct file *f;
    ASSERT_EQ(0, vfs_open(&fp, "/tmp/kfull", O_CREAT | O_EXCL | O_RDWR, 0644, &f));
    EXPECT_EQ(2 * PAGE_SIZE, f->ops->write(f, UBUF, 2 * PAGE_SIZE));
    EXPECT_EQ(PAGE_SIZE, f->ops->write(f, UBUF, 2 * PAGE_SIZE)); /* short: one page left */
    EXPECT_EQ(-ENOSPC, f->ops->write(f, UBUF, 1));
    struct inode *ino = vfs_file_inode(f);
    EXPECT_EQ(3 * PAGE_SIZE, ino->pages->size); /* the failed write left no size behind */
    tmpfs_usage(&used, &max, &inodes, &imax);
    EXPECT_EQ(used0 + 3, used);
    EXPECT_EQ(used0 + 3, max);
    EXPECT_EQ(10, ino->ops->write(ino, PAGE_SIZE + 5, UBUF, 10)); /* a written page: no room needed */
    /* The largest file is the whole file system. */
    EXPECT_EQ(-EFBIG, ino->ops->write(ino, (used0 + 3) * PAGE_SIZE, UBUF, 1));
    EXPECT_EQ(-EFBIG, vfs_truncate(ino, (used0 + 3) * PAGE_SIZE + 1));
    EXPECT_EQ(0, vfs_truncate(ino, (used0 + 3) * PAGE_SIZE)); /* a hole costs nothing */
    tmpfs_usage(&used, &max, &inodes, &imax);
    EXPECT_EQ(used0 + 3, used);
    EXPECT_EQ(0, vfs_truncate(ino, PAGE_SIZE)); /* two pages back */
    tmpfs_usage(&used, &max, &inodes, &imax);
    EXPECT_EQ(used0 + 1, used);
    EXPECT_EQ(2 * PAGE_SIZE, f->ops->write(f, UBUF, 2 * PAGE_SIZE)); /* at offset 3 pages: a hole, then 2 */
    EXPECT_EQ(-ENOSPC, f->ops->write(f, UBUF, 1));
    file_close(f);
    EXPECT_EQ(0, vfs_unlink(&fp, "/tmp/kfull"));
    tmpfs_usage(&used, &max, &inodes, &imax);
    EXPECT_EQ(used0, used); /* exactly the space back */
    EXPECT_EQ(inodes0, inodes);
    tmpfs_set_limit(old_limit);
    EXPECT_EQ(0, vfs_unlink(&fp, "/tmp/kfiller"));
    EXPECT_EQ(free0, pmm_free_count());
    user_buffer_done();
}
