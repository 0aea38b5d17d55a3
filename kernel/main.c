/*
 * main.c - kmain: the order in which the kernel brings itself up, and what it
 * runs as pid 1. Nothing else.
 *
 * Command line words (see README): "test" runs the in-kernel tests, then the
 * user test runner; "init=/bin/NAME" picks pid 1 (default /bin/init); words
 * after "--" are pid 1's arguments; "fork=copy" makes fork copy eagerly instead
 * of copy-on-write; "cowtrace" prints a line per COW fault; "crash=pagefault"
 * and "crash=stackoverflow" deliberately fault to show (and test) the panic
 * screen and the double-fault report.
 */
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/file.h"
#include "kernel/gdt.h"
#include "kernel/initrd.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/tty.h"
#include "kernel/x86.h"
#include "mm/cow.h"
#include "mm/fault.h"
#include "mm/kheap.h"
#include "mm/vma.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/vmm.h"
#include "proc/fork.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "tests/ktest.h"

void kmain(paddr_t mbi_paddr);

#define INIT_MAX_ARGS 16

static struct boot_info boot_info;
static char init_path[64] = "/bin/init";
static char init_words[256];
static char *init_argv[INIT_MAX_ARGS + 1];
static char runner_args[64];

static void print_banner(void)
{
    uint64_t usable = bootinfo_usable_bytes(&boot_info);
    printk("cowos: a teaching kernel for fork() with copy-on-write (x86-64)\n");
    printk("memory: %lu MiB usable, %lu frames managed, %lu free (%lu KiB each)\n",
           usable >> 20, pmm_total_count(), pmm_free_count(), PAGE_SIZE / 1024);
    printk("command line: \"%s\"\n", cmdline_get());
}

/* A deliberate kernel page fault, for the panic-screen test. */
static __attribute__((noinline)) void crash_on_purpose(void)
{
    *(volatile uint64_t *)0xffff900000000000UL = 1;
}

/* A deliberate kernel stack overflow into the guard page: the double fault,
 * on its own stack, must report it (the stack-overflow check). */
static volatile bool keep_recursing = true; /* the compiler cannot see the end coming */

static __attribute__((noinline)) int overflow_on_purpose(int depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    if (!keep_recursing)
        return 0;
    return overflow_on_purpose(depth + 1) + frame[0]; /* not a tail call */
}

/* pid 1's argv: its path's base name, then the words after "--". */
static void build_init_argv(void)
{
    int argc = 0;
    const char *base = init_path;
    for (const char *c = init_path; *c; c++)
        if (*c == '/')
            base = c + 1;
    init_argv[argc++] = (char *)base;
    const char *rest = cmdline_get();
    const char *dashes = NULL;
    for (const char *c = rest; *c; c++)
        if (c[0] == '-' && c[1] == '-' && (c == rest || c[-1] == ' ') && (c[2] == ' ' || !c[2])) {
            dashes = c + 2;
            break;
        }
    if (!dashes)
        goto done;
    strlcpy(init_words, dashes, sizeof(init_words));
    for (char *w = init_words; *w && argc < INIT_MAX_ARGS;) {
        while (*w == ' ')
            *w++ = '\0';
        if (!*w)
            break;
        init_argv[argc++] = w;
        while (*w && *w != ' ')
            w++;
    }
done:
    init_argv[argc] = NULL;
}

void kmain(paddr_t mbi_paddr)
{
    console_init();
    gdt_init();
    trap_init();
    bootinfo_parse(mbi_paddr, &boot_info);
    cmdline_init(boot_info.cmdline);
    pmm_init(&boot_info);
    vmm_init_kernel(&boot_info);
    vmm_kernel_unmap_guard(gdt_df_stack_guard());
    syscall_init();
    proc_init();
    fork_init();
    cow_set_trace(cmdline_has("cowtrace"));
    vma_init(); /* the zero frame */
    fault_init();
    timer_init();
    timer_set_tick_hook(sched_tick);
    file_init();
    tty_init();
    initrd_init(&boot_info);
    sti();
    print_banner();

    char word[32];
    if (cmdline_value("crash", word, sizeof(word))) {
        if (strcmp(word, "pagefault") == 0)
            crash_on_purpose();
        if (strcmp(word, "stackoverflow") == 0)
            overflow_on_purpose(0);
    }
    if (cmdline_has("test")) {
        ktest_run_all();
        if (initrd_lookup("/tests/runner", NULL, NULL) != 0)
            ktest_finish(); /* no user tests in this initrd */
        strlcpy(init_path, "/tests/runner", sizeof(init_path));
        int passed, failed;
        ktest_counts(&passed, &failed);
        snprintk(runner_args, sizeof(runner_args), "kpassed=%d", passed);
        snprintk(runner_args + 32, 32, "kfailed=%d", failed);
        char *argv[] = {"runner", runner_args, runner_args + 32, NULL};
        proc_start_init(init_path, argv);
        cli();
        sched_run();
    }
    cmdline_value("init", init_path, sizeof(init_path));
    build_init_argv();
    proc_start_init(init_path, init_argv);
    cli();
    sched_run();
}
