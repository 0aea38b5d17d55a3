/*
 * trap.c - the interrupt descriptor table and trap_dispatch, the C side of
 * every interrupt and exception. Owns the handler table. Vectors 0-63 have
 * entry stubs (kernel/trapentry.S); all gates are interrupt gates, so
 * handlers run with interrupts off. Vector 8 runs on the IST1 stack.
 * Locks: trap_dispatch takes klock (kernel/klock.h) for traps from user mode
 * and device IRQs, never for IPIs; the handler table is written at boot.
 */
#include "kernel/trap.h"
#include "kernel/gdt.h"
#include "kernel/dev/lapic.h"
#include "kernel/klock.h"
#include "kernel/panic.h"
#include "kernel/pic.h"
#include "kernel/printk.h"
#include "mm/tlb.h"
#include "proc/proc.h"
#include "proc/signal.h"

/* trapentry.S hard-codes these offsets. */
_Static_assert(offsetof(struct trapframe, rbp) == 64, "trapframe layout");
_Static_assert(offsetof(struct trapframe, vector) == 120, "trapframe layout");
_Static_assert(offsetof(struct trapframe, rip) == 136, "trapframe layout");
_Static_assert(offsetof(struct trapframe, cs) == 144, "trapframe layout");
_Static_assert(sizeof(struct trapframe) == 176, "trapframe size (keeps RSP 16-aligned)");

#define IDT_ENTRIES 256
#define TRAP_STUB_COUNT 64 /* 48-63: the local APICs' vectors (kernel/dev/lapic.h) */
#define NIRQ 16

/* One 16-byte gate descriptor. */
struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;  /* bits 0-2: IST slot, 0 = stay on the current stack */
    uint8_t type; /* P | DPL | type; 0x8e = present, DPL 0, interrupt gate */
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __packed;

#define GATE_INTERRUPT_DPL0 0x8e
#define GATE_INTERRUPT_DPL3 0xee

struct idt_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

extern const uint64_t trap_stubs[TRAP_STUB_COUNT]; /* trapentry.S */

static struct idt_gate idt[IDT_ENTRIES] __aligned(16);
static trap_handler_t handlers[IDT_ENTRIES];
static uint64_t irq_unhandled[NIRQ];
static uint64_t irq_spurious[NIRQ];

void trap_dispatch(struct trapframe *tf);

static void set_gate(int vector, uint64_t entry, int ist)
{
    /* int3 and into are instructions a user program may execute on purpose:
     * their gates allow ring 3 (else they would arrive as #GP). */
    bool user_callable = vector == T_BRKPT || vector == T_OFLOW;
    struct idt_gate *g = &idt[vector];
    g->offset_low = (uint16_t)entry;
    g->selector = GDT_KERNEL_CODE;
    g->ist = (uint8_t)ist;
    g->type = user_callable ? GATE_INTERRUPT_DPL3 : GATE_INTERRUPT_DPL0;
    g->offset_mid = (uint16_t)(entry >> 16);
    g->offset_high = (uint32_t)(entry >> 32);
    g->reserved = 0;
}

