/*
 * printf.c - the printf family. One formatter, format(), walks the format
 * string and sends its output to a sink: a caller's buffer (snprintf), a
 * stream (printf, fprintf) or a descriptor (dprintf). Floating point is
 * converted exactly: the double is expanded into all of its decimal digits
 * with big-number arithmetic, then rounded to nearest with ties to even,
 * so the digits match glibc's. long double arguments are narrowed to double.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "user/lib/internal.h"

/* ---- sinks ---- */

/*
 * Output is copied into buf[0..cap); when it is full, flush() empties it
 * (streams, descriptors) or, without flush (snprintf), the rest is only
 * counted. total counts everything produced, stored or not.
 */
struct sink {
    char *buf;
    size_t cap, len;
    void (*flush)(struct sink *);
    size_t total;
    FILE *file;
    int fd;
    bool failed;
};

static void emit(struct sink *s, const char *p, size_t n)
{
    s->total += n;
    while (n > 0) {
        if (s->len == s->cap) {
            if (!s->flush)
                return;
            s->flush(s);
        }
        size_t k = s->cap - s->len;
        if (k > n)
            k = n;
        memcpy(s->buf + s->len, p, k);
        s->len += k;
        p += k;
        n -= k;
    }
}

/* n copies of c. */
static void emit_fill(struct sink *s, char c, size_t n)
{
    char chunk[32];
    memset(chunk, c, sizeof(chunk));
    for (; n > sizeof(chunk); n -= sizeof(chunk))
        emit(s, chunk, sizeof(chunk));
    emit(s, chunk, n);
}

static void flush_to_file(struct sink *s)
{
    if (s->len && fwrite_unlocked(s->buf, 1, s->len, s->file) != s->len)
        s->failed = true;
    s->len = 0;
}

static void flush_to_fd(struct sink *s)
{
    if (s->len && __cowos_write_all(s->fd, s->buf, s->len) < 0)
        s->failed = true;
    s->len = 0;
}

/* ---- conversion specifications ---- */

struct spec {
    bool left, plus, space, zero, alt;
    int width;     /* 0: none */
    int precision; /* -1: none */
    char length;   /* 0, 'H' (hh), 'h', 'l', 'q' (ll), 'j', 'z', 't', 'L' */
    char conv;
};

/* Pad to the field width around a body of body_len bytes. */
static void pad_before(struct sink *s, const struct spec *sp, size_t body_len)
{
    if (!sp->left && (size_t)sp->width > body_len)
        emit_fill(s, ' ', (size_t)sp->width - body_len);
}

static void pad_after(struct sink *s, const struct spec *sp, size_t body_len)
{
    if (sp->left && (size_t)sp->width > body_len)
        emit_fill(s, ' ', (size_t)sp->width - body_len);
}

/*
 * A field made of prefix (sign, "0x"), then zeros leading zeros, then the
 * body; the '0' flag (when zero_pad) widens the zeros to fill the width.
 */
static void emit_field(struct sink *s, const struct spec *sp, const char *prefix, size_t zeros,
                       const char *body, size_t body_len, bool zero_pad)
{
    size_t plen = strlen(prefix);
    size_t len = plen + zeros + body_len;
    if (zero_pad && !sp->left && (size_t)sp->width > len) {
        zeros += (size_t)sp->width - len;
        len = (size_t)sp->width;
    }
    pad_before(s, sp, len);
    emit(s, prefix, plen);
    emit_fill(s, '0', zeros);
    emit(s, body, body_len);
    pad_after(s, sp, len);
}

