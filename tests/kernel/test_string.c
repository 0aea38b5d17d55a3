/*
 * test_string.c - tests of kernel/string.h: both copy paths of memcpy
 * (8-byte and byte-at-a-time), memmove over overlaps in both directions,
 * unsigned byte comparison, and strlcpy's truncation. Allocates nothing.
 */
#include "tests/ktest.h"
#include "kernel/string.h"

KTEST(string_memset_fills_exactly_n_bytes)
{
    unsigned char b[16];
    for (size_t i = 0; i < sizeof(b); i++)
        b[i] = 0x11;
    EXPECT_PTR_EQ(b + 1, memset(b + 1, 0xab, 14));
    EXPECT_EQ(0x11, b[0]);
    for (int i = 1; i < 15; i++)
        EXPECT_EQ(0xab, b[i]);
    EXPECT_EQ(0x11, b[15]);
    /* Only the low byte of c counts. */
    memset(b, 0x1ff, 4);
    EXPECT_EQ(0xff, b[0]);
    EXPECT_EQ(0xff, b[3]);
    EXPECT_EQ(0xab, b[4]);
    memset(b, 0, 0);
    EXPECT_EQ(0xff, b[0]);
}

KTEST(string_memcpy_aligned_and_unaligned)
{
    uint64_t src[8], dst[10];
    for (int i = 0; i < 8; i++)
        src[i] = 0x0101010101010101UL * (uint64_t)(i + 1);

    /* Everything a multiple of 8: the rep movsq path. */
    memset(dst, 0, sizeof(dst));
    EXPECT_PTR_EQ(dst, memcpy(dst, src, sizeof(src)));
    EXPECT_EQ(0, memcmp(dst, src, sizeof(src)));
    EXPECT_EQ(0, dst[8]);

    /* Odd address and odd length: the byte path. */
    unsigned char *d = (unsigned char *)dst + 1;
    const unsigned char *s = (const unsigned char *)src + 3;
    memset(dst, 0, sizeof(dst));
    EXPECT_PTR_EQ(d, memcpy(d, s, 13));
    EXPECT_EQ(0, memcmp(d, s, 13));
    EXPECT_EQ(0, ((unsigned char *)dst)[0]);
    EXPECT_EQ(0, d[13]);

    memset(dst, 0x5a, sizeof(dst));
    memcpy(dst, src, 0);
    EXPECT_EQ(0x5a5a5a5a5a5a5a5aUL, dst[0]);
}

KTEST(string_memmove_overlap_dst_after_src)
{
    char b[] = "0123456789";
    EXPECT_PTR_EQ(b + 2, memmove(b + 2, b, 6));
    EXPECT_STREQ("0101234589", b);

    /* The same in 8-byte words, where a forward copy would smear src. */
    uint64_t w[8];
    for (int i = 0; i < 8; i++)
        w[i] = (uint64_t)i;
    memmove(&w[1], &w[0], 7 * sizeof(uint64_t));
    for (int i = 1; i < 8; i++)
        EXPECT_EQ((uint64_t)(i - 1), w[i]);
    EXPECT_EQ(0, w[0]);
}

KTEST(string_memmove_overlap_dst_before_src)
{
    char b[] = "0123456789";
    EXPECT_PTR_EQ(b, memmove(b, b + 2, 6));
    EXPECT_STREQ("2345676789", b);

    uint64_t w[8];
    for (int i = 0; i < 8; i++)
        w[i] = (uint64_t)i;
    memmove(&w[0], &w[1], 7 * sizeof(uint64_t));
    for (int i = 0; i < 7; i++)
        EXPECT_EQ((uint64_t)(i + 1), w[i]);
    EXPECT_EQ(7, w[7]);
}

