/*
 * ksyms.c - address to function name, by binary search over the table that
 * tools/mksyms.sh generates into .ksyms (entries sorted by address, each
 * with the offset of its NUL-terminated name in ksym_names). Read-only.
 * A function is taken to run from its address up to the next entry's.
 */
#include "kernel/ksyms.h"

struct ksym {
    uint64_t addr;
    uint64_t name_offset;
};

extern const uint64_t ksym_count;
extern const struct ksym ksym_table[];
extern const char ksym_names[];
extern const char __text_end[]; /* linker.ld: end of .text */

const char *ksyms_lookup(vaddr_t addr, uint64_t *offset)
{
    uint64_t n = ksym_count;
    if (n == 0 || addr >= (vaddr_t)__text_end || addr < ksym_table[0].addr)
        return NULL;

    /* The last entry with entry.addr <= addr. */
    uint64_t lo = 0, hi = n; /* invariant: table[lo].addr <= addr, answer in [lo, hi) */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksym_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    /* Several names for one address (labels): report the first listed. */
    while (lo > 0 && ksym_table[lo - 1].addr == ksym_table[lo].addr &&
           ksym_names[ksym_table[lo - 1].name_offset] != '\0')
        lo--;

    const char *name = &ksym_names[ksym_table[lo].name_offset];
    if (*name == '\0') /* a malformed entry: no name to give */
        return NULL;
    if (offset)
        *offset = addr - ksym_table[lo].addr;
    return name;
}
