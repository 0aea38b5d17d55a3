/*
 * procfs.c - the /proc file system.
 *
 * Nothing is stored: an inode is made when a lookup names it and freed with
 * its last reference (inode->transient), and a file's text is generated
 * again on every read, from the process table, the areas and page tables,
 * and the memory counters, then the requested bytes of it are copied out.
 * Layout (as Linux): /proc/meminfo, /proc/cowstat (this kernel's COW
 * counters), /proc/self (a link to the caller's PID), /proc/PID/ with maps,
 * smaps_rollup, status and task/ (a directory TID/ per live thread, each
 * with its status). /proc lists processes, never threads. Reading another process's maps needs
 * proc_may_inspect (EACCES otherwise), as vmmap does.
 * Locks: klock (kernel/klock.h): the process table and counters are read under it.
 */
#include "kernel/fs/procfs.h"
#include "kernel/errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "mm/cow.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pagecache.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/uaccess.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/proc.h"

#define PROCFS_DEV 2

enum kind {
    K_ROOT, K_SELF, K_MEMINFO, K_COWSTAT, K_PIDDIR, K_MAPS, K_ROLLUP, K_STATUS,
    K_TASKDIR, /* /proc/PID/task (pid: the process) */
    K_TIDDIR,  /* /proc/PID/task/TID (pid: the thread's id) */
    K_TIDSTATUS,
};

struct pinfo {
    enum kind kind;
    int pid;
};

static const struct {
    const char *name;
    enum kind kind;
} root_files[] = {{"self", K_SELF}, {"meminfo", K_MEMINFO}, {"cowstat", K_COWSTAT}},
  pid_files[] = {{"maps", K_MAPS}, {"smaps_rollup", K_ROLLUP}, {"status", K_STATUS},
                 {"task", K_TASKDIR}};
#define NROOT (sizeof(root_files) / sizeof(root_files[0]))
#define NPID (sizeof(pid_files) / sizeof(pid_files[0]))

static struct inode *root;
static const struct inode_ops root_ops, piddir_ops, file_ops, self_ops, taskdir_ops, tiddir_ops;

static struct pinfo *info(struct inode *ino) { return ino->priv; }

/* A stable inode number per (kind, pid). */
static uint64_t ino_of(enum kind k, int pid) { return (1UL << 32) | ((uint64_t)pid << 4) | k; }

/* A new inode of kind k; a directory under /proc/PID gets parent as "..". */
static int make_in(enum kind k, int pid, struct inode *parent, struct inode **out)
{
    struct inode *ino = kmalloc(sizeof(*ino) + sizeof(struct pinfo));
    if (!ino)
        return -ENOMEM;
    memset(ino, 0, sizeof(*ino));
    struct pinfo *pi = (struct pinfo *)(ino + 1);
    pi->kind = k;
    pi->pid = pid;
    ino->priv = pi;
    ino->ino = ino_of(k, pid);
    ino->dev = PROCFS_DEV;
    ino->transient = true;
    ino->nlink = 1;
    ino->refs = 1;
    ino->mtime = ino->ctime = ino->atime = vfs_now();
    if (k == K_PIDDIR || k == K_TASKDIR || k == K_TIDDIR) {
        ino->ops = k == K_PIDDIR ? &piddir_ops : k == K_TASKDIR ? &taskdir_ops : &tiddir_ops;
        ino->mode = VFS_IFDIR | 0555;
        ino->nlink = 2;
        ino->parent = vfs_iget(k == K_PIDDIR ? root : parent);
    } else if (k == K_SELF) {
        ino->ops = &self_ops;
        ino->mode = VFS_IFLNK | 0777;
    } else {
        ino->ops = &file_ops;
        ino->mode = VFS_IFREG | 0444;
    }
    *out = ino;
    return 0;
}

static int make(enum kind k, int pid, struct inode **out) { return make_in(k, pid, NULL, out); }

static void destroy(struct inode *ino)
{
    enum kind k = info(ino)->kind;
    if (k == K_PIDDIR || k == K_TASKDIR || k == K_TIDDIR)
        vfs_iput(ino->parent);
    kfree(ino);
}

