/*
 * printk.c - the one formatter behind printk and snprintk.
 * format() walks the format string and hands each output byte to a sink; the
 * console sink writes it out, the buffer sink stores it while room remains.
 */
#include "kernel/printk.h"
#include "kernel/console.h"

struct sink {
    void (*put)(struct sink *s, char c);
    char *buf;
    size_t size;
    size_t len; /* bytes produced so far, stored or not */
};

static void emit_padding(struct sink *s, int n, char pad)
{
    while (n-- > 0)
        s->put(s, pad);
}

/* Emit a string with width and left-justification. */
static void emit_str(struct sink *s, const char *str, int width, bool left)
{
    int n = 0;
    while (str[n])
        n++;
    if (!left)
        emit_padding(s, width - n, ' ');
    for (int i = 0; i < n; i++)
        s->put(s, str[i]);
    if (left)
        emit_padding(s, width - n, ' ');
}

static void emit_num(struct sink *s, uint64_t v, bool negative, unsigned base, bool upper, int width,
                     bool left, bool zero)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    int len = n + (negative ? 1 : 0);
    if (!left && !zero)
        emit_padding(s, width - len, ' ');
    if (negative)
        s->put(s, '-');
    if (!left && zero)
        emit_padding(s, width - len, '0');
    while (n)
        s->put(s, tmp[--n]);
    if (left)
        emit_padding(s, width - len, ' ');
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            s->put(s, *fmt);
            continue;
        }
        fmt++;
        bool left = false, zero = false;
        for (;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                zero = true;
            else
                break;
        }
        int width = 0;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = true;
                width = -width;
            }
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            longs = (*fmt == 'z') ? 1 : longs + 1;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            emit_num(s, mag, v < 0, 10, false, width, left, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
            emit_num(s, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, left, zero);
            break;
        }
        case 'p':
            s->put(s, '0');
            s->put(s, 'x');
            emit_num(s, (uint64_t)va_arg(ap, void *), false, 16, false, 16, false, true);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            emit_str(s, str ? str : "(null)", width, left);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!left)
                emit_padding(s, width - 1, ' ');
            s->put(s, c);
            if (left)
                emit_padding(s, width - 1, ' ');
            break;
        }
        case '%':
            s->put(s, '%');
            break;
        case '\0':
            return;
        default: /* unknown conversion: show it as written */
            s->put(s, '%');
            s->put(s, *fmt);
        }
    }
}

/* Bytes for the console are gathered and written PRINTK_CHUNK at a time,
 * so a line reaches the console in one console_write, whole. */
#define PRINTK_CHUNK 256

static void console_sink(struct sink *s, char c)
{
    if (s->size == PRINTK_CHUNK) {
        console_write(s->buf, s->size);
        s->size = 0;
    }
    s->buf[s->size++] = c;
    s->len++;
}

static void buffer_sink(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

int vprintk(const char *fmt, va_list ap)
{
    char chunk[PRINTK_CHUNK];
    struct sink s = {.put = console_sink, .buf = chunk, .size = 0}; /* size: bytes in chunk */
    format(&s, fmt, ap);
    if (s.size)
        console_write(chunk, s.size);
    return (int)s.len;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = {.put = buffer_sink, .buf = buf, .size = size};
    format(&s, fmt, ap);
    if (size > 0)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return (int)s.len;
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintk(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
