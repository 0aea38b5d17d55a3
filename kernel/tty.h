/*
 * tty.h - the console as a file: output goes to console_write; input comes
 * from COM1 (IRQ 4) through a canonical line discipline: echo, backspace and
 * DEL erase a character, Ctrl-U the line, Enter ends a line, Ctrl-D sends the
 * line without a newline (on an empty line: end of file, read returns 0).
 * Ctrl-C drops the line being edited and sends SIGINT to the programs of the
 * console's session (the session of the last process to read the console),
 * never to its leader (the shell) or to init; job control will replace this.
 */
#ifndef KERNEL_TTY_H
#define KERNEL_TTY_H

#include "kernel/types.h"

struct file;

#define TTY_BUF 512 /* bytes of typed-ahead input, lines in progress included */

/* Route COM1's receive interrupt to the line discipline and unmask IRQ 4.
 * Call after trap_init (which masks every line) and console_init. */
void tty_init(void);

/* A new open file on the console (read and write), one reference;
 * NULL when out of memory. */
struct file *tty_open(void);

/*
 * Feed one received byte to the line discipline, as the IRQ handler does:
 * edits the line, echoes, and wakes readers when a line is complete.
 * Bytes that do not fit in TTY_BUF are dropped.
 */
void tty_input(int c);
/* Ctrl-C's work: SIGINT to every live process of session sid except the
 * session's leader and pid 1. Returns how many were signalled. */
int tty_interrupt_session(int sid);
/* Turn echo of typed input on or off; returns the previous setting. */
bool tty_set_echo(bool on);
/*
 * Read at most one line (at most n bytes) into a kernel buffer without
 * blocking: bytes read, 0 at end of file (Ctrl-D on an empty line), or
 * -EAGAIN if no complete line is waiting. For the kernel's own use and tests.
 */
long tty_kread(void *buf, size_t n);
/* Throw away all input, finished lines and the line being edited. */
void tty_flush_input(void);

#endif
