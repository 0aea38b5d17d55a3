/*
 * forbidden_test.c - 75 forbidden things a ring-3 program can try (kernel
 * memory and text, executing data, writing code, privileged instructions,
 * non-canonical addresses, the stack limit, traps), each in a forked child
 * that must die by the signal Linux sends; the file also builds and passes on
 * Linux, which is how the expectations were checked. Extends signal_test.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include "utest.h"
#ifdef __cowos__
#include <cowos.h>
#define SYS_GETPID_NR SYS_getpid
#else
#define SYS_GETPID_NR 39 /* Linux x86-64, for checking the expectations on a Linux host */
#endif

#define NOINLINE __attribute__((noinline))

/* ---- kernel memory ------------------------------------------------------ */

#define KERNEL_TEXT 0xffffffff80100000UL  /* the kernel image (cowos and Linux: kernel half) */
#define DIRECT_MAP 0xffff800000100000UL   /* cowos: RAM at 1 MiB through the direct map */
#define KERNEL_STACKS 0xffffc00000001000UL
#define KERNEL_HEAP 0xffffc80000000000UL
#define TOP_PAGE 0xfffffffffffff000UL

static NOINLINE void read_kernel_text(void) { (void)*(volatile long *)KERNEL_TEXT; }
static NOINLINE void write_kernel_text(void) { *(volatile long *)KERNEL_TEXT = 0; }
static NOINLINE void read_direct_map(void) { (void)*(volatile long *)DIRECT_MAP; }
static NOINLINE void write_direct_map(void) { *(volatile long *)(DIRECT_MAP + 0x100000) = 0; }
static NOINLINE void read_kernel_stacks(void) { (void)*(volatile long *)KERNEL_STACKS; }
static NOINLINE void write_kernel_heap(void) { *(volatile long *)KERNEL_HEAP = 0; }
static NOINLINE void read_top_page(void) { (void)*(volatile long *)TOP_PAGE; }

static NOINLINE void jump_to(unsigned long target)
{
    __asm__ volatile("call *%0" ::"r"(target) : "memory");
}
static NOINLINE void call_kernel_text(void) { jump_to(KERNEL_TEXT); }
static NOINLINE void call_direct_map(void) { jump_to(DIRECT_MAP); }
static NOINLINE void call_null(void) { jump_to(0); }

/* ---- non-canonical addresses -------------------------------------------- */

static NOINLINE void write_noncanonical(void) { *(volatile long *)0x8000000000000000UL = 1; }
static NOINLINE void jump_noncanonical(void) { jump_to(0x0000800000000000UL); }
/* 8 bytes whose last 4 lie past the end of user space */
static NOINLINE void read_across_user_top(void) { (void)*(volatile long *)0x00007ffffffffffcUL; }

/* ---- executing data ------------------------------------------------------ */

static const unsigned char ro_ret[16] = {0xc3}; /* `ret`, in .rodata */
static unsigned char bss_code[64];

static NOINLINE void run_bytes(void *p)
{
    memset(p, 0xc3, 16);
    jump_to((unsigned long)p);
}
static NOINLINE void exec_stack(void)
{
    volatile unsigned char buf[64];
    run_bytes((void *)buf);
}
static NOINLINE void exec_heap(void) { run_bytes(malloc(64)); }
static NOINLINE void exec_sbrk_page(void) { run_bytes(sbrk(4096)); }
static NOINLINE void exec_bss(void) { run_bytes(bss_code); }
static NOINLINE void exec_rodata(void) { jump_to((unsigned long)ro_ret); }
/* a stack page mapped on demand, 256 KiB below the current frame */
static NOINLINE void exec_grown_stack(void)
{
    unsigned long sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    unsigned char *deep = (unsigned char *)((sp - (256 << 10)) & ~4095UL);
    for (unsigned char *p = (unsigned char *)(sp & ~4095UL); p >= deep; p -= 4096)
        *(volatile unsigned char *)p = 0; /* grow the stack down to it, page by page */
    run_bytes(deep);
}

/* ---- writing code ------------------------------------------------------- */

static NOINLINE void write_rodata(void) { *(volatile unsigned char *)ro_ret = 0x90; }
static NOINLINE void write_own_code(void) { *(volatile unsigned char *)(void *)run_bytes = 0x90; }

/* ---- privileged instructions -------------------------------------------- */

