/*
 * stdlib.c - the small pieces of <stdlib.h>: absolute values, binary search,
 * the pseudo-random generator and getenv. rand() is a 64-bit linear
 * congruential generator whose state is per process (copied by fork),
 * advanced atomically so threads never lose or repeat a step; rand_r()
 * keeps its state in the caller's word.
 */
#include <stdint.h>
#include <stdlib.h>

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }

void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *))
{
    const char *lo = base;
    while (n > 0) {
        const char *mid = lo + (n / 2) * size;
        int c = cmp(key, mid);
        if (c == 0)
            return (void *)mid;
        if (c > 0) {
            lo = mid + size;
            n -= n / 2 + 1;
        } else {
            n /= 2;
        }
    }
    return NULL;
}

static uint64_t rand_state = 1;

void srand(unsigned int seed)
{
    __atomic_store_n(&rand_state, seed, __ATOMIC_RELAXED);
}

/* Knuth's MMIX multiplier; the high bits are the good ones. */
static uint64_t rand_next(uint64_t s) { return s * 6364136223846793005ULL + 1442695040888963407ULL; }

int rand(void)
{
    /* Thread-safe without a lock: each call claims one step of the state. */
    uint64_t old = __atomic_load_n(&rand_state, __ATOMIC_RELAXED), new;
    do
        new = rand_next(old);
    while (!__atomic_compare_exchange_n(&rand_state, &old, new, 1, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED));
    return (int)(new >> 33);
}

int rand_r(unsigned int *seed)
{
    uint64_t s = rand_next(*seed);
    *seed = (unsigned int)s; /* an LCG modulo 2^32: full period */
    return (int)(s >> 33);
}

char *getenv(const char *name)
{
    (void)name;
    return NULL;
}
