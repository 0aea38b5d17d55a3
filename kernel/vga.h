/*
 * vga.h - the 80x25 VGA text screen, a mirror of the serial console.
 */
#ifndef KERNEL_VGA_H
#define KERNEL_VGA_H

/* Clear the screen and home the cursor. */
void vga_init(void);
/* Draw one character at the cursor (handles \n, \r, \b, \t), scrolling as needed. */
void vga_putc(char c);

#endif