static NOINLINE void do_hlt(void) { __asm__ volatile("hlt"); }
static NOINLINE void do_sti(void) { __asm__ volatile("sti"); }
static NOINLINE void read_cr3(void)
{
    unsigned long v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
}
static NOINLINE void write_cr3(void) { __asm__ volatile("mov %0, %%cr3" ::"r"(0UL) : "memory"); }
static NOINLINE void write_cr0(void) { __asm__ volatile("mov %0, %%cr0" ::"r"(0x80000011UL)); }
static NOINLINE void write_cr4(void) { __asm__ volatile("mov %0, %%cr4" ::"r"(0UL)); }
static NOINLINE void write_dr7(void) { __asm__ volatile("mov %0, %%dr7" ::"r"(0x1UL)); }
static NOINLINE void in_port(void)
{
    unsigned char v;
    __asm__ volatile("inb $0x60, %0" : "=a"(v));
}
static NOINLINE void in_serial(void)
{
    unsigned char v;
    __asm__ volatile("inb %w1, %0" : "=a"(v) : "d"(0x3f8));
}
/* QEMU's isa-debug-exit port: from ring 3 this must never end the machine */
static NOINLINE void out_qemu_exit(void) { __asm__ volatile("outb %0, $0xf4" ::"a"((unsigned char)0)); }
static NOINLINE void out_word(void) { __asm__ volatile("outw %w0, %w1" ::"a"(0), "d"(0x604)); }
static NOINLINE void outs_serial(void)
{
    static const char msg[] = "x";
    __asm__ volatile("outsb" ::"S"(msg), "d"(0x3f8) : "memory");
}
static NOINLINE void do_lgdt(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } d = {0, 0};
    __asm__ volatile("lgdt %0" ::"m"(d));
}
static NOINLINE void do_lidt(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } d = {0, 0};
    __asm__ volatile("lidt %0" ::"m"(d));
}
static NOINLINE void do_ltr(void) { __asm__ volatile("ltr %w0" ::"r"(0x28)); }
static NOINLINE void do_lldt(void) { __asm__ volatile("lldt %w0" ::"r"(0)); }
static NOINLINE void do_rdmsr(void)
{
    unsigned a, d;
    __asm__ volatile("rdmsr" : "=a"(a), "=d"(d) : "c"(0xc0000080u));
}
static NOINLINE void do_wrmsr(void) { __asm__ volatile("wrmsr" ::"c"(0xc0000082u), "a"(0), "d"(0)); }
static NOINLINE void do_invlpg(void) { __asm__ volatile("invlpg (%0)" ::"r"(0x400000UL) : "memory"); }
static NOINLINE void do_wbinvd(void) { __asm__ volatile("wbinvd"); }
static NOINLINE void do_clts(void) { __asm__ volatile("clts"); }
static NOINLINE void do_swapgs(void) { __asm__ volatile("swapgs"); }
static NOINLINE void do_sysret(void) { __asm__ volatile("sysretq"); }
static NOINLINE void do_rdpmc(void)
{
    unsigned a, d;
    __asm__ volatile("rdpmc" : "=a"(a), "=d"(d) : "c"(0));
}
/* iretq and lretq to a ring-0 code selector (0x08 cowos, 0x10 Linux: both DPL 0) */
static NOINLINE void iret_to_ring0(void)
{
    __asm__ volatile("mov %%rsp, %%rax\n\t"
                     "pushq $0x10\n\t"
                     "pushq %%rax\n\t"
                     "pushfq\n\t"
                     "pushq $0x08\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "iretq\n"
                     "1:" ::: "rax", "memory");
}
static NOINLINE void lret_to_ring0(void)
{
    __asm__ volatile("pushq $0x08\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:" ::: "rax", "memory");
}
static NOINLINE void load_kernel_ss(void) { __asm__ volatile("mov %w0, %%ss" ::"r"(0x10)); }
static NOINLINE void load_kernel_ds(void) { __asm__ volatile("mov %w0, %%ds" ::"r"(0x10)); }
static NOINLINE void load_bad_fs(void) { __asm__ volatile("mov %w0, %%fs" ::"r"(0xfff8)); }
/* popf cannot raise IOPL in ring 3: cli and port I/O still fault */
static NOINLINE void iopl3_then_cli(void)
{
    __asm__ volatile("pushfq\n\t"
                     "orq $0x3000, (%%rsp)\n\t"
                     "popfq\n\t"
                     "cli" ::: "memory", "cc");
}
static NOINLINE void iopl3_then_out(void)
{
    __asm__ volatile("pushfq\n\t"
                     "orq $0x3000, (%%rsp)\n\t"
                     "popfq\n\t"
                     "outb %%al, $0xf4" ::"a"(0) : "memory", "cc");
}

