/*
 * assert.c - the failure path of assert(): one line on stderr, then abort().
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include "user/lib/internal.h"

_Noreturn void __cowos_assert_fail(const char *expr, const char *file, int line,
                                   const char *func)
{
    fprintf(stderr, "%s: %s:%d: %s: Assertion `%s' failed.\n", __cowos_progname, file, line,
            func, expr);
    abort();
}
