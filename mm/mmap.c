/*
 * mmap.c - the memory-area system calls: mmap, munmap, mprotect, madvise,
 * msync. Each checks its arguments in Linux's order with Linux's error
 * numbers, then asks mm/vma.c to change the calling process's areas.
 *
 * Where this kernel differs it refuses, never ignores: flags and advice it
 * does not implement are EINVAL (see the README's list). A file mapping maps
 * the file's own page-cache frames (kernel/fs/tmpfs.c keeps no other copy):
 * a MAP_SHARED writable mapping writes the file itself, and msync has
 * nothing to copy back.
 */
#include "mm/mmap.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/fs/vfs.h"
#include "kernel/sysnum.h"
#include "mm/memlayout.h"
#include "mm/pagecache.h"
#include "mm/vma.h"
#include "proc/proc.h"

#define MAP_TYPE_MASK 0x0f
/* Bits Linux ignores everywhere (MAP_DENYWRITE, MAP_EXECUTABLE, MAP_STACK) or
 * that change nothing in a kernel that never reserves or swaps memory
 * (MAP_NORESERVE); MAP_NONBLOCK only qualifies MAP_POPULATE. */
#define MAP_HARMLESS (COWOS_MAP_DENYWRITE | COWOS_MAP_EXECUTABLE | COWOS_MAP_STACK | \
                      COWOS_MAP_NORESERVE | COWOS_MAP_NONBLOCK)
#define MAP_KNOWN (MAP_TYPE_MASK | COWOS_MAP_FIXED | COWOS_MAP_ANONYMOUS | COWOS_MAP_POPULATE | \
                   COWOS_MAP_LOCKED | COWOS_MAP_FIXED_NOREPLACE | MAP_HARMLESS)

static bool page_aligned(uint64_t x) { return (x & (PAGE_SIZE - 1)) == 0; }

/* [addr, addr + len) rounded to pages lies in user space: its end, else 0. */
static vaddr_t range_end(uint64_t addr, uint64_t len)
{
    if (addr >= USER_TOP || len > USER_TOP - addr)
        return 0;
    return page_round_up(addr + len);
}

