/*
 * printk.h - formatted output to the console and into buffers.
 *
 * Conversions: %d %i %u %x %X %p %s %c %% with optional flags '-' and '0',
 * a width (or '*'), and length modifiers 'l' / 'll' / 'z' (%ld %lu %lx ...).
 * %p prints 0x followed by 16 hex digits.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include "kernel/types.h"

/* Print to the console. Returns the number of bytes written. */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
/*
 * Format into buf (always NUL-terminated when size > 0). Returns the length
 * the full output would have had, like C's snprintf.
 */
int snprintk(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap);

#endif
