/*
 * cw.h - the host unit tests' view of the cowos user library. The library
 * files are compiled for the host and every symbol renamed cw_NAME
 * (objcopy --prefix-symbols), so they link beside glibc without clashing;
 * this header declares the renamed functions, and the CHECK helpers.
 */
#ifndef TESTS_USER_HOST_CW_H
#define TESTS_USER_HOST_CW_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cw_file CW_FILE; /* the library's FILE, opaque here */

/* errno is thread-local in the library: reached through its function. */
int *cw___errno_location(void);
#define cw_errno (*cw___errno_location())
extern CW_FILE *cw_stdin, *cw_stdout, *cw_stderr;

int cw_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int cw_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int cw_sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cw_fprintf(CW_FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cw_dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cw_puts(const char *s);
int cw_fputs(const char *s, CW_FILE *f);
int cw_putchar(int c);
int cw_fflush(CW_FILE *f);
int cw_setvbuf(CW_FILE *f, char *buf, int mode, size_t size);
int cw_getchar(void);
char *cw_fgets(char *s, int n, CW_FILE *f);
int cw_feof(CW_FILE *f);
int cw_ferror(CW_FILE *f);
void cw_clearerr(CW_FILE *f);
void cw_perror(const char *s);
size_t cw_fwrite(const void *p, size_t size, size_t n, CW_FILE *f);

long cw_strtol(const char *s, char **end, int base);
long long cw_strtoll(const char *s, char **end, int base);
unsigned long cw_strtoul(const char *s, char **end, int base);
unsigned long long cw_strtoull(const char *s, char **end, int base);
int cw_atoi(const char *s);
void cw_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *cw_bsearch(const void *key, const void *base, size_t n, size_t size,
                 int (*cmp)(const void *, const void *));

void *cw_memset(void *d, int c, size_t n);
void *cw_memcpy(void *d, const void *s, size_t n);
void *cw_memmove(void *d, const void *s, size_t n);
int cw_memcmp(const void *a, const void *b, size_t n);
void *cw_memchr(const void *s, int c, size_t n);
size_t cw_strlen(const char *s);
size_t cw_strnlen(const char *s, size_t max);
int cw_strcmp(const char *a, const char *b);
int cw_strncmp(const char *a, const char *b, size_t n);
char *cw_strcpy(char *d, const char *s);
char *cw_strncpy(char *d, const char *s, size_t n);
char *cw_strcat(char *d, const char *s);
char *cw_strncat(char *d, const char *s, size_t n);
char *cw_strchr(const char *s, int c);
char *cw_strrchr(const char *s, int c);
char *cw_strstr(const char *h, const char *n);
size_t cw_strspn(const char *s, const char *set);
size_t cw_strcspn(const char *s, const char *set);
char *cw_strdup(const char *s);
char *cw_strerror(int err);

int cw_isalnum(int c), cw_isalpha(int c), cw_isblank(int c), cw_iscntrl(int c), cw_isdigit(int c),
    cw_isgraph(int c), cw_islower(int c), cw_isprint(int c), cw_ispunct(int c), cw_isspace(int c),
    cw_isupper(int c), cw_isxdigit(int c), cw_tolower(int c), cw_toupper(int c);

void *cw_malloc(size_t n);
void cw_free(void *p);
void *cw_calloc(size_t n, size_t size);
void *cw_realloc(void *p, size_t n);
int cw_cowos_heap_check(void);

/* ---- the fakes the library calls instead of system calls (host_test.c) ---- */

/* The fake program break: [arena_base, fake_brk) is the heap. */
extern char *fake_brk, *arena_base, *arena_limit;
void *cw_sbrk(long incr);
/* Output captured per descriptor (1 and 2), and how many writes produced it. */
struct capture {
    char data[1 << 16];
    size_t len;
    int writes;
};
extern struct capture captured[3];
extern int fail_writes;   /* nonzero: writes fail with EPIPE */
extern int events[64];    /* 'r' for a read, 'w' for a write, in order */
extern int nevents;
void capture_reset(void);
/* Script the answers of read(): each chunk is returned by one call; then 0. */
void script_reads(const char *const *chunks);
/* abort() longjmps here when armed, so invalid frees can be tested. */
extern int abort_armed, abort_calls;
extern jmp_buf abort_jump;

/* ---- checking ---- */

extern long checks, failures;
void check_failed(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond))                                                                               \
            check_failed(__FILE__, __LINE__, __VA_ARGS__);                                         \
    } while (0)

/* A small deterministic generator, so failures reproduce. */
uint64_t rnd(void);

void test_printf(void);
void test_strtol(void);
void test_string(void);
void test_ctype(void);
void test_qsort(void);
void test_malloc(void);
void test_stdio(void);

#endif
