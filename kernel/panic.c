/*
 * panic.c - the last words of a kernel whose invariants broke: a message or
 * a trap's full register state, a backtrace with function names, then QEMU
 * exits with QEMU_EXIT_PANIC. Runs with interrupts off and trusts nothing:
 * every stack read is checked against the live page tables first, and a
 * panic inside a panic prints one line and stops.
 */
#include "kernel/panic.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "kernel/qemu.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "mm/memlayout.h"
#include "mm/pte.h"

#define BACKTRACE_MAX 32
#define KERNEL_HALF 0xffff800000000000UL

/* Page-fault error code bits (pushed with vector 14). */
#define PF_P (1UL << 0)
#define PF_W (1UL << 1)
#define PF_U (1UL << 2)
#define PF_RSVD (1UL << 3)
#define PF_I (1UL << 4)
#define PF_PK (1UL << 5)

extern const char trap_dispatch_return[]; /* trapentry.S, just after the call */

static volatile int panic_depth;

static __noreturn void halt_forever(void)
{
    for (;;) {
        cli();
        hlt();
    }
}

/*
 * Interrupts off, and only the first panic gets past here. A second one (a
 * fault while printing the first) says so in one line; a third just halts.
 */
static void panic_enter(const char *what)
{
    cli();
    int depth = ++panic_depth;
    if (depth == 1)
        return;
    if (depth == 2) {
        printk("\npanic: nested panic (%s) while panicking; halting\n", what);
        qemu_exit(QEMU_EXIT_PANIC);
    }
    halt_forever();
}

/*
 * True if va can be read without faulting under the current CR3, walking the
 * tables through the direct map. Page tables beyond it count as unmapped.
 */
static bool readable(vaddr_t va)
{
    static const int shifts[4] = {39, 30, 21, 12};
    paddr_t table = read_cr3() & PTE_ADDR_MASK;
    for (int level = 0; level < 4; level++) {
        if (table >= DIRECT_MAP_MAX)
            return false;
        pte_t pte = ((const pte_t *)P2V(table))[(va >> shifts[level]) & 0x1ff];
        if (!pte_present(pte))
            return false;
        if (level == 3 || (level > 0 && (pte & PTE_PS)))
            return true;
        table = pte_addr(pte);
    }
    return false;
}

/* A frame record {saved rbp, return address} at rbp is safe to read. */
static bool frame_ok(uint64_t rbp)
{
    return rbp != 0 && rbp % 8 == 0 && rbp >= KERNEL_HALF && rbp + 16 > rbp && readable(rbp) &&
           readable(rbp + 15);
}

/*
 * One backtrace line. A return address points after its call, which may be
 * the first byte of the next function when the call never returns, so it is
 * looked up one byte back. A faulting rip is exact and looked up as is.
 */
static void print_frame(int n, uint64_t addr, bool is_return, const char *note)
{
    uint64_t off = 0;
    const char *name = ksyms_lookup(is_return ? addr - 1 : addr, &off);
    if (name)
        printk("  #%d %p %s+0x%lx%s\n", n, (void *)addr, name, is_return ? off + 1 : off, note);
    else
        printk("  #%d %p ?%s\n", n, (void *)addr, note);
}

/*
 * Follow the rbp chain from rbp, numbering frames from n. A frame returning
 * to trap_dispatch_return sits on a trapframe: the record above it holds the
 * interrupted rbp and the exact interrupted rip (trapentry.S builds it).
 */
static void walk_frames(uint64_t rbp, int n)
{
    bool exact = false;
    while (n < BACKTRACE_MAX && frame_ok(rbp)) {
        const uint64_t *frame = (const uint64_t *)rbp;
        uint64_t ret = frame[1];
        if (ret == 0)
            return;
        print_frame(n++, ret, !exact, exact ? " (interrupted here)" : "");
        if (ret < KERNEL_HALF)
            return; /* user code: its frames are not ours to walk */
        exact = ret == (uint64_t)trap_dispatch_return;
        rbp = frame[0];
    }
    if (n >= BACKTRACE_MAX)
        printk("  ... (stopped after %d frames)\n", BACKTRACE_MAX);
}