long sys_mmap(long uaddr, long ulen, long prot, long flags, long fd, long off)
{
    struct proc *p = proc_current();
    uint64_t addr = (uint64_t)uaddr, len = (uint64_t)ulen, offset = (uint64_t)off;
    if (!page_aligned(offset))
        return -EINVAL;
    int type = (int)(flags & MAP_TYPE_MASK);
    if (type != COWOS_MAP_SHARED && type != COWOS_MAP_PRIVATE && type != COWOS_MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (flags & ~(long)MAP_KNOWN)
        return type == COWOS_MAP_SHARED_VALIDATE ? -EOPNOTSUPP : -EINVAL;
    if (prot & ~(long)VMA_PROT_MASK)
        return -EINVAL;
    bool shared = type != COWOS_MAP_PRIVATE, anon = (flags & COWOS_MAP_ANONYMOUS) != 0;
    bool fixed = (flags & (COWOS_MAP_FIXED | COWOS_MAP_FIXED_NOREPLACE)) != 0;

    struct inode *ino = NULL;
    bool file_writable = false;
    if (!anon) {
        struct file *f = fd < 0 || fd > 0x7fffffffL ? NULL : file_get(p, (int)fd);
        if (!f)
            return -EBADF;
        ino = vfs_file_inode(f);
        if (!ino || !ino->pages)
            return -ENODEV; /* pipes, the console, directories, /proc: nothing to map */
        if (!(f->flags & FILE_READ) || (shared && (prot & VMA_WRITE) && !(f->flags & FILE_WRITE)))
            return -EACCES;
        file_writable = (f->flags & FILE_WRITE) != 0;
    }
    if (len == 0)
        return -EINVAL;
    if (len > USER_TOP)
        return -ENOMEM;
    len = page_round_up(len);
    if (!vma_may_commit(len))
        return -ENOMEM;
    if (!anon && offset + len < offset)
        return -EOVERFLOW;
    if (p->areas->count >= VMA_MAX_AREAS)
        return -ENOMEM;

    vaddr_t start;
    if (fixed) {
        if (!page_aligned(addr))
            return -EINVAL;
        if (addr > USER_TOP - len)
            return -ENOMEM;
        if (addr < VMA_MMAP_MIN_ADDR)
            return -EPERM;
        if ((flags & COWOS_MAP_FIXED_NOREPLACE) && !vma_range_free(p->areas, addr, addr + len))
            return -EEXIST;
        start = addr;
    } else {
        start = vma_find_free(p->areas, len, addr);
        if (!start)
            return -ENOMEM;
    }

    struct pagecache_obj *obj = NULL;
    if (!anon) {
        obj = ino->pages;
        pagecache_get(obj);
    } else if (shared) {
        obj = pagecache_anon(len);
    }
    if ((!anon || shared) && !obj)
        return -ENOMEM;
    /* A shared mapping of a file may become writable only if the file is
     * open for writing; from then on any page may be written through it. */
    uint32_t vflags =
        (shared ? VMA_SHARED : 0) | (shared && !anon && !file_writable ? 0 : VMA_MAYWRITE);
    if (shared && !anon && file_writable)
        pagecache_mark_all_dirty(obj);
    int r = 0;
    if (fixed && (flags & COWOS_MAP_FIXED))
        r = vma_unmap(p->areas, start, start + len); /* MAP_FIXED replaces what was there */
    if (r == 0)
        r = vma_map(p->areas, start, start + len, (uint32_t)prot, vflags, obj, anon ? 0 : offset, 0,
                    anon ? (shared ? "[shared]" : "") : obj->name);
    if (obj)
        pagecache_put(obj); /* the area holds its own reference */
    if (r < 0)
        return r == -EEXIST ? -ENOMEM : r;
    if (flags & (COWOS_MAP_POPULATE | COWOS_MAP_LOCKED) || p->areas->lock_future)
        vma_populate(p->areas, start, start + len, (prot & VMA_WRITE) && !shared); /* as Linux: best effort */
    return (long)start;
}

long sys_munmap(long uaddr, long ulen)
{
    uint64_t addr = (uint64_t)uaddr;
    vaddr_t end = range_end(addr, (uint64_t)ulen);
    if (!page_aligned(addr) || ulen == 0 || !end)
        return -EINVAL;
    return vma_unmap(proc_current()->areas, addr, end);
}

long sys_mprotect(long uaddr, long ulen, long prot)
{
    uint64_t addr = (uint64_t)uaddr;
    if (!page_aligned(addr))
        return -EINVAL;
    if (ulen == 0)
        return 0;
    vaddr_t end = range_end(addr, (uint64_t)ulen);
    if (!end)
        return -ENOMEM;
    if (prot & ~(long)VMA_PROT_MASK)
        return -EINVAL;
    struct vma_set *set = proc_current()->areas;
    if (!vma_range_mapped(set, addr, end))
        return -ENOMEM;
    return vma_protect(set, addr, end, (uint32_t)prot);
}

static bool advice_known(long advice)
{
    switch (advice) {
    case COWOS_MADV_NORMAL:
    case COWOS_MADV_RANDOM:
    case COWOS_MADV_SEQUENTIAL:
    case COWOS_MADV_WILLNEED:
    case COWOS_MADV_DONTNEED:
    case COWOS_MADV_FREE:
    case COWOS_MADV_DONTFORK:
    case COWOS_MADV_DOFORK:
    case COWOS_MADV_WIPEONFORK:
    case COWOS_MADV_KEEPONFORK:
    case COWOS_MADV_COLD:
    case COWOS_MADV_POPULATE_READ:
    case COWOS_MADV_POPULATE_WRITE:
        return true;
    default:
        return false;
    }
}

long sys_madvise(long uaddr, long ulen, long advice)
{
    uint64_t addr = (uint64_t)uaddr;
    if (!advice_known(advice) || !page_aligned(addr))
        return -EINVAL;
    if (ulen == 0)
        return 0;
    if (addr + page_round_up((uint64_t)ulen) < addr || (uint64_t)ulen > -PAGE_SIZE)
        return -EINVAL;
    vaddr_t end = range_end(addr, (uint64_t)ulen);
    struct vma_set *set = proc_current()->areas;
    if (!end || !vma_range_mapped(set, addr, end))
        return -ENOMEM;
    switch (advice) {
    case COWOS_MADV_DONTNEED:
    case COWOS_MADV_FREE: /* may drop the pages: here it always does */
        vma_drop_pages(set, addr, end);
        return 0;
    case COWOS_MADV_DONTFORK:
    case COWOS_MADV_DOFORK:
        return vma_set_flag(set, addr, end, VMA_DONTFORK, advice == COWOS_MADV_DOFORK);
    case COWOS_MADV_WIPEONFORK:
    case COWOS_MADV_KEEPONFORK:
        return vma_set_flag(set, addr, end, VMA_WIPEONFORK, advice == COWOS_MADV_KEEPONFORK);
    case COWOS_MADV_POPULATE_READ:
    case COWOS_MADV_POPULATE_WRITE: {
        bool write = advice == COWOS_MADV_POPULATE_WRITE;
        for (vaddr_t va = addr; va < end; va += PAGE_SIZE)
            if (!vma_allows(vma_find(set, va), write ? VMA_ACCESS_WRITE : VMA_ACCESS_READ))
                return -EINVAL; /* as Linux: PROT_NONE, or a write to a read-only area */
        int r = vma_populate(set, addr, end, write);
        return r == -ENOMEM ? -ENOMEM : r < 0 ? -EFAULT : 0;
    }
    default:
        return 0; /* NORMAL, RANDOM, SEQUENTIAL, WILLNEED, COLD: hints about the future */
    }
}

long sys_msync(long uaddr, long ulen, long flags)
{
    uint64_t addr = (uint64_t)uaddr;
    if (flags & ~(long)(COWOS_MS_ASYNC | COWOS_MS_INVALIDATE | COWOS_MS_SYNC) || !page_aligned(addr) ||
        ((flags & COWOS_MS_ASYNC) && (flags & COWOS_MS_SYNC)))
        return -EINVAL;
    if (ulen == 0)
        return 0;
    vaddr_t end = range_end(addr, (uint64_t)ulen);
    if (!end)
        return -ENOMEM;
    if (!vma_range_mapped(proc_current()->areas, addr, end))
        return -ENOMEM;
    return 0; /* a shared file mapping maps the file's own frames: nothing to copy back */
}

long sys_mlockall(long flags)
{
    if (flags == 0 || (flags & ~(long)(COWOS_MCL_CURRENT | COWOS_MCL_FUTURE | COWOS_MCL_ONFAULT)) ||
        flags == COWOS_MCL_ONFAULT)
        return -EINVAL;
    struct vma_set *set = proc_current()->areas;
    if (flags & COWOS_MCL_FUTURE)
        set->lock_future = !(flags & COWOS_MCL_ONFAULT);
    if (!(flags & COWOS_MCL_CURRENT) || (flags & COWOS_MCL_ONFAULT))
        return 0; /* MCL_ONFAULT: pages stay where they are until touched, and nothing swaps */
    /* Every page of every accessible area in memory now, as Linux's mlock
     * faults them in: private writable pages get their own frames. */
    for (int i = 0; i < set->count; i++) {
        struct vm_area *a = set->areas[i];
        if (!(a->prot & VMA_PROT_MASK))
            continue;
        bool write = (a->prot & VMA_WRITE) && !(a->flags & VMA_SHARED);
        int r = vma_populate(set, a->start, a->end, write);
        if (r == -ENOMEM)
            return -ENOMEM;
    }
    return 0;
}

long sys_munlockall(void)
{
    proc_current()->areas->lock_future = false;
    return 0;
}
