/*
 * serial.h - the 16550 UART on COM1: polled output, input by interrupt.
 */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include "kernel/types.h"

/* Program COM1 for 115200 8N1 with FIFOs; receive interrupts enabled. */
void serial_init(void);
/* Send one byte, waiting for room in the transmitter. */
void serial_putc(char c);
/* Return the next received byte, or -1 if none is waiting. Never blocks. */
int serial_getc(void);

#endif
