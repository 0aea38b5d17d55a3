/*
 * test_printf.c - the cowos formatter against glibc's snprintf: every
 * integer conversion under every flag set with assorted widths and
 * precisions, strings, characters, pointers, %n, '*', truncation, and
 * floating point (fixed values and random bit patterns) digit for digit.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cw.h"

#define BUF 2048

/* Format with both and compare text and return value. */
#define SAME(...)                                                                                  \
    do {                                                                                           \
        char a_[BUF], b_[BUF];                                                                     \
        int ra_ = cw_snprintf(a_, sizeof(a_), __VA_ARGS__);                                        \
        int rb_ = snprintf(b_, sizeof(b_), __VA_ARGS__);                                           \
        CHECK(ra_ == rb_ && strcmp(a_, b_) == 0, "%s: cowos [%s] %d, glibc [%s] %d",              \
              #__VA_ARGS__, a_, ra_, b_, rb_);                                                     \
    } while (0)

/* The same with a format built at run time (shown in the message). */
#define SAME_DYN(fmt, ...)                                                                         \
    do {                                                                                           \
        char a_[BUF], b_[BUF];                                                                     \
        int ra_ = cw_snprintf(a_, sizeof(a_), fmt, __VA_ARGS__);                                   \
        int rb_ = snprintf(b_, sizeof(b_), fmt, __VA_ARGS__);                                      \
        CHECK(ra_ == rb_ && strcmp(a_, b_) == 0, "fmt \"%s\": cowos [%s] %d, glibc [%s] %d", fmt,  \
              a_, ra_, b_, rb_);                                                                   \
    } while (0)

#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

static const char *const widths[] = {"", "0", "1", "4", "12", "25"};
static const char *const precisions[] = {"", ".", ".0", ".1", ".3", ".12", ".25"};

/* Build "%<flags><width><precision><length><conv>" with flag set bits. */
static void make_format(char *fmt, unsigned flags, const char *width, const char *prec,
                        const char *length, char conv)
{
    char *p = fmt;
    *p++ = '%';
    for (int i = 0; i < 5; i++)
        if (flags & (1u << i))
            *p++ = "-+ 0#"[i];
    p += sprintf(p, "%s%s%s%c", width, prec, length, conv);
}

static void test_integers(void)
{
    static const long long values[] = {0,         1,         -1,         7,         -8,
                                       42,        255,       256,        -129,      32767,
                                       -32768,    65535,     INT_MAX,    INT_MIN,   UINT_MAX,
                                       LLONG_MAX, LLONG_MIN, 1234567890, -987654321};
    static const char convs[] = "diuxXo";
    char fmt[64];
    for (unsigned flags = 0; flags < 32; flags++)
        for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
            for (size_t pr = 0; pr < sizeof(precisions) / sizeof(precisions[0]); pr++)
                for (const char *c = convs; *c; c++)
                    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
                        long long x = values[v];
                        make_format(fmt, flags, widths[w], precisions[pr], "", *c);
                        SAME_DYN(fmt, (int)x);
                        make_format(fmt, flags, widths[w], precisions[pr], "l", *c);
                        SAME_DYN(fmt, (long)x);
                        make_format(fmt, flags, widths[w], precisions[pr], "ll", *c);
                        SAME_DYN(fmt, x);
                        make_format(fmt, flags, widths[w], precisions[pr], "hh", *c);
                        SAME_DYN(fmt, (int)x);
                        make_format(fmt, flags, widths[w], precisions[pr], "h", *c);
                        SAME_DYN(fmt, (int)x);
                        make_format(fmt, flags, widths[w], precisions[pr], "z", *c);
                        SAME_DYN(fmt, (size_t)x);
                        make_format(fmt, flags, widths[w], precisions[pr], "j", *c);
                        SAME_DYN(fmt, (intmax_t)x);
                    }
}

/* p, hidden from the compiler's format checks (which reject a literal NULL %s). */
static const char *opaque(const char *p)
{
    __asm__("" : "+r"(p));
    return p;
}

