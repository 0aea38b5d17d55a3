/*
 * qsort.c - introsort: quicksort with a median-of-three pivot, insertion
 * sort for short ranges, and heapsort once the recursion is deeper than
 * 2*log2(n), so the worst case stays O(n log n). Recursion always goes into
 * the smaller half (the larger one loops), bounding the stack to O(log n).
 * Items are moved by swapping bytes: any size works, no allocation.
 */
#include <stddef.h>
#include <stdlib.h>

typedef int (*cmp_fn)(const void *, const void *);

#define INSERTION_MAX 12 /* ranges up to this many items use insertion sort */

static void swap(char *a, char *b, size_t size)
{
    if (a == b)
        return;
    while (size--) {
        char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

static void insertion_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
    for (size_t i = 1; i < n; i++)
        for (char *p = base + i * size; p > base && cmp(p - size, p) > 0; p -= size)
            swap(p - size, p, size);
}

/* Move item i down the max-heap base[0..n) until its children are smaller. */
static void sift_down(char *base, size_t i, size_t n, size_t size, cmp_fn cmp)
{
    for (;;) {
        size_t big = i, l = 2 * i + 1, r = l + 1;
        if (l < n && cmp(base + l * size, base + big * size) > 0)
            big = l;
        if (r < n && cmp(base + r * size, base + big * size) > 0)
            big = r;
        if (big == i)
            return;
        swap(base + i * size, base + big * size, size);
        i = big;
    }
}

static void heap_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(base, i, n, size, cmp);
    for (size_t end = n; end-- > 1;) {
        swap(base, base + end * size, size);
        sift_down(base, 0, end, size, cmp);
    }
}

/*
 * Partition base[0..n) (n > INSERTION_MAX) around the median of its first,
 * middle and last items. Returns k: items before k are <= the pivot, the
 * pivot sits at k, items after are >= it.
 */
static size_t partition(char *base, size_t n, size_t size, cmp_fn cmp)
{
    char *lo = base, *mid = base + (n / 2) * size, *hi = base + (n - 1) * size;
    if (cmp(mid, lo) < 0)
        swap(mid, lo, size);
    if (cmp(hi, mid) < 0) {
        swap(hi, mid, size);
        if (cmp(mid, lo) < 0)
            swap(mid, lo, size);
    }
    /* Now lo <= mid <= hi; park the pivot at lo and sweep in from both ends. */
    swap(lo, mid, size);
    size_t i = 1, j = n - 1;
    for (;;) {
        while (cmp(base + i * size, lo) < 0)
            i++; /* stops at hi at the latest: hi >= pivot */
        while (cmp(base + j * size, lo) > 0)
            j--; /* stops at lo at the latest */
        if (i >= j)
            break;
        swap(base + i * size, base + j * size, size);
        i++;
        j--;
    }
    swap(lo, base + j * size, size);
    return j;
}

static void sort(char *base, size_t n, size_t size, cmp_fn cmp, int depth)
{
    while (n > INSERTION_MAX) {
        if (depth-- == 0) {
            heap_sort(base, n, size, cmp);
            return;
        }
        size_t k = partition(base, n, size, cmp);
        size_t left = k, right = n - k - 1;
        if (left < right) {
            sort(base, left, size, cmp, depth);
            base += (k + 1) * size;
            n = right;
        } else {
            sort(base + (k + 1) * size, right, size, cmp, depth);
            n = left;
        }
    }
    insertion_sort(base, n, size, cmp);
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n < 2 || size == 0)
        return;
    int depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    sort(base, n, size, cmp, depth);
}
