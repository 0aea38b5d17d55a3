/*
 * pic.c - the 8259A pair: master on ports 0x20/0x21 (IRQs 0-7), slave on
 * 0xa0/0xa1 (IRQs 8-15), chained on the master's line 2. Owns the mask
 * registers; the cached masks below always equal what the chips hold.
 */
#include "kernel/pic.h"
#include "kernel/trap.h"
#include "kernel/x86.h"

#define MASTER_CMD 0x20
#define MASTER_DATA 0x21
#define SLAVE_CMD 0xa0
#define SLAVE_DATA 0xa1

#define ICW1_INIT 0x10
#define ICW1_ICW4 0x01 /* an ICW4 follows */
#define ICW4_8086 0x01
#define OCW2_EOI 0x20   /* non-specific end of interrupt */
#define OCW3_READ_ISR 0x0b
#define CASCADE_IRQ 2

static uint8_t master_mask = 0xff, slave_mask = 0xff;

/* The 8259 needs a moment between initialisation words on real hardware. */
static void io_wait(void) { outb(0x80, 0); }

void pic_init(void)
{
    outb(MASTER_DATA, 0xff);
    outb(SLAVE_DATA, 0xff);

    outb(MASTER_CMD, ICW1_INIT | ICW1_ICW4);
    io_wait();
    outb(SLAVE_CMD, ICW1_INIT | ICW1_ICW4);
    io_wait();
    outb(MASTER_DATA, T_IRQ0); /* ICW2: vector base */
    io_wait();
    outb(SLAVE_DATA, T_IRQ0 + 8);
    io_wait();
    outb(MASTER_DATA, 1 << CASCADE_IRQ); /* ICW3: slave on line 2 */
    io_wait();
    outb(SLAVE_DATA, CASCADE_IRQ); /* ICW3: my cascade identity */
    io_wait();
    outb(MASTER_DATA, ICW4_8086);
    io_wait();
    outb(SLAVE_DATA, ICW4_8086);
    io_wait();

    master_mask = slave_mask = 0xff;
    outb(MASTER_DATA, master_mask);
    outb(SLAVE_DATA, slave_mask);
}

void pic_unmask(int irq)
{
    if (irq < 0 || irq > 15)
        return;
    if (irq < 8) {
        master_mask &= (uint8_t)~(1 << irq);
    } else {
        slave_mask &= (uint8_t)~(1 << (irq - 8));
        outb(SLAVE_DATA, slave_mask);
        master_mask &= (uint8_t)~(1 << CASCADE_IRQ);
    }
    outb(MASTER_DATA, master_mask);
}

void pic_mask(int irq)
{
    if (irq < 0 || irq > 15)
        return;
    if (irq < 8) {
        master_mask |= (uint8_t)(1 << irq);
        outb(MASTER_DATA, master_mask);
    } else {
        slave_mask |= (uint8_t)(1 << (irq - 8));
        outb(SLAVE_DATA, slave_mask);
    }
}

void pic_eoi(int irq)
{
    if (irq >= 8)
        outb(SLAVE_CMD, OCW2_EOI);
    outb(MASTER_CMD, OCW2_EOI);
}

/* The in-service register of one chip. */
static uint8_t read_isr(uint16_t cmd_port)
{
    outb(cmd_port, OCW3_READ_ISR);
    return inb(cmd_port);
}

bool pic_spurious(int irq)
{
    if (irq == 7)
        return (read_isr(MASTER_CMD) & 0x80) == 0;
    if (irq == 15 && (read_isr(SLAVE_CMD) & 0x80) == 0) {
        /* The master did see a real IRQ 2 from the slave: acknowledge that. */
        outb(MASTER_CMD, OCW2_EOI);
        return true;
    }
    return false;
}
