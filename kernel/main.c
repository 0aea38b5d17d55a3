/*
 * main.c - kmain: the order in which the kernel brings itself up. Nothing else.
 */
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

void kmain(paddr_t mbi_paddr);

void kmain(paddr_t mbi_paddr)
{
    console_init();
    printk("cowos: hello from 64-bit, mbi at %lx\n", mbi_paddr);
    for (;;)
        hlt();
}
