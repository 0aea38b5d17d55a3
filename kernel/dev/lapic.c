/*
 * lapic.c - the local APIC of each CPU, through its registers at one
 * physical address (each CPU sees its own APIC there), mapped uncached.
 * Owns the mapping, the calibrated timer count and the spurious count.
 * Every register access is a 32-bit load or store of the running CPU's own
 * APIC, so nothing here needs a lock; `ticks` lives in each struct cpu.
 */
#include "kernel/dev/lapic.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "mm/vmm.h"

/* Register offsets (Intel SDM vol. 3, "Local APIC Register Address Map"). */
#define REG_ID 0x020
#define REG_TPR 0x080
#define REG_EOI 0x0b0
#define REG_SVR 0x0f0
#define REG_ESR 0x280
#define REG_ICR_LOW 0x300
#define REG_ICR_HIGH 0x310
#define REG_LVT_TIMER 0x320
#define REG_LVT_LINT0 0x350
#define REG_LVT_LINT1 0x360
#define REG_LVT_ERROR 0x370
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE 0x3e0

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define TIMER_DIVIDE_16 0x3
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_PENDING (1u << 12) /* delivery status: not yet accepted */
#define ICR_ASSERT (1u << 14)
#define ICR_LEVEL (1u << 15)

#define CALIBRATE_TICKS 5 /* PIT ticks to measure over (50 ms) */

static volatile uint32_t *regs;
static uint32_t counts_per_tick;
static uint64_t spurious;

static uint32_t rd(uint32_t reg) { return regs[reg / 4]; }
static void wr(uint32_t reg, uint32_t v)
{
    regs[reg / 4] = v;
    (void)regs[REG_ID / 4]; /* read back: the write has reached the APIC */
}

int lapic_map(paddr_t pa)
{
    void *va = vmm_kernel_map_phys(pa, PAGE_SIZE, true);
    if (!va)
        return -ENOMEM;
    regs = va;
    return 0;
}

bool lapic_present(void) { return regs != NULL; }

uint32_t lapic_id(void) { return rd(REG_ID) >> 24; }

void lapic_eoi(void) { wr(REG_EOI, 0); }

static void (*volatile tick_hook)(struct trapframe *tf);

void lapic_set_tick_hook(void (*fn)(struct trapframe *tf)) { tick_hook = fn; }

/* Acknowledged first: the hook may switch to another process (preemption). */
static void timer_interrupt(struct trapframe *tf)
{
    this_cpu()->ticks++;
    lapic_eoi();
    void (*hook)(struct trapframe *) = tick_hook;
    if (hook)
        hook(tf);
}

/* Spurious interrupts are never acknowledged (the SDM says so). */
static void spurious_interrupt(struct trapframe *tf)
{
    (void)tf;
    __atomic_fetch_add(&spurious, 1, __ATOMIC_RELAXED);
}

void lapic_cpu_init(void)
{
    if (this_cpu()->id == 0) {
        trap_set_handler(LAPIC_TIMER_VECTOR, timer_interrupt);
        trap_set_handler(LAPIC_SPURIOUS_VECTOR, spurious_interrupt);
    } else {
        wr(REG_LVT_LINT0, LVT_MASKED);
        wr(REG_LVT_LINT1, LVT_MASKED);
    }
    wr(REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    wr(REG_LVT_TIMER, LVT_MASKED);
    wr(REG_LVT_ERROR, LVT_MASKED);
    wr(REG_ESR, 0); /* the error register is read after a write */
    wr(REG_ESR, 0);
    wr(REG_TPR, 0);
}

/* Wait for the next PIT tick to begin. */
static uint64_t next_tick(void)
{
    uint64_t t = timer_ticks();
    while (timer_ticks() == t)
        pause();
    return timer_ticks();
}

uint32_t lapic_calibrate(void)
{
    wr(REG_TIMER_DIVIDE, TIMER_DIVIDE_16);
    wr(REG_LVT_TIMER, LVT_MASKED); /* one-shot, no interrupt */
    uint64_t start = next_tick();
    wr(REG_TIMER_INIT, 0xffffffffu);
    while (timer_ticks() < start + CALIBRATE_TICKS)
        pause();
    uint32_t used = 0xffffffffu - rd(REG_TIMER_CURRENT);
    wr(REG_TIMER_INIT, 0);
    counts_per_tick = used / CALIBRATE_TICKS;
    if (counts_per_tick == 0)
        counts_per_tick = 1;
    return counts_per_tick;
}

void lapic_timer_start(void)
{
    wr(REG_TIMER_DIVIDE, TIMER_DIVIDE_16);
    wr(REG_LVT_TIMER, LVT_PERIODIC | LAPIC_TIMER_VECTOR);
    wr(REG_TIMER_INIT, counts_per_tick);
}

static void send_ipi(uint32_t apic_id, uint32_t low)
{
    wr(REG_ICR_HIGH, apic_id << 24);
    wr(REG_ICR_LOW, low); /* writing the low half sends it */
    while (rd(REG_ICR_LOW) & ICR_PENDING)
        pause();
}

void lapic_send_init(uint32_t apic_id)
{
    send_ipi(apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
    send_ipi(apic_id, ICR_INIT | ICR_LEVEL); /* de-assert, for the oldest APICs */
}

void lapic_send_ipi(uint32_t apic_id, int vector)
{
    spin_irq_push(); /* ICR high and low are one operation */
    send_ipi(apic_id, (uint32_t)vector | ICR_ASSERT);
    spin_irq_pop();
}

void lapic_send_startup(uint32_t apic_id, paddr_t page_pa)
{
    send_ipi(apic_id, ICR_STARTUP | (uint32_t)(page_pa >> 12));
}

uint64_t lapic_spurious_count(void) { return __atomic_load_n(&spurious, __ATOMIC_RELAXED); }