static void format_integer(struct sink *s, const struct spec *sp, uintmax_t mag, bool neg)
{
    unsigned base = sp->conv == 'o' ? 8 : strchr("xXp", sp->conv) ? 16 : 10;
    const char *digits = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[32];
    size_t n = 0;
    bool zero_value = mag == 0;
    if (!(zero_value && sp->precision == 0))
        do {
            tmp[sizeof(tmp) - 1 - n++] = digits[mag % base];
            mag /= base;
        } while (mag);
    const char *body = tmp + sizeof(tmp) - n;

    size_t zeros = sp->precision > 0 && (size_t)sp->precision > n ? (size_t)sp->precision - n : 0;
    const char *prefix = "";
    bool is_signed = sp->conv == 'd' || sp->conv == 'i';
    if (is_signed)
        prefix = neg ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    else if (sp->alt && base == 8 && zeros == 0 && (n == 0 || body[0] != '0'))
        zeros = 1; /* '#' with octal: the number starts with a 0 */
    else if ((sp->alt || sp->conv == 'p') && base == 16 && !zero_value)
        prefix = sp->conv == 'X' ? "0X" : "0x";
    emit_field(s, sp, prefix, zeros, body, n, sp->zero && sp->precision < 0);
}

static void format_string(struct sink *s, const struct spec *sp, const char *str)
{
    if (!str) /* glibc prints "(null)" unless the precision cannot hold it */
        str = sp->precision < 0 || sp->precision >= 6 ? "(null)" : "";
    size_t n = sp->precision < 0 ? strlen(str) : strnlen(str, (size_t)sp->precision);
    pad_before(s, sp, n);
    emit(s, str, n);
    pad_after(s, sp, n);
}

/* ---- floating point ---- */

#define LIMB_BASE 1000000000u /* a big number is base-1e9 limbs, least significant first */
#define MAX_LIMBS 100         /* 2^53 * 5^1074 has 767 digits: 86 limbs */
#define MAX_DIGITS (MAX_LIMBS * 9)

/* big *= m, for m < 2^32. */
static void big_mul(uint32_t *big, int *n, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < *n; i++) {
        uint64_t t = (uint64_t)big[i] * m + carry;
        big[i] = (uint32_t)(t % LIMB_BASE);
        carry = t / LIMB_BASE;
    }
    while (carry) {
        big[(*n)++] = (uint32_t)(carry % LIMB_BASE);
        carry /= LIMB_BASE;
    }
}

/*
 * All decimal digits of a finite v > 0: v = 0.d[0]d[1]...d[n-1] x 10^point,
 * d[0] != '0', no trailing zeros. Returns n. v is mant * 2^e2 exactly; for
 * e2 < 0 that is mant * 5^-e2 / 10^-e2, so only multiplications are needed.
 */
static int exact_digits(double v, char *d, int *point)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    int biased = (int)((bits >> 52) & 0x7ff);
    uint64_t mant = bits & ((1ULL << 52) - 1);
    int e2 = biased ? biased - 1075 : -1074;
    if (biased)
        mant |= 1ULL << 52;

    uint32_t big[MAX_LIMBS];
    int nl = 0;
    for (; mant; mant /= LIMB_BASE)
        big[nl++] = (uint32_t)(mant % LIMB_BASE);
    for (int k = e2; k > 0; k -= 29)
        big_mul(big, &nl, 1u << (k < 29 ? k : 29));
    for (int k = -e2; k > 0; k -= 13) {
        uint32_t m = 1;
        for (int i = 0; i < (k < 13 ? k : 13); i++)
            m *= 5;
        big_mul(big, &nl, m);
    }

    int n = 0;
    for (int i = nl - 1; i >= 0; i--) {
        char limb[9];
        uint32_t x = big[i];
        for (int j = 8; j >= 0; j--, x /= 10)
            limb[j] = (char)('0' + x % 10);
        int from = 0;
        if (i == nl - 1) /* no leading zeros on the top limb */
            while (from < 8 && limb[from] == '0')
                from++;
        memcpy(d + n, limb + from, (size_t)(9 - from));
        n += 9 - from;
    }
    *point = n + (e2 < 0 ? e2 : 0);
    while (n > 0 && d[n - 1] == '0')
        n--;
    return n;
}

/*
 * Keep the first keep digits of d[0..n), rounding to nearest with ties to
 * even (the digit before the cut; an implicit 0 when keep is 0). A carry
 * out of the first digit gives "1" and moves *point up. Returns the new
 * digit count, trailing zeros removed; 0 means the value rounded to zero.
 */
