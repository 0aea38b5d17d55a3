/*
 * ktest.c - the runner behind tests/ktest.h.
 * Owns the pass/fail tallies and the numbering of results. Runs the tests of
 * the .ktests section one at a time on the boot CPU, file by file in link
 * order and in source order within a file. A test fails when a check in it
 * fails or when the free-frame count after it differs from the count before
 * it. The summary line is always the last thing printed.
 */
#include "tests/ktest.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/qemu.h"
#include "kernel/string.h"
#include "mm/pmm.h"
#include "tests/seal.h"

/* Placed by linker.ld around every KTEST descriptor. */
extern const struct ktest __ktests_start[], __ktests_end[];

static int passed, failed;  /* results so far, kernel and recorded */
static int next_number = 1; /* the N of the next "ok N name" line */
static bool current_failed; /* a check failed in the test now running */

/* Values this big are easier to read in hex too (addresses, masks, sizes). */
static bool worth_hex(uint64_t v, bool is_signed)
{
    int64_t s = (int64_t)v;
    if (is_signed)
        return s > 0xffff || s < -0xffff;
    return v > 0xffff;
}

/* Print v in decimal, as signed or unsigned, then in hex when it is large. */
static void print_value(uint64_t v, bool is_signed)
{
    if (is_signed)
        printk("%ld", (int64_t)v);
    else
        printk("%lu", v);
    if (worth_hex(v, is_signed))
        printk(" (0x%lx)", v);
}

/* Print s quoted, with control and non-ASCII bytes escaped, or (null). */
static void print_quoted(const char *s)
{
    if (!s) {
        printk("(null)");
        return;
    }
    printk("\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n')
            printk("\\n");
        else if (c == '\r')
            printk("\\r");
        else if (c == '\t')
            printk("\\t");
        else if (c == '"' || c == '\\')
            printk("\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            printk("\\x%02x", c);
        else
            printk("%c", c);
    }
    printk("\"");
}

static void print_where(const char *expr, const char *file, int line)
{
    printk(": %s (%s:%d)\n", expr, file, line);
}

/*
 * The checks behind EXPECT_* and ASSERT_*: each returns whether it held, and
 * when it did not, marks the running test failed and prints one "# expected
 * X, got Y: expr (file:line)" line.
 */
bool ktest_check_eq(uint64_t expected, uint64_t actual, bool is_signed, const char *expr,
                    const char *file, int line)
{
    if (expected == actual)
        return true;
    current_failed = true;
    printk("# expected ");
    print_value(expected, is_signed);
    printk(", got ");
    print_value(actual, is_signed);
    print_where(expr, file, line);
    return false;
}

bool ktest_check_ne(uint64_t unexpected, uint64_t actual, const char *expr, const char *file,
                    int line)
{
    if (unexpected != actual)
        return true;
    current_failed = true;
    /* A huge unsigned value with the top bit set is far likelier a negative errno. */
    bool as_signed = (int64_t)actual < 0;
    printk("# expected not ");
    print_value(actual, as_signed);
    printk(", got ");
    print_value(actual, as_signed);
    print_where(expr, file, line);
    return false;
}

bool ktest_check_true(bool cond, const char *expr, const char *file, int line)
{
    if (cond)
        return true;
    current_failed = true;
    printk("# expected true, got false");
    print_where(expr, file, line);
    return false;
}

bool ktest_check_ptr(const void *expected, const void *actual, const char *expr, const char *file,
                     int line)
{
    if (expected == actual)
        return true;
    current_failed = true;
    printk("# expected %p, got %p", expected, actual);
    print_where(expr, file, line);
    return false;
}

bool ktest_check_str(const char *expected, const char *actual, const char *expr, const char *file,
                     int line)
{
    if (expected && actual && strcmp(expected, actual) == 0)
        return true;
    if (!expected && !actual)
        return true;
    current_failed = true;
    printk("# expected ");
    print_quoted(expected);
    printk(", got ");
    print_quoted(actual);
    print_where(expr, file, line);
    return false;
}

/* Count a result and print its line. */
static void report(const char *name, bool ok)
{
    if (ok)
        passed++;
    else
        failed++;
    printk("%s %d %s\n", ok ? "ok" : "not ok", next_number++, name);
    seal_record(name, ok);
}

/* Run one test with the leak check around it; returns whether it passed. */
static bool run_one(const struct ktest *t)
{
    current_failed = false;
    uint64_t free_before = pmm_free_count();
    t->fn();
    uint64_t free_after = pmm_free_count();
    if (free_after < free_before) {
        printk("# leaked %lu frames (%s:%d)\n", free_before - free_after, t->file, t->line);
        current_failed = true;
    } else if (free_after > free_before) {
        printk("# freed %lu frames too many (%s:%d)\n", free_after - free_before, t->file,
               t->line);
        current_failed = true;
    }
    return !current_failed;
}

/* Does the test's name start with the prefix from "ktest=PREFIX" (if any)? */
static bool selected(const struct ktest *t, const char *prefix)
{
    return strncmp(t->name, prefix, strlen(prefix)) == 0;
}

#define KTEST_MAX 1024
static const struct ktest *order[KTEST_MAX];

/*
 * Fill order[] with the tests, file by file as linked, each file's tests by
 * line. (Compilers are free to emit one file's descriptors in any order; GCC
 * reverses them.) One object file's descriptors are contiguous in .ktests.
 * Returns how many there are; past KTEST_MAX the rest are left out, loudly.
 */
static int sort_tests(void)
{
    int n = 0;
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        if (n == KTEST_MAX) {
            printk("# ktest: more than %d tests; raise KTEST_MAX in %s\n", KTEST_MAX, __FILE__);
            break;
        }
        /* Insertion sort, moving only past earlier tests of the same file. */
        int i = n++;
        while (i > 0 && order[i - 1]->line > t->line &&
               strcmp(order[i - 1]->file, t->file) == 0) {
            order[i] = order[i - 1];
            i--;
        }
        order[i] = t;
    }
    return n;
}

/*
 * Run every KTEST (file by file in link order, each file's in source order),
 * or with "ktest=PREFIX" on the kernel command line only those whose names
 * start with PREFIX. Prints one result line per test; the tallies wait for
 * ktest_finish.
 */
void ktest_run_all(void)
{
    char prefix[64] = "";
    cmdline_value("ktest", prefix, sizeof(prefix));

    int total = sort_tests(), chosen = 0;
    for (int i = 0; i < total; i++)
        chosen += selected(order[i], prefix);
    if (prefix[0])
        printk("ktest: running %d of %d kernel tests (names starting with \"%s\")\n", chosen,
               total, prefix);
    else
        printk("ktest: running %d kernel tests\n", total);

    for (int i = 0; i < total; i++)
        if (selected(order[i], prefix))
            report(order[i]->name, run_one(order[i]));
}

/* Count a verdict reached outside the KTEST functions (a user test program). */
void ktest_record(const char *name, bool ok) { report(name, ok); }

void ktest_counts(int *npassed, int *nfailed)
{
    *npassed = passed;
    *nfailed = failed;
}

/* Print the summary as the final line and leave QEMU: status 1 if all passed, else 3. */
void ktest_finish(void)
{
    seal_finish(); /* no user program runs any more */
    printk("%d passed, %d failed\n", passed, failed);
    qemu_exit(failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
}
