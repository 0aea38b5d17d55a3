/*
 * stddef.h - cowos user library: size_t, ptrdiff_t, NULL, offsetof.
 * Types come from the compiler's predefined macros, so gcc and clang agree
 * with the x86-64 System V ABI without a table of our own.
 */
#ifndef _COWOS_STDDEF_H
#define _COWOS_STDDEF_H

#ifndef __COWOS_SIZE_T
#define __COWOS_SIZE_T
typedef __SIZE_TYPE__ size_t;
#endif
typedef __PTRDIFF_TYPE__ ptrdiff_t;
#ifndef __cplusplus
typedef __WCHAR_TYPE__ wchar_t;
#endif
typedef struct {
    long long __ll __attribute__((aligned(__alignof__(long long))));
    long double __ld __attribute__((aligned(__alignof__(long double))));
} max_align_t;

#ifndef NULL
#define NULL ((void *)0)
#endif
#define offsetof(type, member) __builtin_offsetof(type, member)

#endif
