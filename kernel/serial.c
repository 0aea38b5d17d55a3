/*
 * serial.c - the 16550 UART on COM1 (port 0x3f8).
 * Output is polled (works before interrupts and inside a panic); input is
 * read by the console's IRQ 4 handler through serial_getc.
 * Locks: output goes through the console's lock (kernel/console.c); input
 * is read by the IRQ handler on CPU 0 under klock.
 */
#include "kernel/serial.h"
#include "kernel/x86.h"

#define COM1 0x3f8
#define REG_DATA 0
#define REG_IER 1
#define REG_FCR 2 /* written: FIFO control */
#define REG_IIR 2 /* read: interrupt identification; bits 6-7 set = FIFOs on */
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

/* Bytes that arrived before serial_init (input piped into QEMU is there at
 * once). Switching the FIFOs on clears them, so they are kept here first:
 * as many as the console's line buffer could hold (kernel/tty.h). */
static uint8_t early[512];
static int early_len, early_pos;

/* Polls of an empty receiver after which the input counts as quiet. QEMU
 * hands over the next piped byte only once the last one was read, a moment
 * later: stopping at the first empty poll would leave that byte for the
 * FIFO switch to clear (a typed-ahead "sleep 2" arrived as "sleep "). */
#define QUIET_POLLS 20000

void serial_init(void)
{
    outb(COM1 + REG_IER, 0x00);  /* interrupts off while programming */
    outb(COM1 + REG_LCR, 0x80);  /* DLAB on: divisor follows */
    outb(COM1 + REG_DATA, 0x01); /* divisor 1 = 115200 baud */
    outb(COM1 + REG_IER, 0x00);
    outb(COM1 + REG_LCR, 0x03);  /* 8 bits, no parity, 1 stop bit */
    for (int quiet = 0; quiet < QUIET_POLLS && early_len < (int)sizeof(early);) {
        if (inb(COM1 + REG_LSR) & LSR_DATA_READY) {
            early[early_len++] = inb(COM1 + REG_DATA);
            quiet = 0;
        } else {
            quiet++;
        }
    }
    /* Firmware or GRUB may have switched the FIFOs on already: then they stay
     * on without being cleared, and nothing that came in since is lost. */
    bool fifos_on = (inb(COM1 + REG_IIR) & 0xc0) == 0xc0;
    /* FIFOs on, 14-byte threshold; cleared only if they were off, right
     * after the drain, so that a byte has next to no time to slip in */
    outb(COM1 + REG_FCR, fifos_on ? 0xc1 : 0xc7);
    outb(COM1 + REG_MCR, 0x0b);  /* DTR, RTS, OUT2 (routes the IRQ) */
    outb(COM1 + REG_IER, 0x01);  /* interrupt when a byte arrives */
}

void serial_putc(char c)
{
    for (int spins = 0; spins < 100000 && !(inb(COM1 + REG_LSR) & LSR_THR_EMPTY); spins++)
        pause();
    outb(COM1 + REG_DATA, (uint8_t)c);
}

int serial_getc(void)
{
    if (early_pos < early_len)
        return early[early_pos++];
    if (!(inb(COM1 + REG_LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + REG_DATA);
}
