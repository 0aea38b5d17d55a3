/*
 * kvsnap - a snapshot by fork, as Redis saves to disk: an in-memory
 * key-value table of several MiB; a forked child writes the table to
 * /tmp/snapshot as of the fork while the parent keeps updating keys. The
 * pages the parent changed during the save are exactly the pages
 * copy-on-write copied, far fewer than the table. Then the snapshot is
 * read back and checked against the table at the fork (every record at
 * version 0), not the table after.
 *
 *   kvsnap [MIB [UPDATES]]   table size (default 8 MiB), updates between
 *                            checks on the child (default 64)
 *
 * Under FORK=copy the fork copies the whole table up front instead.
 * Exit 0 when the checks hold.
 */
#include <cowstat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define SNAPSHOT "/tmp/snapshot"

struct rec {
    unsigned long key;
    unsigned long version;
    char value[48];
};

static void make_value(struct rec *r)
{
    snprintf(r->value, sizeof(r->value), "value of key %lu, version %lu", r->key, r->version);
}

static unsigned long rng = 88172645463325252UL;
static unsigned long next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/*
 * Table pages that are no longer the child's frames: the pages copied since
 * the fork, whatever the fork mode (a page in a table fork=cow still shares
 * whole is marked neither COW nor counted as shared, so the frames are
 * compared). -1 if the page lists cannot be read.
 */
static long table_pages_copied(unsigned long start, size_t npages, pid_t child)
{
    long n_self = 0, n_child = 0, copied = 0;
    struct cowos_vmentry *self = cowos_vmmap_all(0, &n_self);
    struct cowos_vmentry *kid = cowos_vmmap_all(child, &n_child);
    if (!self || !kid) {
        free(self);
        free(kid);
        return -1;
    }
    unsigned long end = start + npages * PAGE;
    long j = 0;
    for (long i = 0; i < n_self; i++) {
        if (self[i].va < start || self[i].va >= end)
            continue;
        while (j < n_child && kid[j].va < self[i].va)
            j++;
        if (j >= n_child || kid[j].va != self[i].va || kid[j].frame != self[i].frame)
            copied++;
    }
    free(self);
    free(kid);
    return copied;
}

static int save(const struct rec *table, size_t bytes)
{
    int fd = open(SNAPSHOT, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    const char *p = (const char *)table;
    for (size_t off = 0; off < bytes;) {
        size_t chunk = bytes - off < 65536 ? bytes - off : 65536;
        ssize_t w = write(fd, p + off, chunk);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    return close(fd);
}

int main(int argc, char **argv)
{
    long mib = argc > 1 ? atol(argv[1]) : 8, per_check = argc > 2 ? atol(argv[2]) : 64;
    if (mib < 1 || mib > 64 || per_check < 1) {
        fprintf(stderr, "usage: kvsnap [MIB (1-64) [UPDATES (>= 1)]]\n");
        return 2;
    }
    size_t bytes = (size_t)mib << 20, nrec = bytes / sizeof(struct rec), npages = bytes / PAGE;
    struct rec *table = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *changed = calloc(npages, 1);
    if (table == MAP_FAILED || !changed) {
        perror("kvsnap: memory");
        return 1;
    }
    for (size_t i = 0; i < nrec; i++) {
        table[i].key = i;
        table[i].version = 0;
        make_value(&table[i]);
    }
    printf("kvsnap: table of %zu records, %ld MiB (%zu pages)\n", nrec, mib, npages);

    int done[2], go[2];
    if (pipe(done) < 0 || pipe(go) < 0) {
        perror("kvsnap: pipe");
        return 1;
    }
    fcntl(done[0], F_SETFL, O_NONBLOCK);
    struct cowos_memstat m0, m1;
    cowos_memstat(&m0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("kvsnap: fork");
        return 1;
    }
    if (pid == 0) {
        char ok = save(table, nrec * sizeof(struct rec)) == 0 ? 'y' : 'n', x;
        write(done[1], &ok, 1);
        read(go[0], &x, 1); /* stay until the parent has counted its pages */
        _exit(ok == 'y' ? 0 : 1);
    }
    /* The parent keeps serving writes until the child says the save is done. */
    long updates = 0, pages_changed = 0;
    char ok = 0;
    while (read(done[0], &ok, 1) != 1) {
        for (long i = 0; i < per_check; i++) {
            size_t k = next_rand() % nrec;
            table[k].version++;
            make_value(&table[k]);
            size_t page = (size_t)((char *)&table[k] - (char *)table) / PAGE;
            size_t last = (size_t)((char *)&table[k + 1] - 1 - (char *)table) / PAGE;
            for (size_t p = page; p <= last; p++)
                if (!changed[p]) {
                    changed[p] = 1;
                    pages_changed++;
                }
            updates++;
        }
    }
    cowos_memstat(&m1);
    long cow_copied = table_pages_copied((unsigned long)table, npages, pid);
    write(go[1], "x", 1);
    int status = 0;
    waitpid(pid, &status, 0);
    int copy_mode = m1.fork_mode_copy != 0;
    long copied = copy_mode ? (long)(m1.fork_pages_copied - m0.fork_pages_copied)
                            : cow_copied;
    printf("kvsnap: the parent made %ld updates during the save, changing %ld of %zu pages\n",
           updates, pages_changed, npages);
    if (copy_mode)
        printf("kvsnap: fork=copy: the fork copied %ld pages up front (the whole table and more)\n",
               copied);
    else
        printf("kvsnap: table pages copied by copy-on-write: %ld (all COW copies: %lu)\n", copied,
               m1.cow_copies - m0.cow_copies);
    int failures = 0;
    if (ok != 'y' || status != 0) {
        printf("kvsnap: FAILED: the child could not write %s\n", SNAPSHOT);
        return 1;
    }
    if (!copy_mode && copied != pages_changed) {
        printf("kvsnap: FAILED: expected %ld pages copied (the pages changed), got %ld\n",
               pages_changed, copied);
        failures++;
    }
    /* Read the snapshot back: every record as it was at the fork. */
    int fd = open(SNAPSHOT, O_RDONLY);
    struct rec r, want;
    size_t bad = 0, differs_now = 0, got = 0;
    while (fd >= 0 && read(fd, &r, sizeof(r)) == (ssize_t)sizeof(r)) {
        memset(&want, 0, sizeof(want));
        want.key = got;
        want.version = 0;
        make_value(&want);
        if (memcmp(&r, &want, sizeof(r)) != 0)
            bad++;
        if (got < nrec && memcmp(&r, &table[got], sizeof(r)) != 0)
            differs_now++;
        got++;
    }
    if (fd >= 0)
        close(fd);
    if (got != nrec || bad) {
        printf("kvsnap: FAILED: expected %zu records as at the fork, got %zu (%zu wrong)\n", nrec,
               got, bad);
        failures++;
    } else {
        printf("kvsnap: snapshot verified: %zu records as at the fork; %zu differ from the table now\n",
               got, differs_now);
    }
    if (updates > 0 && differs_now == 0) {
        printf("kvsnap: FAILED: the snapshot matches the table after the updates\n");
        failures++;
    }
    printf("kvsnap: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
