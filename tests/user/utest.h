/*
 * utest.h - checks for user test programs. A test program is a plain POSIX
 * C program in tests/user/ that becomes /tests/NAME; it exits 0 when every
 * check held. A failed check prints "# file:line: expected X, got Y: expr"
 * and the program goes on, exiting 1 at the end (utest_exit). The runner
 * (tests/user/runner.c) runs each program in its own child.
 */
#ifndef TESTS_USER_UTEST_H
#define TESTS_USER_UTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int utest_failures;

static inline int utest_check_eq(long expected, long actual, const char *expr, const char *file,
                                 int line)
{
    if (expected == actual)
        return 1;
    printf("# %s:%d: expected %ld, got %ld: %s\n", file, line, expected, actual, expr);
    utest_failures++;
    return 0;
}

/* EXPECT_EQ(expected, actual): integers (and pointers cast to long). */
#define EXPECT_EQ(expected, actual)                                                            \
    utest_check_eq((long)(expected), (long)(actual), #actual, __FILE__, __LINE__)
#define EXPECT_TRUE(cond) utest_check_eq(1, (cond) ? 1 : 0, #cond, __FILE__, __LINE__)
/* A system call that must fail with -1 and this errno. */
#define EXPECT_ERR(err, call)                                                                  \
    do {                                                                                       \
        errno = 0;                                                                             \
        long r_ = (long)(call);                                                                \
        utest_check_eq(-1, r_, #call, __FILE__, __LINE__);                                     \
        utest_check_eq(err, errno, "errno after " #call, __FILE__, __LINE__);                  \
    } while (0)

/* Exit 0 if every check held, 1 otherwise. */
static inline void utest_exit(void) { exit(utest_failures ? 1 : 0); }

#endif