/* ---- software interrupts ------------------------------------------------ */

static NOINLINE void int_0x0e(void) { __asm__ volatile("int $0x0e"); }  /* #PF gate, DPL 0 */
static NOINLINE void int_0x08(void) { __asm__ volatile("int $0x08"); }  /* #DF gate */
static NOINLINE void int_0x02(void) { __asm__ volatile("int $0x02"); }  /* NMI gate */
static NOINLINE void int_0x20(void) { __asm__ volatile("int $0x20"); }  /* cowos: timer IRQ */
static NOINLINE void int_0x81(void) { __asm__ volatile("int $0x81"); }  /* no gate */
static NOINLINE void int_0xff(void) { __asm__ volatile("int $0xff"); }
static NOINLINE void int_0x04(void) { __asm__ volatile("int $0x04"); }  /* #OF gate, DPL 3 */
static NOINLINE void int_0x03(void) { __asm__ volatile(".byte 0xcd, 0x03"); } /* int $3, long form */
static NOINLINE void icebp(void) { __asm__ volatile(".byte 0xf1"); }    /* int1 */
static NOINLINE void into(void) { __asm__ volatile(".byte 0xce"); }     /* invalid in 64-bit mode */
static NOINLINE void ud0(void) { __asm__ volatile(".byte 0x0f, 0xff, 0xc0"); }

/* ---- stack -------------------------------------------------------------- */

static NOINLINE void push_noncanonical_rsp(void)
{
    __asm__ volatile("mov %%rsp, %%rbx\n\t"
                     "movabs $0x0000900000000000, %%rax\n\t"
                     "mov %%rax, %%rsp\n\t"
                     "pushq $1\n\t"
                     "mov %%rbx, %%rsp" ::: "rax", "rbx", "memory");
}
static NOINLINE void push_kernel_rsp(void)
{
    __asm__ volatile("mov %%rsp, %%rbx\n\t"
                     "movabs $0xffffc00000004000, %%rax\n\t"
                     "mov %%rax, %%rsp\n\t"
                     "pushq $1\n\t"
                     "mov %%rbx, %%rsp" ::: "rax", "rbx", "memory");
}
/* one write 9 MiB below the stack pointer: past the 8 MiB stack limit */
static NOINLINE void stack_past_limit(void)
{
    __asm__ volatile("mov %%rsp, %%rax\n\t"
                     "sub $0x900000, %%rax\n\t"
                     "movq $1, (%%rax)" ::: "rax", "memory");
}

/* ---- arithmetic --------------------------------------------------------- */

static NOINLINE void div64_zero(void)
{
    __asm__ volatile("xor %%edx, %%edx\n\t"
                     "mov $7, %%eax\n\t"
                     "xor %%ecx, %%ecx\n\t"
                     "divq %%rcx" ::: "rax", "rcx", "rdx");
}
static NOINLINE void idiv64_overflow(void)
{
    __asm__ volatile("movabs $0x8000000000000000, %%rax\n\t"
                     "cqo\n\t"
                     "mov $-1, %%rcx\n\t"
                     "idivq %%rcx" ::: "rax", "rcx", "rdx");
}
static NOINLINE void idiv32_overflow(void)
{
    __asm__ volatile("mov $0x80000000, %%eax\n\t"
                     "cltd\n\t"
                     "mov $-1, %%ecx\n\t"
                     "idivl %%ecx" ::: "rax", "rcx", "rdx");
}
/* x87 with the zero-divide exception unmasked: #MF at the fwait */
static NOINLINE void x87_unmasked_divide(void)
{
    unsigned short cw = 0x037b;
    __asm__ volatile("fninit\n\t"
                     "fldcw %0\n\t"
                     "fld1\n\t"
                     "fldz\n\t"
                     "fdivrp\n\t"
                     "fwait" ::"m"(cw));
}
/* SSE with the zero-divide exception unmasked: #XM. A CPU that only sets the
 * flag (QEMU 7.2's TCG raises no SIMD exceptions) ends the child with
 * NO_TRAP instead, which is the CPU's doing, not the kernel's. */
