/*
 * panic.c - the last words of a kernel whose invariants broke: a message or
 * a trap's full register state, a backtrace with function names, then QEMU
 * exits with QEMU_EXIT_PANIC. Runs with interrupts off and trusts nothing:
 * every stack read is checked against the live page tables first, and a
 * panic inside a panic prints one line and stops.
 */
#include "kernel/panic.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "kernel/qemu.h"
#include "kernel/string.h"
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
static int panic_cpu = -1; /* the CPU printing the panic screen */

static __noreturn void halt_forever(void)
{
    for (;;) {
        cli();
        hlt();
    }
}

/*
 * Interrupts off, and only the first panic gets past here. A second one on
 * the same CPU (a fault while printing the first) says so in one line; a
 * third just halts. Another CPU that panics meanwhile halts at once, so the
 * first panic screen comes out whole.
 */
static void panic_enter(const char *what)
{
    cli();
    int me = this_cpu()->id, first = -1;
    if (!__atomic_compare_exchange_n(&panic_cpu, &first, me, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST) &&
        first != me)
        halt_forever();
    console_panic(); /* never wait for the console lock from here on */
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

/* [va, va + len) can be read without faulting; len at most a page. */
static bool readable_range(vaddr_t va, uint64_t len)
{
    return va + len > va && readable(va) && readable(va + len - 1);
}

/* A frame record {saved rbp, return address} at rbp is safe to read. */
static bool frame_ok(uint64_t rbp)
{
    return rbp != 0 && rbp % 8 == 0 && rbp >= KERNEL_HALF && readable_range(rbp, 16);
}

/*
 * One backtrace line. A return address points after its call, which may be
 * the first byte of the next function when the call never returns, so it is
 * looked up one byte back. A faulting rip is exact and looked up as is.
 */
static void print_frame(int n, uint64_t addr, bool is_return)
{
    uint64_t off = 0;
    const char *name = ksyms_lookup(is_return ? addr - 1 : addr, &off);
    if (name)
        printk("  #%d %p %s+0x%lx\n", n, (void *)addr, name, is_return ? off + 1 : off);
    else
        printk("  #%d %p ?\n", n, (void *)addr);
}

/*
 * The return address on top of the interrupted stack, if it is one. A
 * function that has not pushed its frame record (at its first instruction,
 * at its ret, or all along: gcc builds leaf functions such as memcpy
 * without one) hides its caller from the rbp chain, but the caller's return
 * address is then at [rsp]. Believed only if the bytes before it are a call
 * to the faulting function itself or an indirect call through a register.
 */
static uint64_t return_on_stack_top(const struct trapframe *tf)
{
    uint64_t fn_off;
    if (tf->rsp % 8 != 0 || tf->rsp < KERNEL_HALF || !readable_range(tf->rsp, 8) ||
        !ksyms_lookup(tf->rip, &fn_off))
        return 0;
    uint64_t ret = *(const uint64_t *)tf->rsp;
    if (!ksyms_lookup(ret - 6, NULL) || !ksyms_lookup(ret - 1, NULL))
        return 0; /* the call instruction would not lie inside kernel text */
    const uint8_t *after = (const uint8_t *)ret;
    int32_t rel;
    memcpy(&rel, after - 4, sizeof(rel));
    bool direct = after[-5] == 0xe8 && ret + (uint64_t)(int64_t)rel == tf->rip - fn_off;
    bool indirect = after[-2] == 0xff && (after[-1] & 0xf8) == 0xd0;
    if (!direct && !indirect)
        return 0;
    if (frame_ok(tf->rbp) && ((const uint64_t *)tf->rbp)[1] == ret)
        return 0; /* the rbp chain shows it already */
    return ret;
}

static int walk_trap(const struct trapframe *tf, int n);

/*
 * Follow the rbp chain from rbp, numbering frames from n; returns the next
 * number. A frame returning to trap_dispatch_return sits on a trap: the
 * record it saved is trapentry.S's {interrupted rbp, interrupted rip}, with
 * the struct trapframe right above it, so the walk goes on from that frame.
 */
static int walk_frames(uint64_t rbp, int n)
{
    uint64_t last = 0;
    int repeats = 0; /* runaway recursion: one line for a run of equal frames */
    bool truncated = false;
    while (frame_ok(rbp)) {
        const uint64_t *frame = (const uint64_t *)rbp;
        uint64_t ret = frame[1];
        if (ret == 0)
            break;
        if (n >= BACKTRACE_MAX) {
            truncated = true;
            break;
        }
        if (ret == last) {
            repeats++;
            n++;
            rbp = frame[0];
            continue;
        }
        if (repeats)
            printk("  ... the line above %d more times\n", repeats);
        repeats = 0;
        last = ret;
        print_frame(n++, ret, true);
        if (ret < KERNEL_HALF)
            break; /* user code: its frames are not ours to walk */
        if (ret == (uint64_t)trap_dispatch_return) {
            uint64_t tf = frame[0] + 16;
            if (!frame_ok(frame[0]) || !readable_range(tf, sizeof(struct trapframe)))
                break;
            return walk_trap((const struct trapframe *)tf, n);
        }
        rbp = frame[0];
    }
    if (repeats)
        printk("  ... the line above %d more times\n", repeats);
    if (truncated)
        printk("  ... (stopped after %d frames)\n", BACKTRACE_MAX);
    return n;
}

/* The backtrace of the code tf interrupted, numbering frames from n. */
static int walk_trap(const struct trapframe *tf, int n)
{
    if (n > 0)
        printk("  -- %s (vector %lu) from %s mode --\n", trap_name(tf->vector), tf->vector,
               trap_from_user(tf) ? "user" : "kernel");
    if (n >= BACKTRACE_MAX)
        return n;
    print_frame(n++, tf->rip, false);
    if (trap_from_user(tf))
        return n;
    uint64_t caller = return_on_stack_top(tf);
    if (caller && n < BACKTRACE_MAX)
        print_frame(n++, caller, true);
    return walk_frames(tf->rbp, n);
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
    walk_trap(tf, 0);
    qemu_exit(QEMU_EXIT_PANIC);
}
