/*
 * exec.c - the ELF64 loader behind execv and the start of init.
 *
 * High-level flow of exec_replace: validate the ELF header and program
 * headers against the file's size and the user address range; build a whole
 * new address space as areas (segments, then the stack with the arguments);
 * only when all of it succeeded, swap it in and destroy the old one. A
 * failed exec leaves the caller exactly as it was.
 *
 * Nothing of the program is copied here: each segment becomes a private
 * area backed by the file's page cache (mm/pagecache.c), its bss an
 * anonymous area, so a page is read in when first touched, text frames are
 * shared by every process running the program, and a write to a data page
 * copies it from the cache (copy-on-write of a file page). Permissions follow
 * the segment flags: text read-only and executable, everything else
 * no-execute, only writable segments writable. Page 0 is never mapped, so
 * NULL dereferences fault.
 * Locks: klock (kernel/klock.h) guards all of it.
 */
#include "proc/exec.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/fs/vfs.h"
#include "kernel/string.h"
#include "kernel/trap.h"
#include "kernel/gdt.h"
#include "kernel/x86.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pagecache.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/uaccess.h"
#include "mm/vma.h"
#include "mm/vmm.h"
#include "proc/elf.h"
#include "proc/fork.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "proc/thread.h"

#define USER_IMAGE_TOP (USER_STACK_TOP - USER_STACK_MAX) /* segments end below the stack zone */
#define MAX_PHDRS 64

static const char stack_area_name[] = "[stack]";
static const char bss_area_name[] = "[bss]";

/* Copy bytes into a (fresh, not yet active) address space through the direct
 * map; the pages must be present and private (vma_populate made them). */
