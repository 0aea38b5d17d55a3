/*
 * stdio.h - cowos user library: buffered output and input on the three
 * standard streams. stdout is line-buffered, stderr unbuffered, stdin
 * buffered; all output is flushed by exit(). There is no fopen(): cowos
 * programs talk to descriptors they inherit (the console, pipes).
 * A stream is used either for reading or for writing, not both.
 */
#ifndef _COWOS_STDIO_H
#define _COWOS_STDIO_H

#include <stdarg.h>
#include <sys/types.h>

#ifndef NULL
#define NULL ((void *)0)
#endif

typedef struct __cowos_file FILE;

extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;
#define stdin stdin
#define stdout stdout
#define stderr stderr

#define EOF (-1)
#define BUFSIZ 1024
#define _IOFBF 0 /* fully buffered */
#define _IOLBF 1 /* line buffered: flushed at each '\n' */
#define _IONBF 2 /* unbuffered */
#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

#define __cowos_printf_like(f, a) __attribute__((format(printf, f, a)))

/*
 * Formatted output. Conversions: d i u o x X c s p n % and f F e E g G,
 * with flags - + space 0 #, width and precision (also '*'), and the length
 * modifiers hh h l ll j z t L. Return the number of characters produced,
 * or -1 (errno set) when the stream failed.
 */
int printf(const char *fmt, ...) __cowos_printf_like(1, 2);
int fprintf(FILE *f, const char *fmt, ...) __cowos_printf_like(2, 3);
int vprintf(const char *fmt, va_list ap) __cowos_printf_like(1, 0);
int vfprintf(FILE *f, const char *fmt, va_list ap) __cowos_printf_like(2, 0);
/* Write straight to descriptor fd, bypassing stdio buffers. */
int dprintf(int fd, const char *fmt, ...) __cowos_printf_like(2, 3);
int vdprintf(int fd, const char *fmt, va_list ap) __cowos_printf_like(2, 0);

/*
 * Format into buf, writing at most size bytes including the final NUL
 * (nothing when size is 0). Return the length the full result would have,
 * so a return >= size means the output was truncated.
 */
int snprintf(char *buf, size_t size, const char *fmt, ...) __cowos_printf_like(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __cowos_printf_like(3, 0);
/* As snprintf with no limit: buf must be large enough. */
int sprintf(char *buf, const char *fmt, ...) __cowos_printf_like(2, 3);
int vsprintf(char *buf, const char *fmt, va_list ap) __cowos_printf_like(2, 0);

/* Character and string output: return the character / a non-negative
 * number, or EOF when the stream failed. puts() appends a newline. */
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *s, FILE *f);
int puts(const char *s);
/* Write n items of size bytes; returns the number of whole items written. */
size_t fwrite(const void *p, size_t size, size_t n, FILE *f);

/* Input: the next byte as unsigned char, or EOF at end of file or error. */
int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
/*
 * Read up to n-1 bytes into s, stopping after a newline (kept); NUL-terminate.
 * Returns s, or NULL when nothing was read before end of file or an error.
 */
char *fgets(char *s, int n, FILE *f);

/* Write out f's buffered output (every stream when f is NULL). 0 or EOF. */
int fflush(FILE *f);
/*
 * Choose f's buffering: mode _IOFBF, _IOLBF or _IONBF; buf (size bytes) is
 * used as the buffer when not NULL, else the stream's own. Pending output is
 * flushed first. Returns 0, or nonzero for a bad mode.
 */
int setvbuf(FILE *f, char *buf, int mode, size_t size);
/* setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ). */
void setbuf(FILE *f, char *buf);

int feof(FILE *f);   /* nonzero once a read hit end of file */
int ferror(FILE *f); /* nonzero once a read or write failed */
void clearerr(FILE *f);
int fileno(FILE *f); /* the descriptor under f */
/*
 * Threads: every call above locks its stream for its whole length (two
 * printf calls never mix). flockfile holds a stream across several calls
 * (recursive: the holder's own calls go through); ftrylockfile returns 0
 * when it took the lock, nonzero when another thread holds it. The
 * _unlocked calls skip the lock, for use between flockfile and funlockfile.
 */
void flockfile(FILE *f);
int ftrylockfile(FILE *f);
void funlockfile(FILE *f);
int getc_unlocked(FILE *f);
int getchar_unlocked(void);
int putc_unlocked(int c, FILE *f);
int putchar_unlocked(int c);
int fgetc_unlocked(FILE *f);
int fputc_unlocked(int c, FILE *f);
int fputs_unlocked(const char *s, FILE *f);
char *fgets_unlocked(char *s, int n, FILE *f);
size_t fwrite_unlocked(const void *p, size_t size, size_t n, FILE *f);
void clearerr_unlocked(FILE *f);

/* Rename a file (atomic; replaces newpath). remove: unlink, or rmdir for a
 * directory. 0 or -1 with errno. */
int rename(const char *oldpath, const char *newpath);
int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
int remove(const char *path);

/* Print "s: <strerror(errno)>" (or just the message when s is NULL or
 * empty) and a newline on stderr. */
void perror(const char *s);

#endif