#define NO_TRAP 77
static NOINLINE void sse_unmasked_divide(void)
{
    unsigned mxcsr = 0x1f80 & ~(1u << 9), after = 0;
    volatile float one = 1.0f, zero = 0.0f;
    float r = one;
    __asm__ volatile("ldmxcsr %1\n\t"
                     "divss %2, %0" : "+x"(r) : "m"(mxcsr), "x"(zero));
    __asm__ volatile("stmxcsr %0" : "=m"(after));
    if (after & 4) /* ZE set, yet no exception */
        _exit(NO_TRAP);
}

/* ---- the trap flag ------------------------------------------------------ */

static NOINLINE void single_step(void)
{
    __asm__ volatile("pushfq\n\t"
                     "orq $0x100, (%%rsp)\n\t"
                     "popfq\n\t"
                     "nop\n\t"
                     "nop" ::: "memory", "cc");
}
/* TF set across a system call: the kernel must not single-step itself */
static NOINLINE void single_step_syscall(void)
{
    long r;
    __asm__ volatile("pushfq\n\t"
                     "orq $0x100, (%%rsp)\n\t"
                     "popfq\n\t"
                     "syscall\n\t"
                     "nop"
                     : "=a"(r)
                     : "a"((long)SYS_GETPID_NR)
                     : "rcx", "r11", "memory", "cc");
}

/* The trap flag and a mov to ss right before the system call: the single-step
 * trap held back by the mov ss must not land in the kernel's entry code
 * (the POP SS/MOV SS pitfall, CVE-2018-8897's cousin). */
static NOINLINE void mov_ss_then_syscall_with_tf(void)
{
    long r;
    __asm__ volatile("pushfq\n\t"
                     "orq $0x100, (%%rsp)\n\t"
                     "popfq\n\t"
                     "mov %%ss, %%cx\n\t"
                     "mov %%cx, %%ss\n\t"
                     "syscall\n\t"
                     "nop"
                     : "=a"(r)
                     : "a"((long)SYS_GETPID_NR)
                     : "rcx", "r11", "memory", "cc");
}
static NOINLINE void mov_ss_then_int3_with_tf(void)
{
    __asm__ volatile("pushfq\n\t"
                     "orq $0x100, (%%rsp)\n\t"
                     "popfq\n\t"
                     "mov %%ss, %%cx\n\t"
                     "mov %%cx, %%ss\n\t"
                     "int3\n\t"
                     "nop" ::: "rcx", "memory", "cc");
}

/* ---- the table ---------------------------------------------------------- */

struct forbidden {
    const char *what;
    void (*fn)(void);
    int sig;
    int cpu_alt; /* what an emulated CPU gives instead (see the table); 0 = none */
};

