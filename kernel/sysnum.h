/*
 * sysnum.h - the system-call interface, shared by the kernel and the user
 * library (user/lib/syscall.h). Nothing here is kernel-only.
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
#define SYS_exit 2        /* (int status) -> does not return: ends the calling thread (the
                             process with its last thread); the C library's _exit is SYS_exit_group */
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
#define SYS_open 19       /* (path, flags, mode) -> fd */
#define SYS_getdents 20   /* (fd, struct cowos_dirent *buf, count) -> entries, 0 at end */
#define SYS_lseek 21      /* (fd, offset, whence) */
#define SYS_getsid 22     /* (pid) */
#define SYS_uptime_ms 23  /* () -> milliseconds since boot */
#define SYS_poweroff 24   /* (int status) -> ends the machine; pid 1 only, EPERM for others */
#define SYS_memstat 25    /* (struct cowos_memstat *buf) -> 0; the kernel's memory and COW counters,
                             read before buf is written: a COW fault on buf itself shows in the
                             next reading (write to buf once first when measuring) */
#define SYS_cowtrace 26   /* (int on: 1 on, 0 off, -1 query) -> the previous setting */
#define SYS_vmmap 27      /* (pid (0 = self), struct cowos_vmentry *buf, max) -> pages mapped (may exceed max) */
#define SYS_pipe2 28      /* (int fds[2], flags: O_CLOEXEC | O_NONBLOCK) */
#define SYS_dup3 29       /* (oldfd, newfd, flags: 0 or O_CLOEXEC) */
#define SYS_fcntl 30      /* (fd, cmd, arg) */
#define SYS_mmap 32       /* (addr, len, prot, flags, fd, offset) -> address */
#define SYS_munmap 33     /* (addr, len) */
#define SYS_mprotect 34   /* (addr, len, prot) */
#define SYS_madvise 35    /* (addr, len, advice) */
#define SYS_msync 36      /* (addr, len, flags) */
#define SYS_vmareas 37    /* (pid (0 = self), struct cowos_vmarea *buf, max) -> areas (may exceed max) */
#define SYS_mlockall 38   /* (flags) */
#define SYS_munlockall 39 /* () */
#define SYS_rt_sigaction 40   /* (sig, const struct cowos_sigaction *act, struct cowos_sigaction *old, 8) */
#define SYS_rt_sigprocmask 41 /* (how, const sigset *set, sigset *old, 8) */
#define SYS_rt_sigpending 42  /* (sigset *set, 8) */
#define SYS_rt_sigsuspend 43  /* (const sigset *mask, 8) -> -1/EINTR after a handler ran */
#define SYS_rt_sigreturn 44   /* () from a handler's restorer: restores the frame at rsp - 8 */
#define SYS_pause 45          /* () -> -1/EINTR after a handler ran */
#define SYS_alarm 46          /* (seconds) -> seconds left of the previous alarm */
#define SYS_setpgid 47        /* (pid, pgid) */
#define SYS_getpgid 48        /* (pid) */
#define SYS_ioctl 49          /* (fd, cmd, arg): the console's TCGETS, TIOCGPGRP, TIOCSPGRP, TIOCSCTTY */
#define SYS_waitid 50         /* (idtype, id, siginfo *info, options) */
#define SYS_restart_syscall 51 /* () the kernel's own: an interrupted nanosleep continuing */
#define SYS_getrlimit 52      /* (resource, struct cowos_rlimit *) Linux's RLIMIT_* numbers */
#define SYS_setrlimit 53      /* (resource, const struct cowos_rlimit *) */
#define SYS_rt_sigtimedwait 54 /* (const sigset *set, siginfo *info, const struct timespec *timeout, 8) -> signal */
#define SYS_vfork 96      /* () -> child pid in the parent (after the child execs or exits), 0 in the child */
/* 97, 104-111: threads (proc/thread.c, proc/futex.c), Linux's semantics. */
#define SYS_clone 97      /* (flags, newsp, int *parent_tid, int *child_tid, tls) -> child tid / 0 */
#define SYS_exit_group 104 /* (int status) -> does not return: every thread ends */
#define SYS_gettid 105    /* () */
#define SYS_set_tid_address 106 /* (int *tidptr) -> tid */
#define SYS_futex 107     /* (int *uaddr, op, val, const struct timespec *timeout, int *uaddr2, val3) */
#define SYS_arch_prctl 108 /* (code, addr): ARCH_SET_FS 0x1002, ARCH_GET_FS 0x1003 */
#define SYS_tkill 109     /* (tid, sig) */
#define SYS_tgkill 110    /* (tgid, tid, sig) */
#define SYS_getcpu 111    /* (unsigned *cpu, unsigned *node, void *unused) */
/* Numbers being added (one block per subsystem, so parallel work never
 * collides): 28-31 descriptors (pipe2, dup3, fcntl), 32-39 memory areas
 * (mmap, munmap, mprotect, madvise, msync), 40-63 signals, process groups and resource limits,
 * 64-95 files, 96-103 process creation (vfork, clone), 104-111 threads (exit_group,
 * gettid, set_tid_address, futex, arch_prctl, tkill, tgkill, getcpu); 112-127 free. */
