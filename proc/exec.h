/*
 * exec.h - loading an ELF program from the initrd into a process.
 */
#ifndef PROC_EXEC_H
#define PROC_EXEC_H

#include "kernel/types.h"

struct proc;

#define EXEC_ARG_MAX 64      /* arguments, argv[0] included */
#define EXEC_ARGS_BYTES 4096 /* bytes of argument strings, NULs included */

/*
 * Build a new address space for p holding the program at path (an initrd
 * file) with argv (kernel strings, NULL-terminated), and on success swap it
 * in: the old space is destroyed, p->tf is set to enter the program's _start
 * with rdi = argc, rsi = argv, and p->name becomes the program's base name.
 * On failure p is unchanged. Returns 0, -ENOENT, -ENOEXEC, -E2BIG, -ENOMEM.
 */
int exec_replace(struct proc *p, const char *path, char *const argv[]);

long sys_execv(long upath, long uargv);

#endif