static int write_into(struct vmspace *vs, vaddr_t va, const void *src, size_t n)
{
    const uint8_t *s = src;
    while (n) {
        paddr_t pa;
        if (vmm_translate(vs, va, &pa, NULL) < 0)
            return -EFAULT;
        size_t chunk = MIN(n, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        memcpy(P2V(pa), s, chunk);
        va += chunk;
        s += chunk;
        n -= chunk;
    }
    return 0;
}

static uint32_t segment_prot(uint32_t pflags)
{
    uint32_t prot = 0;
    if (pflags & PF_R)
        prot |= VMA_READ;
    if (pflags & PF_W)
        prot |= VMA_WRITE;
    if (pflags & PF_X)
        prot |= VMA_EXEC;
    return prot ? prot : VMA_READ;
}

/*
 * One PT_LOAD segment as areas: [vaddr, vaddr + filesz) a private view of
 * the file from offset (the page holding the last file byte reads zeros
 * after it when bss follows), the rest up to vaddr + memsz anonymous (bss).
 * Segments may not share a page: the project's linker script aligns them.
 */
static int map_segment(struct vma_set *set, struct pagecache_obj *obj, const char *name,
                       const struct elf64_phdr *ph)
{
    uint32_t prot = segment_prot(ph->flags);
    vaddr_t start = page_round_down(ph->vaddr);
    vaddr_t file_end = ph->vaddr + ph->filesz;
    vaddr_t file_top = page_round_up(file_end), top = page_round_up(ph->vaddr + ph->memsz);
    if ((ph->vaddr & (PAGE_SIZE - 1)) != (ph->offset & (PAGE_SIZE - 1)))
        return -ENOEXEC; /* a file page could not be mapped as it is */
    if (!vma_range_free(set, start, top))
        return -ENOEXEC;
    int r = 0;
    if (ph->filesz) {
        vaddr_t zero_from = ph->memsz > ph->filesz && (file_end & (PAGE_SIZE - 1)) ? file_end : 0;
        r = vma_map(set, start, file_top, prot, VMA_MAYWRITE, obj, page_round_down(ph->offset),
                    zero_from, name);
    } else {
        file_top = start;
    }
    if (r == 0 && top > file_top)
        r = vma_map(set, file_top, top, prot, VMA_MAYWRITE, NULL, 0, 0, bss_area_name);
    return r;
}

static int load_segments(struct vma_set *set, struct inode *file, vaddr_t *entry,
                         vaddr_t *image_end)
{
    struct pagecache_obj *obj = file->pages;
    size_t size = obj->size;
    struct elf64_ehdr ehdr;
    const struct elf64_ehdr *eh = &ehdr;
    if (vfs_read_kernel(file, 0, &ehdr, sizeof(ehdr)) < sizeof(ehdr))
        return -ENOEXEC;
    if (eh->magic != ELF_MAGIC || eh->class != ELFCLASS64 ||
        eh->data != ELFDATA2LSB || eh->type != ET_EXEC || eh->machine != EM_X86_64 ||
        eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 || eh->phnum > MAX_PHDRS ||
        eh->phoff > size || (size - eh->phoff) / sizeof(struct elf64_phdr) < eh->phnum)
        return -ENOEXEC;
    if (eh->entry < PAGE_SIZE || eh->entry >= USER_IMAGE_TOP)
        return -ENOEXEC;

    pagecache_get(obj); /* for the areas made below */
    vaddr_t top = 0;
    int r = 0;
    for (int i = 0; i < eh->phnum && r == 0; i++) {
        struct elf64_phdr ph;
        vfs_read_kernel(file, eh->phoff + i * sizeof(ph), &ph, sizeof(ph)); /* checked above */
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (ph.filesz > ph.memsz || ph.offset > size || size - ph.offset < ph.filesz ||
            ph.vaddr < PAGE_SIZE || ph.vaddr >= USER_IMAGE_TOP ||
            ph.memsz > USER_IMAGE_TOP - ph.vaddr) {
            r = -ENOEXEC;
            break;
        }
        r = map_segment(set, obj, obj->name, &ph);
        top = MAX(top, ph.vaddr + ph.memsz);
    }
    pagecache_put(obj); /* the areas hold their own references */
    if (r < 0)
        return r;
    if (top == 0 || !vma_find(set, eh->entry))
        return -ENOEXEC;
    *entry = eh->entry;
    *image_end = page_round_up(top);
    return 0;
}

/*
 * The initial stack, from USER_STACK_TOP down: the argument strings, then
 * (16-byte aligned) argc, argv[0..argc-1], NULL, envp NULL, auxv AT_NULL.
 * The stack area covers just the pages these need; it grows on faults.
 * Returns the initial rsp (pointing at argc) or 0 when out of memory.
 */
static vaddr_t build_stack(struct vma_set *set, char *const argv[], int argc, vaddr_t *argv_va)
{
    size_t strings = 0;
    for (int i = 0; i < argc; i++)
        strings += strlen(argv[i]) + 1;
    size_t words = 1 + (size_t)argc + 1 + 1 + 2;
    vaddr_t str_va = USER_STACK_TOP - strings;
    vaddr_t sp = (str_va - words * 8) & ~15UL;
    vaddr_t low = page_round_down(sp);
    if (vma_map(set, low, USER_STACK_TOP, VMA_READ | VMA_WRITE, VMA_GROWSDOWN | VMA_MAYWRITE,
                NULL, 0, 0, stack_area_name) < 0 ||
        vma_populate(set, low, USER_STACK_TOP, true) < 0)
        return 0;

    uint64_t block[1 + EXEC_ARG_MAX + 4];
    size_t w = 0;
    block[w++] = (uint64_t)argc;
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]) + 1;
        write_into(set->vs, str_va, argv[i], len);
        block[w++] = str_va;
        str_va += len;
    }
    block[w++] = 0; /* argv terminator */
    block[w++] = 0; /* empty environment */
    block[w++] = 0; /* AT_NULL */
    block[w++] = 0;
    write_into(set->vs, sp, block, w * 8);
    *argv_va = sp + 8;
    return sp;
}

static const char *base_name(const char *path)
{
    const char *slash = path;
    for (const char *c = path; *c; c++)
        if (*c == '/')
            slash = c + 1;
    return slash;
}

