/*
 * seal.c - the graders' channel behind tests/seal.h.
 * Owns the secret and the table of sealed verdicts. Invariants: the secret
 * is printed only by seal_finish, after every user process has stopped
 * running (pid 1 has exited, or no user program was started); one verdict
 * per name, the first kept; nothing happens without "seal=" on the line.
 */
#include "tests/seal.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "mm/cow.h"
#include "proc/proc.h"

#define SEAL_MAX 512
#define SEAL_NAME 96
#define SEAL_SECRET 40

static char secret[SEAL_SECRET];
static struct {
    char name[SEAL_NAME];
    bool passed;
    int status; /* the wait status a user test exited with; 0 for kernel tests */
} verdicts[SEAL_MAX];
static int nverdicts;
static bool lost; /* more verdicts than the table holds: the tally says so */

void seal_init(void)
{
    if (!cmdline_value("seal", secret, sizeof(secret)))
        secret[0] = '\0';
}

/* Keep a verdict unless one with this name is kept already. */
static void keep(const char *name, bool passed, int status)
{
    if (!secret[0])
        return;
    for (int i = 0; i < nverdicts; i++)
        if (strcmp(verdicts[i].name, name) == 0)
            return;
    if (nverdicts == SEAL_MAX) {
        lost = true;
        return;
    }
    strlcpy(verdicts[nverdicts].name, name, SEAL_NAME);
    verdicts[nverdicts].passed = passed;
    verdicts[nverdicts].status = status;
    nverdicts++;
}

void seal_record(const char *name, bool passed) { keep(name, passed, 0); }

void seal_proc_exit(const struct proc *p, int status)
{
    if (p->parent && p->parent->pid == 1)
        keep(p->name, status == 0, status);
}

void seal_finish(void)
{
    if (!secret[0])
        return;
    int passed = 0, failed = lost;
    for (int i = 0; i < nverdicts; i++) {
        if (verdicts[i].passed) {
            printk("seal %s ok %s\n", secret, verdicts[i].name);
            passed++;
        } else {
            printk("seal %s fail %s status %d\n", secret, verdicts[i].name, verdicts[i].status);
            failed++;
        }
    }
    struct cowos_memstat m;
    cow_stats(&m);
    printk("seal %s count forks %lu\n", secret, m.forks);
    printk("seal %s count fork_pages_shared %lu\n", secret, m.fork_pages_shared);
    printk("seal %s count fork_pages_copied %lu\n", secret, m.fork_pages_copied);
    printk("seal %s count cow_faults %lu\n", secret, m.cow_faults);
    printk("seal %s count cow_copies %lu\n", secret, m.cow_copies);
    printk("seal %s count cow_reuses %lu\n", secret, m.cow_reuses);
    printk("seal %s count demand_zero_faults %lu\n", secret, m.demand_zero_faults);
    printk("seal %s count file_faults %lu\n", secret, m.file_faults);
    if (lost)
        printk("seal %s lost more than %d verdicts\n", secret, SEAL_MAX);
    printk("seal %s end %d passed, %d failed\n", secret, passed, failed);
    secret[0] = '\0'; /* once */
}
