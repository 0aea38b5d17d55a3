/*
 * qemu.c - ending the virtual machine with a status the host can read.
 * Owns no state. Tries, in order: QEMU's isa-debug-exit device at 0xf4 (exit
 * status (code << 1) | 1), QEMU's ACPI power-off (status 0, the code is lost),
 * and finally halting with interrupts off. Never returns.
 */
#include "kernel/qemu.h"
#include "kernel/x86.h"

#define ISA_DEBUG_EXIT_PORT 0xf4
#define QEMU_ACPI_PM1A_CNT 0x604 /* PIIX4 PM1a control, where SeaBIOS puts it */
#define ACPI_SLP_EN 0x2000       /* sleep enable with type 0: QEMU powers off */

#define COM1_LSR 0x3fd
#define LSR_TX_IDLE 0x40 /* transmit FIFO and shift register both empty */

/*
 * Give the UART a moment to hand its last bytes to QEMU: if the host side
 * was slow to accept them they are still queued, and exiting now loses the
 * end of the log, often the very line that says why we stopped.
 */
static void drain_serial(void)
{
    for (int spins = 0; spins < 1000000 && !(inb(COM1_LSR) & LSR_TX_IDLE); spins++)
        pause();
}

/* Exit QEMU with code (QEMU_EXIT_PASS, _FAIL or _PANIC). Never returns. */
void qemu_exit(int code)
{
    drain_serial();
    outl(ISA_DEBUG_EXIT_PORT, (uint32_t)code);
    /* Still here: no isa-debug-exit device. Ask ACPI to switch us off. */
    outw(QEMU_ACPI_PM1A_CNT, ACPI_SLP_EN);
    /* Not QEMU, or no ACPI: stop for good. NMIs can wake hlt, hence the loop. */
    cli();
    for (;;)
        hlt();
}
