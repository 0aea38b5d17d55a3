/*
 * brk.h - the program break (heap) system call.
 */
#ifndef PROC_BRK_H
#define PROC_BRK_H

#include "mm/memlayout.h"

/* The heap may grow up to here (1 TiB of address space, far below the stack zone). */
#define BRK_LIMIT (UL_(1) << 40)

/* The name of the heap's area ("[heap]"). */
extern const char brk_area_name[];

/* Set the break to addr and return the new break; on refusal (out of range,
 * into another area) return the old one unchanged, as Linux's brk does. */
long sys_brk(long addr);

#endif