static int round_digits(char *d, int n, int keep, int *point)
{
    if (keep >= n)
        return n;
    if (keep < 0)
        return 0;
    char first = d[keep];
    bool up = first > '5' ||
              (first == '5' && (n > keep + 1 || (keep > 0 && (d[keep - 1] - '0') % 2 == 1)));
    n = keep;
    if (up) {
        int i = keep - 1;
        while (i >= 0 && d[i] == '9')
            i--;
        if (i < 0) {
            d[0] = '1';
            n = 1;
            (*point)++;
        } else {
            d[i]++;
            n = i + 1;
        }
    }
    while (n > 0 && d[n - 1] == '0')
        n--;
    return n;
}

/* Emit digits d[from..from+count), reading positions outside [0, n) as '0'. */
static void emit_digits(struct sink *s, const char *d, int n, int from, int count)
{
    while (count > 0) {
        if (from < 0 || from >= n) {
            int zeros = from < 0 ? (-from < count ? -from : count) : count;
            emit_fill(s, '0', (size_t)zeros);
            from += zeros;
            count -= zeros;
        } else {
            int k = n - from < count ? n - from : count;
            emit(s, d + from, (size_t)k);
            from += k;
            count -= k;
        }
    }
}

/*
 * The digits after rounding, laid out as %f (fixed, frac digits after the
 * point) or %e (exp_style: one digit, point, frac digits, exponent). With
 * no sink, only the length is computed.
 */
struct decimal {
    const char *d;
    int n, point;
};

static size_t layout(struct sink *s, const struct decimal *x, bool exp_style, int frac, bool dot,
                     char exp_char)
{
    size_t len;
    if (exp_style) {
        int e = x->n ? x->point - 1 : 0;
        unsigned ue = (unsigned)(e < 0 ? -e : e);
        char ebuf[8];
        int el = 0;
        do {
            ebuf[sizeof(ebuf) - 1 - el++] = (char)('0' + ue % 10);
            ue /= 10;
        } while (ue || el < 2);
        ebuf[sizeof(ebuf) - 1 - el++] = e < 0 ? '-' : '+';
        ebuf[sizeof(ebuf) - 1 - el++] = exp_char;
        len = 1 + (size_t)dot + (size_t)frac + (size_t)el;
        if (s) {
            emit_digits(s, x->d, x->n, 0, 1);
            if (dot)
                emit(s, ".", 1);
            emit_digits(s, x->d, x->n, 1, frac);
            emit(s, ebuf + sizeof(ebuf) - el, (size_t)el);
        }
    } else {
        int int_digits = x->n && x->point > 0 ? x->point : 1;
        len = (size_t)int_digits + (size_t)dot + (size_t)frac;
        if (s) {
            emit_digits(s, x->d, x->n, x->n && x->point > 0 ? 0 : x->n + 1, int_digits);
            if (dot)
                emit(s, ".", 1);
            emit_digits(s, x->d, x->n, x->n ? x->point : x->n + 1, frac);
        }
    }
    return len;
}