/* A live process with this pid (not a free slot or one being made). */
static struct proc *live(int pid)
{
    struct proc *p = proc_find(pid);
    return p && p->state != PROC_EMBRYO ? p : NULL;
}

static int parse_pid(const char *s)
{
    long v = 0;
    if (!*s || (*s == '0'))
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return (int)v;
}

static int root_lookup(struct inode *dir, const char *name, struct inode **out)
{
    (void)dir;
    for (size_t i = 0; i < NROOT; i++)
        if (strcmp(name, root_files[i].name) == 0)
            return make(root_files[i].kind, 0, out);
    int pid = parse_pid(name);
    if (pid <= 0 || !live(pid))
        return -ENOENT;
    return make(K_PIDDIR, pid, out);
}

static void dots(struct inode *dir, uint64_t index, struct vfs_dirent *out)
{
    struct inode *which = index == 0 ? dir : dir->parent;
    out->ino = which->ino;
    out->type = VFS_DT_DIR;
    strlcpy(out->name, index == 0 ? "." : "..", sizeof(out->name));
}

static int root_readdir(struct inode *dir, uint64_t index, struct vfs_dirent *out)
{
    if (index < 2) {
        dots(dir, index, out);
        return 0;
    }
    index -= 2;
    if (index < NROOT) {
        out->ino = ino_of(root_files[index].kind, 0);
        out->type = root_files[index].kind == K_SELF ? VFS_DT_LNK : VFS_DT_REG;
        strlcpy(out->name, root_files[index].name, sizeof(out->name));
        return 0;
    }
    index -= NROOT;
    struct proc *t = proc_table();
    for (int i = 0; i < NPROC; i++) {
        if (t[i].state == PROC_UNUSED || t[i].state == PROC_EMBRYO || !proc_is_leader(&t[i]))
            continue; /* one directory per process, not per thread */
        if (index-- > 0)
            continue;
        out->ino = ino_of(K_PIDDIR, t[i].pid);
        out->type = VFS_DT_DIR;
        snprintk(out->name, sizeof(out->name), "%d", t[i].pid);
        return 0;
    }
    return -ENOENT;
}

static int piddir_lookup(struct inode *dir, const char *name, struct inode **out)
{
    int pid = info(dir)->pid;
    if (!live(pid))
        return -ENOENT;
    for (size_t i = 0; i < NPID; i++)
        if (strcmp(name, pid_files[i].name) == 0)
            return make_in(pid_files[i].kind, pid, dir, out);
    return -ENOENT;
}

/* A live thread (not exited) of process pid with this tid. */
static struct proc *live_thread(int pid, int tid)
{
    struct proc *t = proc_find_tid(tid);
    return t && t->pid == pid && t->state != PROC_ZOMBIE ? t : NULL;
}

static int taskdir_lookup(struct inode *dir, const char *name, struct inode **out)
{
    int tid = parse_pid(name);
    if (tid <= 0 || !live_thread(info(dir)->pid, tid))
        return -ENOENT;
    return make_in(K_TIDDIR, tid, dir, out);
}

static int taskdir_readdir(struct inode *dir, uint64_t index, struct vfs_dirent *out)
{
    if (index < 2) {
        dots(dir, index, out);
        return 0;
    }
    index -= 2;
    struct proc *t = proc_table();
    for (int i = 0; i < NPROC; i++) {
        if (t[i].state == PROC_UNUSED || t[i].state == PROC_EMBRYO || t[i].state == PROC_ZOMBIE ||
            t[i].pid != info(dir)->pid)
            continue;
        if (index-- > 0)
            continue;
        out->ino = ino_of(K_TIDDIR, t[i].tid);
        out->type = VFS_DT_DIR;
        snprintk(out->name, sizeof(out->name), "%d", t[i].tid);
        return 0;
    }
    return -ENOENT;
}

static int tiddir_lookup(struct inode *dir, const char *name, struct inode **out)
{
    if (strcmp(name, "status") != 0)
        return -ENOENT;
    return make(K_TIDSTATUS, info(dir)->pid, out);
}

