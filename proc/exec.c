/*
 * exec.c - the ELF64 loader behind execv and the start of init.
 *
 * High-level flow of exec_replace: validate the ELF header and program
 * headers against the file's size and the user address range; build a whole
 * new address space (segments, then the argument stack); only when all of it
 * succeeded, swap it in and destroy the old one. A failed exec leaves the
 * caller exactly as it was. Permissions follow the segment flags: text
 * read-only and executable, everything else no-execute, only writable
 * segments writable. Page 0 is never mapped, so NULL dereferences fault.
 */
#include "proc/exec.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/initrd.h"
#include "kernel/string.h"
#include "kernel/trap.h"
#include "kernel/gdt.h"
#include "kernel/x86.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/pte.h"
#include "mm/uaccess.h"
#include "mm/vmm.h"
#include "proc/elf.h"
#include "proc/proc.h"

#define USER_IMAGE_TOP (USER_STACK_TOP - USER_STACK_MAX) /* segments end below the stack zone */
#define MAX_PHDRS 64

/* Copy bytes into a (fresh, not yet active) address space through the direct map. */
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

static uint64_t segment_pte_flags(uint32_t pflags)
{
    uint64_t f = PTE_U;
    if (pflags & PF_W)
        f |= PTE_W;
    if (!(pflags & PF_X))
        f |= PTE_NX;
    return f;
}

/* Map zeroed pages over [start, end) with flags; a page already mapped by
 * an earlier segment keeps its frame and gets the union of permissions. */
static int map_zeroed(struct vmspace *vs, vaddr_t start, vaddr_t end, uint64_t flags)
{
    for (vaddr_t va = page_round_down(start); va < end; va += PAGE_SIZE) {
        uint64_t old;
        if (vmm_translate(vs, va, NULL, &old) == 0) {
            uint64_t merged = (old | flags) & ~PTE_NX;
            if ((old & PTE_NX) && (flags & PTE_NX))
                merged |= PTE_NX;
            vmm_protect(vs, va, merged & (PTE_U | PTE_W | PTE_NX));
            continue;
        }
        paddr_t pa = pmm_alloc();
        if (!pa)
            return -ENOMEM;
        if (vmm_map(vs, va, pa, flags) < 0) {
            pmm_decref(pa);
            return -ENOMEM;
        }
    }
    return 0;
}

static int load_segments(struct vmspace *vs, const uint8_t *image, size_t size, vaddr_t *entry,
                         vaddr_t *image_end)
{
    const struct elf64_ehdr *eh = (const struct elf64_ehdr *)image;
    if (size < sizeof(*eh) || eh->magic != ELF_MAGIC || eh->class != ELFCLASS64 ||
        eh->data != ELFDATA2LSB || eh->type != ET_EXEC || eh->machine != EM_X86_64 ||
        eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 || eh->phnum > MAX_PHDRS ||
        eh->phoff > size || (size - eh->phoff) / sizeof(struct elf64_phdr) < eh->phnum)
        return -ENOEXEC;
    if (eh->entry < PAGE_SIZE || eh->entry >= USER_IMAGE_TOP)
        return -ENOEXEC;

    vaddr_t top = 0;
    for (int i = 0; i < eh->phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, image + eh->phoff + i * sizeof(ph), sizeof(ph)); /* may be unaligned */
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (ph.filesz > ph.memsz || ph.offset > size || size - ph.offset < ph.filesz ||
            ph.vaddr < PAGE_SIZE || ph.vaddr >= USER_IMAGE_TOP ||
            ph.memsz > USER_IMAGE_TOP - ph.vaddr)
            return -ENOEXEC;
        int r = map_zeroed(vs, ph.vaddr, ph.vaddr + ph.memsz, segment_pte_flags(ph.flags));
        if (r < 0)
            return r;
        if (write_into(vs, ph.vaddr, image + ph.offset, ph.filesz) < 0)
            return -ENOEXEC;
        top = MAX(top, ph.vaddr + ph.memsz);
    }
    if (top == 0)
        return -ENOEXEC;
    *entry = eh->entry;
    *image_end = page_round_up(top);
    return 0;
}

/*
 * The initial stack, from USER_STACK_TOP down: the argument strings, then
 * (16-byte aligned) argc, argv[0..argc-1], NULL, envp NULL, auxv AT_NULL.
 * Returns the initial rsp (pointing at argc) or 0 when out of memory.
 */
static vaddr_t build_stack(struct vmspace *vs, char *const argv[], int argc, vaddr_t *argv_va,
                           vaddr_t *stack_low)
{
    size_t strings = 0;
    for (int i = 0; i < argc; i++)
        strings += strlen(argv[i]) + 1;
    size_t words = 1 + (size_t)argc + 1 + 1 + 2;
    vaddr_t str_va = USER_STACK_TOP - strings;
    vaddr_t sp = (str_va - words * 8) & ~15UL;
    *stack_low = page_round_down(sp);
    if (map_zeroed(vs, *stack_low, USER_STACK_TOP, PTE_U | PTE_W | PTE_NX) < 0)
        return 0;

    uint64_t block[1 + EXEC_ARG_MAX + 4];
    size_t w = 0;
    block[w++] = (uint64_t)argc;
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]) + 1;
        write_into(vs, str_va, argv[i], len);
        block[w++] = str_va;
        str_va += len;
    }
    block[w++] = 0; /* argv terminator */
    block[w++] = 0; /* empty environment */
    block[w++] = 0; /* AT_NULL */
    block[w++] = 0;
    write_into(vs, sp, block, w * 8);
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
    const uint8_t *image;
    size_t size;
    int argc = 0;
    size_t bytes = 0;
    while (argv[argc]) {
        bytes += strlen(argv[argc]) + 1;
        if (++argc > EXEC_ARG_MAX || bytes > EXEC_ARGS_BYTES)
            return -E2BIG;
    }
    int r = initrd_lookup(path, &image, &size);
    if (r == -EISDIR)
        return -EACCES; /* as Linux: a directory is not executable */
    if (r < 0)
        return r;

    struct vmspace *vs = vmm_create();
    if (!vs)
        return -ENOMEM;
    vaddr_t entry = 0, image_end = 0, argv_va = 0, stack_low = 0, sp = 0;
    r = load_segments(vs, image, size, &entry, &image_end);
    if (r == 0) {
        sp = build_stack(vs, argv, argc, &argv_va, &stack_low);
        if (!sp)
            r = -ENOMEM;
    }
    if (r < 0) {
        vmm_destroy(vs);
        return r;
    }

    /* Point of no return: the new image replaces the old one. */
    struct vmspace *old = p->vs;
    p->vs = vs;
    if (old) {
        if (vmm_is_active(old))
            vmm_activate(vs);
        vmm_destroy(old);
    }
    proc_fpu_reset(p); /* no floating-point state survives exec */
    file_close_on_exec(p);
    p->brk_start = p->brk = image_end;
    p->stack_low = stack_low;
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
