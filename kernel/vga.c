/*
 * vga.c - the VGA text buffer at physical 0xb8000, reached via the direct map.
 * Owns the cursor position; scrolls by one line at the bottom. Light grey on
 * black. The hardware cursor is moved through the CRT controller ports.
 */
#include "kernel/vga.h"
#include "kernel/x86.h"
#include "mm/memlayout.h"

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700

static int row, col;

static volatile uint16_t *screen(void) { return (volatile uint16_t *)P2V(0xb8000); }

static void move_cursor(void)
{
    uint16_t pos = (uint16_t)(row * VGA_COLS + col);
    outb(0x3d4, 0x0f);
    outb(0x3d5, (uint8_t)(pos & 0xff));
    outb(0x3d4, 0x0e);
    outb(0x3d5, (uint8_t)(pos >> 8));
}

void vga_init(void)
{
    for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
        screen()[i] = VGA_ATTR | ' ';
    row = col = 0;
    move_cursor();
}

static void scroll(void)
{
    volatile uint16_t *s = screen();
    for (int i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
        s[i] = s[i + VGA_COLS];
    for (int i = VGA_COLS * (VGA_ROWS - 1); i < VGA_COLS * VGA_ROWS; i++)
        s[i] = VGA_ATTR | ' ';
    row = VGA_ROWS - 1;
}

void vga_putc(char c)
{
    switch (c) {
    case '\n':
        col = 0;
        row++;
        break;
    case '\r':
        col = 0;
        break;
    case '\b':
        if (col > 0)
            col--;
        screen()[row * VGA_COLS + col] = VGA_ATTR | ' ';
        break;
    case '\t':
        col = (col + 8) & ~7;
        break;
    default:
        screen()[row * VGA_COLS + col] = VGA_ATTR | (uint8_t)c;
        col++;
    }
    if (col >= VGA_COLS) {
        col = 0;
        row++;
    }
    if (row >= VGA_ROWS)
        scroll();
    move_cursor();
}