/* 64-95: the file system (kernel/fs/fscalls.c), Linux's calls of these names. */
#define SYS_pread64 64    /* (fd, buf, n, offset) */
#define SYS_pwrite64 65   /* (fd, buf, n, offset) */
#define SYS_ftruncate 66  /* (fd, length) */
#define SYS_truncate 67   /* (path, length) */
#define SYS_unlink 68     /* (path) */
#define SYS_rename 69     /* (oldpath, newpath) */
#define SYS_link 70       /* (oldpath, newpath) */
#define SYS_symlink 71    /* (target, linkpath) */
#define SYS_readlink 72   /* (path, buf, size) -> bytes, not NUL-terminated */
#define SYS_mkdir 73      /* (path, mode) */
#define SYS_rmdir 74      /* (path) */
#define SYS_stat 75       /* (path, struct cowos_stat *) */
#define SYS_fstat 76      /* (fd, struct cowos_stat *) */
#define SYS_lstat 77      /* (path, struct cowos_stat *) */
#define SYS_getdents64 78 /* (fd, buf, count) -> bytes of struct linux_dirent64 records */
#define SYS_chdir 79      /* (path) */
#define SYS_fchdir 80     /* (fd) */
#define SYS_getcwd 81     /* (buf, size) -> length with the NUL */
#define SYS_fsync 82      /* (fd) */
#define SYS_umask 83      /* (mask) -> the previous mask */
#define SYS_access 84     /* (path, mode) */
#define SYS_statfs 85     /* (path, struct cowos_statfs *) */
/* The *at calls: a relative path starts at directory descriptor dirfd, or
 * the working directory for COWOS_AT_FDCWD (an absolute path ignores it). */
#define SYS_fchmodat 86   /* (dirfd, path, mode) */
#define SYS_fchmod 87     /* (fd, mode) */
#define SYS_utimensat 88  /* (dirfd, path (NULL: dirfd itself), const struct timespec t[2], flags) */
#define SYS_openat 89     /* (dirfd, path, flags, mode) -> fd */
#define SYS_newfstatat 90 /* (dirfd, path, struct cowos_stat *, flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH) */
#define SYS_mkdirat 91    /* (dirfd, path, mode) */
#define SYS_unlinkat 92   /* (dirfd, path, flags: 0 or AT_REMOVEDIR) */
#define SYS_renameat 93   /* (olddirfd, oldpath, newdirfd, newpath) */
#define SYS_readlinkat 94 /* (dirfd, path, buf, size) */
#define SYS_faccessat 95  /* (dirfd, path, mode) */
#define COWOS_AT_FDCWD (-100)
#define COWOS_AT_SYMLINK_NOFOLLOW 0x100
#define COWOS_AT_REMOVEDIR 0x200
#define COWOS_AT_EMPTY_PATH 0x1000
#define COWOS_UTIME_NOW ((1L << 30) - 1)
#define COWOS_UTIME_OMIT ((1L << 30) - 2)
#define SYS_COUNT 128 /* size of the dispatch table; unused numbers are -ENOSYS */

/* sysconf names: Linux's values, so programs built for Linux agree. */
#define COWOS_SC_CHILD_MAX 1
#define COWOS_SC_CLK_TCK 2
#define COWOS_SC_OPEN_MAX 4
#define COWOS_SC_PAGESIZE 30
#define COWOS_SC_NPROCESSORS_ONLN 84
#define COWOS_SC_PHYS_PAGES 85
#define COWOS_SC_AVPHYS_PAGES 86

