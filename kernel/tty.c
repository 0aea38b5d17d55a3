/*
 * tty.c - the console as a file; owns the input ring of the line discipline:
 * [r, w) finished input, [w, e) the line being edited; r <= w <= e, e - r <=
 * TTY_BUF (indices only grow). Only the COM1 IRQ adds input; readers sleep on
 * &tty. Ctrl-D is kept as a marker byte that ends a read and is not returned.
 * Also owns the console as a controlling terminal: its session (tty_sid,
 * 0 = none; a session leader takes it with TIOCSCTTY) and foreground
 * process group (tty_pgrp), which Ctrl-C, Ctrl-\ and Ctrl-Z signal; a read
 * from a background group of that session gets SIGTTIN.
 * Locks: klock (kernel/klock.h) guards the tty (the serial IRQ takes it too).
 */
#include "kernel/tty.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/pic.h"
#include "kernel/serial.h"
#include "kernel/trap.h"
#include "kernel/signum.h"
#include "kernel/string.h"
#include "mm/uaccess.h"
#include "proc/proc.h"
#include "proc/signal.h"

#define CTRL(c) ((c) - '@')
#define EOF_MARK CTRL('D')
#define DEL 0x7f

static struct {
    char buf[TTY_BUF];
    uint64_t r, w, e;
    bool echo;
} tty = {.echo = true};

static int tty_sid;  /* the session whose controlling terminal this is, 0 = none */
static int tty_pgrp; /* its foreground process group */

static void put(char c) { tty.buf[tty.e++ % TTY_BUF] = c; }

static void echo(char c)
{
    if (tty.echo)
        console_putc(c);
}

static void erase_one(void)
{
    tty.e--;
    if (tty.echo)
        console_write("\b \b", 3);
}

/* The line being edited is finished: readers may have it. */
static void commit(void)
{
    tty.w = tty.e;
    proc_wakeup(&tty);
}

int tty_signal_foreground(int sig)
{
    return tty_sid ? signal_send_pgrp(tty_pgrp, sig) : 0;
}

/* Ctrl-C, Ctrl-\ or Ctrl-Z: echo it, drop the line being edited, signal the
 * foreground group. When nobody took the signal (no foreground job, or it
 * ignores it), an empty line goes to the reader instead, so a shell at its
 * prompt prompts again. */
static void interrupt(int sig, const char *shown)
{
    if (tty.echo)
        console_write(shown, 3);
    tty.e = tty.w;
    if (tty_signal_foreground(sig) == 0 && tty.e - tty.r < TTY_BUF) {
        put('\n');
        commit();
    }
}

void tty_set_session(int sid, int pgrp)
{
    tty_sid = sid;
    tty_pgrp = pgrp;
}

int tty_foreground(void) { return tty_sid ? tty_pgrp : 0; }

void tty_session_leader_exited(int sid)
{
    if (sid == 0 || sid != tty_sid)
        return;
    /* As Linux: the foreground group is hung up (and continued, to hear it). */
    signal_send_pgrp(tty_pgrp, SIGHUP);
    signal_send_pgrp(tty_pgrp, SIGCONT);
    tty_sid = tty_pgrp = 0;
}

void tty_input(int c)
{
    c &= 0xff;
    switch (c) {
    case CTRL('C'):
        interrupt(SIGINT, "^C\n");
        return;
    case CTRL('\\'):
        interrupt(SIGQUIT, "^\\\n");
        return;
    case CTRL('Z'):
        interrupt(SIGTSTP, "^Z\n");
        return;
    case '\r':
    case '\n':
        if (tty.e - tty.r >= TTY_BUF)
            return;
        put('\n');
        echo('\n');
        commit();
        return;
    case EOF_MARK:
        if (tty.e - tty.r >= TTY_BUF)
            return;
        put(EOF_MARK);
        commit();
        return;
    case CTRL('U'):
        while (tty.e != tty.w)
            erase_one();
        return;
    case '\b':
    case DEL:
        if (tty.e != tty.w)
            erase_one();
        return;
    default:
        if (c < ' ' && c != '\t')
            return; /* other control characters mean nothing here */
        /* Keep one slot free so Enter can always end the line. */
        if (tty.e - tty.r >= TTY_BUF - 1)
            return;
        put((char)c);
        echo((char)c);
    }
}

