/*
 * tty.h - the console as a file: output goes to console_write; input comes
 * from COM1 (IRQ 4) through a canonical line discipline: echo, backspace and
 * DEL erase a character, Ctrl-U the line, Enter ends a line, Ctrl-D sends the
 * line without a newline (on an empty line: end of file, read returns 0).
 * Ctrl-C, Ctrl-\ and Ctrl-Z drop the line being edited and send SIGINT,
 * SIGQUIT and SIGTSTP to the foreground process group of the session whose
 * controlling terminal the console is (taken with TIOCSCTTY by a session
 * leader; tcsetpgrp is TIOCSPGRP). Background reads get SIGTTIN.
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
/* Ctrl-C's work: sig to every live process of the foreground group.
 * Returns how many took it (0 with no controlling session, or if all
 * ignore it). */
int tty_signal_foreground(int sig);
/* Make the console the controlling terminal of session sid with foreground
 * group pgrp (0, 0: of nobody). For the kernel's tests; programs use ioctl. */
void tty_set_session(int sid, int pgrp);
/* The foreground process group, or 0 when no session has the console. */
int tty_foreground(void);
/* The leader of session sid exits: if the console is its terminal, the
 * foreground group gets SIGHUP and SIGCONT and the console is free again. */
void tty_session_leader_exited(int sid);
/* ioctl on a descriptor: TCGETS, TIOCSCTTY, TIOCGPGRP, TIOCSPGRP of the
 * console (Linux's numbers and errors); -ENOTTY for anything else. */
long sys_ioctl(long fd, long cmd, long arg);
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
