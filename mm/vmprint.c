/*
 * vmprint.c - page tables explained (mm/vmprint.h): a walk that reports
 * each level, and the vmprint-style dump of the user half.
 * Invariant: nothing here changes a table or allocates; the walk reads
 * through the direct map (P2V), as the kernel's own walk in mm/vmm.c does.
 */
#include "mm/vmprint.h"
#include "kernel/printk.h"
#include "mm/memlayout.h"

/* Where the dump goes: a buffer (len may pass size: the length needed) or the console. */
struct out {
    char *buf;
    size_t size, len;
    bool console;
};

static void emit(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct out *o, const char *fmt, ...)
{
    char line[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintk(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (o->console) {
        printk("%s", line);
        return;
    }
    for (int i = 0; i < n && line[i]; i++, o->len++)
        if (o->len + 1 < o->size)
            o->buf[o->len] = line[i];
    if (o->size)
        o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

int vmprint_walk(struct vmspace *vs, vaddr_t va, pte_t entries[4])
{
    /* LAB-BEGIN pgtbl: walk the four levels of vs for va, filling entries[] (docs/labs/pgtbl.md, step 1) */
    static const int shifts[4] = {39, 30, 21, 12};
    paddr_t table = vs->pml4;
    for (int level = 0; level < 4; level++) {
        pte_t pte = ((pte_t *)P2V(table))[(va >> shifts[level]) & 0x1ff];
        entries[level] = pte;
        if (level == 3 || !pte_present(pte) || (pte & PTE_PS))
            return level + 1;
        table = pte_addr(pte);
    }
    return 4;
    /* LAB-STUB
     * (void)vs;
     * (void)va;
     * (void)entries;
     * return 0;
     * LAB-END pgtbl */
}

/* "u-cx": who may use the entry and how. */
static void flag_text(pte_t pte, char text[5])
{
    text[0] = pte_user(pte) ? 'u' : '-';
    text[1] = pte_writable(pte) ? 'w' : '-';
    text[2] = pte_cow(pte) ? 'c' : '-';
    text[3] = (pte & PTE_NX) ? '-' : 'x';
    text[4] = '\0';
}

/* Print the present entries of the table at pa (level 0 = PML4), those of
 * the user half only, and below each table entry the table it points to. */
static void dump_table(struct out *o, paddr_t pa, int level, vaddr_t base)
{
    /* LAB-BEGIN pgtbl: one line per present entry, then the table below it (step 2) */
    static const char *const kinds[4] = {"pdpt", "pd", "pt", "page"};
    static const int shifts[4] = {39, 30, 21, 12};
    const pte_t *table = P2V(pa);
    int count = level == 0 ? (int)PML4_INDEX(USER_TOP - 1) + 1 : 512;
    for (int i = 0; i < count; i++) {
        pte_t pte = table[i];
        if (!pte_present(pte))
            continue;
        vaddr_t va = base + ((vaddr_t)i << shifts[level]);
        char flags[5];
        flag_text(pte, flags);
        for (int l = 0; l <= level; l++)
            emit(o, " ..");
        if (level == 3 || (pte & PTE_PS)) {
            emit(o, "%d: page va 0x%lx 0x%lx %s\n", i, va, pte_addr(pte), flags);
            continue;
        }
        emit(o, "%d: %s 0x%lx %s\n", i, kinds[level], pte_addr(pte), flags);
        dump_table(o, pte_addr(pte), level + 1, va);
    }
    /* LAB-STUB
     * (void)o;
     * (void)pa;
     * (void)level;
     * (void)base;
     * (void)flag_text;
     * LAB-END pgtbl */
}

size_t vmprint_format(struct vmspace *vs, char *buf, size_t size)
{
    struct out o = {buf, size, 0, false};
    if (size)
        buf[0] = '\0';
    emit(&o, "page table 0x%lx\n", vs->pml4);
    dump_table(&o, vs->pml4, 0, 0);
    return o.len;
}

void vmprint(struct vmspace *vs)
{
    struct out o = {NULL, 0, 0, true};
    emit(&o, "page table 0x%lx\n", vs->pml4);
    dump_table(&o, vs->pml4, 0, 0);
}