int exec_replace(struct proc *p, const char *path, char *const argv[])
{
    int argc = 0;
    size_t bytes = 0;
    while (argv[argc]) {
        bytes += strlen(argv[argc]) + 1;
        if (++argc > EXEC_ARG_MAX || bytes > EXEC_ARGS_BYTES)
            return -E2BIG;
    }
    struct inode *file;
    int r = vfs_lookup(p, path, VFS_FOLLOW, &file);
    if (r < 0)
        return r;
    if (!VFS_ISREG(file->mode) || !file->pages || !(file->mode & 0111)) {
        vfs_iput(file);
        return -EACCES; /* as Linux: a directory, /proc, a file without x */
    }
    if (file->writers > 0) {
        vfs_iput(file);
        return -ETXTBSY; /* open for writing somewhere: as Linux */
    }
    vfs_name_object(p, path, file->pages);

    struct vmspace *vs = vmm_create();
    struct vma_set *set = vs ? vma_set_create(vs) : NULL;
    vaddr_t entry = 0, image_end = 0, argv_va = 0, sp = 0;
    r = set ? load_segments(set, file, &entry, &image_end) : -ENOMEM;
    if (r == 0)
        vma_set_exe(set, file->pages); /* no opening it for writing while it runs */
    vfs_iput(file); /* the areas hold the file's pages */
    if (r == 0) {
        sp = build_stack(set, argv, argc, &argv_va);
        if (!sp)
            r = -ENOMEM;
    }
    /* A threaded caller: the other threads end first (Linux's de_thread). */
    if (r == 0 && p == proc_current())
        r = thread_exec_alone();
    if (r < 0) {
        vma_set_destroy(set);
        if (vs)
            vmm_destroy(vs);
        return r;
    }

    /* Point of no return: the new image replaces the old one. */
    struct vmspace *old = p->vs;
    struct vma_set *old_areas = p->areas;
    if (p->vfork_parent) { /* vfork: the old memory is the parent's; hand it back */
        if (old && vmm_is_active(old))
            vmm_activate(vs);
        fork_vfork_release(p);
        old = NULL;
        old_areas = NULL;
    }
    p->vs = vs;
    p->areas = set;
    if (old) {
        if (vmm_is_active(old))
            vmm_activate(vs);
        vmm_destroy(old);
    }
    vma_set_destroy(old_areas);
    proc_fpu_reset(p); /* no floating-point state survives exec */
    p->fs_base = 0; /* nor TLS */
    if (p == proc_current())
        thread_switch_in(p);
    p->clear_child_tid = 0;
    file_close_on_exec(p);
    signal_exec(p); /* caught signals back to default; ignored ones and the mask stay */
    p->brk_start = p->brk = image_end;
    strlcpy(p->name, base_name(path), sizeof(p->name));
    struct trapframe *tf = p->tf;
    memset(tf, 0, sizeof(*tf));
    tf->rip = entry;
    tf->rsp = sp;
    tf->rdi = (uint64_t)argc;
    tf->rsi = argv_va;
    tf->cs = GDT_USER_CODE_SEL;
    tf->ss = GDT_USER_DATA_SEL;
    tf->rflags = RFLAGS_IF;
    return 0;
}

long sys_execv(long upath, long uargv)
{
    char path[256];
    long r = uaccess_strncpy_from_user(path, (vaddr_t)upath, sizeof(path));
    if (r < 0)
        return r;
    char *strings = kmalloc(EXEC_ARGS_BYTES);
    char *argv[EXEC_ARG_MAX + 1];
    if (!strings)
        return -ENOMEM;
    size_t used = 0;
    int argc = 0;
    for (; uargv; argc++) {
        uint64_t uarg;
        if (uaccess_copy_from_user(&uarg, (vaddr_t)uargv + (vaddr_t)argc * 8, 8) < 0) {
            r = -EFAULT;
            goto out;
        }
        if (!uarg)
            break;
        if (argc == EXEC_ARG_MAX) {
            r = -E2BIG;
            goto out;
        }
        long len = uaccess_strncpy_from_user(strings + used, uarg, EXEC_ARGS_BYTES - used);
        if (len < 0) {
            r = len == -ENAMETOOLONG ? -E2BIG : len;
            goto out;
        }
        argv[argc] = strings + used;
        used += (size_t)len + 1;
    }
    argv[argc] = NULL;
    r = exec_replace(proc_current(), path, argv);
out:
    kfree(strings);
    return r;
}
