/*
 * assert.h - cowos user library: assert(). Deliberately without an include
 * guard: each inclusion re-reads NDEBUG, as C requires.
 */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
/* Print "prog: file:line: func: Assertion `expr' failed." and abort(). */
_Noreturn void __cowos_assert_fail(const char *expr, const char *file, int line,
                                   const char *func);
#define assert(e) ((e) ? (void)0 : __cowos_assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#ifndef __cplusplus
#undef static_assert
#define static_assert _Static_assert
#endif
