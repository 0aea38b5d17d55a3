/*
 * smp.c - starting the other CPUs, keeping their struct cpu blocks, and the
 * IPIs that are not the TLB's: the kick that wakes an idle CPU and
 * smp_run_on's function call.
 *
 * smp_init (CPU 0) reads the MADT, starts CPU 0's local APIC and timer,
 * then for each other CPU: fills in the trampoline's data words, sends
 * INIT, STARTUP, STARTUP, and waits until the CPU says it is online. One
 * CPU starts at a time, so the trampoline page is never shared. Each new
 * CPU runs smp_ap_main: its GDT and TSS (its own double-fault stack), its
 * struct cpu through GS, the shared IDT, the syscall MSRs, its local APIC
 * and timer, then it halts until CPU 0 starts scheduling and runs its own
 * scheduler (proc/sched.c) from then on.
 * Owns: ap_cpu[] and ap_stack[] (written by CPU 0 before the CPU starts,
 * then by that CPU only), online_count (CPU 0 only), the start-up tables
 * (freed when smp_init returns), call[] (one slot per target CPU: written by
 * the caller while `done` is set, read by the target; no lock, one caller
 * at a time per target, and callers never hold klock).
 */
#include "kernel/smp.h"
#include "kernel/bootinfo.h"
#include "kernel/cpu.h"
#include "kernel/dev/lapic.h"
#include "kernel/gdt.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "mm/tlb.h"
#include "mm/vmm.h"
#include "proc/sched.h"

#define CALL_VECTOR 51 /* smp_run_on's IPI (kernel/dev/lapic.h) */

#define START_WAIT_TICKS 200 /* PIT ticks (2 s) a CPU gets to come online */

extern char smp_trampoline_start[], smp_trampoline_end[];
extern char smp_tramp_cr3[], smp_tramp_kernel_cr3[], smp_tramp_stack[], smp_tramp_cpu[],
    smp_tramp_entry[];
extern char smp_ap_entry[];

void smp_ap_main(struct cpu *c);

static struct cpu ap_cpu[CPU_MAX - 1];
static struct cpu *cpus[CPU_MAX] = {&cpu0};
static int online_count = 1;
static struct acpi_madt madt;

/* Each other CPU's kernel stack, with a guard page below it. */
static struct {
    uint8_t guard[4096];
    uint8_t stack[16384];
} __aligned(4096) ap_stack[CPU_MAX - 1];

/* The IDT as CPU 0 loaded it (trap_init), for the others to load too. */
static struct {
    uint16_t limit;
    uint64_t base;
} __packed idt_ptr;

static struct {
    void (*fn)(void *);
    void *arg;
    volatile bool done;
} call[CPU_MAX];

int smp_cpu_count(void) { return online_count; }

static void kick_interrupt(struct trapframe *tf)
{
    (void)tf;
    lapic_eoi(); /* the halt is over: the idle loop looks for work */
}

static void call_interrupt(struct trapframe *tf)
{
    (void)tf;
    int me = this_cpu()->id;
    lapic_eoi();
    if (call[me].fn && !call[me].done) {
        call[me].fn(call[me].arg);
        __atomic_store_n(&call[me].done, true, __ATOMIC_RELEASE);
    }
}

int smp_run_on(int cpu, void (*fn)(void *), void *arg)
{
    struct cpu *c = smp_cpu(cpu);
    if (!c || c == this_cpu())
        return -1;
    call[cpu].fn = fn;
    call[cpu].arg = arg;
    __atomic_store_n(&call[cpu].done, false, __ATOMIC_RELEASE);
    lapic_send_ipi(c->apic_id, CALL_VECTOR);
    while (!__atomic_load_n(&call[cpu].done, __ATOMIC_ACQUIRE)) {
        tlb_poll(); /* fn may start a shootdown that waits for this CPU */
        pause();
    }
    call[cpu].fn = NULL;
    return 0;
}
struct cpu *smp_cpu(int id) { return id >= 0 && id < online_count ? cpus[id] : NULL; }
const struct acpi_madt *smp_madt(void) { return &madt; }

