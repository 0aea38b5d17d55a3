/*
 * test_spinlock.c - spinlocks record their holder, nest "interrupts off",
 * and report every broken rule: taking a lock twice, releasing one not
 * held, returning to user mode with one held. The reports go to a test
 * hook instead of panicking, so a broken check fails its test, not the
 * suite (and a re-entry the check missed would end in the spin timeout's
 * report, which fails the test too).
 */
#include "kernel/cpu.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "kernel/x86.h"
#include "tests/ktest.h"

static char report[512];
static int reports;

static void record(const char *msg)
{
    strlcpy(report, msg, sizeof(report));
    reports++;
}

static void hook_on(void)
{
    report[0] = '\0';
    reports = 0;
    spin_set_failure_hook(record);
}

static bool has(const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = report; *p; p++)
        if (strncmp(p, needle, n) == 0)
            return true;
    return false;
}

static bool irqs_on(void) { return (read_rflags() & RFLAGS_IF) != 0; }

KTEST(spin_lock_records_holder_and_turns_interrupts_off)
{
    struct spinlock l = SPINLOCK_INIT("test-lock");
    sti();
    int held0 = this_cpu()->locks_held;
    spin_lock(&l);
    EXPECT_TRUE(!irqs_on());
    EXPECT_TRUE(spin_holding(&l));
    EXPECT_PTR_EQ(this_cpu(), l.holder);
    EXPECT_EQ(held0 + 1, this_cpu()->locks_held);
    const char *fn = ksyms_lookup(l.holder_pc, NULL);
    EXPECT_STREQ("ktest_fn_spin_lock_records_holder_and_turns_interrupts_off", fn);
    spin_unlock(&l);
    EXPECT_TRUE(irqs_on());
    EXPECT_TRUE(!spin_holding(&l));
    EXPECT_EQ(held0, this_cpu()->locks_held);
}

KTEST(spin_irq_push_pop_nest)
{
    sti();
    spin_irq_push();
    spin_irq_push();
    spin_irq_pop();
    EXPECT_TRUE(!irqs_on()); /* the inner pop keeps them off */
    spin_irq_pop();
    EXPECT_TRUE(irqs_on());
    cli();
    spin_irq_push();
    spin_irq_pop();
    EXPECT_TRUE(!irqs_on()); /* off before: stays off */
    sti();
}

KTEST(spin_reentry_is_reported)
{
    struct spinlock l = SPINLOCK_INIT("test-lock");
    sti();
    spin_lock(&l);
    hook_on();
    spin_lock(&l); /* a bug: this CPU holds it already */
    spin_set_failure_hook(NULL);
    EXPECT_EQ(1, reports);
    EXPECT_TRUE(has("takes lock \"test-lock\" again at ktest_fn_spin_reentry_is_reported"));
    EXPECT_TRUE(has("it holds it since ktest_fn_spin_reentry_is_reported"));
    EXPECT_EQ(1, this_cpu()->locks_held); /* the failed attempt took nothing */
    spin_unlock(&l);
    EXPECT_EQ(0, this_cpu()->locks_held);
    EXPECT_TRUE(irqs_on());
}

KTEST(spin_unlock_without_holding_is_reported)
{
    struct spinlock l = SPINLOCK_INIT("test-lock");
    hook_on();
    spin_unlock(&l);
    spin_set_failure_hook(NULL);
    EXPECT_EQ(1, reports);
    EXPECT_TRUE(has("releases lock \"test-lock\" at ktest_fn_spin_unlock_without_holding_is_reported"));
    EXPECT_EQ(0, l.locked);
}

KTEST(spin_held_on_return_to_user_is_reported)
{
    struct spinlock l = SPINLOCK_INIT("test-lock");
    hook_on();
    spin_check_user_return(); /* nothing held: nothing to say */
    EXPECT_EQ(0, reports);
    spin_lock(&l);
    spin_check_user_return();
    spin_unlock(&l);
    spin_set_failure_hook(NULL);
    EXPECT_EQ(1, reports);
    EXPECT_TRUE(has("with 1 spinlock(s) held: \"test-lock\" (taken at ktest_fn_spin_held_on_return"));
}

/* Two helpers with names of their own, so the report's call sites can be told apart. */
static __attribute__((noinline)) void take_a_then_b(struct spinlock *a, struct spinlock *b)
{
    spin_lock(a);
    spin_lock(b);
    if (spin_holding(b)) /* not after a report the hook turned into a return */
        spin_unlock(b);
    spin_unlock(a);
}

static __attribute__((noinline)) void take_b_then_a(struct spinlock *a, struct spinlock *b)
{
    spin_lock(b);
    spin_lock(a); /* the inversion: reported, and (with the hook) not taken */
    if (spin_holding(a))
        spin_unlock(a);
    spin_unlock(b);
}

KTEST(spin_lock_order_inversion_is_reported)
{
    struct spinlock a = SPINLOCK_INIT("order-a"), b = SPINLOCK_INIT("order-b");
    spin_order_reset();
    hook_on();
    take_a_then_b(&a, &b);
    EXPECT_EQ(0, reports);
    EXPECT_EQ(1, spin_order_edges()); /* a -> b */
    take_a_then_b(&a, &b);
    EXPECT_EQ(1, spin_order_edges()); /* known already */
    take_b_then_a(&a, &b);
    spin_set_failure_hook(NULL);
    EXPECT_EQ(1, reports);
    /* Both orders, each with where its two locks were taken. */
    EXPECT_TRUE(has("takes \"order-a\" at take_b_then_a"));
    EXPECT_TRUE(has("holding \"order-b\" (taken at take_b_then_a"));
    EXPECT_TRUE(has("but \"order-b\" was taken at take_a_then_b"));
    EXPECT_TRUE(has("holding \"order-a\" (taken at take_a_then_b"));
    if (reports != 1)
        printk("# report: %s\n", report);
    EXPECT_EQ(0, a.locked);
    EXPECT_EQ(0, b.locked);
    EXPECT_EQ(0, this_cpu()->locks_held);
    spin_order_reset();
}

KTEST(spin_lock_order_cycle_through_a_third_is_reported)
{
    struct spinlock a = SPINLOCK_INIT("order-a"), b = SPINLOCK_INIT("order-b"),
                    c = SPINLOCK_INIT("order-c");
    spin_order_reset();
    hook_on();
    take_a_then_b(&a, &b); /* a -> b */
    take_a_then_b(&b, &c); /* b -> c */
    EXPECT_EQ(0, reports);
    take_a_then_b(&c, &a); /* c -> a closes a -> b -> c -> a */
    spin_set_failure_hook(NULL);
    EXPECT_EQ(1, reports);
    EXPECT_TRUE(has("takes \"order-a\" at take_a_then_b"));
    EXPECT_TRUE(has("holding \"order-c\""));
    EXPECT_EQ(0, this_cpu()->locks_held);
    spin_order_reset();
}

KTEST(spin_held_across_sleep_is_reported)
{
    struct spinlock l = SPINLOCK_INIT("test-lock");
    hook_on();
    spin_check_sleep("sched_yield"); /* nothing held: nothing to say */
    EXPECT_EQ(0, reports);
    spin_lock(&l);
    spin_check_sleep("sched_yield");
    spin_unlock(&l);
    spin_set_failure_hook(NULL);
    EXPECT_EQ(1, reports);
    EXPECT_TRUE(has("sched_yield: cpu 0 sleeps with 1 spinlock(s) held: \"test-lock\" (taken at ktest_fn_spin_held_across_sleep"));
}