static void format_float(struct sink *s, const struct spec *sp, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    bool neg = bits >> 63;
    bool upper = sp->conv == 'F' || sp->conv == 'E' || sp->conv == 'G';
    const char *sign = neg ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    if (((bits >> 52) & 0x7ff) == 0x7ff) { /* inf and nan ignore '0' and precision */
        const char *word = (bits << 12) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
        struct spec plain = *sp;
        plain.zero = false;
        emit_field(s, &plain, sign, 0, word, 3, false);
        return;
    }

    char d[MAX_DIGITS];
    struct decimal x = {d, 0, 0};
    if (v != 0)
        x.n = exact_digits(neg ? -v : v, d, &x.point);
    int prec = sp->precision < 0 ? 6 : sp->precision;
    char c = (char)(sp->conv | 0x20); /* f, e or g */
    bool exp_style = c == 'e';
    int frac = prec;
    if (c == 'f') {
        x.n = round_digits(d, x.n, x.point + prec, &x.point);
    } else if (c == 'e') {
        x.n = round_digits(d, x.n, prec + 1, &x.point);
    } else { /* %g: %e or %f by the exponent after rounding to P digits */
        int p = prec == 0 ? 1 : prec;
        x.n = round_digits(d, x.n, p, &x.point);
        int e = x.n ? x.point - 1 : 0;
        exp_style = !(e < p && e >= -4);
        frac = exp_style ? p - 1 : p - 1 - e;
        if (!sp->alt) { /* drop trailing zeros: keep only digits that exist */
            int have = exp_style ? x.n - 1 : x.n - x.point;
            if (have < 0)
                have = 0;
            if (frac > have)
                frac = have;
        }
    }
    bool dot = frac > 0 || sp->alt;
    char exp_char = upper ? 'E' : 'e';
    size_t len = layout(NULL, &x, exp_style, frac, dot, exp_char);
    size_t slen = strlen(sign);
    size_t zeros = 0;
    if (sp->zero && !sp->left && (size_t)sp->width > slen + len)
        zeros = (size_t)sp->width - slen - len;
    pad_before(s, sp, slen + zeros + len);
    emit(s, sign, slen);
    emit_fill(s, '0', zeros);
    layout(s, &x, exp_style, frac, dot, exp_char);
    pad_after(s, sp, slen + zeros + len);
}

/* ---- the formatter ---- */

static int parse_int(const char **fmt)
{
    int v = 0;
    while (**fmt >= '0' && **fmt <= '9') {
        if (v < INT_MAX / 10)
            v = v * 10 + (*(*fmt)++ - '0');
        else
            (*fmt)++;
    }
    return v;
}

