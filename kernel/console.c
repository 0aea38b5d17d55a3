/*
 * console.c - the output side of the console: serial first, VGA mirrored.
 * Output is polled. Lock: console_lock (a spinlock) around every write, so
 * the bytes of one console_write (a whole printk line) never mix with
 * another CPU's; after console_panic the lock is ignored, so a panicking CPU
 * never waits for a holder that may never let go.
 */
#include "kernel/console.h"
#include "kernel/serial.h"
#include "kernel/spinlock.h"
#include "kernel/vga.h"

static struct spinlock console_lock = SPINLOCK_INIT("console");
static volatile bool panicking;

void console_init(void)
{
    serial_init();
    vga_init();
}

static void put(char c)
{
    if (c == '\n')
        serial_putc('\r');
    serial_putc(c);
    vga_putc(c);
}

void console_putc(char c) { console_write(&c, 1); }

void console_write(const char *s, size_t n)
{
    bool lock = !panicking;
    if (lock)
        spin_lock(&console_lock);
    for (size_t i = 0; i < n; i++)
        put(s[i]);
    if (lock)
        spin_unlock(&console_lock);
}

void console_panic(void) { panicking = true; }
