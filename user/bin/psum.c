/*
 * psum.c - a parallel sum with POSIX threads: psum [THREADS [MILLIONS [ROUNDS]]]
 * (defaults 2 16 5). The numbers are the first MILLIONS million values of a
 * fixed mixing function (computed, not stored: the work is all CPU, so
 * what threads buy shows plainly). It sums them with 1 thread, then with
 * THREADS threads, each taking one slice, the best wall time of ROUNDS runs
 * each, and prints
 *     psum: 1 thread: T1 ms (sum S)
 *     psum: N threads: TN ms (sum S), X.XXx as fast on C CPUs
 * (C = the CPUs online). Exits 0 when every run gave the same sum, 1 if
 * not, 2 on bad arguments or a failed pthread call. make bench-smp reads
 * field 4 of the second line.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 32

struct slice {
    unsigned long from, to; /* numbers [from, to) */
    unsigned long sum;
    char pad[64 - 3 * sizeof(unsigned long)]; /* one cache line each: no false sharing */
};

static struct slice slices[MAX_THREADS];

/* The i-th number: a cheap mix of i (a splitmix-style hash), below 2^20. */
static unsigned long number(unsigned long i)
{
    unsigned long z = i * 0x9e3779b97f4a7c15UL;
    z ^= z >> 29;
    z *= 0xbf58476d1ce4e5b9UL;
    z ^= z >> 32;
    return z & 0xfffff;
}

static void *sum_slice(void *arg)
{
    struct slice *s = arg;
    unsigned long sum = 0;
    for (unsigned long i = s->from; i < s->to; i++)
        sum += number(i);
    s->sum = sum;
    return NULL;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Sum count numbers with n threads; the time taken in *ms. */
static unsigned long run(int n, unsigned long count, long *ms)
{
    pthread_t t[MAX_THREADS];
    long start = now_ms();
    for (int k = 0; k < n; k++) {
        slices[k].from = count * (unsigned long)k / (unsigned long)n;
        slices[k].to = count * (unsigned long)(k + 1) / (unsigned long)n;
        int e = n == 1 ? 0 : pthread_create(&t[k], NULL, sum_slice, &slices[k]);
        if (n == 1)
            sum_slice(&slices[0]); /* one thread: the caller itself */
        if (e) {
            fprintf(stderr, "psum: pthread_create: %s\n", strerror(e));
            exit(2);
        }
    }
    unsigned long sum = 0;
    for (int k = 0; k < n; k++) {
        if (n > 1) {
            int e = pthread_join(t[k], NULL);
            if (e) {
                fprintf(stderr, "psum: pthread_join: %s\n", strerror(e));
                exit(2);
            }
        }
        sum += slices[k].sum;
    }
    *ms = now_ms() - start;
    return sum;
}

/* Best time of rounds runs with n threads; 0 if the runs disagreed on the sum. */
static int best(int n, unsigned long count, int rounds, long *ms, unsigned long *sum)
{
    *ms = -1;
    for (int r = 0; r < rounds; r++) {
        long t;
        unsigned long s = run(n, count, &t);
        if (r > 0 && s != *sum)
            return 0;
        *sum = s;
        if (*ms < 0 || t < *ms)
            *ms = t;
    }
    return 1;
}

static long arg(char **argv, int argc, int i, long def, long max)
{
    if (argc <= i)
        return def;
    char *end;
    long v = strtol(argv[i], &end, 10);
    if (*end || v < 1 || v > max) {
        fprintf(stderr, "usage: psum [THREADS (1-%d) [MILLIONS [ROUNDS]]]\n", MAX_THREADS);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    int n = (int)arg(argv, argc, 1, 2, MAX_THREADS);
    unsigned long count = (unsigned long)arg(argv, argc, 2, 16, 100000) * 1000000UL;
    int rounds = (int)arg(argv, argc, 3, 5, 1000);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    long t1, tn;
    unsigned long s1, sn;
    int ok = best(1, count, rounds, &t1, &s1);
    printf("psum: 1 thread: %ld ms (sum %lu)\n", t1, s1);
    ok &= best(n, count, rounds, &tn, &sn);
    printf("psum: %d threads: %ld ms (sum %lu), %.2fx as fast on %ld CPUs\n", n, tn, sn,
           (double)(t1 > 0 ? t1 : 1) / (double)(tn > 0 ? tn : 1), cpus);
    if (!ok || s1 != sn) {
        printf("psum: FAILED: the sums differ\n");
        return 1;
    }
    return 0;
}
