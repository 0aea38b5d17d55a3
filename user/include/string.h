/*
 * string.h - cowos user library: byte arrays and NUL-terminated strings.
 * Comparisons treat bytes as unsigned char. Overlapping source and
 * destination are allowed only for memmove.
 */
#ifndef _COWOS_STRING_H
#define _COWOS_STRING_H

#ifndef __COWOS_SIZE_T
#define __COWOS_SIZE_T
typedef __SIZE_TYPE__ size_t;
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif

void *memset(void *d, int c, size_t n);
void *memcpy(void *__restrict d, const void *__restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* The first byte equal to (unsigned char)c in s[0..n), or NULL. */
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
/* strlen(s), but looks at no more than max bytes. */
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *__restrict d, const char *__restrict s);
/* Copy at most n bytes; pads with NULs, and does not terminate d when s
 * has n or more bytes. */
char *strncpy(char *__restrict d, const char *__restrict s, size_t n);
char *strcat(char *__restrict d, const char *__restrict s);
/* Append at most n bytes of s, then always a NUL. */
char *strncat(char *__restrict d, const char *__restrict s, size_t n);
/* First / last occurrence of (char)c in s (c may be '\0'), or NULL. */
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* First occurrence of needle in hay (hay itself for ""), or NULL. */
char *strstr(const char *hay, const char *needle);
/* Length of the prefix of s made of bytes in / not in set. */
size_t strspn(const char *s, const char *set);
size_t strcspn(const char *s, const char *set);
/* A malloc'd copy of s, or NULL with errno ENOMEM. */
char *strdup(const char *s);
/* Text for an error number ("No such file or directory"); the returned
 * string must not be modified. Unknown numbers give "Unknown error N". */
char *strerror(int err);
/* The same text copied into buf (size bytes, truncated, NUL-terminated).
 * POSIX's version returns 0 or ERANGE (truncated); with _GNU_SOURCE,
 * glibc's returns the text (buf, or a constant string), as on Linux. */
#ifdef _GNU_SOURCE
char *strerror_r(int err, char *buf, size_t size);
#else
int strerror_r(int err, char *buf, size_t size) __asm__("__xpg_strerror_r");
#endif

#endif
