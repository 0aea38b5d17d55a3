/*
 * test_printk.c - tests of the formatter behind printk, through snprintk.
 * Each conversion, flag and width the header promises, the extremes of every
 * integer size, and the snprintf-style truncation and return value.
 * These tests allocate nothing.
 */
#include "tests/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"

#define INT32_MAX_ 2147483647
#define INT32_MIN_ (-INT32_MAX_ - 1)
#define INT64_MAX_ 9223372036854775807L
#define INT64_MIN_ (-INT64_MAX_ - 1)
#define UINT64_MAX_ 18446744073709551615UL

static char buf[160];

/*
 * Format into buf and check both the text and the return value (the text's
 * length, since buf is big enough). A failure names the format and arguments.
 */
#define CHECK_FMT(want, ...)                                                                   \
    do {                                                                                       \
        memset(buf, 'Z', sizeof(buf));                                                         \
        int n_ = snprintk(buf, sizeof(buf), __VA_ARGS__);                                      \
        ktest_check_str((want), buf, #__VA_ARGS__, __FILE__, __LINE__);                        \
        ktest_check_eq(strlen(want), (uint64_t)n_, true, "return value of " #__VA_ARGS__,      \
                       __FILE__, __LINE__);                                                    \
    } while (0)

KTEST(printk_decimal)
{
    CHECK_FMT("0", "%d", 0);
    CHECK_FMT("42", "%d", 42);
    CHECK_FMT("-42", "%d", -42);
    CHECK_FMT("7 -7", "%i %i", 7, -7);
    CHECK_FMT("2147483647", "%d", INT32_MAX_);
    CHECK_FMT("-2147483648", "%d", INT32_MIN_);
    CHECK_FMT("a1b22c", "a%db%dc", 1, 22);
}

KTEST(printk_unsigned)
{
    CHECK_FMT("0", "%u", 0u);
    CHECK_FMT("4294967295", "%u", 4294967295u);
    CHECK_FMT("18446744073709551615", "%lu", UINT64_MAX_);
    CHECK_FMT("12345", "%zu", (size_t)12345);
}

KTEST(printk_hex)
{
    CHECK_FMT("0", "%x", 0u);
    CHECK_FMT("ff", "%x", 255u);
    CHECK_FMT("deadbeef", "%x", 0xdeadbeefu);
    CHECK_FMT("DEADBEEF", "%X", 0xdeadbeefu);
    /* %x takes an unsigned int: only the low 32 bits of a -1. */
    CHECK_FMT("ffffffff", "%x", (unsigned int)-1);
    CHECK_FMT("ffffffffffffffff", "%lx", UINT64_MAX_);
    CHECK_FMT("FFFFFFFF80000000", "%lX", 0xffffffff80000000UL);
    CHECK_FMT("100000000", "%lx", 0x100000000UL);
}

KTEST(printk_long_and_long_long)
{
    CHECK_FMT("9223372036854775807", "%ld", INT64_MAX_);
    CHECK_FMT("-9223372036854775808", "%ld", INT64_MIN_);
    CHECK_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN_);
    CHECK_FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX_);
    CHECK_FMT("123456789abc", "%llx", 0x123456789abcULL);
    CHECK_FMT("-1", "%ld", -1L);
    /* An int argument after a long one: the va_list must stay in step. */
    CHECK_FMT("-5 6 -7", "%ld %d %lld", -5L, 6, -7LL);
}

KTEST(printk_pointer)
{
    CHECK_FMT("0x0000000000000000", "%p", (void *)0);
    CHECK_FMT("0x0000000000001234", "%p", (void *)0x1234);
    CHECK_FMT("0xffffffff80100000", "%p", (void *)0xffffffff80100000UL);
}

KTEST(printk_string_char_percent)
{
    /* volatile: keeps the compiler from rejecting a literal NULL for %s. */
    const char *volatile null_str = NULL;
    CHECK_FMT("hello", "%s", "hello");
    CHECK_FMT("", "%s", "");
    CHECK_FMT("[(null)]", "[%s]", null_str);
    CHECK_FMT("A", "%c", 'A');
    CHECK_FMT("xyz", "%c%c%c", 'x', 'y', 'z');
    CHECK_FMT("%", "%%");
    CHECK_FMT("100%", "%d%%", 100);
    CHECK_FMT("no conversions at all", "no conversions at all");
}

