/*
 * syscall.c - the system-call table: number -> handler, arguments from the
 * trapframe (rdi, rsi, rdx, r10, r8, r9), result into tf->rax.
 * Handlers return >= 0 or -errno; an unknown number is -ENOSYS.
 * Also the small handlers that belong to no subsystem (sysconf, poweroff).
 */
#include "kernel/syscall.h"
#include "kernel/klock.h"
#include "kernel/smp.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/file.h"
#include "kernel/fs/fscalls.h"
#include "kernel/printk.h"
#include "kernel/qemu.h"
#include "kernel/sysnum.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "mm/cow.h"
#include "mm/memlayout.h"
#include "mm/mmap.h"
#include "mm/pmm.h"
#include "mm/vmmap.h"
#include "proc/brk.h"
#include "proc/exec.h"
#include "proc/fork.h"
#include "proc/proc.h"
#include "proc/rlimit.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/futex.h"
#include "proc/thread.h"
#include "kernel/tty.h"

typedef long (*syscall_fn)(const struct trapframe *tf);

/* Adapters from the trapframe to each handler's own parameter list. */
#define ARGS0(f)                                                                               \
    static long call_##f(const struct trapframe *tf)                                           \
    {                                                                                          \
        (void)tf;                                                                              \
        return f();                                                                            \
    }
#define ARGS1(f)                                                                               \
    static long call_##f(const struct trapframe *tf) { return f((long)tf->rdi); }
#define ARGS2(f)                                                                               \
    static long call_##f(const struct trapframe *tf) { return f((long)tf->rdi, (long)tf->rsi); }
#define ARGS3(f)                                                                               \
    static long call_##f(const struct trapframe *tf)                                           \
    {                                                                                          \
        return f((long)tf->rdi, (long)tf->rsi, (long)tf->rdx);                                 \
    }

#define ARGS4(f)                                                                               \
    static long call_##f(const struct trapframe *tf)                                           \
    {                                                                                          \
        return f((long)tf->rdi, (long)tf->rsi, (long)tf->rdx, (long)tf->r10);                  \
    }

#define ARGS6(f)                                                                               \
    static long call_##f(const struct trapframe *tf)                                           \
    {                                                                                          \
        return f((long)tf->rdi, (long)tf->rsi, (long)tf->rdx, (long)tf->r10, (long)tf->r8,    \
                 (long)tf->r9);                                                                \
    }

ARGS0(sys_fork)
ARGS0(sys_vfork)
ARGS1(sys_exit)
ARGS3(sys_wait4)
ARGS0(sys_getpid)
ARGS0(sys_getppid)
ARGS3(sys_read)
ARGS3(sys_write)
ARGS1(sys_close)
ARGS1(sys_pipe)
ARGS1(sys_dup)
ARGS2(sys_dup2)
ARGS2(sys_execv)
ARGS1(sys_brk)
ARGS2(sys_kill)
ARGS2(sys_nanosleep)
ARGS0(sys_sched_yield)
ARGS0(sys_setsid)
ARGS1(sys_sysconf)
ARGS3(sys_open)
ARGS3(sys_getdents)
ARGS3(sys_lseek)
ARGS1(sys_getsid)
ARGS0(sys_uptime_ms)
ARGS1(sys_poweroff)
ARGS1(sys_memstat)
ARGS1(sys_cowtrace)
ARGS3(sys_vmmap)
ARGS2(sys_pipe2)
ARGS3(sys_dup3)
ARGS3(sys_fcntl)
#define ARGS5(f)                                                                               \
    static long call_##f(const struct trapframe *tf)                                           \
    {                                                                                          \
        return f((long)tf->rdi, (long)tf->rsi, (long)tf->rdx, (long)tf->r10, (long)tf->r8);    \
    }
ARGS5(sys_clone)
ARGS1(sys_exit_group)
ARGS0(sys_gettid)
ARGS1(sys_set_tid_address)
ARGS6(sys_futex)
ARGS2(sys_arch_prctl)
ARGS2(sys_tkill)
ARGS3(sys_tgkill)
ARGS3(sys_getcpu)
ARGS6(sys_mmap)
ARGS2(sys_munmap)
ARGS3(sys_mprotect)
ARGS3(sys_madvise)
ARGS3(sys_msync)
ARGS3(sys_vmareas)
ARGS1(sys_mlockall)
ARGS0(sys_munlockall)
#define ARGS4(f)                                                                               \
    static long call_##f(const struct trapframe *tf)                                           \
    {                                                                                          \
        return f((long)tf->rdi, (long)tf->rsi, (long)tf->rdx, (long)tf->r10);                  \
    }
