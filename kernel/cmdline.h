/*
 * cmdline.h - the kernel command line GRUB passed (words separated by spaces,
 * each either "flag" or "key=value").
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "kernel/types.h"

/* Keep a copy of the command line (called once, early, by kmain). */
void cmdline_init(const char *s);
/* The whole command line ("" if none). */
const char *cmdline_get(void);
/* True if the word "flag" (or "flag=...") appears. */
bool cmdline_has(const char *flag);
/* Copy the value of "key=value" into buf (NUL-terminated); false if absent. */
bool cmdline_value(const char *key, char *buf, size_t size);

#endif