static const struct forbidden cases[] = {
    {"read kernel text", read_kernel_text, SIGSEGV, 0},
    {"write kernel text", write_kernel_text, SIGSEGV, 0},
    {"read the direct map", read_direct_map, SIGSEGV, 0},
    {"write the direct map", write_direct_map, SIGSEGV, 0},
    {"read kernel stacks", read_kernel_stacks, SIGSEGV, 0},
    {"write the kernel heap", write_kernel_heap, SIGSEGV, 0},
    {"read the top page", read_top_page, SIGSEGV, 0},
    {"call kernel text", call_kernel_text, SIGSEGV, 0},
    {"call the direct map", call_direct_map, SIGSEGV, 0},
    {"call NULL", call_null, SIGSEGV, 0},
    {"write non-canonical", write_noncanonical, SIGSEGV, 0},
    {"jump non-canonical", jump_noncanonical, SIGSEGV, 0},
    {"read across the top of user space", read_across_user_top, SIGSEGV, 0},
    {"execute the stack", exec_stack, SIGSEGV, 0},
    {"execute a grown stack page", exec_grown_stack, SIGSEGV, 0},
    {"execute the malloc heap", exec_heap, SIGSEGV, 0},
    {"execute an sbrk page", exec_sbrk_page, SIGSEGV, 0},
    {"execute bss", exec_bss, SIGSEGV, 0},
    {"execute rodata", exec_rodata, SIGSEGV, 0},
    {"write rodata", write_rodata, SIGSEGV, 0},
    {"write own code", write_own_code, SIGSEGV, 0},
    {"hlt", do_hlt, SIGSEGV, 0},
    {"sti", do_sti, SIGSEGV, 0},
    {"mov cr3 -> reg", read_cr3, SIGSEGV, 0},
    {"mov reg -> cr3", write_cr3, SIGSEGV, 0},
    {"mov reg -> cr0", write_cr0, SIGSEGV, 0},
    {"mov reg -> cr4", write_cr4, SIGSEGV, 0},
    {"mov reg -> dr7", write_dr7, SIGSEGV, 0},
    {"in from port 0x60", in_port, SIGSEGV, 0},
    {"in from the serial port", in_serial, SIGSEGV, 0},
    {"out to QEMU's exit port 0xf4", out_qemu_exit, SIGSEGV, 0},
    {"outw to port 0x604", out_word, SIGSEGV, 0},
    {"outsb to the serial port", outs_serial, SIGSEGV, 0},
    {"lgdt", do_lgdt, SIGSEGV, 0},
    {"lidt", do_lidt, SIGSEGV, 0},
    {"ltr", do_ltr, SIGSEGV, 0},
    {"lldt", do_lldt, SIGSEGV, 0},
    {"rdmsr", do_rdmsr, SIGSEGV, 0},
    {"wrmsr LSTAR", do_wrmsr, SIGSEGV, 0},
    {"invlpg", do_invlpg, SIGSEGV, 0},
    {"wbinvd", do_wbinvd, SIGSEGV, 0},
    {"clts", do_clts, SIGSEGV, 0},
    {"swapgs", do_swapgs, SIGSEGV, 0},
    {"sysretq", do_sysret, SIGSEGV, 0},
    {"rdpmc", do_rdpmc, SIGSEGV, 0},
    {"iretq to ring 0", iret_to_ring0, SIGSEGV, 0},
    {"lretq to ring 0", lret_to_ring0, SIGSEGV, 0},
    {"mov kernel selector -> ss", load_kernel_ss, SIGSEGV, 0},
    {"mov kernel selector -> ds", load_kernel_ds, SIGSEGV, 0},
    {"mov selector past the GDT -> fs", load_bad_fs, SIGSEGV, 0},
    {"popf IOPL=3, then cli", iopl3_then_cli, SIGSEGV, 0},
    {"popf IOPL=3, then out 0xf4", iopl3_then_out, SIGSEGV, 0},
    {"int $0x0e", int_0x0e, SIGSEGV, 0},
    {"int $0x08", int_0x08, SIGSEGV, 0},
    {"int $0x02", int_0x02, SIGSEGV, 0},
    {"int $0x20", int_0x20, SIGSEGV, 0},
    {"int $0x81", int_0x81, SIGSEGV, 0},
    {"int $0xff", int_0xff, SIGSEGV, 0},
    {"int $0x04", int_0x04, SIGSEGV, 0},
    {"int $0x03 (long form)", int_0x03, SIGTRAP, 0},
    {"int1 (icebp)", icebp, SIGTRAP, SIGILL}, /* QEMU 7.2 TCG: 0xf1 is #UD */
    {"into (invalid in 64-bit mode)", into, SIGILL, 0},
    {"ud0", ud0, SIGILL, 0},
    /* #SS: Linux sends SIGBUS. QEMU's TCG raises #GP instead (the kernel's line
     * says "general protection fault"), which is SIGSEGV everywhere. */
    {"push with a non-canonical rsp", push_noncanonical_rsp, SIGBUS, SIGSEGV},
    {"push with a kernel rsp", push_kernel_rsp, SIGSEGV, 0},
    {"write 9 MiB below rsp (past the stack limit)", stack_past_limit, SIGSEGV, 0},
    {"divq by zero", div64_zero, SIGFPE, 0},
    {"idivq INT64_MIN / -1", idiv64_overflow, SIGFPE, 0},
    {"idivl INT32_MIN / -1", idiv32_overflow, SIGFPE, 0},
    {"x87 divide by zero, unmasked", x87_unmasked_divide, SIGFPE, 0},
    {"SSE divide by zero, unmasked", sse_unmasked_divide, SIGFPE, 0},
    {"single step (TF)", single_step, SIGTRAP, 0},
    {"syscall with TF set", single_step_syscall, SIGTRAP, 0},
    {"mov ss, then syscall, with TF set", mov_ss_then_syscall_with_tf, SIGTRAP, 0},
    {"mov ss, then int3, with TF set", mov_ss_then_int3_with_tf, SIGTRAP, 0},
};

static const char *sig_name(int sig)
{
    switch (sig) {
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    default: return "another signal";
    }
}