ARGS4(sys_rt_sigaction)
ARGS4(sys_rt_sigprocmask)
ARGS2(sys_rt_sigpending)
ARGS2(sys_rt_sigsuspend)
ARGS0(sys_rt_sigreturn)
ARGS0(sys_pause)
ARGS1(sys_alarm)
ARGS2(sys_setpgid)
ARGS1(sys_getpgid)
ARGS3(sys_ioctl)
ARGS4(sys_waitid)
ARGS0(sys_restart_syscall)
ARGS2(sys_getrlimit)
ARGS2(sys_setrlimit)
ARGS4(sys_rt_sigtimedwait)
ARGS4(sys_pread64)
ARGS4(sys_pwrite64)
ARGS2(sys_ftruncate)
ARGS2(sys_truncate)
ARGS1(sys_unlink)
ARGS2(sys_rename)
ARGS2(sys_link)
ARGS2(sys_symlink)
ARGS3(sys_readlink)
ARGS2(sys_mkdir)
ARGS1(sys_rmdir)
ARGS2(sys_stat)
ARGS2(sys_fstat)
ARGS2(sys_lstat)
ARGS3(sys_getdents64)
ARGS1(sys_chdir)
ARGS1(sys_fchdir)
ARGS2(sys_getcwd)
ARGS1(sys_fsync)
ARGS1(sys_umask)
ARGS2(sys_access)
ARGS2(sys_statfs)
ARGS3(sys_fchmodat)
ARGS2(sys_fchmod)
ARGS4(sys_utimensat)
ARGS4(sys_openat)
ARGS4(sys_newfstatat)
ARGS3(sys_mkdirat)
ARGS3(sys_unlinkat)
ARGS4(sys_renameat)
ARGS4(sys_readlinkat)
ARGS3(sys_faccessat)

