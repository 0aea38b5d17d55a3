/*
 * sigframe_test.c - the signal frame seen from the handler's side (the
 * signals lab, docs/labs/signals.md): what a handler receives (its signal,
 * a siginfo, a ucontext, a stack 16-byte aligned as a call leaves it and
 * below the interrupted code's 128-byte red zone, the restorer as its
 * return address, its own signal and sa_mask blocked); that every general
 * register, xmm1, the direction flag and the mask come back when it
 * returns; nested handlers; and that sigreturn refuses what a handler could
 * forge in its frame (a kernel code selector, a non-canonical rip or rsp:
 * SIGSEGV, as on Linux) or cleans it (IOPL, NT and a cleared IF in rflags,
 * SIGKILL/SIGSTOP in the mask). Each check runs in a child of its own, so
 * a kernel that cannot deliver (the lab's stub kills with SIGSEGV) fails
 * each one with its own line.
 */
#define _GNU_SOURCE /* glibc: REG_RIP and friends (the host check) */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include "utest.h"

#ifdef __cowos__
#define NR_RT_SIGRETURN 44
#else
#define NR_RT_SIGRETURN 15
#endif
#define USER_TOP 0x0000800000000000UL
#define RFLAGS_IF 0x200UL
#define RFLAGS_DF 0x400UL
#define RFLAGS_IOPL 0x3000UL
#define RFLAGS_NT 0x4000UL

static void expect(long want, long got, const char *what)
{
    if (want == got)
        return;
    printf("# %s: expected %ld (%#lx), got %ld (%#lx)\n", what, want, (unsigned long)want, got,
           (unsigned long)got);
    utest_failures++;
}

static void expect_true(int cond, const char *what)
{
    if (cond)
        return;
    printf("# not so: %s\n", what);
    utest_failures++;
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int also_blocked)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (also_blocked)
        sigaddset(&sa.sa_mask, also_blocked);
    EXPECT_EQ(0, sigaction(sig, &sa, NULL));
}

static int report_fd = -1; /* a handler writes one byte here: "I ran" */

static void handler_ran(void)
{
    char h = 'h';
    if (write(report_fd, &h, 1) != 1)
        _exit(100);
}

/*
 * Run check in a child. want_sig 0: the child must exit 0 (its own
 * messages say what failed). want_sig N: its handler must have run and the
 * child must then die of signal N (a refused sigreturn).
 */
static void in_child(const char *name, void (*check)(void), int want_sig)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        close(fds[0]);
        report_fd = fds[1];
        utest_failures = 0; /* the child's own failures only */
        check();
        fflush(stdout);
        _exit(utest_failures ? 1 : 0);
    }
    close(fds[1]);
    int st = 0;
    EXPECT_EQ(c, waitpid(c, &st, 0));
    char buf[8];
    long ran = read(fds[0], buf, sizeof(buf));
    close(fds[0]);
    if (want_sig == 0) {
        if (WIFSIGNALED(st)) {
            printf("# %s: killed by signal %d (%s), %s; see the kernel's line above\n", name,
                   WTERMSIG(st), strsignal(WTERMSIG(st)),
                   ran > 0 ? "after its handler ran" : "and its handler never ran");
            utest_failures++;
        } else if (WEXITSTATUS(st) != 0) {
            printf("# %s: failed (exit status %d; the lines above)\n", name, WEXITSTATUS(st));
            utest_failures++;
        }
        return;
    }
    if (ran <= 0) {
        printf("# %s: the handler never ran (status %#x): no frame was built\n", name, st);
        utest_failures++;
    } else if (!WIFSIGNALED(st) || WTERMSIG(st) != want_sig) {
        printf("# %s: after the handler forged its frame, expected death by signal %d (%s), "
               "got status %#x%s\n", name, want_sig, strsignal(want_sig), st,
               WIFEXITED(st) ? " (it went on: sigreturn accepted the forgery)" : "");
        utest_failures++;
    }
}

/* ---- 1. what a handler receives ---- */

/* The handler's first instruction records rsp, then runs the C part with
 * the stack and return address untouched. */
