/*
 * unistd.h - cowos user library: processes, descriptors, the program break,
 * sleeping and system configuration. Each call is a thin wrapper over one
 * system call (see kernel/sysnum.h): it returns -1 with errno set when the
 * kernel reports an error, as on Linux.
 */
#ifndef _COWOS_UNISTD_H
#define _COWOS_UNISTD_H

#include <sys/types.h>

#ifndef NULL
#define NULL ((void *)0)
#endif

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

/* The POSIX edition the library's interfaces follow (POSIX.1-2008), as
 * glibc says; where cowos leaves something out, the README says so. */
#define _POSIX_VERSION 200809L
/* POSIX threads are in the C library (<pthread.h>); no cancellation. */
#define _POSIX_THREADS 200809L
#define _POSIX_THREAD_ATTR_STACKSIZE 200809L
#define _POSIX_THREAD_ATTR_STACKADDR 200809L
#define _POSIX_THREAD_SAFE_FUNCTIONS 200809L
#define _POSIX_SPIN_LOCKS 200809L
#define _POSIX_BARRIERS 200809L
#define _POSIX_READER_WRITER_LOCKS 200809L
#define _POSIX_SEMAPHORES 200809L
#define _POSIX_TIMEOUTS 200809L

/* sysconf() names, with Linux's values. */
#define _SC_CHILD_MAX 1
#define _SC_CLK_TCK 2
#define _SC_OPEN_MAX 4
#define _SC_PAGESIZE 30
#define _SC_PAGE_SIZE _SC_PAGESIZE
#define _SC_NPROCESSORS_CONF 83 /* the CPUs there are: those online, on cowos */
#define _SC_NPROCESSORS_ONLN 84
#define _SC_PHYS_PAGES 85
#define _SC_AVPHYS_PAGES 86

/* Always the empty environment on cowos. */
extern char **environ;

/*
 * Create a child that is a copy of the caller (its memory shared
 * copy-on-write). Returns the child's pid in the parent and 0 in the child,
 * or -1 with errno EAGAIN (no process slot) or ENOMEM.
 */
pid_t fork(void);
/* The child borrows this process's memory (no copy at all) and must only
 * call execv or _exit; this process sleeps until it has. */
/* The calling thread's id (the process id for the first thread). */
pid_t gettid(void);
/* System call number (SYS_* from <sys/syscall.h>) with up to six long
 * arguments: -1 with errno set when the kernel reports an error, as glibc. */
long syscall(long number, ...);
pid_t vfork(void);
/* End the process at once with status & 0xff; stdio is not flushed. */
_Noreturn void _exit(int status);
pid_t getpid(void);
/* The parent's pid (1 once the parent has exited: orphans go to init). */
pid_t getppid(void);

/* Read up to n bytes; returns the count, 0 at end of file, or -1. A read
 * from the console returns at most one line. */
ssize_t read(int fd, void *buf, size_t n);
/* Write up to n bytes; returns the count or -1 (EPIPE when no reader). */
ssize_t write(int fd, const void *buf, size_t n);
int close(int fd);
/* fds[0] becomes the read end, fds[1] the write end. 0 or -1. */
int pipe(int fds[2]);
/* pipe() with flags: O_CLOEXEC (both descriptors), O_NONBLOCK (both ends);
 * any other flag is EINVAL. */
int pipe2(int fds[2], int flags);
/* Copy fd to the lowest free descriptor / onto newfd (closed first). The
 * copy's FD_CLOEXEC is clear. */
int dup(int fd);
int dup2(int fd, int newfd);
/* dup2 with flags (0 or O_CLOEXEC); EINVAL when fd == newfd or for any
 * other flag. */
int dup3(int fd, int newfd, int flags);
/* Move fd's position; returns the new offset or -1 (ESPIPE on a pipe).
 * Past the end is allowed: a write there leaves a hole that reads as zeros. */
off_t lseek(int fd, off_t offset, int whence);
/* read/write at offset, leaving fd's position alone (ESPIPE on a pipe). */
ssize_t pread(int fd, void *buf, size_t n, off_t offset);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset);