/* Format into s; returns the count of characters produced, or -1 (errno). */
static int format(struct sink *s, const char *fmt, va_list ap)
{
    while (*fmt) {
        if (*fmt != '%') {
            const char *end = strchr(fmt, '%');
            size_t n = end ? (size_t)(end - fmt) : strlen(fmt);
            emit(s, fmt, n);
            fmt += n;
            continue;
        }
        const char *start = fmt++;
        struct spec sp = {.precision = -1};
        for (;; fmt++) {
            if (*fmt == '-')
                sp.left = true;
            else if (*fmt == '+')
                sp.plus = true;
            else if (*fmt == ' ')
                sp.space = true;
            else if (*fmt == '0')
                sp.zero = true;
            else if (*fmt == '#')
                sp.alt = true;
            else if (*fmt != '\'') /* thousands grouping: none in the C locale */
                break;
        }
        if (*fmt == '*') {
            fmt++;
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = true;
                sp.width = sp.width == INT_MIN ? INT_MAX : -sp.width;
            }
        } else {
            sp.width = parse_int(&fmt);
        }
        if (*fmt == '.') {
            fmt++;
            if (*fmt == '*') {
                fmt++;
                sp.precision = va_arg(ap, int);
                if (sp.precision < 0)
                    sp.precision = -1;
            } else {
                sp.precision = parse_int(&fmt);
            }
        }
        switch (*fmt) {
        case 'h':
            sp.length = fmt[1] == 'h' ? (fmt++, 'H') : 'h';
            fmt++;
            break;
        case 'l':
            sp.length = fmt[1] == 'l' ? (fmt++, 'q') : 'l';
            fmt++;
            break;
        case 'q':
        case 'j':
        case 'z':
        case 't':
        case 'L':
            sp.length = *fmt++;
            break;
        }
        sp.conv = *fmt;
        if (*fmt)
            fmt++;

        switch (sp.conv) {
        case 'd':
        case 'i': {
            intmax_t v;
            switch (sp.length) {
            case 'H': v = (signed char)va_arg(ap, int); break;
            case 'h': v = (short)va_arg(ap, int); break;
            case 'l': v = va_arg(ap, long); break;
            case 'q': v = va_arg(ap, long long); break;
            case 'j': v = va_arg(ap, intmax_t); break;
            case 'z': v = va_arg(ap, ssize_t); break;
            case 't': v = va_arg(ap, ptrdiff_t); break;
            default: v = va_arg(ap, int); break;
            }
            format_integer(s, &sp, v < 0 ? 0 - (uintmax_t)v : (uintmax_t)v, v < 0);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            uintmax_t v;
            switch (sp.length) {
            case 'H': v = (unsigned char)va_arg(ap, unsigned); break;
            case 'h': v = (unsigned short)va_arg(ap, unsigned); break;
            case 'l': v = va_arg(ap, unsigned long); break;
            case 'q': v = va_arg(ap, unsigned long long); break;
            case 'j': v = va_arg(ap, uintmax_t); break;
            case 'z': v = va_arg(ap, size_t); break;
            case 't': v = (uintmax_t)va_arg(ap, ptrdiff_t); break;
            default: v = va_arg(ap, unsigned); break;
            }
            format_integer(s, &sp, v, false);
            break;
        }
        case 'p': {
            void *p = va_arg(ap, void *);
            if (!p) { /* glibc's spelling of a null pointer */
                struct spec plain = sp;
                plain.precision = -1;
                format_string(s, &plain, "(nil)");
            } else {
                format_integer(s, &sp, (uintptr_t)p, false);
            }
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            pad_before(s, &sp, 1);
            emit(s, &c, 1);
            pad_after(s, &sp, 1);
            break;
        }
        case 's':
            format_string(s, &sp, va_arg(ap, const char *));
            break;
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
        case 'a': /* hex floats are not supported: printed as %e */
        case 'A':
            if (sp.conv == 'a' || sp.conv == 'A')
                sp.conv = (char)(sp.conv + ('e' - 'a'));
            format_float(s, &sp, sp.length == 'L' ? (double)va_arg(ap, long double)
                                                 : va_arg(ap, double));
            break;
        case 'n': {
            void *p = va_arg(ap, void *);
            switch (sp.length) {
            case 'H': *(signed char *)p = (signed char)s->total; break;
            case 'h': *(short *)p = (short)s->total; break;
            case 'l': *(long *)p = (long)s->total; break;
            case 'q': *(long long *)p = (long long)s->total; break;
            case 'j': *(intmax_t *)p = (intmax_t)s->total; break;
            case 'z': *(size_t *)p = s->total; break;
            case 't': *(ptrdiff_t *)p = (ptrdiff_t)s->total; break;
            default: *(int *)p = (int)s->total; break;
            }
            break;
        }
        case '%':
            emit(s, "%", 1);
            break;
        default: /* not a conversion we know: print it as it was written */
            emit(s, start, (size_t)(fmt - start));
            break;
        }
    }
    if (s->total > INT_MAX) {
        errno = EOVERFLOW;
        return -1;
    }
    return (int)s->total;
}

/* ---- the public family ---- */

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = {.buf = buf, .cap = size ? size - 1 : 0};
    int r = format(&s, fmt, ap);
    if (size)
        buf[s.len] = '\0';
    return r;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return r;
}

int vsprintf(char *buf, const char *fmt, va_list ap)
{
    return vsnprintf(buf, INT_MAX, fmt, ap);
}

int sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsprintf(buf, fmt, ap);
    va_end(ap);
    return r;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    /* Gather output in a chunk so an unbuffered stream gets few writes. */
    char chunk[256];
    struct sink s = {.buf = chunk, .cap = sizeof(chunk), .flush = flush_to_file, .file = f};
    int locked = __cowos_lock_mt(__cowos_file_lock(f)); /* one call's output stays together */
    int r = format(&s, fmt, ap);
    flush_to_file(&s);
    __cowos_unlock_mt(__cowos_file_lock(f), locked);
    return s.failed ? -1 : r;
}

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

int vprintf(const char *fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return r;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
    char chunk[256];
    struct sink s = {.buf = chunk, .cap = sizeof(chunk), .flush = flush_to_fd, .fd = fd};
    int r = format(&s, fmt, ap);
    flush_to_fd(&s);
    return s.failed ? -1 : r;
}

int dprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vdprintf(fd, fmt, ap);
    va_end(ap);
    return r;
}