static void test_strings_chars_pointers(void)
{
    const char *null = opaque(NULL);
    int x = 0;
    SAME("plain text, no conversions");
    SAME("%%");
    SAME("100%% sure %d%%", 5);
    SAME("%s", "hello");
    SAME("[%10s]", "hi");
    SAME("[%-10s]", "hi");
    SAME("[%.2s]", "hello");
    SAME("[%8.3s]", "hello");
    SAME("[%-8.3s|", "hello");
    SAME("[%s]", "");
    SAME("[%.0s]", "abc");
    SAME("[%s]", null);
    SAME("[%.3s]", null);
    SAME("[%.6s]", null);
    SAME("[%10s]", null);
    SAME("[%c]", 'a');
    SAME("[%5c]", 'b');
    SAME("[%-5c]", 'c');
    SAME("[%c%c%c]", 'x', 0x80 | 'y', ' ');
    SAME("[%p]", (void *)&x);
    SAME("[%30p]", (void *)&x);
    SAME("[%-30p]", (void *)&x);
    SAME("[%p]", (void *)0x1);
    SAME("[%p]", (void *)null);
    SAME("[%10p]", (void *)null);
    SAME("[%-10p]", (void *)null);
    SAME("[%*d]", 6, 42);
    SAME("[%*d]", -6, 42);
    SAME("[%-*d]", 6, 42);
    SAME("[%.*d]", 4, 42);
    SAME("[%.*d]", -4, 42);
    SAME("[%*.*d]", 8, 5, -42);
    SAME("[%*s|%-*s]", 5, "a", 5, "b");
    SAME("[%.*s]", 3, "abcdef");
    SAME("[%.*f]", 2, 3.14159);
    SAME("[%*.*e]", 15, 3, -0.000123);
    SAME("%d %s %c %u %x %ld %zu %lld %p", 1, "two", '3', 4u, 0x5u, 6L, (size_t)7, 8LL,
         (void *)0x9);
    SAME("%zd %zd", (ssize_t)-5, (ssize_t)SSIZE_MAX);
    SAME("%td", (ptrdiff_t)-77);
    SAME("%lu %lx %lo", ULONG_MAX, ULONG_MAX, ULONG_MAX);
    SAME("%llu %llx", ULLONG_MAX, 0x123456789abcdefULL);
    SAME("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
    SAME("%'d", 1234567);

    /* %n stores the count so far. */
    int na = -1, nb = -1;
    char a[64], b[64];
    cw_snprintf(a, sizeof(a), "abc%ndef", &na);
    snprintf(b, sizeof(b), "abc%ndef", &nb);
    CHECK(na == nb && na == 3, "%%n: cowos %d, glibc %d", na, nb);
    long nl = -1;
    cw_snprintf(a, sizeof(a), "%5d%ln", 1, &nl);
    CHECK(nl == 5, "%%ln stored %ld", nl);
}

static void test_truncation(void)
{
    char a[16], b[16];
    for (size_t size = 0; size <= 12; size++) {
        memset(a, 'X', sizeof(a));
        memset(b, 'X', sizeof(b));
        int ra = cw_snprintf(a, size, "%s-%d", "hello", 12345);
        int rb = snprintf(b, size, "%s-%d", "hello", 12345);
        CHECK(ra == rb && memcmp(a, b, sizeof(a)) == 0, "truncation at %zu: [%.16s] %d vs [%.16s] %d",
              size, a, ra, b, rb);
    }
    CHECK(cw_snprintf(NULL, 0, "%d", 123456) == 6, "snprintf(NULL, 0) must count");
    char big[300];
    CHECK(cw_sprintf(big, "%s|%5d|%-3c|", "sprintf", 7, 'z') == 18 &&
              strcmp(big, "sprintf|    7|z  |") == 0,
          "sprintf gave [%s]", big);
}

static const double special[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, 3.5, -2.5, 0.125, 0.375, 0.05, 0.15, 0.25, 0.35,
    0.45, 0.95, 9.5, 99.5, 999.5, 9.9999, 99.99, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 123.456,
    -123.456, 1e-5, 1e-4, 0.0001234, 1e-10, 1e10, 1e15, 1e16, 1e17, 1e21, 1e22, 1e23,
    123456789.0, 4503599627370496.0, 9007199254740993.0, 1e100, 1e-100, 1e300, 1e308,
    DBL_MAX, -DBL_MAX, DBL_MIN, 5e-324, 2.2250738585072009e-308, 3.14159265358979,
    2.718281828459045, 1e-7, 0.00001, 100000.0, 999999.5, 1e6, 1234567.0, 12345678.9,
    0.000099999, 0.00009999, 5.0, 50.0, 500.0};

/*
 * glibc prints %#.2g of 99.5 as "1.e+02": when rounding carries into a new
 * digit in '#' mode it loses the trailing zeros that '#' must keep (C says
 * "1.0e+02", which is what we print). Such cases are not compared.
 */
static int glibc_alt_g_bug(const char *fmt, double v)
{
    char out[BUF];
    if (!strchr(fmt, '#') || !strpbrk(fmt, "gG"))
        return 0;
    snprintf(out, sizeof(out), fmt, v);
    return strstr(out, ".e") || strstr(out, ".E");
}

static void test_float_formats(double v)
{
    static const char convs[] = "feEgGF";
    static const char *const fprec[] = {"", ".0", ".1", ".2", ".3", ".6", ".10", ".17", ".20", ".40"};
    static const unsigned flag_sets[] = {0, 1, 2, 4, 8, 16, 1 | 16, 2 | 8, 4 | 8 | 16, 2 | 16};
    static const char *const fwidth[] = {"", "1", "12", "30"};
    char fmt[64];
    for (const char *c = convs; *c; c++)
        for (size_t p = 0; p < sizeof(fprec) / sizeof(fprec[0]); p++)
            for (size_t f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++)
                for (size_t w = 0; w < sizeof(fwidth) / sizeof(fwidth[0]); w++) {
                    make_format(fmt, flag_sets[f], fwidth[w], fprec[p], "", *c);
                    if (glibc_alt_g_bug(fmt, v))
                        continue;
                    SAME_DYN(fmt, v);
                }
}

static void test_floats(void)
{
    for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
        test_float_formats(special[i]);
    test_float_formats(INFINITY);
    test_float_formats(-INFINITY);
    test_float_formats(NAN);
    test_float_formats(-NAN);
    SAME("%.300f", 1e-300);
    SAME("%.330f", 5e-324);
    SAME("%.0f", 1e308);
    SAME("%.1074f", 5e-324);
    SAME("%Lf %Le", (long double)1.5, (long double)-2.25);
    SAME("%f %e %g", 1e-320, 1e-320, 1e-320);
    SAME("%.15g %.16g %.17g", 0.1, 0.1, 0.1);

    /* Random bit patterns: every exponent, every mantissa. */
    static const char *const rfmt[] = {"%.17e", "%.3e", "%g", "%.12g", "%f", "%.0f", "%#.0e", "%.25g"};
    for (int i = 0; i < 40000; i++) {
        uint64_t bits = rnd();
        double v;
        memcpy(&v, &bits, sizeof(v));
        if (isnan(v) || isinf(v))
            continue;
        SAME_DYN(rfmt[i % 8], v);
    }
    /* Random "human" numbers: decimal values that round near ties. */
    for (int i = 0; i < 40000; i++) {
        double v = (double)(rnd() % 2000000) / 1000.0 - 1000.0;
        SAME_DYN(rfmt[i % 8], v);
        SAME_DYN("%.2f", v);
        SAME_DYN("%.1f", v);
        SAME_DYN("%.0f", v);
    }
}

void test_printf(void)
{
    test_integers();
    test_strings_chars_pointers();
    test_truncation();
    test_floats();
}
