/*
 * test_strtol.c - the cowos strtol family against glibc's: value, end
 * pointer and errno, over edge cases (limits, prefixes, signs, blanks,
 * bad bases) and random strings in random bases.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cw.h"

#define COMPARE(fn, type, pfmt, s, base)                                                           \
    do {                                                                                           \
        char *ea_ = (char *)1, *eb_ = (char *)1;                                                   \
        cw_errno = 0;                                                                              \
        errno = 0;                                                                                 \
        type ra_ = cw_##fn(s, &ea_, base);                                                         \
        int erra_ = cw_errno;                                                                      \
        type rb_ = fn(s, &eb_, base);                                                              \
        int errb_ = errno;                                                                         \
        CHECK(ra_ == rb_ && ea_ == eb_ && erra_ == errb_,                                          \
              #fn "(\"%s\", %d): cowos " pfmt " end+%td errno %d, glibc " pfmt " end+%td errno %d", \
              s, base, ra_, ea_ - (s), erra_, rb_, eb_ - (s), errb_);                              \
    } while (0)

static void compare_all(const char *s, int base)
{
    COMPARE(strtol, long, "%ld", s, base);
    COMPARE(strtoll, long long, "%lld", s, base);
    COMPARE(strtoul, unsigned long, "%lu", s, base);
    COMPARE(strtoull, unsigned long long, "%llu", s, base);
}

void test_strtol(void)
{
    static const char *const cases[] = {
        "", " ", "0", "-0", "+0", "+5", "-5", "  -123abc", "\t\n\v\f\r 42", "+-2", "- 3", "--1",
        "0x", "0x1g", "0X1F", "0xg", "-0x10", "077", "08", "0b101", "zz", "ZZ", "1e5",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "18446744073709551616",
        "-18446744073709551615", "-18446744073709551616", "99999999999999999999999999",
        "-1", "0x7fffffffffffffff", "0xffffffffffffffff", "0x10000000000000000",
        "7fffffffffffffff", "1111111111111111111111111111111111111111111111111111111111111111",
        "11111111111111111111111111111111111111111111111111111111111111111", "3w5e11264sgsf",
        "3w5e11264sgsg", "00000000000000000000000000000000000000001", "+", "-", "x", "12 34"};
    static const int bases[] = {0, 2, 8, 10, 16, 36, 7, 1, 37, -1};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
            if (bases[b] == 1 || bases[b] == 37 || bases[b] == -1) {
                /* glibc leaves *end alone for a bad base; we point it at s. Compare the rest. */
                cw_errno = 0;
                long v = cw_strtol(cases[i], NULL, bases[b]);
                CHECK(v == 0 && cw_errno == EINVAL, "bad base %d: %ld errno %d", bases[b], v,
                      cw_errno);
                continue;
            }
            compare_all(cases[i], bases[b]);
        }

    static const char alphabet[] = "0123456789abcdefxyzXYZ +-\t";
    for (int i = 0; i < 100000; i++) {
        char s[40];
        size_t len = rnd() % 30;
        for (size_t k = 0; k < len; k++)
            s[k] = alphabet[rnd() % (sizeof(alphabet) - 1)];
        s[len] = '\0';
        int base = (int)(rnd() % 37);
        if (base == 1)
            base = 0;
        compare_all(s, base);
    }

    CHECK(cw_atoi("  -17xyz") == -17, "atoi");
    CHECK(cw_atoi("2147483647") == 2147483647, "atoi max");
    CHECK(cw_strtol("123", NULL, 10) == 123, "strtol with NULL end");
}