/* ACPI tables are reached through the kernel's map of physical memory. */
static const void *map_firmware(paddr_t pa, uint64_t len) { return vmm_kernel_map_phys(pa, len, false); }

/* Wait for n PIT ticks to begin (the first may be closer than a full tick). */
static void wait_ticks(uint64_t n)
{
    uint64_t end = timer_ticks() + n;
    while (timer_ticks() < end)
        pause();
}

/* Free the start-up page tables: PML4, PDPT, PD. */
static void free_startup_tables(paddr_t *t)
{
    for (int i = 0; i < 3; i++)
        if (t[i])
            pmm_decref(t[i]);
}

/*
 * Page tables for the jump into long mode: the kernel's half as it is (the
 * same PDPTs) and the first 2 MiB at their own address, so the trampoline
 * keeps running when paging comes on. Below 4 GiB, since the trampoline
 * loads CR3 in 32-bit mode. Returns 0, or -1 with what it took freed.
 */
static int build_startup_tables(paddr_t *t)
{
    for (int i = 0; i < 3; i++) {
        t[i] = pmm_alloc();
        if (!t[i] || t[i] >= (1UL << 32)) {
            free_startup_tables(t);
            return -1;
        }
    }
    pte_t *pml4 = P2V(t[0]), *pdpt = P2V(t[1]), *pd = P2V(t[2]);
    const pte_t *kernel_pml4 = P2V(vmm_kernel_space()->pml4);
    for (int i = PML4_KERNEL_FIRST; i < 512; i++)
        pml4[i] = kernel_pml4[i];
    pml4[0] = pte_make(t[1], PTE_P | PTE_W);
    pdpt[0] = pte_make(t[2], PTE_P | PTE_W);
    pd[0] = pte_make(0, PTE_P | PTE_W | PTE_PS);
    return 0;
}

/* Is the trampoline's page plain RAM that nothing GRUB left is using? */
static bool trampoline_page_free(const struct boot_info *bi)
{
    paddr_t start = SMP_TRAMPOLINE_PA, end = start + PAGE_SIZE;
    if (pmm_is_managed(start) || (uint64_t)(smp_trampoline_end - smp_trampoline_start) > PAGE_SIZE)
        return false;
    if (start < bi->mbi_end && end > bi->mbi_start)
        return false;
    for (int i = 0; i < bi->module_count; i++)
        if (start < bi->modules[i].end && end > bi->modules[i].start)
            return false;
    for (int i = 0; i < bi->region_count; i++) {
        const struct boot_region *r = &bi->regions[i];
        if (r->type == BOOT_REGION_AVAILABLE && r->base <= start && r->base + r->len >= end)
            return true;
    }
    return false;
}

/* The trampoline's data word sym, in the copy below 1 MiB. */
static uint64_t *tramp_word(char *sym)
{
    return (uint64_t *)((uint8_t *)P2V(SMP_TRAMPOLINE_PA) + (sym - smp_trampoline_start));
}

/* INIT, STARTUP, STARTUP (the second only if the first went unheard), then
 * wait for the CPU to say it is online. */
static bool start_cpu(struct cpu *c)
{
    *tramp_word(smp_tramp_stack) = (uint64_t)(ap_stack[c->id - 1].stack + sizeof(ap_stack[0].stack));
    *tramp_word(smp_tramp_cpu) = (uint64_t)c;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    lapic_send_init(c->apic_id);
    wait_ticks(2); /* at least 10 ms */
    for (int i = 0; i < 2 && !c->online; i++) {
        lapic_send_startup(c->apic_id, SMP_TRAMPOLINE_PA);
        wait_ticks(1);
    }
    uint64_t end = timer_ticks() + START_WAIT_TICKS;
    while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) && timer_ticks() < end)
        pause();
    return c->online;
}