static void print_control_registers(void)
{
    printk("  cr0 %p cr2 %p\n  cr3 %p cr4 %p\n", (void *)read_cr0(), (void *)read_cr2(),
           (void *)read_cr3(), (void *)read_cr4());
}

void panic(const char *fmt, ...)
{
    panic_enter(fmt);
    va_list ap;
    va_start(ap, fmt);
    printk("\npanic: ");
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");

    uint64_t rbp = read_rbp(); /* panic's own frame: [0] caller's rbp, [1] return into it */
    uint64_t rsp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
    printk("  rsp %p rbp %p rflags %p\n", (void *)rsp, (void *)rbp, (void *)read_rflags());
    print_control_registers();
    printk("backtrace:\n");
    walk_frames(rbp, 0);
    qemu_exit(QEMU_EXIT_PANIC);
}

/* The error code, in words. */
static void print_error_code(const struct trapframe *tf)
{
    uint64_t e = tf->error;
    printk("  error 0x%lx", e);
    if (tf->vector == T_PGFLT) {
        printk(": %s, %s, %s mode%s%s%s\n", (e & PF_P) ? "protection violation" : "not present",
               (e & PF_W) ? "write" : "read", (e & PF_U) ? "user" : "kernel",
               (e & PF_RSVD) ? ", reserved bit set" : "", (e & PF_I) ? ", instruction fetch" : "",
               (e & PF_PK) ? ", protection key" : "");
        printk("  cr2 %p (the address that faulted)\n", (void *)read_cr2());
    } else if ((tf->vector == T_TSS || tf->vector == T_SEGNP || tf->vector == T_STACK ||
                tf->vector == T_GPFLT) &&
               e != 0) {
        static const char *const tables[4] = {"GDT", "IDT", "LDT", "IDT"};
        printk(": selector 0x%lx, %s index %lu%s\n", e & 0xfff8, tables[(e >> 1) & 3],
               (e & 0xfff8) >> 3, (e & 1) ? ", external event" : "");
    } else {
        printk("\n");
    }
}

void panic_trap(const struct trapframe *tf)
{
    panic_enter(trap_name(tf->vector));
    uint64_t off = 0;
    const char *fn = ksyms_lookup(tf->rip, &off);

    printk("\npanic: %s%s (vector %lu) in %s mode at %p", trap_name(tf->vector),
           tf->vector == T_DBLFLT ? " (kernel stack overflow?)" : "", tf->vector,
           trap_from_user(tf) ? "user" : "kernel", (void *)tf->rip);
    if (fn)
        printk(" %s+0x%lx", fn, off);
    printk("\n");
    print_error_code(tf);

    printk("  rax %p rbx %p rcx %p\n", (void *)tf->rax, (void *)tf->rbx, (void *)tf->rcx);
    printk("  rdx %p rsi %p rdi %p\n", (void *)tf->rdx, (void *)tf->rsi, (void *)tf->rdi);
    printk("  rbp %p r8  %p r9  %p\n", (void *)tf->rbp, (void *)tf->r8, (void *)tf->r9);
    printk("  r10 %p r11 %p r12 %p\n", (void *)tf->r10, (void *)tf->r11, (void *)tf->r12);
    printk("  r13 %p r14 %p r15 %p\n", (void *)tf->r13, (void *)tf->r14, (void *)tf->r15);
    printk("  rip %p cs 0x%lx rflags %p\n", (void *)tf->rip, tf->cs, (void *)tf->rflags);
    printk("  rsp %p ss 0x%lx\n", (void *)tf->rsp, tf->ss);
    print_control_registers();

    printk("backtrace:\n");
    print_frame(0, tf->rip, false, "");
    if (!trap_from_user(tf))
        walk_frames(tf->rbp, 1);
    qemu_exit(QEMU_EXIT_PANIC);
}