uint64_t sigframe_entry_rsp;
void sigframe_on_usr1(int, siginfo_t *, void *);
__asm__(".text\n"
        ".globl sigframe_on_usr1\n"
        "sigframe_on_usr1:\n"
        "    mov %rsp, sigframe_entry_rsp(%rip)\n"
        "    jmp on_usr1_c\n");

static struct {
    int sig, signo, code, pid, usr1_blocked, usr2_blocked, hup_in_uc, usr1_in_uc;
    uintptr_t si, uc, rsp_then, rip_then, fpregs;
} got;

__attribute__((used)) void on_usr1_c(int sig, siginfo_t *si, void *ucv);
__attribute__((used)) void on_usr1_c(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    got.sig = sig;
    got.signo = si->si_signo;
    got.code = si->si_code;
    got.pid = si->si_pid;
    got.usr1_blocked = sigismember(&now, SIGUSR1);
    got.usr2_blocked = sigismember(&now, SIGUSR2);
    got.hup_in_uc = sigismember(&uc->uc_sigmask, SIGHUP);
    got.usr1_in_uc = sigismember(&uc->uc_sigmask, SIGUSR1);
    got.si = (uintptr_t)si;
    got.uc = (uintptr_t)uc;
    got.rsp_then = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
    got.rip_then = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    got.fpregs = (uintptr_t)uc->uc_mcontext.fpregs;
    handler_ran();
}

static void handler_receives_its_frame(void)
{
    on(SIGUSR1, sigframe_on_usr1, SIGUSR2);
    sigset_t hup, before, after;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    sigprocmask(SIG_BLOCK, &hup, &before);
    sigprocmask(SIG_BLOCK, NULL, &before);
    kill(getpid(), SIGUSR1); /* delivered on the way out of kill */
    sigprocmask(SIG_BLOCK, NULL, &after);
    expect(SIGUSR1, got.sig, "the handler's first argument (rdi)");
    expect(SIGUSR1, got.signo, "siginfo's si_signo (rsi points at the siginfo)");
    expect(SI_USER, got.code, "siginfo's si_code for a kill()");
    expect(getpid(), got.pid, "siginfo's si_pid for a kill() of ourselves");
    expect(8, (long)(sigframe_entry_rsp % 16),
           "the handler's rsp %% 16 at its first instruction (as after a call)");
    const uint8_t *ret = sigframe_entry_rsp ? *(uint8_t *const *)sigframe_entry_rsp : NULL;
    expect_true(ret && ret[0] == 0xb8 && ret[1] == NR_RT_SIGRETURN && ret[5] == 0x0f &&
                    ret[6] == 0x05,
                "the handler's return address is the restorer (movl $SYS_rt_sigreturn, %eax; "
                "syscall), sa_restorer");
    expect_true(got.rsp_then > 128 && got.si >= sigframe_entry_rsp && got.uc >= sigframe_entry_rsp &&
                    got.si < got.rsp_then - 128 && got.uc < got.rsp_then - 128,
                "the siginfo and the ucontext lie between the handler's rsp and the "
                "interrupted rsp minus the 128-byte red zone");
    expect_true(got.fpregs && got.fpregs % 16 == 0 && got.fpregs + 512 <= got.rsp_then - 128,
                "uc_mcontext.fpregs: a 16-byte aligned FXSAVE image below the red zone");
    expect_true(got.rip_then > 0 && got.rip_then < USER_TOP,
                "uc_mcontext's rip is the interrupted user address");
    expect(1, got.usr1_blocked, "SIGUSR1 blocked inside its own handler");
    expect(1, got.usr2_blocked, "SIGUSR2 (sa_mask) blocked inside the handler");
    expect(1, got.hup_in_uc, "uc_sigmask holds the mask before the signal (SIGHUP)");
    expect(0, got.usr1_in_uc, "uc_sigmask without the handler's own signal");
    expect(1, sigismember(&after, SIGHUP), "SIGHUP still blocked after the handler returned");
    expect(0, sigismember(&after, SIGUSR1), "SIGUSR1 unblocked after its handler returned");
    expect(0, sigismember(&after, SIGUSR2), "SIGUSR2 (sa_mask) unblocked after the handler");
}

