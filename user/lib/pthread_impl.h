/*
 * pthread_impl.h - what the pthread files of the user library share
 * (private header): the thread control block, the futex and clone calls,
 * the thread list. Programs never see these names.
 *
 * Every thread's FS base points at its struct pthread (the TCB); the x86-64
 * TLS ABI wants the TCB's first word to point at itself (%fs:0) and static
 * TLS to sit just below it (variant II), see pthread_tls.c.
 */
#ifndef USER_LIB_PTHREAD_IMPL_H
#define USER_LIB_PTHREAD_IMPL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "user/lib/internal.h"
#include "user/lib/syscall.h"

/* The kernel's numbers (kernel/sysnum.h has them once the kernel side is in). */
#ifndef SYS_clone
#define SYS_clone 97
#endif
#ifndef SYS_exit_group
#define SYS_exit_group 104
#endif
#ifndef SYS_gettid
#define SYS_gettid 105
#endif
#ifndef SYS_set_tid_address
#define SYS_set_tid_address 106
#endif
#ifndef SYS_futex
#define SYS_futex 107
#endif
#ifndef SYS_arch_prctl
#define SYS_arch_prctl 108
#endif
#ifndef SYS_tkill
#define SYS_tkill 109
#endif
#ifndef SYS_tgkill
#define SYS_tgkill 110
#endif
#ifndef SYS_getcpu
#define SYS_getcpu 111
#endif

#define PT_ARCH_SET_FS 0x1002
#define PT_FUTEX_WAIT 0
#define PT_FUTEX_WAKE 1
#define PT_FUTEX_PRIVATE 128

/* detach states of a thread (struct pthread.detach) */
#define DT_JOINABLE 0
#define DT_DETACHED 1 /* nobody will join: it frees itself */
#define DT_EXITED 2   /* ended, joinable: the joiner frees it */

struct pt_keyval {
    unsigned seq; /* the key's generation when the value was set */
    void *value;
};

struct pthread {
    struct pthread *self;  /* %fs:0: the thread pointer, as the ABI wants */
    void *dtv;             /* (dynamic TLS: none here) */
    struct pthread *self2;
    void *unused[2];
    uintptr_t canary;      /* %fs:0x28: -fstack-protector's guard, as glibc */
    volatile int tid;      /* set by clone; 0 once the thread is gone (CLEARTID) */
    int detach;            /* DT_*, changed atomically */
    int joining;           /* 1 once a joiner claimed it */
    int main;              /* the process's first thread (no mapping of its own) */
    void *(*start)(void *);
    void *arg;
    void *result;
    void *map;             /* the mapping holding stack, TLS and this TCB, or NULL */
    size_t map_len;
    struct pthread *next, *prev; /* the thread list (pt_list_lock) */
    struct pt_keyval *keys;      /* PTHREAD_KEYS_MAX values, or NULL */
    struct __cowos_cleanup *cleanup;
};
_Static_assert(offsetof(struct pthread, canary) == 0x28, "the stack protector reads %fs:0x28");

/* The calling thread's TCB. */
static inline struct pthread *pt_self(void)
{
    struct pthread *p;
    __asm__("mov %%fs:0, %0" : "=r"(p));
    return p;
}

/* The caller's tid (from its TCB once the process has threads). */
int pt_tid(void);

/* futex(2): wait while *addr == val (rel: relative timeout or NULL); the
 * raw answer: 0, -EAGAIN, -ETIMEDOUT, -EINTR. wake: up to n sleepers. */
static inline long pt_futex_wait(volatile void *addr, int val, const struct timespec *rel, int shared)
{
    return syscall4(SYS_futex, (long)addr, PT_FUTEX_WAIT | (shared ? 0 : PT_FUTEX_PRIVATE), val,
                    (long)rel);
}
static inline long pt_futex_wake(volatile void *addr, int n, int shared)
{
    return syscall3(SYS_futex, (long)addr, PT_FUTEX_WAKE | (shared ? 0 : PT_FUTEX_PRIVATE), n);
}

/*
 * The time left from now until abstime on clock clk, in *rel: 0, ETIMEDOUT
 * (already past) or EINVAL (tv_nsec outside [0, 1e9)).
 */
int pt_reltime(clockid_t clk, const struct timespec *abstime, struct timespec *rel);

/* Plain futex mutex for the library's own use (non-recursive): 0/1/2. */
void pt_word_lock(volatile int *w);
void pt_word_unlock(volatile int *w);

/* ---- thread memory (pthread_tls.c) ---- */
/* The main thread's TCB and static TLS, in main_block (PT_MAIN_BLOCK bytes
 * that live as long as the process: start.c's frame), FS pointed at it;
 * called first thing by start.c. */
#define PT_MAIN_BLOCK 464
void pt_tls_init(char *main_block);
#define PT_TLS_ALIGN 64
size_t pt_round_up(size_t n, size_t a);
/* Bytes the static TLS block takes below a TCB. */
size_t pt_tls_size(void);
/* Fill the TLS block that ends at tcb_at from the template; a zeroed TCB
 * pointing at itself there. */
struct pthread *pt_tls_setup(char *tcb_at);

/* ---- the thread list and fork (pthread.c) ---- */
extern int __cowos_threaded; /* set once a second thread was created */
/* Key destructors for the exiting thread (pthread_key.c). */
void pt_keys_run_destructors(struct pthread *self);
/* Ends the calling thread, unmapping map_len bytes at map first if map (clone.S). */
_Noreturn void __cowos_unmap_exit(void *map, size_t len);
/* Raw clone for threads: the child runs fn(arg) on stack, then exits (clone.S). */
long __cowos_clone(unsigned long flags, void *stack, int *ptid, int *ctid, void *tls,
                   int (*fn)(void *), void *arg);

#endif