static int tiddir_readdir(struct inode *dir, uint64_t index, struct vfs_dirent *out)
{
    if (index < 2) {
        dots(dir, index, out);
        return 0;
    }
    if (index > 2)
        return -ENOENT;
    out->ino = ino_of(K_TIDSTATUS, info(dir)->pid);
    out->type = VFS_DT_REG;
    strlcpy(out->name, "status", sizeof(out->name));
    return 0;
}

static int piddir_readdir(struct inode *dir, uint64_t index, struct vfs_dirent *out)
{
    if (index < 2) {
        dots(dir, index, out);
        return 0;
    }
    index -= 2;
    if (index >= NPID || !live(info(dir)->pid))
        return -ENOENT;
    out->ino = ino_of(pid_files[index].kind, info(dir)->pid);
    out->type = pid_files[index].kind == K_TASKDIR ? VFS_DT_DIR : VFS_DT_REG;
    strlcpy(out->name, pid_files[index].name, sizeof(out->name));
    return 0;
}

static int self_readlink(struct inode *ino, char *buf, size_t size)
{
    (void)ino;
    struct proc *p = proc_current();
    char tmp[16];
    int n = snprintk(tmp, sizeof(tmp), "%d", p ? p->pid : 0);
    n = (int)MIN((size_t)n, size);
    memcpy(buf, tmp, (size_t)n);
    return n;
}

/* ---- generated text ---------------------------------------------------------- */

struct text {
    char *buf;
    size_t len, cap;
    bool oom;
};

