/*
 * pic.h - the two cascaded 8259A interrupt controllers (IRQs 0-15).
 * They are remapped to vectors T_IRQ0..T_IRQ0+15 (32-47), away from the
 * CPU's exceptions, and every line starts masked: a driver unmasks its own.
 */
#ifndef KERNEL_PIC_H
#define KERNEL_PIC_H

#include "kernel/types.h"

/* Remap both PICs to vectors 32-47 and mask all 16 lines. Called by trap_init. */
void pic_init(void);
/* Let irq (0-15) through; unmasking 8-15 also opens the cascade line 2. */
void pic_unmask(int irq);
/* Block irq (0-15). */
void pic_mask(int irq);
/* End of interrupt for irq: the slave too for 8-15. Once per real IRQ. */
void pic_eoi(int irq);
/*
 * True if irq 7 or 15 was spurious (the line dropped before the PIC could
 * say which one rang). Then it has already done the acknowledgement the PIC
 * needs (the master's EOI for a spurious 15): the caller must not pic_eoi.
 * Always false for other lines.
 */
bool pic_spurious(int irq);

#endif