bool tty_set_echo(bool on)
{
    bool was = tty.echo;
    tty.echo = on;
    return was;
}

void tty_flush_input(void) { tty.r = tty.w = tty.e = 0; }

/*
 * Copy the next piece of finished input into kbuf (n > 0): up to and
 * including a newline, or up to a Ctrl-D marker, at most n bytes. Consumes
 * nothing; *consumed says how much to take from the ring afterwards (the
 * marker counts but is never copied). Needs r < w.
 */
static size_t peek_line(char *kbuf, size_t n, uint64_t *consumed)
{
    uint64_t i = tty.r;
    size_t got = 0;
    while (i < tty.w && got < n) {
        char c = tty.buf[i++ % TTY_BUF];
        if (c == EOF_MARK)
            break;
        kbuf[got++] = c;
        if (c == '\n')
            break;
    }
    /* Text pushed by Ctrl-D that exactly filled the buffer: the marker
     * belongs to this read, or the next one would wrongly see end of file. */
    if (got == n && got > 0 && kbuf[got - 1] != '\n' && i < tty.w &&
        tty.buf[i % TTY_BUF] == EOF_MARK)
        i++;
    *consumed = i - tty.r;
    return got;
}

static long tty_read(struct file *f, vaddr_t buf, size_t n)
{
    if (n == 0)
        return 0;
    struct proc *self = proc_current();
    for (;;) {
        /* Job control: a background group of the console's session may not read. */
        if (self && tty_sid && self->sid == tty_sid && self->pgid != tty_pgrp) {
            uint64_t bit = signal_bit(SIGTTIN);
            if ((self->sig_blocked & bit) || proc_group(self)->sig_action[SIGTTIN].handler == SIG_IGN_HANDLER ||
                signal_pgrp_orphaned(self->pgid))
                return -EIO;
            signal_send_pgrp(self->pgid, SIGTTIN);
            return -ERESTARTSYS;
        }
        if (tty.r != tty.w)
            break;
        if (f->status & O_NONBLOCK)
            return -EAGAIN; /* no finished line yet */
        if (proc_interrupted())
            return -ERESTARTSYS;
        proc_sleep(&tty);
    }
    char kbuf[TTY_BUF];
    uint64_t consumed;
    size_t got = peek_line(kbuf, MIN(n, sizeof(kbuf)), &consumed);
    /* A bad buffer leaves the line in place for the next read. */
    if (got && file_copy_out(buf, kbuf, got) != got)
        return -EFAULT;
    tty.r += consumed;
    return (long)got;
}

long tty_kread(void *buf, size_t n)
{
    if (n == 0)
        return 0;
    if (tty.r == tty.w)
        return -EAGAIN;
    uint64_t consumed;
    size_t got = peek_line(buf, n, &consumed);
    tty.r += consumed;
    return (long)got;
}

/* Through a small bounce buffer: a bad page ends the write short. */
static long tty_write(struct file *f, vaddr_t buf, size_t n)
{
    (void)f;
    char kbuf[256];
    size_t done = 0;
    while (done < n) {
        size_t chunk = MIN(n - done, sizeof(kbuf));
        size_t got = file_copy_in(kbuf, buf + done, chunk);
        console_write(kbuf, got);
        done += got;
        if (got < chunk)
            return done ? (long)done : -EFAULT;
    }
    return (long)done;
}

static const struct file_ops tty_ops; /* below */

/* Linux's ioctl numbers and kernel termios (36 bytes). */
#define TCGETS 0x5401
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
struct kernel_termios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line, cc[19];
};

/* May the caller change the terminal (TIOCSPGRP)? A background group gets
 * SIGTTOU unless it ignores or blocks it, as Linux's tty_check_change. */