static void expect_killed(const struct forbidden *c)
{
    pid_t pid = fork();
    if (pid == 0) {
        c->fn();
        _exit(0);
    }
    int status = 0;
    EXPECT_EQ(pid, waitpid(pid, &status, 0));
    if (WIFSIGNALED(status) && WTERMSIG(status) == c->sig)
        return;
    if (WIFSIGNALED(status) && WTERMSIG(status) == c->cpu_alt && c->cpu_alt) {
        printf("# note: %s: %s, which this CPU (QEMU's TCG) gives instead of %s\n", c->what,
               sig_name(c->cpu_alt), sig_name(c->sig));
        return;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == NO_TRAP) {
        printf("# note: %s: this CPU raised no exception (the kernel never saw one)\n", c->what);
        return;
    }
    if (WIFSIGNALED(status))
        printf("# %s: expected %s (%d), got %s (%d)\n", c->what, sig_name(c->sig), c->sig,
               sig_name(WTERMSIG(status)), WTERMSIG(status));
    else
        printf("# %s: expected %s (%d), got exit status %d\n", c->what, sig_name(c->sig), c->sig,
               WEXITSTATUS(status));
    utest_failures++;
}

/* ---- what must keep working --------------------------------------------- */

/* A system call made with a stack pointer that is garbage, then one that is a
 * kernel address: the kernel must never use the user's rsp. */
static NOINLINE long syscall_with_rsp(unsigned long rsp)
{
    long r;
    __asm__ volatile("mov %%rsp, %%r12\n\t"
                     "mov %2, %%rsp\n\t"
                     "syscall\n\t"
                     "mov %%r12, %%rsp"
                     : "=a"(r)
                     : "a"((long)SYS_GETPID_NR), "r"(rsp)
                     : "rcx", "r11", "r12", "memory");
    return r;
}

static void syscalls_survive_a_bad_stack_pointer(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        long me = getpid();
        int ok = syscall_with_rsp(0x0000900000000000UL) == me &&
                 syscall_with_rsp(0xffffffff80100000UL) == me && syscall_with_rsp(0) == me;
        _exit(ok ? 0 : 1);
    }
    int status = -1;
    EXPECT_EQ(pid, waitpid(pid, &status, 0));
    EXPECT_EQ(0, status);
}

/* 7 MiB below the top of the stack is still inside the 8 MiB limit. */
static NOINLINE void touch_below_sp(unsigned long bytes)
{
    __asm__ volatile("mov %%rsp, %%rax\n\t"
                     "sub %0, %%rax\n\t"
                     "movq $1, (%%rax)" ::"r"(bytes) : "rax", "memory");
}

static void stack_within_limit_is_fine(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        touch_below_sp(7UL << 20);
        _exit(0);
    }
    int status = -1;
    EXPECT_EQ(pid, waitpid(pid, &status, 0));
    EXPECT_EQ(0, status);
}

/* The kernel must not write into read-only memory on a program's behalf either. */
static void kernel_will_not_write_code(void)
{
    int fds[2];
    EXPECT_EQ(0, pipe(fds));
    EXPECT_EQ(8, write(fds[1], "abcdefgh", 8));
    unsigned char before = *(volatile unsigned char *)(void *)run_bytes;
    EXPECT_ERR(EFAULT, read(fds[0], (void *)run_bytes, 8));
    EXPECT_ERR(EFAULT, read(fds[0], (void *)ro_ret, 8));
    EXPECT_ERR(EFAULT, pipe((int *)(void *)run_bytes));
    pid_t pid = fork();
    if (pid == 0)
        _exit(5);
    EXPECT_ERR(EFAULT, waitpid(pid, (int *)(void *)ro_ret, 0));
    waitpid(pid, NULL, 0); /* cowos keeps the child for this wait; Linux reaped it already */
    EXPECT_EQ(before, *(volatile unsigned char *)(void *)run_bytes);
    EXPECT_EQ(0xc3, ro_ret[0]);
    char buf[8];
    EXPECT_EQ(8, read(fds[0], buf, 8)); /* the failed reads took nothing */
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_killed(&cases[i]);
    syscalls_survive_a_bad_stack_pointer();
    stack_within_limit_is_fine();
    kernel_will_not_write_code();
    /* still alive and well: a fork, an exit, a wait */
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    int status = 0;
    EXPECT_EQ(pid, waitpid(pid, &status, 0));
    EXPECT_EQ(7, WEXITSTATUS(status));
    utest_exit();
}