/* Files by name (Linux's calls and errors; user/lib/file.c). */
int unlink(const char *path);
int rmdir(const char *path);
int link(const char *oldpath, const char *newpath);
int symlink(const char *target, const char *linkpath);
/* The target of a symbolic link, NOT NUL-terminated: its length, or -1. */
ssize_t readlink(const char *path, char *buf, size_t size);
int truncate(const char *path, off_t length);
int ftruncate(int fd, off_t length);
int chdir(const char *path);
int fchdir(int fd);
/* The working directory's absolute path in buf; buf, or NULL with ERANGE
 * when size is too small. */
char *getcwd(char *buf, size_t size);
/* Memory is the disk: succeeds on any open file, does nothing. */
int fsync(int fd);
int fdatasync(int fd);
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4
/* Every process has root's powers: F_OK, R_OK and W_OK hold for any
 * existing file (but /proc is not writable), X_OK needs an x bit. */
int access(const char *path, int mode);
/* flags: 0 or AT_EACCESS (the same thing here: one user). */
int faccessat(int dirfd, const char *path, int mode, int flags);
/* flags: 0, or AT_REMOVEDIR (rmdir). */
int unlinkat(int dirfd, const char *path, int flags);
ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size);

/*
 * Replace the program with the one at path (an initrd file such as
 * "/bin/sh") and argument vector argv (NULL-terminated). Returns only on
 * failure: -1 with errno ENOENT, ENOEXEC, E2BIG, EFAULT or ENOMEM.
 * execve ignores envp (cowos has no environment). execvp and execlp take a
 * name without '/' as "/bin/NAME". The execl forms take the arguments as a
 * NULL-terminated list.
 */
int execv(const char *path, char *const argv[]);
int execve(const char *path, char *const argv[], char *const envp[]);
int execvp(const char *file, char *const argv[]);
int execl(const char *path, const char *arg0, ...);
int execlp(const char *file, const char *arg0, ...);

/*
 * Move the program break (end of the heap) to addr / by incr bytes.
 * brk returns 0 or -1 (ENOMEM); sbrk returns the old break, or (void *)-1
 * with ENOMEM. A negative incr gives memory back.
 */
int brk(void *addr);
void *sbrk(long incr);

/* Sleep; sleep returns 0 (seconds left, if interrupted), usleep 0 or -1. */
unsigned int sleep(unsigned int seconds);
int usleep(useconds_t usec);
/* Let another runnable process run; returns 0. */
int sched_yield(void);

/* Start a new session led by the caller: returns its id (the caller's pid)
 * or -1 (EPERM when the caller already leads a process group). */
pid_t setsid(void);
/* The session id of pid (0: the caller), or -1 (ESRCH). */
pid_t getsid(pid_t pid);
/* Put pid (0: the caller) in process group pgid (0: pgid = pid), as Linux:
 * EINVAL (pgid < 0), ESRCH (not the caller or its child), EPERM (another
 * session, a session leader, or no such group in the session), EACCES (a
 * child that has called exec). */
int setpgid(pid_t pid, pid_t pgid);
/* The process group of pid (0: the caller), or -1 (ESRCH); getpgrp() is getpgid(0). */
pid_t getpgid(pid_t pid);
pid_t getpgrp(void);
/* The foreground process group of the terminal fd, or -1 (EBADF, ENOTTY:
 * not a terminal, or not the caller's controlling terminal). */
pid_t tcgetpgrp(int fd);
/* Make pgrp the foreground group of fd: EBADF, ENOTTY, EINVAL (pgrp < 0),
 * EPERM (no such group in the caller's session); a background caller gets
 * SIGTTOU unless it blocks or ignores it. */
int tcsetpgrp(int fd, pid_t pgrp);
/* 1 if fd is a terminal (the console), else 0 with errno EBADF or ENOTTY. */
int isatty(int fd);
/* "/dev/console" for the console, else NULL (errno EBADF, ENOTTY). */
char *ttyname(int fd);
/* Request SIGALRM in seconds (0 cancels): the seconds left of the previous alarm. */
unsigned int alarm(unsigned int seconds);
/* Wait for a signal that runs a handler: always -1 with errno EINTR. */
int pause(void);
/* A system value by _SC_ name, or -1 with errno EINVAL for an unknown name. */
long sysconf(int name);

#endif