void trap_init(void)
{
    for (int v = 0; v < TRAP_STUB_COUNT; v++)
        set_gate(v, trap_stubs[v], v == T_DBLFLT ? GDT_IST_DOUBLE_FAULT : 0);
    /*
     * The IDT's vectors 32-47 are only right with the PICs remapped there;
     * left alone, IRQ 0 would arrive on vector 8 and look like a double fault.
     */
    pic_init();
    struct idt_ptr ptr = {.limit = sizeof(idt) - 1, .base = (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(ptr) : "memory");
}

void trap_set_handler(int vector, trap_handler_t h)
{
    if (vector < 0 || vector >= TRAP_STUB_COUNT)
        panic("trap_set_handler: vector %d has no entry stub", vector);
    handlers[vector] = h;
}

static const char *const exception_names[32] = {
    [T_DIVIDE] = "divide error",
    [T_DEBUG] = "debug",
    [T_NMI] = "non-maskable interrupt",
    [T_BRKPT] = "breakpoint",
    [T_OFLOW] = "overflow",
    [T_BOUND] = "bound range exceeded",
    [T_ILLOP] = "invalid opcode",
    [T_DEVICE] = "device not available",
    [T_DBLFLT] = "double fault",
    [9] = "coprocessor segment overrun",
    [T_TSS] = "invalid TSS",
    [T_SEGNP] = "segment not present",
    [T_STACK] = "stack-segment fault",
    [T_GPFLT] = "general protection fault",
    [T_PGFLT] = "page fault",
    [T_FPERR] = "x87 floating-point error",
    [T_ALIGN] = "alignment check",
    [T_MCHK] = "machine check",
    [T_SIMDERR] = "SIMD floating-point exception",
    [20] = "virtualization exception",
    [21] = "control protection exception",
    [28] = "hypervisor injection exception",
    [29] = "VMM communication exception",
    [30] = "security exception",
};

const char *trap_name(uint64_t vector)
{
    if (vector < ARRAY_SIZE(exception_names))
        return exception_names[vector] ? exception_names[vector] : "reserved exception";
    return "interrupt";
}

/*
 * IRQ n on vector 32+n. The PIC is acknowledged before the handler runs:
 * interrupts stay off until iretq, so nothing nests, and a handler that
 * switches to another thread (the scheduler's tick) does not leave the PIC
 * waiting for an EOI that comes only when this thread runs again.
 */
static void dispatch_irq(struct trapframe *tf)
{
    int irq = (int)(tf->vector - T_IRQ0);
    if ((irq == 7 || irq == 15) && pic_spurious(irq)) {
        irq_spurious[irq]++;
        return;
    }
    pic_eoi(irq);
    trap_handler_t h = handlers[tf->vector];
    if (h) {
        h(tf);
        return;
    }
    /* Someone unmasked a line without a handler: say so once, then mask it. */
    if (irq_unhandled[irq]++ == 0)
        printk("trap: IRQ %d has no handler; masking it\n", irq);
    pic_mask(irq);
}

/*
 * Called by trapentry.S for every vector, with interrupts off. Returns to
 * trapentry.S, which resumes whatever tf describes (possibly edited).
 */
/* The signal a user-mode exception with no handler of its own delivers. */
static int user_exception_signal(uint64_t vector)
{
    switch (vector) {
    case T_DIVIDE:
    case T_FPERR:
    case T_SIMDERR:
        return SIGFPE;
    case T_ILLOP:
    case T_DEVICE:
        return SIGILL;
    case T_DEBUG:
    case T_BRKPT:
        return SIGTRAP;
    case T_ALIGN:
    case T_STACK: /* as Linux: a bad stack segment access (e.g. non-canonical rsp) */
    case T_SEGNP:
        return SIGBUS;
    default: /* #GP, #OF, #BR, ... */
        return SIGSEGV;
    }
}

void trap_dispatch(struct trapframe *tf)
{
    /* The shootdown and call IPIs never take klock: the shootdown's sender
     * holds it while it waits for this CPU; nor do they deliver signals.
     * (The kick is an ordinary interrupt: from user mode it delivers the
     * signal it was sent for.) */
    if (tf->vector == TLB_VECTOR || tf->vector == LAPIC_IPI_LAST) {
        if (handlers[tf->vector])
            handlers[tf->vector](tf);
        return;
    }
    /* klock for everything from user mode and for device IRQs (CPU 0: the
     * PIT wakes sleepers, the serial line the console's readers). A local
     * APIC timer tick in the kernel (an idle CPU) needs none. */
    bool from_user = trap_from_user(tf);
    bool took = false;
    if (!klock_holding() && (from_user || (tf->vector >= T_IRQ0 && tf->vector < T_IRQ0 + NIRQ))) {
        klock_acquire();
        took = true;
    }
    if (tf->vector >= T_IRQ0 && tf->vector < T_IRQ0 + NIRQ) {
        dispatch_irq(tf);
    } else if (tf->vector < IDT_ENTRIES && handlers[tf->vector]) {
        handlers[tf->vector](tf);
    } else if (trap_from_user(tf)) {
        /* A program's own fault ends the program, never the kernel. */
        proc_kill_fault(user_exception_signal(tf->vector), trap_name(tf->vector), tf->rip);
    } else {
        panic_trap(tf);
    }
    if (from_user)
        signal_deliver(tf, -1); /* on the way back out to user mode (trap_return lets klock go) */
    else if (took)
        klock_release();
}