/* Start every CPU of the MADT but this one, one at a time. */
static void start_others(const struct boot_info *bi)
{
    if (madt.ncpus == 1)
        return;
    if (!trampoline_page_free(bi)) {
        printk("smp: the trampoline page at 0x%x is in use; running on CPU 0 only\n", SMP_TRAMPOLINE_PA);
        return;
    }
    paddr_t tables[3] = {0, 0, 0};
    if (build_startup_tables(tables) < 0) {
        printk("smp: no memory below 4 GiB for the start-up page tables; running on CPU 0 only\n");
        return;
    }
    memcpy(P2V(SMP_TRAMPOLINE_PA), smp_trampoline_start, (size_t)(smp_trampoline_end - smp_trampoline_start));
    *tramp_word(smp_tramp_cr3) = tables[0];
    *tramp_word(smp_tramp_kernel_cr3) = vmm_kernel_space()->pml4;
    *tramp_word(smp_tramp_entry) = (uint64_t)smp_ap_entry;
    __asm__ volatile("sidt %0" : "=m"(idt_ptr));

    for (int i = 0; i < madt.ncpus; i++) {
        uint32_t id = madt.apic_ids[i];
        if (id == cpu0.apic_id)
            continue;
        struct cpu *c = &ap_cpu[online_count - 1];
        memset(c, 0, sizeof(*c));
        c->id = online_count;
        c->apic_id = id;
        vmm_kernel_unmap_guard((vaddr_t)ap_stack[c->id - 1].guard);
        vmm_kernel_unmap_guard(gdt_df_stack_guard(c->id));
        if (!start_cpu(c)) {
            lapic_send_init(id); /* back to waiting: it must not wake on the next CPU's stack */
            printk("smp: the CPU with APIC id %u did not start; going on without it\n", id);
            continue;
        }
        cpus[online_count++] = c;
    }
    free_startup_tables(tables);
}

void smp_init(const struct boot_info *bi)
{
    const char *why = NULL;
    if (bi->rsdp_len == 0)
        why = "GRUB found no ACPI RSDP";
    else
        acpi_read_madt(bi->rsdp, bi->rsdp_len, map_firmware, &madt, &why);
    if (!why && lapic_map(madt.lapic_pa) < 0)
        why = "the local APIC's registers could not be mapped";
    if (why) {
        memset(&madt, 0, sizeof(madt));
        printk("smp: no usable MADT (%s); running on CPU 0 only\n", why);
        return;
    }
    cpu0.apic_id = lapic_id();
    trap_set_handler(SCHED_KICK_VECTOR, kick_interrupt);
    trap_set_handler(CALL_VECTOR, call_interrupt);
    tlb_init();
    bool listed = false;
    for (int i = 0; i < madt.ncpus; i++)
        listed |= madt.apic_ids[i] == cpu0.apic_id;
    lapic_cpu_init();
    lapic_calibrate();
    lapic_timer_start();
    cpu0.online = true;
    if (!listed)
        printk("smp: the MADT does not list the boot CPU (APIC id %u); running on CPU 0 only\n",
               cpu0.apic_id);
    else
        start_others(bi);
    if (madt.cpus_left_out)
        printk("smp: %d CPU(s) left out (more than %d, or x2APIC ids above 254)\n", madt.cpus_left_out,
               CPU_MAX);
    char ids[CPU_MAX * 4 + 1] = "";
    for (int i = 0, n = 0; i < online_count; i++)
        n += snprintk(ids + n, sizeof(ids) - (size_t)n, " %u", cpus[i]->apic_id);
    printk("smp: %d CPU%s online (APIC ids%s), each with its local APIC timer; processes run on every CPU\n",
           online_count, online_count == 1 ? "" : "s", ids);
}

/* Where each other CPU arrives from smp_ap_entry, on its own stack, with
 * the kernel's page tables loaded and interrupts off. Never returns. */
__noreturn void smp_ap_main(struct cpu *c)
{
    write_cr4(read_cr4() | CR4_PGE);
    gdt_init_cpu(c->id);
    cpu_set_block(c, c->id);
    __asm__ volatile("lidt %0" ::"m"(idt_ptr));
    cpu_init();
    cpu_fpu_init();
    lapic_cpu_init();
    lapic_timer_start();
    __atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
    while (!sched_started()) { /* kmain's tests and pid 1 first; IPIs answered meanwhile */
        sti();
        hlt();
        cli();
    }
    sched_run();
}
