/*
 * ktest.h - the in-kernel test framework.
 *
 * A test lives next to what it tests, under tests/kernel/test_SUBSYSTEM.c:
 *
 *     KTEST(pmm_alloc_sets_refcount_one)
 *     {
 *         paddr_t pa = pmm_alloc();
 *         EXPECT_EQ(1, pmm_refcount(pa));
 *         pmm_decref(pa);
 *     }
 *
 * KTEST places a descriptor in the .ktests linker section; the runner
 * (tests/kernel/ktest.c) runs them all when the kernel command line says
 * "test": file by file in link order, each file's tests in source order.
 * EXPECT_* record a failure and go on; ASSERT_* also return from the test.
 * A failure prints "# expected X, got Y: expr (file:line)". The runner also
 * fails any test after which the free-frame count differs from before it (a
 * leak). "ktest=PREFIX" on the command line runs only the tests whose names
 * start with PREFIX.
 */
#ifndef TESTS_KTEST_H
#define TESTS_KTEST_H

#include "kernel/types.h"

struct ktest {
    const char *name;
    const char *file;
    int line; /* the runner keeps each file's tests in source order by it */
    void (*fn)(void);
};

#define KTEST(tname)                                                                           \
    static void ktest_fn_##tname(void);                                                        \
    static const struct ktest ktest_desc_##tname                                               \
        __attribute__((section(".ktests"), used, aligned(8))) = {#tname, __FILE__, __LINE__,   \
                                                                 ktest_fn_##tname};            \
    static void ktest_fn_##tname(void)

/* Record one comparison; returns whether it held. Used by the macros below. */
bool ktest_check_eq(uint64_t expected, uint64_t actual, bool is_signed, const char *expr,
                    const char *file, int line);
bool ktest_check_ne(uint64_t unexpected, uint64_t actual, const char *expr, const char *file,
                    int line);
bool ktest_check_true(bool cond, const char *expr, const char *file, int line);
/* Two pointers equal? A failure prints both as addresses (%p). */
bool ktest_check_ptr(const void *expected, const void *actual, const char *expr,
                     const char *file, int line);
/* Two C strings (or two NULLs) equal? A failure prints both, quoted and escaped. */
bool ktest_check_str(const char *expected, const char *actual, const char *expr,
                     const char *file, int line);

/* KTEST_SIGNED(x): is x's type signed? (-1 < 1 in it; unlike "< 0" this draws no
 * always-false warning for unsigned types, and it also compiles for pointers.) */
#define KTEST_SIGNED(x) ((__typeof__(x))-1 < (__typeof__(x))1)
#define EXPECT_EQ(expected, actual)                                                            \
    ktest_check_eq((uint64_t)(expected), (uint64_t)(actual), KTEST_SIGNED(actual), #actual,    \
                   __FILE__, __LINE__)
#define EXPECT_NE(unexpected, actual)                                                          \
    ktest_check_ne((uint64_t)(unexpected), (uint64_t)(actual), #actual, __FILE__, __LINE__)
#define EXPECT_TRUE(cond) ktest_check_true((cond), #cond, __FILE__, __LINE__)
#define EXPECT_STREQ(expected, actual)                                                         \
    ktest_check_str((expected), (actual), #actual, __FILE__, __LINE__)
#define EXPECT_PTR_EQ(expected, actual)                                                        \
    ktest_check_ptr((const void *)(expected), (const void *)(actual), #actual, __FILE__, __LINE__)
#define ASSERT_EQ(expected, actual)                                                            \
    do {                                                                                       \
        if (!EXPECT_EQ(expected, actual))                                                      \
            return;                                                                            \
    } while (0)
#define ASSERT_NE(unexpected, actual)                                                          \
    do {                                                                                       \
        if (!EXPECT_NE(unexpected, actual))                                                    \
            return;                                                                            \
    } while (0)
#define ASSERT_TRUE(cond)                                                                      \
    do {                                                                                       \
        if (!EXPECT_TRUE(cond))                                                                \
            return;                                                                            \
    } while (0)
#define ASSERT_PTR_EQ(expected, actual)                                                        \
    do {                                                                                       \
        if (!EXPECT_PTR_EQ(expected, actual))                                                  \
            return;                                                                            \
    } while (0)
#define ASSERT_STREQ(expected, actual)                                                         \
    do {                                                                                       \
        if (!EXPECT_STREQ(expected, actual))                                                   \
            return;                                                                            \
    } while (0)

/* Run every registered kernel test, printing "ok N name" / "not ok N name". */
void ktest_run_all(void);
/* Record a result produced elsewhere (a user test program), numbered in sequence. */
void ktest_record(const char *name, bool passed);
/* The verdicts so far (the user test runner continues the count). */
void ktest_counts(int *passed, int *failed);
/* Print "N passed, N failed" as the last line and end QEMU with pass or fail. */
__noreturn void ktest_finish(void);

#endif
