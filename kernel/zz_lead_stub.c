/* TEMPORARY weak stubs while panic.c is being written (lead will delete). */
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/x86.h"
__attribute__((weak)) void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printk("panic: ");
    vprintk(fmt, ap);
    va_end(ap);
    outl(0xf4, 2);
    for (;;)
        hlt();
}