static const syscall_fn table[SYS_COUNT] = {
    [SYS_fork] = call_sys_fork,
    [SYS_vfork] = call_sys_vfork,
    [SYS_clone] = call_sys_clone,
    [SYS_exit_group] = call_sys_exit_group,
    [SYS_gettid] = call_sys_gettid,
    [SYS_set_tid_address] = call_sys_set_tid_address,
    [SYS_futex] = call_sys_futex,
    [SYS_arch_prctl] = call_sys_arch_prctl,
    [SYS_tkill] = call_sys_tkill,
    [SYS_tgkill] = call_sys_tgkill,
    [SYS_getcpu] = call_sys_getcpu,
    [SYS_exit] = call_sys_exit,
    [SYS_wait4] = call_sys_wait4,
    [SYS_getpid] = call_sys_getpid,
    [SYS_getppid] = call_sys_getppid,
    [SYS_read] = call_sys_read,
    [SYS_write] = call_sys_write,
    [SYS_close] = call_sys_close,
    [SYS_pipe] = call_sys_pipe,
    [SYS_dup] = call_sys_dup,
    [SYS_dup2] = call_sys_dup2,
    [SYS_execv] = call_sys_execv,
    [SYS_brk] = call_sys_brk,
    [SYS_kill] = call_sys_kill,
    [SYS_nanosleep] = call_sys_nanosleep,
    [SYS_sched_yield] = call_sys_sched_yield,
    [SYS_setsid] = call_sys_setsid,
    [SYS_sysconf] = call_sys_sysconf,
    [SYS_open] = call_sys_open,
    [SYS_getdents] = call_sys_getdents,
    [SYS_lseek] = call_sys_lseek,
    [SYS_getsid] = call_sys_getsid,
    [SYS_uptime_ms] = call_sys_uptime_ms,
    [SYS_poweroff] = call_sys_poweroff,
    [SYS_memstat] = call_sys_memstat,
    [SYS_cowtrace] = call_sys_cowtrace,
    [SYS_vmmap] = call_sys_vmmap,
    [SYS_pipe2] = call_sys_pipe2,
    [SYS_dup3] = call_sys_dup3,
    [SYS_fcntl] = call_sys_fcntl,
    [SYS_mmap] = call_sys_mmap,
    [SYS_munmap] = call_sys_munmap,
    [SYS_mprotect] = call_sys_mprotect,
    [SYS_madvise] = call_sys_madvise,
    [SYS_msync] = call_sys_msync,
    [SYS_vmareas] = call_sys_vmareas,
    [SYS_mlockall] = call_sys_mlockall,
    [SYS_munlockall] = call_sys_munlockall,
    [SYS_rt_sigaction] = call_sys_rt_sigaction,
    [SYS_rt_sigprocmask] = call_sys_rt_sigprocmask,
    [SYS_rt_sigpending] = call_sys_rt_sigpending,
    [SYS_rt_sigsuspend] = call_sys_rt_sigsuspend,
    [SYS_rt_sigreturn] = call_sys_rt_sigreturn,
    [SYS_pause] = call_sys_pause,
    [SYS_alarm] = call_sys_alarm,
    [SYS_setpgid] = call_sys_setpgid,
    [SYS_getpgid] = call_sys_getpgid,
    [SYS_ioctl] = call_sys_ioctl,
    [SYS_waitid] = call_sys_waitid,
    [SYS_restart_syscall] = call_sys_restart_syscall,
    [SYS_getrlimit] = call_sys_getrlimit,
    [SYS_setrlimit] = call_sys_setrlimit,
    [SYS_rt_sigtimedwait] = call_sys_rt_sigtimedwait,
    [SYS_pread64] = call_sys_pread64,
    [SYS_pwrite64] = call_sys_pwrite64,
    [SYS_ftruncate] = call_sys_ftruncate,
    [SYS_truncate] = call_sys_truncate,
    [SYS_unlink] = call_sys_unlink,
    [SYS_rename] = call_sys_rename,
    [SYS_link] = call_sys_link,
    [SYS_symlink] = call_sys_symlink,
    [SYS_readlink] = call_sys_readlink,
    [SYS_mkdir] = call_sys_mkdir,
    [SYS_rmdir] = call_sys_rmdir,
    [SYS_stat] = call_sys_stat,
    [SYS_fstat] = call_sys_fstat,
    [SYS_lstat] = call_sys_lstat,
    [SYS_getdents64] = call_sys_getdents64,
    [SYS_chdir] = call_sys_chdir,
    [SYS_fchdir] = call_sys_fchdir,
    [SYS_getcwd] = call_sys_getcwd,
    [SYS_fsync] = call_sys_fsync,
    [SYS_umask] = call_sys_umask,
    [SYS_access] = call_sys_access,
    [SYS_statfs] = call_sys_statfs,
    [SYS_fchmodat] = call_sys_fchmodat,
    [SYS_fchmod] = call_sys_fchmod,
    [SYS_utimensat] = call_sys_utimensat,
    [SYS_openat] = call_sys_openat,
    [SYS_newfstatat] = call_sys_newfstatat,
    [SYS_mkdirat] = call_sys_mkdirat,
    [SYS_unlinkat] = call_sys_unlinkat,
    [SYS_renameat] = call_sys_renameat,
    [SYS_readlinkat] = call_sys_readlinkat,
    [SYS_faccessat] = call_sys_faccessat,
};

void syscall_init(void) { cpu_init(); }

void syscall_dispatch(struct trapframe *tf)
{
    klock_acquire(); /* trap_return lets it go */
    uint64_t n = tf->rax;
    long r = (n < SYS_COUNT && table[n]) ? table[n](tf) : -ENOSYS;
    tf->rax = (uint64_t)r;
    /* A handler may interrupt the call and restart it; never sigreturn,
     * whose "result" is the restored rax. */
    signal_deliver(tf, n == SYS_rt_sigreturn || n >= SYS_COUNT ? -1 : (long)n);
}

long sys_sysconf(long name)
{
    switch (name) {
    case COWOS_SC_PAGESIZE:
        return (long)PAGE_SIZE;
    case COWOS_SC_PHYS_PAGES:
        return (long)pmm_total_count();
    case COWOS_SC_AVPHYS_PAGES:
        return (long)pmm_free_count();
    case COWOS_SC_CLK_TCK:
        return TIMER_HZ;
    case COWOS_SC_NPROCESSORS_ONLN:
        return smp_cpu_count();
    case COWOS_SC_OPEN_MAX: /* as glibc: the soft resource limits */
        return rlimit_nofile(proc_current());
    case COWOS_SC_CHILD_MAX:
        return rlimit_nproc(proc_current());
    default:
        return -EINVAL;
    }
}

long sys_poweroff(long status)
{
    /* Only init: the console shell asks init (user/bin/init.c), so no other
     * process, orphans adopted by init included, can end the machine. */
    if (proc_current()->pid != 1)
        return -EPERM;
    printk("poweroff: requested by pid %d (%s), status %ld\n", proc_current()->pid,
           proc_current()->name, status);
    qemu_exit(status == 0 ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
}
