/*
 * console.h - the kernel console: every byte goes to COM1 and the VGA screen.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "kernel/types.h"

/* Bring up COM1 and the VGA screen. Safe to call before anything else. */
void console_init(void);
/* Write one byte to serial and screen; "\n" becomes "\r\n" on serial. */
void console_putc(char c);
/* Write n bytes, all together: no other CPU's output lands in between. */
void console_write(const char *s, size_t n);
/* From now on write without taking the console lock: the panic screen must
 * come out even if the lock's holder never lets go. */
void console_panic(void);

#endif
