/*
 * shootdown.c - the demo of TLB shootdown: why fork on several CPUs must
 * interrupt the other CPUs before it returns.
 *
 * A writer thread keeps sweeping 64 private pages, writing the number of
 * its sweep into each page in order (so at any instant pages 0..k hold
 * sweep g and the rest g-1). The main thread, on another CPU, forks. Fork
 * write-protects every page for copy-on-write, but the writer's CPU still
 * holds the old writable translations in its TLB: until the kernel
 * interrupts that CPU (an IPI) and it flushes, its writes would land in
 * frames the child now shares, and the child's "copy" would keep changing.
 * The child proves it holds one instant of the sweep (the prefix shape
 * above) and that nothing changes in it 100 ms later while the parent's
 * writer goes on. The parent prints the kernel's shootdown counters across
 * the fork and what one shootdown cost (TSC cycles the forking CPU spent
 * waiting for acknowledgments; under -icount, as make bench-smp runs it,
 * those are guest instructions).
 * Exit 0 when every check holds, 1 after a WRONG: line, 2 if it cannot run.
 */
#include <stdio.h>

#ifndef __cowos__
int main(void)
{
    fputs("shootdown: needs cowos (it reads the kernel's counters)\n", stderr);
    return 2;
}
#else
#include <cowstat.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGES 64
#define PAGE 4096UL

static _Atomic unsigned long *pages;  /* word 0 of page i: pages[i * PAGE / 8] */
static atomic_int writer_cpu = -1;    /* where the writer last ran */
static atomic_long sweeps;            /* sweeps the writer finished */
static atomic_int stop;

static _Atomic unsigned long *word(int i) { return pages + i * (PAGE / sizeof(unsigned long)); }

