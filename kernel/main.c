/*
 * main.c - kmain: the order in which the kernel brings itself up, and what it
 * runs as pid 1. Nothing else.
 *
 * Command line words (see README; kernel/cmdline.c knows them all and refuses
 * any other): "test" runs the in-kernel tests, then the user test runner
 * ("ktest=PREFIX" and "utest=NAME" pick some of them); "init=/bin/NAME" picks
 * pid 1 (default /bin/init); words after "--" are pid 1's arguments;
 * "fork=copy" makes fork copy eagerly instead of copy-on-write; "cowtrace"
 * prints a line per COW fault; "crash=pagefault" and "crash=stackoverflow"
 * deliberately fault to show (and test) the panic screen and the double-fault
 * report. A command line with a mistake, or too little memory, is refused
 * with one line and QEMU's failure status before anything starts.
 */
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/dev/lapic.h"
#include "kernel/file.h"
#include "kernel/gdt.h"
#include "kernel/initrd.h"
#include "kernel/fs/vfs.h"
#include "kernel/printk.h"
#include "kernel/qemu.h"
#include "kernel/smp.h"
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
#include "tests/seal.h"

void kmain(paddr_t mbi_paddr);

/* Below this much usable RAM the kernel, its tables, the initrd GRUB loads
 * and a shell do not fit (and GRUB itself needs about 7 MiB to load this kernel);
 * MEM=10M gives QEMU's guest about 9 MiB usable. */
#define MIN_USABLE_MIB 8
#define MIN_MEM_OPTION "MEM=10M"

static struct boot_info boot_info;
static char init_path[CMDLINE_MAX] = "/bin/init";
static char *init_argv[CMDLINE_MAX_ARGS + 2];
static char runner_args[3][CMDLINE_MAX];

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
    int argc = 0, nargs;
    const char *base = init_path;
    for (const char *c = init_path; *c; c++)
        if (*c == '/')
            base = c + 1;
    init_argv[argc++] = (char *)base;
    const char *const *args = cmdline_args(&nargs);
    for (int i = 0; i < nargs; i++)
        init_argv[argc++] = (char *)args[i];
    init_argv[argc] = NULL;
}

/* Too little memory: say so in one line and end with QEMU's failure status
 * (before the frame allocator or GRUB's missing initrd can fail less clearly). */
static void refuse_too_little_memory(void)
{
    uint64_t usable_mib = bootinfo_usable_bytes(&boot_info) >> 20;
    if (usable_mib >= MIN_USABLE_MIB)
        return;
    printk("cowos: %lu MiB of usable memory is too little: it needs at least %d MiB (%s); "
           "powering off\n",
           usable_mib, MIN_USABLE_MIB, MIN_MEM_OPTION);
    qemu_exit(QEMU_EXIT_FAIL);
}

/* A command line with a mistake: the "cmdline:" line says what is wrong;
 * end with QEMU's failure status before anything runs. */
static void refuse_wrong_cmdline(void)
{
    if (cmdline_check())
        return;
    printk("cowos: refusing to start with this command line; powering off\n");
    qemu_exit(QEMU_EXIT_FAIL);
}

/* "test": the kernel tests (those "ktest=PREFIX" picks), then /tests/runner
 * as pid 1 for the user tests ("utest=NAME": only that one). With only one of
 * ktest= and utest=, only that half runs. */
static void start_tests(void)
{
    bool kfilter = cmdline_has("ktest"), ufilter = cmdline_has("utest");
    if (kfilter || !ufilter)
        ktest_run_all();
    if ((kfilter && !ufilter) || initrd_lookup("/tests/runner", NULL, NULL) != 0)
        ktest_finish(); /* kernel tests only, or no user tests in this initrd */
    strlcpy(init_path, "/tests/runner", sizeof(init_path));
    int passed, failed;
    ktest_counts(&passed, &failed);
    snprintk(runner_args[0], sizeof(runner_args[0]), "kpassed=%d", passed);
    snprintk(runner_args[1], sizeof(runner_args[1]), "kfailed=%d", failed);
    char *argv[] = {"runner", runner_args[0], runner_args[1], NULL, NULL};
    if (ufilter) {
        char name[CMDLINE_MAX];
        cmdline_value("utest", name, sizeof(name));
        snprintk(runner_args[2], sizeof(runner_args[2]), "only=%s", name);
        argv[3] = runner_args[2];
    }
    proc_start_init(init_path, argv);
}

void kmain(paddr_t mbi_paddr)
{
    gdt_init();
    cpu_set_block(&cpu0, 0); /* GS: this CPU's struct cpu, before any spinlock */
    console_init();
    trap_init();
    bootinfo_parse(mbi_paddr, &boot_info);
    cmdline_init(boot_info.cmdline);
    seal_init();
    refuse_too_little_memory();
    pmm_init(&boot_info);
    vmm_init_kernel(&boot_info);
    vmm_kernel_unmap_guard(gdt_df_stack_guard(0));
    syscall_init();
    proc_init();
    fork_init();
    cow_set_trace(cmdline_has("cowtrace"));
    vma_init(); /* the zero frame */
    fault_init();
    timer_init();
    timer_set_tick_hook(sched_tick);
    lapic_set_tick_hook(sched_cpu_tick); /* each CPU's preemption, once smp_init starts the timers */
    file_init();
    tty_init();
    initrd_init(&boot_info);
    vfs_init(); /* the root file system, filled from the initrd; /proc, /tmp */
    sti();
    print_banner();
    smp_init(&boot_info); /* the other CPUs: online, idle, their timers ticking */

    refuse_wrong_cmdline();

    char word[32];
    if (cmdline_value("crash", word, sizeof(word))) {
        if (strcmp(word, "pagefault") == 0)
            crash_on_purpose();
        if (strcmp(word, "stackoverflow") == 0)
            overflow_on_purpose(0);
    }
    if (cmdline_has("test"))
        start_tests();
    else {
        cmdline_value("init", init_path, sizeof(init_path));
        build_init_argv();
        proc_start_init(init_path, init_argv);
    }
    cli();
    sched_run();
}
