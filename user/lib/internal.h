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

/*
 * The library's own lock (pthread_lock.c): a futex word, recursive for the
 * thread that holds it (so a signal handler that prints while its thread
 * is inside printf does not deadlock, as before threads). A zeroed one is
 * free. fork() takes every such lock before it and frees them after it, in
 * both processes, so the child never inherits one held by a vanished thread.
 */
struct __cowos_lock {
    volatile int word; /* 0 free, 1 held, 2 held with sleepers */
    int count;         /* times the owner holds it */
    void *owner;       /* the owner's TCB */
};
void __cowos_lock(struct __cowos_lock *l);
void __cowos_unlock(struct __cowos_lock *l);
/* Take l if it is free or the caller's already: 1; held by another: 0. */
int __cowos_trylock(struct __cowos_lock *l);

/* 1 once the process has made a second thread (pthread.c); until then the
 * library takes no lock at all, so a single-threaded program writes no
 * lock word (its fork()s copy exactly the pages they did before threads). */
extern int __cowos_threaded;
/* __cowos_lock(l) if the process has threads: 1, else 0 (nothing done). */
int __cowos_lock_mt(struct __cowos_lock *l);
/* __cowos_unlock(l) if locked (what __cowos_lock_mt returned) says so. */
void __cowos_unlock_mt(struct __cowos_lock *l, int locked);

/* fork() calls this instead of the bare system call when set (pthread.c
 * sets it at the first pthread_atfork or pthread_create). */
#include <sys/types.h>
extern pid_t (*__cowos_fork_hook)(void);

/* The lock of stream f (stdio.c), for printf.c's vfprintf. */
struct __cowos_file;
struct __cowos_lock *__cowos_file_lock(struct __cowos_file *f);

/* fork's helpers for the locks of malloc.c and stdio.c: take them all
 * (before fork), give them back (parent and child after it). */
void __cowos_malloc_fork_lock(void);
void __cowos_malloc_fork_unlock(void);
void __cowos_stdio_fork_lock(void);
void __cowos_stdio_fork_unlock(void);

#endif
