/*
 * spinlock.c - spinlocks and the nesting of "interrupts off" they rely on.
 * Owns no lock of its own: each struct spinlock is guarded by its `locked`
 * word (an atomic exchange takes it); holder and holder_pc are written only
 * by the CPU holding it. Each CPU's held-lock list and interrupt nesting in
 * struct cpu are touched only by that CPU, with interrupts off.
 */
#include "kernel/spinlock.h"
#include "kernel/cpu.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

/* Spinning longer than this many TSC cycles (several seconds on any CPU
 * QEMU emulates) means the holder will never let go: a deadlock. */
#define SPIN_TIMEOUT_CYCLES (1UL << 33)

static void (*volatile failure_hook)(const char *msg);

void spin_set_failure_hook(void (*fn)(const char *msg)) { failure_hook = fn; }

/* "function+0x12" for a code address, into buf. */
static const char *where(char *buf, size_t size, uintptr_t pc)
{
    uint64_t off = 0;
    const char *name = ksyms_lookup(pc, &off);
    if (name)
        snprintk(buf, size, "%s+0x%lx", name, off);
    else
        snprintk(buf, size, "%p", (void *)pc);
    return buf;
}

/* A broken locking rule: panic with msg, or hand it to the test hook. */
static void fail(const char *msg)
{
    void (*hook)(const char *) = failure_hook;
    if (hook)
        hook(msg);
    else
        panic("%s", msg);
}

void spin_init(struct spinlock *l, const char *name)
{
    l->locked = 0;
    l->name = name;
    l->holder = NULL;
    l->holder_pc = 0;
}

void spin_irq_push(void)
{
    bool were_on = (read_rflags() & RFLAGS_IF) != 0;
    cli();
    struct cpu *c = this_cpu();
    if (c->irq_depth++ == 0)
        c->irq_were_on = were_on;
}

void spin_irq_pop(void)
{
    struct cpu *c = this_cpu();
    if (read_rflags() & RFLAGS_IF)
        panic("spin_irq_pop: interrupts are on inside a spin_irq_push section on cpu %d", c->id);
    if (c->irq_depth <= 0)
        panic("spin_irq_pop: no matching spin_irq_push on cpu %d", c->id);
    if (--c->irq_depth == 0 && c->irq_were_on)
        sti();
}

bool spin_holding(const struct spinlock *l) { return l->locked && l->holder == this_cpu(); }

void spin_lock(struct spinlock *l)
{
    uintptr_t pc = (uintptr_t)__builtin_return_address(0);
    char msg[200], here[64], there[64];
    spin_irq_push();
    struct cpu *c = this_cpu();
    if (spin_holding(l)) {
        snprintk(msg, sizeof(msg),
                 "spin_lock: cpu %d takes lock \"%s\" again at %s; it holds it since %s", c->id,
                 l->name, where(here, sizeof(here), pc), where(there, sizeof(there), l->holder_pc));
        goto failed;
    }
    if (c->locks_held >= CPU_HELD_LOCKS_MAX) {
        snprintk(msg, sizeof(msg), "spin_lock: cpu %d already holds %d locks; \"%s\" at %s is one too many",
                 c->id, c->locks_held, l->name, where(here, sizeof(here), pc));
        goto failed;
    }
    uint64_t start = rdtsc();
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
        while (l->locked) {
            pause();
            if (rdtsc() - start > SPIN_TIMEOUT_CYCLES) {
                struct cpu *h = l->holder;
                snprintk(msg, sizeof(msg),
                         "spin_lock: cpu %d waited too long at %s for lock \"%s\", held by cpu %d since %s",
                         c->id, where(here, sizeof(here), pc), l->name, h ? h->id : -1,
                         where(there, sizeof(there), l->holder_pc));
                goto failed;
            }
        }
    }
    l->holder = c;
    l->holder_pc = pc;
    c->held[c->locks_held++] = l;
    return;
failed:
    spin_irq_pop();
    fail(msg);
}

void spin_unlock(struct spinlock *l)
{
    struct cpu *c = this_cpu();
    if (!spin_holding(l)) {
        char msg[200], here[64];
        snprintk(msg, sizeof(msg), "spin_unlock: cpu %d releases lock \"%s\" at %s without holding it",
                 c->id, l->name, where(here, sizeof(here), (uintptr_t)__builtin_return_address(0)));
        fail(msg);
        return;
    }
    /* Usually the last one taken; any order is allowed. */
    int i = c->locks_held - 1;
    while (i > 0 && c->held[i] != l)
        i--;
    for (; i < c->locks_held - 1; i++)
        c->held[i] = c->held[i + 1];
    c->locks_held--;
    l->holder = NULL;
    l->holder_pc = 0;
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    spin_irq_pop();
}

void spin_check_user_return(void)
{
    struct cpu *c = this_cpu();
    if (c->locks_held == 0)
        return;
    char msg[240], there[64];
    int n = snprintk(msg, sizeof(msg), "returning to user mode on cpu %d with %d spinlock(s) held:",
                     c->id, c->locks_held);
    for (int i = 0; i < c->locks_held && n < (int)sizeof(msg); i++)
        n += snprintk(msg + n, sizeof(msg) - (size_t)n, " \"%s\" (taken at %s)", c->held[i]->name,
                      where(there, sizeof(there), c->held[i]->holder_pc));
    fail(msg);
}
