/*
 * ksyms.h - function names for kernel addresses, for backtraces.
 * The table is generated at build time (tools/mksyms.sh) into section .ksyms.
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include "kernel/types.h"

/*
 * The name of the function containing addr, and addr's offset into it in
 * *offset (if offset is not NULL). NULL when addr lies below the first
 * function or at or above __text_end. Safe to call from a panic: reads only
 * the image's own read-only table and never allocates.
 */
const char *ksyms_lookup(vaddr_t addr, uint64_t *offset);

#endif
