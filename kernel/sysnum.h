/*
 * sysnum.h - the system-call interface, shared by the kernel and the user
 * library (user/lib/syscall.S). Nothing here is kernel-only.
 *
 * Calling convention (the x86-64 `syscall` instruction, as on Linux):
 *   rax = system-call number; arguments in rdi, rsi, rdx, r10, r8, r9;
 *   the result comes back in rax: >= 0 on success, -errno on failure
 *   (the user library turns that into -1 with errno set).
 *   rcx and r11 are clobbered (the CPU saves rip and rflags in them);
 *   every other register is preserved.
 */
#ifndef KERNEL_SYSNUM_H
#define KERNEL_SYSNUM_H

#define SYS_fork 1        /* () -> child pid in parent, 0 in child */
#define SYS_exit 2        /* (int status) -> does not return */
#define SYS_wait4 3       /* (pid, int *status, options) -> pid, or 0 with WNOHANG */
#define SYS_getpid 4      /* () */
#define SYS_getppid 5     /* () */
#define SYS_read 6        /* (fd, buf, n) */
#define SYS_write 7       /* (fd, buf, n) */
#define SYS_close 8       /* (fd) */
#define SYS_pipe 9        /* (int fds[2]) */
#define SYS_dup 10        /* (fd) */
#define SYS_dup2 11       /* (oldfd, newfd) */
#define SYS_execv 12      /* (path, argv) -> does not return on success */
#define SYS_brk 13        /* (addr) -> the new break (the old one if addr is 0 or refused) */
#define SYS_kill 14       /* (pid, sig) */
#define SYS_nanosleep 15  /* (const struct timespec *req, struct timespec *rem) */
#define SYS_sched_yield 16
#define SYS_setsid 17     /* () -> new session id */
#define SYS_sysconf 18    /* (name) -> value */
#define SYS_open 19       /* (path, flags) -> fd; files of the initrd, read-only */
#define SYS_getdents 20   /* (fd, struct cowos_dirent *buf, count) -> entries, 0 at end */
#define SYS_lseek 21      /* (fd, offset, whence) */
#define SYS_getsid 22     /* (pid) */
#define SYS_uptime_ms 23  /* () -> milliseconds since boot */
#define SYS_poweroff 24   /* (int status) -> ends the machine; only pid 1 or a session leader of init */
#define SYS_COUNT 25

/* sysconf names: Linux's values, so programs built for Linux agree. */
#define COWOS_SC_CLK_TCK 2
#define COWOS_SC_PAGESIZE 30
#define COWOS_SC_NPROCESSORS_ONLN 84
#define COWOS_SC_PHYS_PAGES 85
#define COWOS_SC_AVPHYS_PAGES 86

/* One directory entry returned by SYS_getdents. */
struct cowos_dirent {
    unsigned long size; /* file size in bytes */
    char name[56];      /* NUL-terminated name within the directory */
};

#endif