/* ---- 2. every register comes back ---- */

volatile unsigned char sigframe_flag;
uint64_t sigframe_regs[16], sigframe_spins, sigframe_flags_after, sigframe_handler_flags;
uint64_t sigframe_rsp_before, sigframe_rsp_after, sigframe_redzone_bad;
void sigframe_spin(void);
void sigframe_trash(int);
/*
 * sigframe_spin loads a pattern into every general register and xmm1, sets
 * DF, fills its red zone, and spins until the handler sets the flag (or
 * 2^28 rounds); then it stores what the registers hold. sigframe_trash is
 * the handler: it records its rflags, overwrites every register and xmm1,
 * sets the flag and returns to the restorer.
 */
__asm__(".text\n"
        ".globl sigframe_spin\n"
        "sigframe_spin:\n"
        "    push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
        "    mov %rsp, sigframe_rsp_before(%rip)\n"
        "    movabs $0x1111111111111111, %rax\n"
        "    mov %rax, -8(%rsp); mov %rax, -16(%rsp); mov %rax, -24(%rsp); mov %rax, -32(%rsp)\n"
        "    mov %rax, -40(%rsp); mov %rax, -48(%rsp); mov %rax, -56(%rsp); mov %rax, -64(%rsp)\n"
        "    mov %rax, -72(%rsp); mov %rax, -80(%rsp); mov %rax, -88(%rsp); mov %rax, -96(%rsp)\n"
        "    mov %rax, -104(%rsp); mov %rax, -112(%rsp); mov %rax, -120(%rsp); mov %rax, -128(%rsp)\n"
        "    movabs $0x2222222222222222, %rbx\n"
        "    movabs $0x3333333333333333, %rcx\n"
        "    movabs $0x4444444444444444, %rdx\n"
        "    movabs $0x5555555555555555, %rsi\n"
        "    movabs $0x6666666666666666, %rdi\n"
        "    movabs $0x7777777777777777, %rbp\n"
        "    movabs $0x0808080808080808, %r8\n"
        "    movabs $0x0909090909090909, %r9\n"
        "    movabs $0x0a0a0a0a0a0a0a0a, %r10\n"
        "    movabs $0x0b0b0b0b0b0b0b0b, %r11\n"
        "    movabs $0x0c0c0c0c0c0c0c0c, %r12\n"
        "    movabs $0x0d0d0d0d0d0d0d0d, %r13\n"
        "    movabs $0x0e0e0e0e0e0e0e0e, %r14\n"
        "    movabs $0x0f0f0f0f0f0f0f0f, %r15\n"
        "    movq %rbx, %xmm1\n"
        "    std\n"
        "1:  cmpb $0, sigframe_flag(%rip)\n"
        "    jne 2f\n"
        "    incq sigframe_spins(%rip)\n"
        "    cmpq $0x10000000, sigframe_spins(%rip)\n"
        "    jb 1b\n"
        "2:  mov %rax, sigframe_regs+0(%rip)\n"
        "    mov %rbx, sigframe_regs+8(%rip)\n"
        "    mov %rcx, sigframe_regs+16(%rip)\n"
        "    mov %rdx, sigframe_regs+24(%rip)\n"
        "    mov %rsi, sigframe_regs+32(%rip)\n"
        "    mov %rdi, sigframe_regs+40(%rip)\n"
        "    mov %rbp, sigframe_regs+48(%rip)\n"
        "    mov %r8, sigframe_regs+56(%rip)\n"
        "    mov %r9, sigframe_regs+64(%rip)\n"
        "    mov %r10, sigframe_regs+72(%rip)\n"
        "    mov %r11, sigframe_regs+80(%rip)\n"
        "    mov %r12, sigframe_regs+88(%rip)\n"
        "    mov %r13, sigframe_regs+96(%rip)\n"
        "    mov %r14, sigframe_regs+104(%rip)\n"
        "    mov %r15, sigframe_regs+112(%rip)\n"
        "    movq %xmm1, sigframe_regs+120(%rip)\n"
        "    mov %rsp, sigframe_rsp_after(%rip)\n"
        "    movabs $0x1111111111111111, %rcx\n"
        "    xor %edx, %edx\n"
        "    lea -128(%rsp), %rsi\n"
        "3:  cmp %rcx, (%rsi)\n"
        "    je 4f\n"
        "    inc %rdx\n"
        "4:  add $8, %rsi\n"
        "    cmp %rsp, %rsi\n"
        "    jb 3b\n"
        "    mov %rdx, sigframe_redzone_bad(%rip)\n"
        "    pushfq\n" /* only now: it writes below rsp */
        "    popq sigframe_flags_after(%rip)\n"
        "    cld\n"
        "    pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
        "    ret\n"
        ".globl sigframe_trash\n"
        "sigframe_trash:\n"
        "    pushfq\n"
        "    popq sigframe_handler_flags(%rip)\n"
        "    movabs $0x5a5a5a5a5a5a5a5a, %rax\n"
        "    mov %rax, %rbx; mov %rax, %rcx; mov %rax, %rdx; mov %rax, %rsi; mov %rax, %rdi\n"
        "    mov %rax, %rbp; mov %rax, %r8; mov %rax, %r9; mov %rax, %r10; mov %rax, %r11\n"
        "    mov %rax, %r12; mov %rax, %r13; mov %rax, %r14; mov %rax, %r15\n"
        "    movq %rax, %xmm1\n"
        "    movb $1, sigframe_flag(%rip)\n"
        "    ret\n");

