/*
 * timer.c - the 8253/8254 programmable interval timer, channel 0, as a
 * TIMER_HZ rate generator on IRQ 0 (CPU 0's PIC). Owns the tick count; the
 * only writer is the IRQ handler on CPU 0, and every CPU reads it as one
 * aligned 64-bit load, so it needs no lock.
 */
#include "kernel/timer.h"
#include "kernel/pic.h"
#include "kernel/trap.h"
#include "kernel/x86.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_INPUT_HZ 1193182
/* Channel 0, low byte then high byte, mode 2 (rate generator), binary. */
#define PIT_CH0_RATE_GEN 0x34

_Static_assert(PIT_INPUT_HZ / TIMER_HZ <= 0xffff, "TIMER_HZ too low for a 16-bit divisor");

static volatile uint64_t ticks;
static void (*volatile tick_hook)(struct trapframe *tf);

static void timer_irq(struct trapframe *tf)
{
    ticks++;
    void (*hook)(struct trapframe *) = tick_hook;
    if (hook)
        hook(tf);
}

void timer_init(void)
{
    uint16_t divisor = (uint16_t)((PIT_INPUT_HZ + TIMER_HZ / 2) / TIMER_HZ);
    outb(PIT_CMD, PIT_CH0_RATE_GEN);
    outb(PIT_CH0, (uint8_t)(divisor & 0xff));
    outb(PIT_CH0, (uint8_t)(divisor >> 8));
    trap_set_handler(T_IRQ0 + IRQ_TIMER, timer_irq);
    pic_unmask(IRQ_TIMER);
}

uint64_t timer_ticks(void) { return ticks; }

void timer_set_tick_hook(void (*fn)(struct trapframe *tf)) { tick_hook = fn; }