/* mmap, mprotect, madvise and msync arguments: Linux's values. */
#define COWOS_PROT_NONE 0x0
#define COWOS_PROT_READ 0x1
#define COWOS_PROT_WRITE 0x2
#define COWOS_PROT_EXEC 0x4
#define COWOS_MAP_SHARED 0x01
#define COWOS_MAP_PRIVATE 0x02
#define COWOS_MAP_SHARED_VALIDATE 0x03
#define COWOS_MAP_FIXED 0x10
#define COWOS_MAP_ANONYMOUS 0x20
#define COWOS_MAP_DENYWRITE 0x0800
#define COWOS_MAP_EXECUTABLE 0x1000
#define COWOS_MAP_LOCKED 0x2000
#define COWOS_MAP_NORESERVE 0x4000
#define COWOS_MAP_POPULATE 0x8000
#define COWOS_MAP_NONBLOCK 0x10000
#define COWOS_MAP_STACK 0x20000
#define COWOS_MAP_FIXED_NOREPLACE 0x100000
#define COWOS_MADV_NORMAL 0
#define COWOS_MADV_RANDOM 1
#define COWOS_MADV_SEQUENTIAL 2
#define COWOS_MADV_WILLNEED 3
#define COWOS_MADV_DONTNEED 4
#define COWOS_MADV_FREE 8
#define COWOS_MADV_DONTFORK 10
#define COWOS_MADV_DOFORK 11
#define COWOS_MADV_WIPEONFORK 18
#define COWOS_MADV_KEEPONFORK 19
#define COWOS_MADV_COLD 20
#define COWOS_MADV_POPULATE_READ 22
#define COWOS_MADV_POPULATE_WRITE 23
#define COWOS_MS_ASYNC 1
#define COWOS_MS_INVALIDATE 2
#define COWOS_MS_SYNC 4
#define COWOS_MCL_CURRENT 1
#define COWOS_MCL_FUTURE 2
#define COWOS_MCL_ONFAULT 4

/* stat, fstat, lstat: Linux's x86-64 struct stat, field for field. */
struct cowos_stat {
    unsigned long st_dev;
    unsigned long st_ino;
    unsigned long st_nlink;
    unsigned int st_mode;
    unsigned int st_uid;
    unsigned int st_gid;
    int pad0_;
    unsigned long st_rdev;
    long st_size;
    long st_blksize;
    long st_blocks; /* 512-byte units */
    unsigned long st_atime, st_atime_nsec;
    unsigned long st_mtime, st_mtime_nsec;
    unsigned long st_ctime, st_ctime_nsec;
    long unused_[3];
};

/* statfs: Linux's x86-64 struct statfs. */
struct cowos_statfs {
    long f_type, f_bsize;
    unsigned long f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int f_fsid[2];
    long f_namelen, f_frsize, f_flags;
    long f_spare[4];
};

/* One directory entry returned by SYS_getdents (the older call; names are
 * cut to 55 bytes: use SYS_getdents64). */
struct cowos_dirent {
    unsigned long size; /* file size in bytes */
    char name[56];      /* NUL-terminated name within the directory */
};

