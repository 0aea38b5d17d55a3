/*
 * test_qsort.c - qsort and bsearch: random and adversarial inputs (sorted,
 * reversed, all equal, organ pipe, sawtooth) of many lengths and item
 * sizes give the same key order as glibc's qsort, and the number of
 * comparisons stays O(n log n).
 */
#include <stdlib.h>
#include <string.h>
#include "cw.h"

static long comparisons;

static int cmp_int(const void *a, const void *b)
{
    comparisons++;
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_byte(const void *a, const void *b)
{
    return *(const unsigned char *)a - *(const unsigned char *)b;
}

/* Items of 7 bytes: an int key then 3 bytes that must travel with it. */
static int cmp7(const void *a, const void *b)
{
    int x, y;
    memcpy(&x, a, 4);
    memcpy(&y, b, 4);
    return (x > y) - (x < y);
}

static void fill(int *v, size_t n, int pattern)
{
    for (size_t i = 0; i < n; i++) {
        switch (pattern) {
        case 0: v[i] = (int)(rnd() % 1000000); break;
        case 1: v[i] = (int)i; break;
        case 2: v[i] = (int)(n - i); break;
        case 3: v[i] = 7; break;
        case 4: v[i] = (int)(i < n / 2 ? i : n - i); break;
        case 5: v[i] = (int)(i % 17); break;
        default: v[i] = (int)(rnd() % 4); break;
        }
    }
}

static void check_ints(size_t n, int pattern)
{
    int *a = malloc((n + 1) * sizeof(int)), *b = malloc((n + 1) * sizeof(int));
    fill(a, n, pattern);
    memcpy(b, a, n * sizeof(int));
    comparisons = 0;
    cw_qsort(a, n, sizeof(int), cmp_int);
    long used = comparisons;
    qsort(b, n, sizeof(int), cmp_int);
    CHECK(memcmp(a, b, n * sizeof(int)) == 0, "qsort of %zu ints, pattern %d", n, pattern);
    long log2n = 1;
    for (size_t m = n; m > 1; m >>= 1)
        log2n++;
    CHECK(used <= 8 * (long)n * log2n + 64, "qsort of %zu ints, pattern %d: %ld comparisons", n,
          pattern, used);
    free(a);
    free(b);
}

void test_qsort(void)
{
    for (size_t n = 0; n < 200; n++)
        for (int p = 0; p < 7; p++)
            check_ints(n, p);
    for (int p = 0; p < 7; p++) {
        check_ints(10000, p);
        check_ints(200000, p);
    }

    /* Bytes (size 1) and 7-byte items whose tails must move with their keys. */
    unsigned char bytes[1000], ref[1000];
    for (size_t i = 0; i < sizeof(bytes); i++)
        bytes[i] = ref[i] = (unsigned char)rnd();
    cw_qsort(bytes, sizeof(bytes), 1, cmp_byte);
    qsort(ref, sizeof(ref), 1, cmp_byte);
    CHECK(memcmp(bytes, ref, sizeof(bytes)) == 0, "qsort of bytes");

    enum { N7 = 777 };
    static unsigned char items[N7 * 7];
    for (int i = 0; i < N7; i++) {
        int key = (int)(rnd() % 100000) * 1000 + i; /* distinct keys */
        memcpy(items + i * 7, &key, 4);
        items[i * 7 + 4] = (unsigned char)key;
        items[i * 7 + 5] = (unsigned char)(key >> 8);
        items[i * 7 + 6] = (unsigned char)(key >> 16);
    }
    cw_qsort(items, N7, 7, cmp7);
    int ok = 1;
    for (int i = 0; i < N7; i++) {
        int key;
        memcpy(&key, items + i * 7, 4);
        if (items[i * 7 + 4] != (unsigned char)key || items[i * 7 + 5] != (unsigned char)(key >> 8) ||
            items[i * 7 + 6] != (unsigned char)(key >> 16))
            ok = 0;
        if (i && cmp7(items + (i - 1) * 7, items + i * 7) > 0)
            ok = 0;
    }
    CHECK(ok, "qsort of 7-byte items");

    int sorted[100];
    for (int i = 0; i < 100; i++)
        sorted[i] = i * 3;
    for (int k = -2; k < 302; k++) {
        int *hit = cw_bsearch(&k, sorted, 100, sizeof(int), cmp_int);
        CHECK(k % 3 == 0 && k >= 0 && k < 300 ? hit && *hit == k : hit == NULL, "bsearch(%d)", k);
    }
    CHECK(cw_bsearch(&sorted[0], sorted, 0, sizeof(int), cmp_int) == NULL, "bsearch of nothing");
}