static long check_change(struct proc *self)
{
    if (self->pgid == tty_pgrp)
        return 0;
    if ((self->sig_blocked & signal_bit(SIGTTOU)) ||
        proc_group(self)->sig_action[SIGTTOU].handler == SIG_IGN_HANDLER)
        return 0;
    if (signal_pgrp_orphaned(self->pgid))
        return -EIO;
    signal_send_pgrp(self->pgid, SIGTTOU);
    return -ERESTARTSYS;
}

long sys_ioctl(long fd, long cmd, long arg)
{
    struct proc *self = proc_current();
    struct file *f = (fd >= 0 && fd < NOFILE) ? file_get(self, (int)fd) : NULL;
    if (!f)
        return -EBADF;
    if (f->ops != &tty_ops)
        return -ENOTTY;
    switch ((unsigned int)cmd) {
    case TCGETS: {
        struct kernel_termios t;
        memset(&t, 0, sizeof(t));
        t.iflag = 0x100 | 0x400;               /* ICRNL | IXON */
        t.oflag = 0x1 | 0x4;                   /* OPOST | ONLCR */
        t.cflag = 0xbf;                        /* B38400 | CS8 | CREAD */
        t.lflag = 0x1 | 0x2 | 0x8 | 0x10 | 0x20 | 0x200 | 0x8000; /* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL IEXTEN */
        if (!tty.echo)
            t.lflag &= ~0x8U;
        t.cc[0] = CTRL('C'), t.cc[1] = CTRL('\\'), t.cc[2] = DEL, t.cc[3] = CTRL('U');
        t.cc[4] = CTRL('D'), t.cc[6] = 1, t.cc[10] = CTRL('Z');
        return uaccess_copy_to_user((vaddr_t)arg, &t, sizeof(t)) < 0 ? -EFAULT : 0;
    }
    case TIOCSCTTY:
        if (self->pid != self->sid || self->sid == tty_sid)
            return -EPERM; /* not a session leader, or it has this terminal already */
        if (tty_sid && proc_find(tty_sid) && proc_find(tty_sid)->state != PROC_ZOMBIE)
            return -EPERM; /* another session's terminal */
        tty_sid = self->sid;
        tty_pgrp = self->pgid;
        return 0;
    case TIOCGPGRP: {
        if (!tty_sid || self->sid != tty_sid)
            return -ENOTTY; /* not the caller's controlling terminal */
        int pg = tty_pgrp;
        return uaccess_copy_to_user((vaddr_t)arg, &pg, sizeof(pg)) < 0 ? -EFAULT : 0;
    }
    case TIOCSPGRP: {
        if (!tty_sid || self->sid != tty_sid)
            return -ENOTTY;
        long r = check_change(self);
        if (r < 0)
            return r;
        int pg;
        if (uaccess_copy_from_user(&pg, (vaddr_t)arg, sizeof(pg)) < 0)
            return -EFAULT;
        if (pg < 0)
            return -EINVAL;
        if (!proc_pgrp_exists(pg, self->sid))
            return -EPERM;
        tty_pgrp = pg;
        return 0;
    }
    default:
        return -ENOTTY; /* (Linux's answer to a command a tty does not know) */
    }
}

/* The console has nothing per open file to free; it cannot seek (-ESPIPE)
 * or list (-ENOTDIR). */
static const struct file_ops tty_ops = {
    .read = tty_read,
    .write = tty_write,
};

struct file *tty_open(void) { return file_alloc(&tty_ops, FILE_READ | FILE_WRITE, NULL); }

/* IRQ 4: take every byte the UART holds (that also clears its interrupt). */
static void com1_irq(struct trapframe *tf)
{
    (void)tf;
    int c;
    while ((c = serial_getc()) >= 0)
        tty_input(c);
}

void tty_init(void)
{
    trap_set_handler(T_IRQ0 + IRQ_COM1, com1_irq);
    com1_irq(NULL); /* bytes typed before now */
    pic_unmask(IRQ_COM1);
}
