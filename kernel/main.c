/*
 * main.c - kmain: the order in which the kernel brings itself up. Nothing else.
 */
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/x86.h"
#include "mm/kheap.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/vmm.h"
#include "tests/ktest.h"

void kmain(paddr_t mbi_paddr);

static struct boot_info boot_info;

static void print_banner(void)
{
    uint64_t usable = bootinfo_usable_bytes(&boot_info);
    printk("cowos: a teaching kernel for fork() with copy-on-write (x86-64)\n");
    printk("memory: %lu MiB usable, %lu frames managed, %lu free (%lu KiB each)\n",
           usable >> 20, pmm_total_count(), pmm_free_count(), PAGE_SIZE / 1024);
    printk("command line: \"%s\"\n", cmdline_get());
}

void kmain(paddr_t mbi_paddr)
{
    console_init();
    bootinfo_parse(mbi_paddr, &boot_info);
    cmdline_init(boot_info.cmdline);
    pmm_init(&boot_info);
    vmm_init_kernel(&boot_info);
    print_banner();
    if (cmdline_has("test")) {
        ktest_run_all();
        ktest_finish();
    }
    for (;;)
        hlt();
}
