/*
 * internal.h - what the user library's files share with each other and
 * nothing else (private header; programs never see these names).
 */
#ifndef USER_LIB_INTERNAL_H
#define USER_LIB_INTERNAL_H

/* The program's name (basename of argv[0]) for messages; "?" before main. */
extern const char *__cowos_progname;

/* Write all n bytes of p to fd, retrying short writes. 0, or -1 (errno). */
int __cowos_write_all(int fd, const void *p, unsigned long n);

#endif