static void __attribute__((format(printf, 2, 3))) put(struct text *t, const char *fmt, ...)
{
    if (t->oom)
        return;
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintk(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (t->buf && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = MAX(t->cap * 2, t->len + (size_t)n + 256);
        char *nb = kmalloc(cap);
        if (!nb) {
            t->oom = true;
            return;
        }
        if (t->buf) {
            memcpy(nb, t->buf, t->len);
            kfree(t->buf);
        }
        t->buf = nb;
        t->cap = cap;
    }
}

struct counts {
    uint64_t resident, shared, private_, cow, zero;
};

static int count_range(vaddr_t table_va, pte_t *pt, int first, int last, void *arg)
{
    (void)table_va;
    struct counts *c = arg;
    for (int i = first; i < last; i++) {
        if (!pte_present(pt[i]))
            continue;
        paddr_t pa = pte_addr(pt[i]);
        c->resident++;
        if (pmm_refcount(pa) > 1)
            c->shared++;
        else
            c->private_++;
        if (pte_cow(pt[i]))
            c->cow++;
        if (pa == vma_zero_frame())
            c->zero++;
    }
    return 0;
}

static void gen_maps(struct text *t, struct proc *p)
{
    if (!p->areas)
        return;
    for (int i = 0; i < p->areas->count; i++) {
        const struct vm_area *a = p->areas->areas[i];
        bool file = a->obj && a->obj->file;
        put(t, "%012lx-%012lx %c%c%c%c %08lx 00:%02x %-8lu %s\n", a->start, a->end,
            a->prot & VMA_READ ? 'r' : '-', a->prot & VMA_WRITE ? 'w' : '-',
            a->prot & VMA_EXEC ? 'x' : '-', a->flags & VMA_SHARED ? 's' : 'p',
            file ? a->offset : 0, file ? 1 : 0, 0UL, a->name);
    }
}

static void gen_rollup(struct text *t, struct proc *p)
{
    struct counts c = {0, 0, 0, 0, 0};
    if (p->areas) {
        put(t, "%012lx-%012lx ---p 00000000 00:00 0        [rollup]\n",
            p->areas->count ? p->areas->areas[0]->start : 0UL,
            p->areas->count ? p->areas->areas[p->areas->count - 1]->end : 0UL);
        for (int i = 0; i < p->areas->count; i++)
            vmm_for_each_table_in(p->vs, p->areas->areas[i]->start, p->areas->areas[i]->end,
                                  count_range, &c);
    }
    put(t, "Rss:            %8lu kB\n", c.resident * 4);
    put(t, "Shared:         %8lu kB\n", c.shared * 4);
    put(t, "Private:        %8lu kB\n", c.private_ * 4);
    put(t, "Cow:            %8lu kB\n", c.cow * 4);
    put(t, "Zero:           %8lu kB\n", c.zero * 4);
}

static const char *state_name(enum proc_state s)
{
    switch (s) {
    case PROC_RUNNABLE: return "R (running)";
    case PROC_RUNNING: return "R (running)";
    case PROC_SLEEPING: return "S (sleeping)";
    case PROC_ZOMBIE: return "Z (zombie)";
    default: return "? (unknown)";
    }
}

static void gen_status(struct text *t, struct proc *p)
{
    uint64_t size = 0;
    struct counts c = {0, 0, 0, 0, 0};
    if (p->areas)
        for (int i = 0; i < p->areas->count; i++) {
            size += p->areas->areas[i]->end - p->areas->areas[i]->start;
            vmm_for_each_table_in(p->vs, p->areas->areas[i]->start, p->areas->areas[i]->end,
                                  count_range, &c);
        }
    int nfd = 0;
    for (int fd = 0; fd < NOFILE; fd++)
        nfd += proc_group(p)->files[fd] != NULL;
    put(t, "Name:\t%s\n", p->name);
    put(t, "State:\t%s\n", state_name(p->state));
    put(t, "Tgid:\t%d\nPid:\t%d\n", p->pid, p->tid);
    put(t, "PPid:\t%d\n", p->parent ? p->parent->pid : 0);
    put(t, "Sid:\t%d\nPgid:\t%d\n", p->sid, p->pgid);
    put(t, "FDSize:\t%d\nFDUsed:\t%d\n", NOFILE, nfd);
    put(t, "VmSize:\t%8lu kB\n", size / 1024);
    put(t, "VmRSS:\t%8lu kB\n", c.resident * 4);
    put(t, "VmShared:\t%8lu kB\n", c.shared * 4);
    put(t, "VmCow:\t%8lu kB\n", c.cow * 4);
    put(t, "VmHeap:\t%8lu kB\n", (page_round_up(proc_group(p)->brk) - proc_group(p)->brk_start) / 1024);
    put(t, "Threads:\t%d\n", proc_group(p)->thread_count); /* not yet exited */
    put(t, "Cpu:\t%d\n", p->has_run ? p->cpu : -1); /* runs on now, or last ran on (-1: never ran) */
}

static void gen_meminfo(struct text *t)
{
    struct cowos_memstat m;
    cow_stats(&m);
    uint64_t used, max, iu, im;
    vfs_usage(&used, &max, &iu, &im);
    put(t, "MemTotal:       %8lu kB\n", m.frames_total * 4);
    put(t, "MemFree:        %8lu kB\n", m.frames_free * 4);
    put(t, "MemAvailable:   %8lu kB\n", m.frames_free * 4);
    put(t, "Cached:         %8lu kB\n", m.pagecache_pages * 4);
    put(t, "Shmem:          %8lu kB\n", (m.shared_anon_pages + used) * 4);
    put(t, "PageTables:     %8lu kB\n", m.pt_pages * 4);
    put(t, "KernelHeap:     %8lu kB\n", kheap_frames_in_use() * 4);
}

static void gen_cowstat(struct text *t)
{
    struct cowos_memstat m;
    cow_stats(&m);
    put(t, "forks %lu\nfork_pages_shared %lu\nfork_pages_copied %lu\nfork_pt_pages %lu\n",
        m.forks, m.fork_pages_shared, m.fork_pages_copied, m.fork_pt_pages);
    put(t, "cow_faults %lu\ncow_copies %lu\ncow_reuses %lu\nfork_mode_copy %lu\n", m.cow_faults,
        m.cow_copies, m.cow_reuses, m.fork_mode_copy);
    put(t, "zero_page_maps %lu\ndemand_zero_faults %lu\nfile_faults %lu\n", m.zero_page_maps,
        m.demand_zero_faults, m.file_faults);
    put(t, "pagecache_pages %lu\npagecache_hits %lu\npagecache_fills %lu\n", m.pagecache_pages,
        m.pagecache_hits, m.pagecache_fills);
    put(t, "shared_anon_pages %lu\nshared_faults %lu\nfork_pages_shared_mapping %lu\nareas %lu\n",
        m.shared_anon_pages, m.shared_faults, m.fork_pages_shared_mapping, m.areas);
    put(t, "cpus %lu\nsched_switches %lu\nsched_migrations %lu\n", m.cpus, m.sched_switches,
        m.sched_migrations);
    put(t, "tlb_shootdowns %lu\ntlb_ipis %lu\ntlb_pages_flushed %lu\ntlb_full_flushes %lu\n",
        m.tlb_shootdowns, m.tlb_ipis, m.tlb_pages_flushed, m.tlb_full_flushes);
    put(t, "tlb_wait_cycles %lu\ntlb_kernel_flushes %lu\n", m.tlb_wait_cycles, m.tlb_kernel_flushes);
    put(t, "klock_acquisitions %lu\nklock_contended %lu\nklock_spin_cycles %lu\ncow_fault_retries %lu\n",
        m.klock_acquisitions, m.klock_contended, m.klock_spin_cycles, m.cow_fault_retries);
}

static long file_read(struct inode *ino, struct file *f, uint64_t off, vaddr_t buf, size_t n)
{
    (void)f;
    struct pinfo *pi = info(ino);
    struct text t = {NULL, 0, 0, false};
    struct proc *p = NULL;
    if (pi->kind == K_MAPS || pi->kind == K_ROLLUP || pi->kind == K_STATUS) {
        p = live(pi->pid);
        if (!p)
            return -ESRCH; /* the process is gone (Linux: ESRCH on read) */
        if (pi->kind != K_STATUS && !proc_may_inspect(proc_current(), p))
            return -EACCES;
    }
    if (pi->kind == K_TIDSTATUS) {
        p = proc_find_tid(pi->pid);
        if (!p || p->state == PROC_ZOMBIE)
            return -ESRCH;
    }
    switch (pi->kind) {
    case K_MAPS: gen_maps(&t, p); break;
    case K_ROLLUP: gen_rollup(&t, p); break;
    case K_STATUS: gen_status(&t, p); break;
    case K_TIDSTATUS: gen_status(&t, p); break;
    case K_MEMINFO: gen_meminfo(&t); break;
    case K_COWSTAT: gen_cowstat(&t); break;
    default: break;
    }
    long r = 0;
    if (t.oom)
        r = -ENOMEM;
    else if (off < t.len && n > 0) {
        size_t want = MIN(n, t.len - off);
        r = uaccess_copy_to_user(buf, t.buf + off, want) < 0 ? -EFAULT : (long)want;
    }
    kfree(t.buf);
    return r;
}

static const struct inode_ops root_ops = {.lookup = root_lookup, .readdir = root_readdir};
static const struct inode_ops piddir_ops = {
    .lookup = piddir_lookup, .readdir = piddir_readdir, .destroy = destroy};
static const struct inode_ops taskdir_ops = {
    .lookup = taskdir_lookup, .readdir = taskdir_readdir, .destroy = destroy};
static const struct inode_ops tiddir_ops = {
    .lookup = tiddir_lookup, .readdir = tiddir_readdir, .destroy = destroy};
static const struct inode_ops file_ops = {.read = file_read, .destroy = destroy};
static const struct inode_ops self_ops = {.readlink = self_readlink, .destroy = destroy};

struct inode *procfs_init(struct inode *mount_point)
{
    static struct inode r;
    static struct pinfo pi = {K_ROOT, 0};
    r.ops = &root_ops;
    r.ino = mount_point->ino;
    r.mode = VFS_IFDIR | 0555;
    r.nlink = 2;
    r.refs = 1; /* forever */
    r.parent = mount_point->parent;
    r.priv = &pi;
    r.dev = PROCFS_DEV;
    root = &r;
    return root;
}