/* The kernel's memory counters (SYS_memstat). Counts since boot unless noted. */
struct cowos_memstat {
    unsigned long frames_total;    /* frames of RAM the allocator manages */
    unsigned long frames_free;     /* free right now */
    unsigned long pt_pages;        /* page-table pages in use right now, all address spaces */
    unsigned long forks;           /* successful forks */
    unsigned long fork_pages_shared; /* pages a copy-on-write fork shared instead of copying */
    unsigned long fork_pages_copied; /* data pages an eager (fork=copy) fork copied */
    unsigned long fork_pt_pages;   /* page-table pages forks allocated for children */
    unsigned long cow_faults;      /* write faults on copy-on-write pages */
    unsigned long cow_copies;      /* ... that copied the page to a new frame */
    unsigned long cow_reuses;      /* ... that found the last sharer and just made it writable */
    unsigned long fork_mode_copy;  /* 1 when booted with fork=copy */
    unsigned long cow_fault_cycles; /* TSC cycles in the page-fault handler for COW faults
                                       (from the handler's entry to its return) */
    unsigned long cow_copy_cycles;  /* ... of which copying the 4 KiB pages */
    /* Memory areas (mmap, the zero page, the page cache): */
    unsigned long zero_page_maps;   /* reads of untouched private memory that mapped the zero frame */
    unsigned long demand_zero_faults; /* first writes to private memory: a fresh zeroed frame, no copy */
    unsigned long file_faults;      /* faults that mapped a page of a file (program or mmap) */
    unsigned long pagecache_pages;  /* frames holding file pages right now */
    unsigned long pagecache_hits;   /* file pages found in memory (shared with another mapper) */
    unsigned long pagecache_fills;  /* file pages read in from the initrd */
    unsigned long shared_anon_pages; /* frames of MAP_SHARED anonymous memory right now */
    unsigned long shared_faults;    /* faults in MAP_SHARED areas */
    unsigned long fork_pages_shared_mapping; /* pages fork gave the child as MAP_SHARED: no COW, no copy */
    unsigned long areas;            /* memory areas in all processes right now */
    /* Shared page tables (fork=cow): */
    unsigned long fork_mode_page;   /* 1 when booted with fork=page (per-page COW, no table sharing) */
    unsigned long fork_tables_shared; /* last-level tables forks shared whole */
    unsigned long fork_pages_deferred; /* references fork did not take for pages in those tables
                                          (not in fork_pages_shared), taken when a table is copied */
    unsigned long tables_copied;    /* shared tables copied on a write (or munmap, mprotect, ...) */
    unsigned long tables_reused;    /* ... where the last sharer just took it back, no copy */
    /* Several CPUs (kernel/klock.c, proc/sched.c, mm/tlb.c): each CPU counts
     * its own, the kernel sums them on read. */
    unsigned long cpus;             /* CPUs online (running processes) */
    unsigned long sched_switches;   /* switches to a process, all CPUs */
    unsigned long sched_migrations; /* ... to one that last ran on another CPU */
    unsigned long tlb_shootdowns;   /* shootdowns: translations another CPU had to drop (IPI, then wait) */
    unsigned long tlb_ipis;         /* shootdown IPIs sent */
    unsigned long tlb_pages_flushed; /* pages other CPUs invalidated for shootdowns (invlpg) */
    unsigned long tlb_full_flushes; /* whole-TLB flushes other CPUs did for shootdowns */
    unsigned long tlb_wait_cycles;  /* TSC cycles initiators waited for the acknowledgments */
    unsigned long tlb_kernel_flushes; /* a CPU catching up with kernel mappings removed (no IPI) */
    unsigned long klock_acquisitions; /* the big kernel lock taken */
    unsigned long klock_contended;  /* ... after spinning for it */
    unsigned long klock_spin_cycles; /* TSC cycles spent spinning for it */
    unsigned long cow_fault_retries; /* faults another CPU had resolved first (stale TLB entry): retried */
};

/* A resource limit (SYS_getrlimit, SYS_setrlimit): Linux's struct rlimit. */
struct cowos_rlimit {
    unsigned long cur, max; /* soft and hard; ~0UL is RLIM_INFINITY */
};
#define COWOS_RLIMIT_NLIMITS 16 /* RLIMIT_CPU (0) .. RLIMIT_RTTIME (15), Linux's numbers */

/* One memory area (SYS_vmareas), as a line of Linux's /proc/PID/maps plus
 * the page counts of its smaps. */
struct cowos_vmarea {
    unsigned long start, end;   /* [start, end) */
    unsigned long prot;         /* COWOS_PROT_* */
    unsigned long flags;        /* COWOS_VMA_* */
    unsigned long offset;       /* in the file (0 for anonymous memory) */
    unsigned long resident;     /* pages mapped now */
    unsigned long shared;       /* ... whose frame someone else also holds (refcount > 1) */
    unsigned long private_;     /* ... whose frame is this mapping's alone */
    unsigned long cow;          /* ... marked copy-on-write */
    unsigned long zero;         /* ... that are the shared zero frame */
    char name[128];             /* a file's path, "[heap]", "[stack]", "[bss]", "[shared]" or "" */
};
#define COWOS_VMA_SHARED 0x10     /* MAP_SHARED */
#define COWOS_VMA_GROWSDOWN 0x20  /* the stack */
#define COWOS_VMA_DONTFORK 0x40   /* MADV_DONTFORK */
#define COWOS_VMA_WIPEONFORK 0x80 /* MADV_WIPEONFORK */
#define COWOS_VMA_FILE 0x1000     /* backed by a file */

/* One mapped user page (SYS_vmmap). */
struct cowos_vmentry {
    unsigned long va;       /* page address */
    unsigned long frame;    /* physical address of the frame */
    unsigned long flags;    /* the PTE's flag bits (see COWOS_PTE_*) */
    unsigned long refcount; /* the frame's reference count */
};

/* PTE flag bits as SYS_vmmap reports them (the hardware's, plus COW on bit 9). */
#define COWOS_PTE_P 0x1UL
#define COWOS_PTE_W 0x2UL
#define COWOS_PTE_U 0x4UL
#define COWOS_PTE_A 0x20UL
#define COWOS_PTE_D 0x40UL
#define COWOS_PTE_COW 0x200UL
#define COWOS_PTE_NX (1UL << 63)

#endif
