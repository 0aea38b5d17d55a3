/*
 * forkserver.c - a fork-per-request server. It builds a 1 MiB table, then
 * forks one child per request read from a pipe (sent by a client, its own
 * child); each child sums part of the table, writes the answer to the
 * client, and exits. The kernel's counters show what each child costs
 * while it lives: a few pages of its own, never a copy of the table.
 */
#include <stdio.h>

#ifndef __cowos__
int main(void)
{
    fputs("forkserver: needs cowos (it reads the kernel's memstat counters)\n", stderr);
    return 2;
}
#else
#include <cowstat.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TABLE_ENTRIES (1L << 18) /* 1 MiB of unsigned int */
#define TABLE_PAGES (TABLE_ENTRIES * 4 / 4096)
#define MAX_REQUESTS 32
#define FEW_PAGES 32 /* what "a few pages" means below */

/* Built once, then only read; page-aligned so it is exactly TABLE_PAGES pages. */
static unsigned int table[TABLE_ENTRIES] __attribute__((aligned(4096)));

struct request {
    long id, first, count; /* sum table[first .. first + count) */
};

struct reply {
    long id, pid;
    unsigned long sum;
};

/* What a request's child measured, sent to the server before it exits. */
struct child_report {
    long faults_reading, frames_reading; /* while summing the table */
    struct cowos_memstat late;           /* the counters just before it exits */
};

static void counters(struct cowos_memstat *m)
{
    if (cowos_memstat(m) < 0) {
        perror("forkserver: memstat");
        exit(2);
    }
}

