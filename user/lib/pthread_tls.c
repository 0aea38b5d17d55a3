/*
 * pthread_tls.c - thread-local storage and the thread control block.
 * The program's PT_TLS segment (user/user.ld: .tdata then .tbss, bounds
 * __tdata_start, __tdata_end, __tbss_end) is the template of every
 * thread's static TLS block. x86-64 variant II, local-exec: the block ends
 * where the TCB (struct pthread) begins, and %fs:0 holds the TCB's own
 * address; the compiler reaches a variable at a fixed negative offset from
 * it, the offset the linker computed as the variable's place in the
 * segment minus round_up(memsz, p_align). p_align is at least TLS_ALIGN
 * (anchor below) and must not exceed it.
 * The main thread's block and TCB live in the start code's stack frame
 * (start.c hands us MAIN_BLOCK bytes that stay for the life of the
 * process), when the template fits: a program that never makes a thread
 * maps nothing more, and errno shares the stack's top page, which every
 * process writes anyway (a fork's first write there is the copy that the
 * stack needs in any case, never one more). Other threads get theirs at
 * the top of their stack mapping.
 * No lock: the main block is set up before anything else runs, and each
 * new thread's memory belongs to its creator until clone.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include "user/lib/pthread_impl.h"

#define TLS_ALIGN PT_TLS_ALIGN
#define MAIN_TLS_MAX 256 /* bytes of static TLS start.c's block holds */
#define PAGE 4096

extern char __tdata_start[] __attribute__((visibility("hidden")));
extern char __tdata_end[] __attribute__((visibility("hidden")));
extern char __tbss_end[] __attribute__((visibility("hidden")));

/* Makes the segment's alignment TLS_ALIGN however small the program's own
 * TLS is, so the offsets the linker computed agree with ours. */
static _Thread_local char tls_anchor __attribute__((aligned(TLS_ALIGN), used));


size_t pt_round_up(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }
#define round_up pt_round_up

size_t pt_tls_size(void) { return round_up((size_t)(__tbss_end - __tdata_start), TLS_ALIGN); }

struct pthread *pt_tls_setup(char *tcb_at)
{
    char *block = tcb_at - pt_tls_size();
    size_t init = (size_t)(__tdata_end - __tdata_start);
    memcpy(block, __tdata_start, init);
    memset(block + init, 0, (size_t)(tcb_at - block) - init);
    struct pthread *t = (struct pthread *)tcb_at;
    memset(t, 0, sizeof(*t));
    t->self = t->self2 = t;
    return t;
}

_Static_assert(PT_MAIN_BLOCK >= MAIN_TLS_MAX + sizeof(struct pthread) + TLS_ALIGN,
               "start.c's block holds the TLS, the TCB and the alignment");

void pt_tls_init(char *main_block)
{
    uintptr_t at = ((uintptr_t)main_block + PT_MAIN_BLOCK - sizeof(struct pthread)) &
                   ~(uintptr_t)(TLS_ALIGN - 1);
    char *tcb_at = (char *)at;
    if (pt_tls_size() > MAIN_TLS_MAX) { /* a program with much TLS: a mapping of its own */
        size_t len = round_up(pt_tls_size() + sizeof(struct pthread), PAGE);
        long m = syscall6(SYS_mmap, 0, (long)len, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); /* (errno needs FS) */
        if (m < 0)
            syscall1(SYS_exit_group, 127);
        tcb_at = (char *)m + pt_tls_size();
    }
    struct pthread *t = pt_tls_setup(tcb_at);
    t->main = 1;
    t->canary = (uintptr_t)t * 0x9e3779b97f4a7c15ULL;
    if (syscall2(SYS_arch_prctl, PT_ARCH_SET_FS, (long)t) < 0)
        syscall1(SYS_exit_group, 127); /* without FS nothing (errno) works */
}
