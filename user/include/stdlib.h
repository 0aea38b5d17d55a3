/*
 * stdlib.h - cowos user library: process exit, the heap, number parsing,
 * sorting and pseudo-random numbers. There is no environment: getenv()
 * always returns NULL.
 */
#ifndef _COWOS_STDLIB_H
#define _COWOS_STDLIB_H

#ifndef __COWOS_SIZE_T
#define __COWOS_SIZE_T
typedef __SIZE_TYPE__ size_t;
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 2147483647

/* Run atexit() handlers (last registered first), flush stdio, end the
 * process with status & 0xff. */
_Noreturn void exit(int status);
/* End the process at once: no handlers, no flushing. */
_Noreturn void _Exit(int status);
/* Register fn to run at exit(); 0, or -1 when the table (32) is full. */
int atexit(void (*fn)(void));
/* End the process with SIGABRT (kill(getpid(), SIGABRT)); no flushing. */
_Noreturn void abort(void);

/*
 * The heap, grown and shrunk with sbrk(). Blocks are 16-byte aligned.
 * malloc(0) returns a unique pointer. Failure returns NULL with errno ENOMEM
 * (calloc also when n * size overflows). realloc(NULL, n) is malloc(n),
 * realloc(p, 0) frees p and returns NULL, and a failed realloc leaves p
 * untouched. free(NULL) does nothing; freeing anything else that is not a
 * live block aborts with a message.
 */
void *malloc(size_t size);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);

/*
 * Parse an integer in base 2..36 (0: 0x.. hex, 0.. octal, else decimal)
 * after optional white space and sign. *end (when end is not NULL) points
 * past the last digit used, or at s when there was none. Out of range:
 * the type's limit and errno ERANGE. Bad base: 0 and errno EINVAL.
 * The unsigned forms accept a '-' and negate, as C requires.
 */
long strtol(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
/* Decimal strtol without error reporting. */
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);

int abs(int x);
long labs(long x);
long long llabs(long long x);

/* Sort n items of size bytes with cmp (negative, 0, positive); not stable. */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* Find key in the sorted array base; a matching item or NULL. */
void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *));

/* Pseudo-random numbers in [0, RAND_MAX]; srand(seed) restarts the
 * sequence (the default seed is 1). Not the same sequence as glibc's. */
int rand(void);
/* As rand(), with the state in *seed (POSIX; for threads that want their own). */
int rand_r(unsigned int *seed);
void srand(unsigned int seed);

/* cowos has no environment variables: always NULL. */
char *getenv(const char *name);

#endif