static void *writer(void *arg)
{
    (void)arg;
    for (unsigned long g = 1; !atomic_load(&stop); g++) {
        for (int i = 0; i < PAGES; i++)
            atomic_store_explicit(word(i), g, memory_order_relaxed);
        atomic_store(&sweeps, (long)g);
        if (g % 256 == 1) /* (rarely: the call takes the kernel's lock, which another CPU wants) */
            atomic_store(&writer_cpu, sched_getcpu());
    }
    return NULL;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Does snapshot s look like one instant of the writer's sweep: pages 0..k
 * at g, the rest at g-1 (or all equal)? Sets *g and *k. */
static int one_instant(const unsigned long *s, unsigned long *g, int *k)
{
    int i = 1;
    while (i < PAGES && s[i] == s[0])
        i++;
    *g = s[0];
    *k = i - 1;
    for (int j = i; j < PAGES; j++)
        if (s[j] != s[0] - 1)
            return 0;
    return 1;
}

/* The child: snapshot, wait, compare. Exit 0 or 1; prints what it saw. */
static _Noreturn void child(void)
{
    unsigned long first[PAGES], later[PAGES], g;
    int k, bad = 0;
    for (int i = 0; i < PAGES; i++)
        first[i] = atomic_load(word(i));
    sleep_ms(100);
    for (int i = 0; i < PAGES; i++)
        later[i] = atomic_load(word(i));
    int instant = one_instant(first, &g, &k);
    if (instant && k == PAGES - 1)
        printf("    ok:    the child's pages are one instant of the sweep: all %d at sweep %lu\n", PAGES, g);
    else if (instant)
        printf("    ok:    the child's pages are one instant of the sweep: pages 0-%d at sweep %lu, %d-%d at %lu\n",
               k, g, k + 1, PAGES - 1, g - 1);
    else {
        printf("    the child's pages are no instant of the sweep (page 0 at %lu, page %d at %lu, page %d at %lu)\n",
               first[0], PAGES / 2, first[PAGES / 2], PAGES - 1, first[PAGES - 1]);
        bad |= 2; /* wrong unless this fork copied the pages one by one (the parent knows) */
    }
    int changed = 0;
    for (int i = 0; i < PAGES; i++)
        changed += later[i] != first[i];
    if (changed == 0)
        printf("    ok:    100 ms later the child's pages are unchanged: a snapshot taken at the fork\n");
    else {
        printf("    WRONG: %d of the child's pages changed after the fork (the writer's stale TLB entries?)\n",
               changed);
        bad |= 1;
    }
    _exit(bad);
}

int main(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    void *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("shootdown: mmap");
        return 2;
    }
    pages = p;
    for (int i = 0; i < PAGES; i++)
        atomic_store(word(i), 0);

    pthread_t t;
    int e = pthread_create(&t, NULL, writer, NULL);
    if (e != 0) {
        printf("shootdown: pthread_create: %s\n", strerror(e));
        return 2;
    }
    /* Wait until the writer is running on a CPU other than ours (3 s at
     * most). Busy: a thread that slept would leave its CPU to the writer
     * and wake up there again, while two runnable threads on one CPU are
     * what makes an idle CPU take one of them. */
    int me = sched_getcpu(), other = -1;
    for (long start = now_ms(); cpus > 1 && now_ms() - start < 3000;) {
        for (volatile long spin = 0; spin < 200000; spin++) /* in user mode: preemptible */
            ;
        me = sched_getcpu();
        other = atomic_load(&writer_cpu);
        if (other >= 0 && other != me && atomic_load(&sweeps) > 10)
            break;
    }
    printf("shootdown: %ld CPU(s); the writer thread sweeps %d pages on CPU %d, the forking thread runs on CPU %d\n",
           cpus, PAGES, atomic_load(&writer_cpu), me);

    struct cowos_memstat a, b;
    if (cowos_memstat(&b) < 0 || cowos_memstat(&a) < 0) { /* (the first writes to both after start) */
        perror("shootdown: memstat");
        return 2;
    }
    long before_fork = atomic_load(&sweeps);
    pid_t pid = fork();
    if (pid == 0)
        child();
    cowos_memstat(&b);
    if (pid < 0) {
        perror("shootdown: fork");
        return 2;
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) {
        perror("shootdown: waitpid");
        return 2;
    }
    long after = atomic_load(&sweeps);
    atomic_store(&stop, 1);
    pthread_join(t, NULL);

    unsigned long sd = b.tlb_shootdowns - a.tlb_shootdowns;
    unsigned long ipis = b.tlb_ipis - a.tlb_ipis;
    unsigned long flushed = b.tlb_pages_flushed - a.tlb_pages_flushed;
    unsigned long full = b.tlb_full_flushes - a.tlb_full_flushes;
    unsigned long wait = b.tlb_wait_cycles - a.tlb_wait_cycles;
    int bad = !WIFEXITED(status) || (WEXITSTATUS(status) & ~2) != 0;
    int concurrent = cpus > 1 && other >= 0 && other != me;
    int copied = b.fork_pages_copied != a.fork_pages_copied; /* fork=copy (or a fork lab's stub) */
    printf("  from the fork's call to its return: %lu shootdown(s), %lu IPI(s); the other CPUs flushed\n"
           "  %lu page(s) one by one and their whole TLB %lu time(s) (the fork's own, and any the\n"
           "  writer's copy-on-write faults caused meanwhile: a copy replaces a translation too)\n",
           sd, ipis, flushed, full);
    if (WIFEXITED(status) && (WEXITSTATUS(status) & 2)) {
        if (copied)
            printf("    (an eager copy takes the pages one by one while the writer goes on: no one instant)\n");
        else {
            printf("    WRONG: copy-on-write should have given the child one instant of the parent's memory\n");
            bad = 1;
        }
    }
    if (copied) {
        printf("    (this fork copied every page: nothing was write-protected, so nothing needed shooting down)\n");
    } else if (concurrent) {
        if (sd >= 1)
            printf("    ok:    fork interrupted the writer's CPU before returning\n");
        else {
            printf("    WRONG: the writer ran on CPU %d during the fork, but fork shot nothing down\n", other);
            bad = 1;
        }
    } else {
        printf("    (the writer was not running on another CPU: nothing to shoot down)\n");
    }
    printf("  the parent's writer went from sweep %ld at the fork to %ld while the child looked\n",
           before_fork, after);
    if (sd > 0)
        printf("One shootdown cost %lu cycles of waiting for acknowledgment (%lu cycles over %lu shootdowns)\n",
               wait / sd, wait, sd);
    munmap(p, PAGES * PAGE);
    printf("shootdown: %s\n", bad ? "FAILED" : "the child holds the snapshot taken at the fork");
    return bad;
}
#endif
