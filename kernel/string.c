/*
 * string.c - memory and string primitives. memcpy and memset use the string
 * instructions (rep movsq / stosq when 8-byte aligned), which is what a
 * 4 KiB page copy or clear spends.
 */
#include "kernel/string.h"

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    if ((((uintptr_t)dst | n) % 8) == 0) {
        size_t q = n / 8;
        uint64_t pattern = 0x0101010101010101UL * (uint8_t)c;
        __asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(pattern) : "memory");
    } else {
        __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    }
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    if (((uintptr_t)dst | (uintptr_t)src | n) % 8 == 0) {
        size_t q = n / 8;
        __asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q)::"memory");
    } else {
        __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n)::"memory");
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}
