/*
 * test_smp.c - every CPU the MADT lists is online, on its own struct cpu,
 * and its local APIC timer ticks. make test also runs these (ktest=smp_)
 * in a boot with 4 CPUs. Timings are never checked: a CPU gets up to 5 s to
 * show its ticks moving.
 */
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/timer.h"
#include "kernel/x86.h"
#include "mm/pmm.h"
#include "tests/ktest.h"

#define TICK_WAIT (5 * TIMER_HZ) /* PIT ticks */

KTEST(smp_every_madt_cpu_is_online)
{
    const struct acpi_madt *m = smp_madt();
    ASSERT_NE(0, m->ncpus); /* QEMU always gives a MADT */
    EXPECT_EQ(m->ncpus, smp_cpu_count());
    EXPECT_PTR_EQ(&cpu0, smp_cpu(0));
    EXPECT_PTR_EQ(&cpu0, this_cpu()); /* the tests run on the boot CPU */
    for (int i = 0; i < smp_cpu_count(); i++) {
        struct cpu *c = smp_cpu(i);
        ASSERT_NE(0, (uint64_t)c);
        EXPECT_EQ(i, c->id);
        EXPECT_PTR_EQ(c, c->self); /* its GS block, set by the CPU itself */
        EXPECT_TRUE(c->online);
        for (int j = 0; j < i; j++)
            EXPECT_NE(smp_cpu(j)->apic_id, c->apic_id);
    }
    EXPECT_PTR_EQ(NULL, smp_cpu(smp_cpu_count()));
}

KTEST(smp_every_cpu_timer_ticks)
{
    uint64_t before[CPU_MAX];
    int n = smp_cpu_count();
    ASSERT_TRUE(n >= 1 && n <= CPU_MAX);
    for (int i = 0; i < n; i++)
        before[i] = smp_cpu(i)->ticks;
    sti();
    uint64_t end = timer_ticks() + TICK_WAIT;
    int moved = 0;
    while (timer_ticks() < end && moved < n) {
        moved = 0;
        for (int i = 0; i < n; i++)
            moved += smp_cpu(i)->ticks >= before[i] + 2;
        pause();
    }
    for (int i = 0; i < n; i++) {
        uint64_t now = smp_cpu(i)->ticks;
        if (now < before[i] + 2)
            printk("# cpu %d: local APIC ticks %lu -> %lu in %d s\n", i, before[i], now, TICK_WAIT / TIMER_HZ);
        EXPECT_TRUE(now >= before[i] + 2);
    }
}

KTEST(smp_trampoline_page_is_never_allocated)
{
    EXPECT_TRUE(!pmm_is_managed(SMP_TRAMPOLINE_PA));
}