KTEST(printk_width_and_flags)
{
    CHECK_FMT("   42", "%5d", 42);
    CHECK_FMT("42   |", "%-5d|", 42);
    CHECK_FMT("00042", "%05d", 42);
    CHECK_FMT("  -42", "%5d", -42);
    /* The sign comes before zero padding, and counts towards the width. */
    CHECK_FMT("-0042", "%05d", -42);
    CHECK_FMT("-42   |", "%-6d|", -42);
    /* A width smaller than the number never cuts it. */
    CHECK_FMT("12345", "%2d", 12345);
    CHECK_FMT("0000beef", "%08x", 0xbeefu);
    CHECK_FMT("beef    |", "%-8x|", 0xbeefu);
    CHECK_FMT("00000000deadbeef", "%016lx", 0xdeadbeefUL);
    CHECK_FMT("      4096", "%10lu", 4096UL);
    CHECK_FMT("   ab", "%5s", "ab");
    CHECK_FMT("ab   |", "%-5s|", "ab");
    CHECK_FMT("abc", "%1s", "abc");
    CHECK_FMT("  a", "%3c", 'a');
    CHECK_FMT("a  |", "%-3c|", 'a');
    CHECK_FMT("0", "%0d", 0);
}

KTEST(printk_star_width)
{
    CHECK_FMT("    42", "%*d", 6, 42);
    /* A negative '*' width means left-justify, as in C. */
    CHECK_FMT("42    |", "%*d|", -6, 42);
    CHECK_FMT("7   |", "%-*d|", 4, 7);
    CHECK_FMT("00042", "%0*d", 5, 42);
    CHECK_FMT("   x", "%*s", 4, "x");
    CHECK_FMT("ff", "%*x", 0, 255u);
}

KTEST(printk_int64_min_with_width)
{
    CHECK_FMT("     -9223372036854775808", "%25ld", INT64_MIN_);
    CHECK_FMT("-000009223372036854775808", "%025ld", INT64_MIN_);
    CHECK_FMT("-9223372036854775808     |", "%-25ld|", INT64_MIN_);
}

KTEST(printk_truncates_and_returns_full_length)
{
    char small[8];

    memset(small, 'Z', sizeof(small));
    EXPECT_EQ(5, snprintk(small, 4, "%s", "hello"));
    EXPECT_STREQ("hel", small);
    EXPECT_EQ('Z', small[4]); /* nothing written past size */

    memset(small, 'Z', sizeof(small));
    EXPECT_EQ(5, snprintk(small, 5, "%s", "hello"));
    EXPECT_STREQ("hell", small);

    memset(small, 'Z', sizeof(small));
    EXPECT_EQ(5, snprintk(small, 6, "%s", "hello")); /* exactly fits with its NUL */
    EXPECT_STREQ("hello", small);
    EXPECT_EQ('Z', small[6]);

    memset(small, 'Z', sizeof(small));
    EXPECT_EQ(5, snprintk(small, 1, "%s", "hello"));
    EXPECT_EQ('\0', small[0]);
    EXPECT_EQ('Z', small[1]);

    /* Size 0: nothing at all is written, but the length is still counted. */
    memset(small, 'Z', sizeof(small));
    EXPECT_EQ(5, snprintk(small, 0, "%s", "hello"));
    EXPECT_EQ('Z', small[0]);
    EXPECT_EQ(3, snprintk(NULL, 0, "%d", 123));

    /* Cut in the middle of a number and of padding. */
    memset(small, 'Z', sizeof(small));
    EXPECT_EQ(6, snprintk(small, 4, "%d", -12345));
    EXPECT_STREQ("-12", small);
    memset(small, 'Z', sizeof(small));
    EXPECT_EQ(10, snprintk(small, 3, "%10d", 1));
    EXPECT_STREQ("  ", small);

    EXPECT_EQ(0, snprintk(small, sizeof(small), "%s", ""));
    EXPECT_STREQ("", small);
}

KTEST(printk_mixed_line)
{
    CHECK_FMT("pid 3: fault at 0x0000000000401000 (2 frames, \"cow\") 50%",
              "pid %d: fault at %p (%lu frames, \"%s\") %d%%", 3, (void *)0x401000, 2UL, "cow",
              50);
}