static void registers_come_back(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = sigframe_trash;
    sigemptyset(&sa.sa_mask);
    EXPECT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
    pid_t parent = getpid();
    pid_t sender = fork();
    if (sender == 0) {
        struct timespec t = {0, 20 * 1000 * 1000};
        nanosleep(&t, NULL);
        kill(parent, SIGUSR1); /* arrives while the parent spins: an interrupt's return */
        _exit(0);
    }
    sigframe_spin();
    int st;
    waitpid(sender, &st, 0);
    if (!sigframe_flag) {
        printf("# the handler never ran in %lu rounds of the spin loop\n",
               (unsigned long)sigframe_spins);
        utest_failures++;
        return;
    }
    static const char *const names[16] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi",
                                           "rbp", "r8",  "r9",  "r10", "r11", "r12",
                                           "r13", "r14", "r15", "xmm1 (low half)"};
    static const uint64_t want[16] = {
        0x1111111111111111, 0x2222222222222222, 0x3333333333333333, 0x4444444444444444,
        0x5555555555555555, 0x6666666666666666, 0x7777777777777777, 0x0808080808080808,
        0x0909090909090909, 0x0a0a0a0a0a0a0a0a, 0x0b0b0b0b0b0b0b0b, 0x0c0c0c0c0c0c0c0c,
        0x0d0d0d0d0d0d0d0d, 0x0e0e0e0e0e0e0e0e, 0x0f0f0f0f0f0f0f0f, 0x2222222222222222};
    for (int i = 0; i < 16; i++)
        if (sigframe_regs[i] != want[i]) {
            printf("# %s after the handler returned: expected %#lx, got %#lx (not restored "
                   "from the frame)\n", names[i], (unsigned long)want[i],
                   (unsigned long)sigframe_regs[i]);
            utest_failures++;
        }
    expect((long)sigframe_rsp_before, (long)sigframe_rsp_after, "rsp after the handler returned");
    expect(0, (long)sigframe_redzone_bad,
           "red-zone words (the 128 bytes below the interrupted rsp) overwritten by the frame");
    expect((long)RFLAGS_DF, (long)(sigframe_flags_after & RFLAGS_DF),
           "DF in rflags after the handler (set by the interrupted code)");
    expect(0, (long)(sigframe_handler_flags & RFLAGS_DF),
           "DF in the handler's rflags (the ABI wants it clear on entry)");
    handler_ran();
}

/* ---- 3. nested handlers ---- */

static char order[16];
static volatile int norder, depth, usr1_in_usr2_uc;

static void log_step(char c)
{
    if (norder < (int)sizeof(order) - 1)
        order[norder++] = c;
}

