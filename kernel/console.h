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
/* Write n bytes. */
void console_write(const char *s, size_t n);

#endif