KTEST(string_memmove_degenerate_cases)
{
    char b[] = "abcdef";
    EXPECT_PTR_EQ(b, memmove(b, b, 6));
    EXPECT_STREQ("abcdef", b);
    memmove(b + 1, b, 0);
    EXPECT_STREQ("abcdef", b);
    /* Disjoint buffers. */
    char c[7] = "uvwxyz";
    memmove(b, c, 3);
    EXPECT_STREQ("uvwdef", b);
}

KTEST(string_memcmp_is_unsigned_and_ordered)
{
    EXPECT_EQ(0, memcmp("abc", "abc", 3));
    EXPECT_TRUE(memcmp("abc", "abd", 3) < 0);
    EXPECT_TRUE(memcmp("abd", "abc", 3) > 0);
    EXPECT_EQ(0, memcmp("abX", "abY", 2));
    EXPECT_EQ(0, memcmp("x", "y", 0));
    /* Bytes compare as unsigned char: 0x80 is above 0x01. */
    EXPECT_TRUE(memcmp("\x80", "\x01", 1) > 0);
    /* Bytes after a NUL still count. */
    EXPECT_TRUE(memcmp("a\0b", "a\0c", 3) < 0);
}

KTEST(string_strlen_strnlen)
{
    EXPECT_EQ(0, strlen(""));
    EXPECT_EQ(5, strlen("hello"));
    EXPECT_EQ(3, strnlen("hello", 3));
    EXPECT_EQ(5, strnlen("hello", 100));
    EXPECT_EQ(0, strnlen("hello", 0));
}

KTEST(string_strcmp_strncmp)
{
    EXPECT_EQ(0, strcmp("", ""));
    EXPECT_EQ(0, strcmp("fork", "fork"));
    EXPECT_TRUE(strcmp("abc", "abd") < 0);
    EXPECT_TRUE(strcmp("ab", "abc") < 0);
    EXPECT_TRUE(strcmp("abc", "ab") > 0);
    EXPECT_TRUE(strcmp("\xff", "a") > 0);

    EXPECT_EQ(0, strncmp("abcX", "abcY", 3));
    EXPECT_TRUE(strncmp("abcX", "abcY", 4) < 0);
    EXPECT_EQ(0, strncmp("a", "b", 0));
    /* Stops at the first NUL even when n reaches past it. */
    EXPECT_EQ(0, strncmp("ab\0x", "ab\0y", 4));
    EXPECT_TRUE(strncmp("ab", "abc", 5) < 0);
}

KTEST(string_strlcpy_truncates_and_terminates)
{
    char d[8];

    memset(d, 'Z', sizeof(d));
    EXPECT_EQ(3, strlcpy(d, "cow", sizeof(d)));
    EXPECT_STREQ("cow", d);

    memset(d, 'Z', sizeof(d));
    EXPECT_EQ(5, strlcpy(d, "hello", 4));
    EXPECT_STREQ("hel", d);
    EXPECT_EQ('Z', d[4]);

    memset(d, 'Z', sizeof(d));
    EXPECT_EQ(5, strlcpy(d, "hello", 6)); /* exact fit */
    EXPECT_STREQ("hello", d);

    memset(d, 'Z', sizeof(d));
    EXPECT_EQ(5, strlcpy(d, "hello", 1));
    EXPECT_EQ('\0', d[0]);
    EXPECT_EQ('Z', d[1]);

    /* Size 0 writes nothing, but still reports the source length. */
    memset(d, 'Z', sizeof(d));
    EXPECT_EQ(5, strlcpy(d, "hello", 0));
    EXPECT_EQ('Z', d[0]);
}

KTEST(string_strchr)
{
    const char *s = "copy-on-write";
    EXPECT_PTR_EQ(s + 1, strchr(s, 'o'));
    EXPECT_PTR_EQ(s + 4, strchr(s, '-'));
    EXPECT_PTR_EQ(NULL, strchr(s, 'z'));
    /* The terminator itself can be found. */
    EXPECT_PTR_EQ(s + 13, strchr(s, '\0'));
}
