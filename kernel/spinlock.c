/*
 * spinlock.c - spinlocks, the nesting of "interrupts off" they rely on, and
 * the lock-order checker.
 * Each struct spinlock is guarded by its `locked` word (an atomic exchange
 * takes it); holder and holder_pc are written only by the CPU holding it.
 * Each CPU's held-lock list and interrupt nesting in struct cpu are touched
 * only by that CPU, with interrupts off. The order table (which lock was
 * taken while holding which, and where) is guarded by order_busy, a flag
 * taken with an atomic exchange (not a spinlock: the checker must not check
 * itself). Locks are told apart by name, like classes: two locks with one
 * name are one node of the order graph.
 */
#include "kernel/spinlock.h"
#include "kernel/cpu.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/x86.h"

/* Spinning longer than this many TSC cycles (several seconds on any CPU
 * QEMU emulates) means the holder will never let go: a deadlock. */
#define SPIN_TIMEOUT_CYCLES (1UL << 33)

static void (*volatile failure_hook)(const char *msg);

/* The lock-order graph: an edge "from" -> "to" says "to" was taken while
 * "from" was held, first at from_pc / to_pc. A new edge that closes a cycle
 * is a possible deadlock, reported with both call sites. */
#define ORDER_EDGES_MAX 64
static struct order_edge {
    const char *from, *to;
    uintptr_t from_pc, to_pc;
} order[ORDER_EDGES_MAX];
static int order_count;
static volatile uint32_t order_busy;

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

static bool same_class(const char *a, const char *b) { return a == b || strcmp(a, b) == 0; }

/* Is there a path from -> ... -> to in the graph (depth-first, bounded)? The
 * first edge of such a path goes to *first. */
static bool order_path(const char *from, const char *to, int depth, const struct order_edge **first)
{
    if (depth > ORDER_EDGES_MAX)
        return false;
    for (int i = 0; i < order_count; i++) {
        if (!same_class(order[i].from, from))
            continue;
        if (same_class(order[i].to, to) || order_path(order[i].to, to, depth + 1, first)) {
            *first = &order[i];
            return true;
        }
    }
    return false;
}

/* c is about to take l at pc: record held -> l for every lock it holds, and
 * report a cycle (msg filled, true) if l was ever taken before one of them. */
static bool order_check(struct cpu *c, const struct spinlock *l, uintptr_t pc, char *msg, size_t size)
{
    bool bad = false;
    while (__atomic_exchange_n(&order_busy, 1, __ATOMIC_ACQUIRE))
        pause();
    for (int i = 0; i < c->locks_held && !bad; i++) {
        const struct spinlock *h = c->held[i];
        if (same_class(h->name, l->name))
            continue;
        const struct order_edge *e = NULL;
        if (order_path(l->name, h->name, 0, &e)) {
            char here[64], held_at[64], there[64], there_held[64];
            snprintk(msg, size,
                     "lock order: cpu %d takes \"%s\" at %s holding \"%s\" (taken at %s), but "
                     "\"%s\" was taken at %s holding \"%s\" (taken at %s)",
                     c->id, l->name, where(here, sizeof(here), pc), h->name,
                     where(held_at, sizeof(held_at), c->held_pc[i]), e->to,
                     where(there, sizeof(there), e->to_pc), e->from,
                     where(there_held, sizeof(there_held), e->from_pc));
            bad = true;
            break;
        }
        bool known = false;
        for (int k = 0; k < order_count && !known; k++)
            known = same_class(order[k].from, h->name) && same_class(order[k].to, l->name);
        if (!known && order_count < ORDER_EDGES_MAX)
            order[order_count++] = (struct order_edge){h->name, l->name, c->held_pc[i], pc};
    }
    __atomic_store_n(&order_busy, 0, __ATOMIC_RELEASE);
    return bad;
}

void spin_order_reset(void)
{
    while (__atomic_exchange_n(&order_busy, 1, __ATOMIC_ACQUIRE))
        pause();
    order_count = 0;
    __atomic_store_n(&order_busy, 0, __ATOMIC_RELEASE);
}

int spin_order_edges(void) { return order_count; }

void spin_check_sleep(const char *what)
{
    struct cpu *c = this_cpu();
    if (c->locks_held == 0)
        return;
    char msg[240], there[64];
    int n = snprintk(msg, sizeof(msg), "%s: cpu %d sleeps with %d spinlock(s) held:", what, c->id,
                     c->locks_held);
    for (int i = 0; i < c->locks_held && n < (int)sizeof(msg); i++)
        n += snprintk(msg + n, sizeof(msg) - (size_t)n, " \"%s\" (taken at %s)", c->held[i]->name,
                      where(there, sizeof(there), c->held[i]->holder_pc));
    fail(msg);
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
    char msg[480], here[64], there[64];
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
    if (c->locks_held > 0 && order_check(c, l, pc, msg, sizeof(msg)))
        goto failed;
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
    c->held_pc[c->locks_held] = pc;
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
    for (; i < c->locks_held - 1; i++) {
        c->held[i] = c->held[i + 1];
        c->held_pc[i] = c->held_pc[i + 1];
    }
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
