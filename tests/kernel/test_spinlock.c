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
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "kernel/x86.h"
#include "tests/ktest.h"

static char report[256];
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
