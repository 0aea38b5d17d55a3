/*
 * vmprint.h - an address space's page tables explained: a software walk
 * that reports every level it passes, and an xv6 vmprint-style dump of the
 * user half. Read-only; for tests, GDB (call vmprint(p->vs)) and the pgtbl
 * lab (docs/labs/pgtbl.md). The kernel's own walk stays mm/vmm.c's.
 */
#ifndef MM_VMPRINT_H
#define MM_VMPRINT_H

#include "kernel/types.h"
#include "mm/pte.h"
#include "mm/vmm.h"

/* Walk vs's four levels for va. entries[0] is the PML4's entry, [1] the
 * PDPT's, [2] the PD's, [3] the page table's. Returns how many entries were
 * read: 4 when the walk reached the page table (its entry may be not
 * present), fewer when a level's entry was not present or a large page
 * (PTE_PS), which is then the last one read. */
int vmprint_walk(struct vmspace *vs, vaddr_t va, pte_t entries[4]);

/* The dump of vs's user half into buf (NUL-terminated, cut at size): a line
 * "page table 0xPML4" then, in address order, one line per present entry,
 * indented one " .." per level: "INDEX: KIND 0xPA FLAGS", KIND being pdpt,
 * pd, pt for tables and "page va 0xVA" for a 4 KiB page; FLAGS is "u" or
 * "-", "w" or "-", "c" (copy-on-write) or "-", "x" or "-". Returns the
 * length the whole dump needs, as snprintk does. */
size_t vmprint_format(struct vmspace *vs, char *buf, size_t size);

/* Print the dump on the console (from GDB: call vmprint(proc_current()->vs)). */
void vmprint(struct vmspace *vs);

#endif