static void nest_usr2(int sig, siginfo_t *si, void *ucv)
{
    (void)sig, (void)si;
    usr1_in_usr2_uc = sigismember(&((ucontext_t *)ucv)->uc_sigmask, SIGUSR1);
    log_step('2');
}

static void nest_usr1(int sig, siginfo_t *si, void *ucv)
{
    (void)sig, (void)si, (void)ucv;
    log_step('1');
    if (depth++ == 0) {
        raise(SIGUSR1); /* blocked here: pending until this handler returns */
        raise(SIGUSR2); /* runs now, on top of this handler's frame */
    }
    log_step(')');
}

static void nested_handlers(void)
{
    on(SIGUSR1, nest_usr1, 0);
    on(SIGUSR2, nest_usr2, 0);
    raise(SIGUSR1);
    if (strcmp(order, "12)1)") != 0) {
        printf("# nested handlers ran in the order \"%s\"; expected \"12)1)\" (SIGUSR2's "
               "handler inside SIGUSR1's, the second SIGUSR1 after the first returned)\n",
               order);
        utest_failures++;
    }
    expect(1, usr1_in_usr2_uc, "SIGUSR1 in the uc_sigmask of the nested SIGUSR2 handler");
    handler_ran();
}

/* ---- 4. forged frames ---- */

static int forgery;

static void forge(int sig, siginfo_t *si, void *ucv)
{
    (void)sig, (void)si;
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    handler_ran();
    switch (forgery) {
    case 0: g[REG_CSGSFS] = (g[REG_CSGSFS] & ~0xffffL) | 0x08; break; /* the kernel's CS */
    case 1: g[REG_RIP] = (greg_t)USER_TOP; break; /* non-canonical */
    case 2: g[REG_RSP] = (greg_t)0x0000900000000000UL; break;
    case 3: g[REG_EFL] = (g[REG_EFL] | (greg_t)(RFLAGS_IOPL | RFLAGS_NT)) & ~(greg_t)RFLAGS_IF; break;
    default:
        sigaddset(&uc->uc_sigmask, SIGUSR2);
        sigaddset(&uc->uc_sigmask, SIGKILL);
        sigaddset(&uc->uc_sigmask, SIGSTOP);
        break;
    }
}

static void forged(void)
{
    on(SIGUSR1, forge, 0);
    raise(SIGUSR1);
}

static void forged_cs(void) { forgery = 0; forged(); }
static void forged_rip(void) { forgery = 1; forged(); }
static void forged_rsp(void) { forgery = 2; forged(); }

static void forged_rflags_are_cleaned(void)
{
    forgery = 3;
    forged();
    uint64_t fl;
    __asm__ volatile("pushfq; popq %0" : "=r"(fl));
    expect(0, (long)(fl & RFLAGS_IOPL), "IOPL after a sigreturn whose frame asked for 3");
    expect(0, (long)(fl & RFLAGS_NT), "NT after a sigreturn whose frame set it");
    expect((long)RFLAGS_IF, (long)(fl & RFLAGS_IF), "IF after a sigreturn whose frame cleared it");
}

static void forged_mask_is_cleaned(void)
{
    forgery = 4;
    forged();
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    expect(1, sigismember(&now, SIGUSR2), "SIGUSR2 blocked: the frame's uc_sigmask asked for it");
    expect(0, sigismember(&now, SIGKILL), "SIGKILL blocked (never)");
    expect(0, sigismember(&now, SIGSTOP), "SIGSTOP blocked (never)");
}

int main(void)
{
    in_child("handler_receives_its_frame", handler_receives_its_frame, 0);
    in_child("registers_come_back", registers_come_back, 0);
    in_child("nested_handlers", nested_handlers, 0);
    in_child("forged_cs (a kernel code selector)", forged_cs, SIGSEGV);
    in_child("forged_rip (non-canonical)", forged_rip, SIGSEGV);
    in_child("forged_rsp (non-canonical)", forged_rsp, SIGSEGV);
    in_child("forged_rflags_are_cleaned", forged_rflags_are_cleaned, 0);
    in_child("forged_mask_is_cleaned", forged_mask_is_cleaned, 0);
    utest_exit();
}