/* Read exactly n bytes (a pipe may hand them over in pieces): n, 0 at end, -1. */
static long read_full(int fd, void *buf, long n)
{
    long got = 0;
    while (got < n) {
        long r = read(fd, (char *)buf + got, (size_t)(n - got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? -1 : got == 0 ? 0 : -1;
        got += r;
    }
    return got;
}

static unsigned long table_sum(long first, long count)
{
    unsigned long sum = 0;
    for (long i = first; i < first + count; i++)
        sum += table[i];
    return sum;
}

static long pages_of(const struct request *r)
{
    return (r->first + r->count - 1) * 4 / 4096 - r->first * 4 / 4096 + 1;
}

/* ---- the client: sends every request, then checks every answer ---- */

static _Noreturn void client(int req_fd, int reply_fd, int n)
{
    static struct request req[MAX_REQUESTS];
    static unsigned long want[MAX_REQUESTS];
    for (int i = 0; i < n; i++) {
        req[i].id = i;
        req[i].count = TABLE_ENTRIES >> (i % 6); /* the whole table, half, a quarter... */
        req[i].first = (i * 40503L) % (TABLE_ENTRIES - req[i].count + 1);
        want[i] = table_sum(req[i].first, req[i].count);
    }
    struct reply rep;
    memset(&rep, 0, sizeof(rep));
    if (write(req_fd, req, (size_t)n * sizeof(req[0])) != (long)(n * sizeof(req[0]))) {
        perror("forkserver client: write");
        _exit(2);
    }
    close(req_fd); /* the server sees the end of the requests */
    int got = 0, right = 0;
    while (read_full(reply_fd, &rep, sizeof(rep)) == sizeof(rep)) {
        got++;
        right += rep.id >= 0 && rep.id < n && rep.sum == want[rep.id];
    }
    printf("client (pid %d): %d answers to %d requests, %d of them right\n", (int)getpid(), got,
           n, right);
    fflush(stdout);
    _exit(got == n && right == n ? 0 : 1);
}

/* ---- one request's child: answer, report, exit ---- */

static _Noreturn void answer(const struct request *r, int reply_fd, int report_fd)
{
    struct cowos_memstat a, b;
    struct child_report rep;
    memset(&rep, 0, sizeof(rep));
    counters(&a); /* first writes to these after fork: get them done */
    counters(&b);

    counters(&a);
    unsigned long sum = table_sum(r->first, r->count);
    counters(&b);
    rep.faults_reading = (long)(b.cow_faults - a.cow_faults);
    rep.frames_reading = (long)a.frames_free - (long)b.frames_free;

    struct reply out = {r->id, (long)getpid(), sum};
    if (write(reply_fd, &out, sizeof(out)) != sizeof(out))
        _exit(2);
    counters(&rep.late);
    if (write(report_fd, &rep, sizeof(rep)) != sizeof(rep))
        _exit(2);
    _exit(0);
}

/* ---- the server ---- */

int main(int argc, char **argv)
{
    int n = 6;
    if (argc > 1) {
        char *end;
        long v = strtol(argv[1], &end, 10);
        if (argc > 2 || *end || end == argv[1] || v < 1 || v > MAX_REQUESTS) {
            fprintf(stderr, "usage: forkserver [N]   (N requests, 1 to %d, default 6)\n",
                    MAX_REQUESTS);
            return 2;
        }
        n = (int)v;
    }
    for (long i = 0; i < TABLE_ENTRIES; i++)
        table[i] = (unsigned int)((i * 2654435761UL) >> 7) % 1000u;

    static struct cowos_memstat m0, m1;
    counters(&m0);
    int eager = (int)m0.fork_mode_copy;
    /* fork=copy: every child copies the table; leave room for one at a time. */
    if (eager && (long)m0.frames_free < 2 * TABLE_PAGES + 256) {
        printf("forkserver: not enough free memory for fork=copy children; try MEM=256M\n");
        return 2;
    }
    int req[2], rep[2], report[2];
    if (pipe(req) < 0 || pipe(rep) < 0 || pipe(report) < 0) {
        perror("forkserver: pipe");
        return 2;
    }
    printf("forkserver: pid %d built a %ld KiB table (%ld pages) at %p and only reads it now.\n"
           "A client sends %d requests, \"sum table[first .. first+count)\"; for each, the server\n"
           "forks a child that answers and exits, and waits for it before the next (so each\n"
           "child's cost shows alone). Fork mode: %s.\n",
           (int)getpid(), TABLE_ENTRIES * 4 / 1024, TABLE_PAGES, (void *)table, n,
           eager ? "fork=copy (every fork copies every page)" : "copy-on-write");
    fflush(stdout);
    pid_t client_pid = fork();
    if (client_pid < 0) {
        perror("forkserver: fork");
        return 2;
    }
    if (client_pid == 0) {
        close(req[0]);
        close(rep[1]);
        close(report[0]);
        close(report[1]);
        client(req[1], rep[0], n);
    }
    close(req[1]);
    close(rep[0]);

    /* Since the fork above our pages are shared with the client: write now
     * everything the loop writes, so the loop's numbers are the children's. */
    struct request r;
    struct child_report cr;
    memset(&r, 0, sizeof(r));
    memset(&cr, 0, sizeof(cr));
    counters(&m1);
    counters(&m0);
    printf("\n");

    int bad = 0, served = 0;
    long cost_min = -1, cost_max = 0;
    for (;;) {
        long got = read_full(req[0], &r, sizeof(r));
        if (got == 0)
            break;
        if (got < 0) {
            perror("forkserver: read");
            return 2;
        }
        counters(&m0);
        pid_t pid = fork();
        if (pid == 0)
            answer(&r, rep[1], report[1]);
        if (pid < 0) {
            printf("forkserver: fork: %s\n", strerror(errno));
            return 2;
        }
        int status;
        long rr = read_full(report[0], &cr, sizeof(cr));
        if (waitpid(pid, &status, 0) < 0) {
            perror("forkserver: waitpid");
            return 2;
        }
        counters(&m1);
        if (rr != sizeof(cr) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("request %ld: the child (pid %d) failed (status %#x)\n", r.id, (int)pid, status);
            bad++;
            continue;
        }
        served++;
        long cost = (long)m0.frames_free - (long)cr.late.frames_free;
        long pt = (long)(cr.late.fork_pt_pages - m0.fork_pt_pages);
        long copied = (long)(cr.late.fork_pages_copied - m0.fork_pages_copied);
        long cow = (long)(cr.late.cow_copies - m0.cow_copies);
        if (cost_min < 0 || cost < cost_min)
            cost_min = cost;
        if (cost > cost_max)
            cost_max = cost;
        printf("request %ld: sum of table[%ld .. %ld), %ld pages of it, answered by child pid %d\n",
               r.id, r.first, r.first + r.count, pages_of(&r), (int)pid);
        printf("    reading the table: %ld COW faults, %ld frames taken\n", cr.faults_reading,
               cr.frames_reading);
        printf("    while the child lived: %ld frames in use (free %lu before fork, %lu at its end)\n",
               cost, m0.frames_free, cr.late.frames_free);
        if (eager)
            printf("      = %ld page-table pages + %ld pages copied by fork + %ld other (kernel stack)\n",
                   pt, copied, cost - pt - copied - cow);
        else
            printf("      = %ld page-table pages + %ld page(s) copied on COW faults (stack) + %ld other "
                   "(kernel stack)\n",
                   pt, cow, cost - pt - copied - cow);
        printf("    after reaping it: %lu frames free%s\n", m1.frames_free,
               m1.frames_free == m0.frames_free ? ", as before the fork" : "");
        if (cr.faults_reading != 0 || cr.frames_reading != 0) {
            printf("    WRONG: reading copied something\n");
            bad++;
        }
        if (!eager && cost > FEW_PAGES) {
            printf("    WRONG: a COW child should cost a few pages (<= %d), not %ld\n", FEW_PAGES,
                   cost);
            bad++;
        }
        if (eager && copied < TABLE_PAGES) {
            printf("    WRONG: fork=copy should have copied the table (%ld pages)\n", TABLE_PAGES);
            bad++;
        }
        if (m1.frames_free != m0.frames_free) {
            printf("    WRONG: %ld frames not given back after the child was reaped\n",
                   (long)m0.frames_free - (long)m1.frames_free);
            bad++;
        }
    }
    close(rep[1]); /* with the children gone, the client sees the end of the answers */

    int status;
    if (waitpid(client_pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("forkserver: the client found wrong or missing answers\n");
        bad++;
    }
    if (cost_min == cost_max)
        printf("\nforkserver: %d children served; each had %ld frames in use while it lived", served,
               cost_min);
    else
        printf("\nforkserver: %d children served; each had %ld to %ld frames in use while it lived",
               served, cost_min, cost_max);
    if (!eager)
        printf(",\nagainst the table's %ld pages: the children read the server's own frames.\n",
               TABLE_PAGES);
    else
        printf(":\nfork=copy copied the whole process, table (%ld pages) included, for every child.\n",
               TABLE_PAGES);
    if (served != n) {
        printf("forkserver: served %d of %d requests\n", served, n);
        bad++;
    }
    printf("forkserver: %s\n", bad ? "FAILED (see WRONG above)" : "ok");
    return bad ? 1 : 0;
}
#endif
