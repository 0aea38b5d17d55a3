/*
 * tty.c - the console as a file; owns the input ring of the line discipline:
 * [r, w) finished input, [w, e) the line being edited; r <= w <= e, e - r <=
 * TTY_BUF (indices only grow). Only the COM1 IRQ adds input; readers sleep on
 * &tty. Ctrl-D is kept as a marker byte that ends a read and is not returned.
 * Also owns the console's session (the session of the last process that read
 * the console), whose programs Ctrl-C interrupts until job control exists.
 */
#include "kernel/tty.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/pic.h"
#include "kernel/serial.h"
#include "kernel/trap.h"
#include "kernel/signum.h"
#include "proc/proc.h"

#define CTRL(c) ((c) - '@')
#define EOF_MARK CTRL('D')
#define DEL 0x7f

static struct {
    char buf[TTY_BUF];
    uint64_t r, w, e;
    bool echo;
} tty = {.echo = true};

/* The session of the last process that read the console (0: none yet):
 * the shell's, while it runs a program, since the shell read the command. */
static int console_sid;

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

int tty_interrupt_session(int sid)
{
    int sent = 0;
    struct proc *t = proc_table();
    for (int i = 0; i < NPROC; i++) {
        struct proc *q = &t[i];
        if (q->state == PROC_UNUSED || q->state == PROC_EMBRYO || q->state == PROC_ZOMBIE)
            continue;
        if (sid <= 0 || q->sid != sid || q->pid == sid || q->pid == 1)
            continue; /* never the session leader (the shell), never init */
        proc_signal(q, SIGINT);
        sent++;
    }
    return sent;
}

/* Ctrl-C: echo ^C, drop the line being edited, interrupt the console's
 * session. With nobody to interrupt (at the shell's prompt), an empty line
 * goes to the reader instead, so the shell prompts again. */
static void interrupt(void)
{
    if (tty.echo)
        console_write("^C\n", 3);
    tty.e = tty.w;
    if (tty_interrupt_session(console_sid) == 0 && tty.e - tty.r < TTY_BUF) {
        put('\n');
        commit();
    }
}

void tty_input(int c)
{
    c &= 0xff;
    switch (c) {
    case CTRL('C'):
        interrupt();
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
    if (self)
        console_sid = self->sid;
    while (tty.r == tty.w) {
        if (f->status & O_NONBLOCK)
            return -EAGAIN; /* no finished line yet */
        if (proc_interrupted())
            return -EINTR;
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
