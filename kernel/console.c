/*
 * console.c - the output side of the console: serial first, VGA mirrored.
 * Output is polled and needs no locks on our single CPU with interrupts
 * taken only between instructions that never leave a half-written byte.
 */
#include "kernel/console.h"
#include "kernel/serial.h"
#include "kernel/vga.h"

void console_init(void)
{
    serial_init();
    vga_init();
}

void console_putc(char c)
{
    if (c == '\n')
        serial_putc('\r');
    serial_putc(c);
    vga_putc(c);
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        console_putc(s[i]);
}
