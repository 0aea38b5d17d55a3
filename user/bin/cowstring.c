/*
 * cowstring.c - copy-on-write beyond the kernel, 1: a string whose copies
 * share one reference-counted buffer until a holder changes it, the way C++
 * libraries implemented std::string before C++11 (GCC's until version 5).
 *
 * The same program runs twice, once with the shared strings (cs_*) and once
 * with plain ones that copy their bytes at every copy (the "naive" string),
 * and counts buffer copies and bytes copied for each; then it shows the two
 * problems that made C++11 forbid the shared kind: a reference (here a
 * char *) into a buffer that is shared, and the reference count under
 * threads.
 * Invariants of a shared string: buf->refs holders point at buf; a holder
 * changes the bytes only when refs == 1 (it copies the buffer first
 * otherwise); a buffer that someone holds a writable pointer into is
 * "unshareable" (refs stays 1: a copy of the string copies the bytes).
 * Exit 0 when every count is the one expected, 1 after a WRONG: line.
 * Runs on cowos and, built with a host compiler, on Linux (nothing here is
 * cowos-specific: the copy-on-write is all in user space).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the shared, reference-counted string ------------------------------- */

struct buf {
    long refs;        /* strings pointing here; -1: unshareable (a char * escaped) */
    size_t len;
    char data[];      /* len bytes and a '\0' */
};

struct cs {
    struct buf *b;
};

static long copies, bytes_copied; /* buffers copied, and their bytes */
static int naive;                /* 1: every copy copies (the plain string) */

static struct buf *buf_new(const char *s, size_t len)
{
    struct buf *b = malloc(sizeof(*b) + len + 1);
    if (!b) {
        fputs("cowstring: out of memory\n", stderr);
        exit(2);
    }
    b->refs = 1;
    b->len = len;
    memcpy(b->data, s, len);
    b->data[len] = '\0';
    return b;
}

/* A copy of b's bytes in a buffer of its own: the "copy" in copy-on-write. */
static struct buf *buf_dup(const struct buf *b)
{
    copies++;
    bytes_copied += (long)b->len;
    return buf_new(b->data, b->len);
}

static void buf_put(struct buf *b)
{
    if (b->refs == -1 || --b->refs == 0)
        free(b);
}

static struct cs cs_from(const char *s) { return (struct cs){buf_new(s, strlen(s))}; }

/* A copy of the string: one more holder of the same buffer (the naive string,
 * or a buffer with a pointer into it, copies the bytes instead). */
static struct cs cs_copy(const struct cs *s)
{
    if (naive || s->b->refs == -1)
        return (struct cs){buf_dup(s->b)};
    s->b->refs++;
    return (struct cs){s->b};
}

static void cs_free(struct cs *s)
{
    buf_put(s->b);
    s->b = NULL;
}

/* Before any change: a buffer of our own (copy it if anyone else holds it). */
static void cs_unshare(struct cs *s)
{
    if (s->b->refs > 1) {
        struct buf *mine = buf_dup(s->b);
        s->b->refs--;
        s->b = mine;
    }
}

static void cs_set(struct cs *s, size_t i, char c)
{
    cs_unshare(s);
    s->b->data[i] = c;
}

static void cs_append(struct cs *s, const char *t)
{
    cs_unshare(s);
    size_t n = strlen(t);
    struct buf *b = malloc(sizeof(*b) + s->b->len + n + 1); /* grown: a new buffer anyway */
    if (!b) {
        fputs("cowstring: out of memory\n", stderr);
        exit(2);
    }
    b->refs = s->b->refs;
    b->len = s->b->len + n;
    memcpy(b->data, s->b->data, s->b->len);
    memcpy(b->data + s->b->len, t, n + 1);
    free(s->b);
    s->b = b;
}

/*
 * C++'s non-const operator[]: a pointer the caller may write through later.
 * The buffer must be our own now, and must stay so: marked unshareable,
 * every later copy of the string copies the bytes (pre-C++11 libraries
 * "leaked" the buffer this way). Without the mark, see broken_at below.
 */
static char *cs_at(struct cs *s, size_t i)
{
    cs_unshare(s);
    s->b->refs = -1;
    return &s->b->data[i];
}

/* The same without the mark: the pointer outlives the unsharing. */
static char *broken_at(struct cs *s, size_t i)
{
    cs_unshare(s);
    return &s->b->data[i];
}

static const char *cs_str(const struct cs *s) { return s->b->data; }

/* ---- a workload: what programs do with strings ------------------------- */

#define NAMES 100
#define LOOKUPS 1000

/* Passed by value, as a C++ function taking std::string would: a copy. */
static size_t length_of(struct cs s)
{
    size_t n = strlen(cs_str(&s));
    cs_free(&s);
    return n;
}

/*
 * NAMES names, each "customer-NN" of 11 bytes, held twice: in a table and in
 * an index (a copy each); each looked up LOOKUPS / NAMES times by value (a
 * copy each); then one name in ten changed in the table (its first letter
 * capitalised), the index keeping the old spelling.
 */
static void workload(void)
{
    struct cs table[NAMES], index[NAMES];
    char tmp[32];
    for (int i = 0; i < NAMES; i++) {
        snprintf(tmp, sizeof(tmp), "customer-%02d", i);
        table[i] = cs_from(tmp); /* made once: not a copy, either kind */
        index[i] = cs_copy(&table[i]);
    }
    size_t total = 0;
    for (int k = 0; k < LOOKUPS; k++)
        total += length_of(cs_copy(&table[k % NAMES]));
    for (int i = 0; i < NAMES; i += 10)
        cs_set(&table[i], 0, 'C');
    if (total != (size_t)LOOKUPS * 11 || cs_str(&table[10])[0] != 'C' ||
        cs_str(&index[10])[0] != 'c' || cs_str(&table[11])[0] != 'c')
        printf("WRONG: the workload computed the wrong strings\n");
    for (int i = 0; i < NAMES; i++) {
        cs_free(&table[i]);
        cs_free(&index[i]);
    }
}

static int failures;

static void expect_count(const char *what, long got, long want)
{
    printf("  %-46s %6ld %9ld%s\n", what, got, want, got == want ? "" : "   WRONG");
    failures += got != want;
}

int main(void)
{
    printf("cowstring: a copy-on-write string (std::string before C++11)\n\n");
    printf("The workload: %d names of 11 bytes, held in a table and in an index;\n"
           "%d lookups passing a name by value (a copy each); then one name in ten\n"
           "changed in the table, the index keeping the old spelling.\n\n",
           NAMES, LOOKUPS);
    printf("  %-46s %6s %9s\n", "string kind: what was copied", "count", "expected");
    long want_naive = NAMES + LOOKUPS; /* the index's copies and the lookups' */
    naive = 1;
    copies = bytes_copied = 0;
    workload();
    expect_count("naive (bytes copied at every copy): buffers", copies, want_naive);
    expect_count("naive: bytes", bytes_copied, want_naive * 11);
    long naive_bytes = bytes_copied;
    naive = 0;
    copies = bytes_copied = 0;
    workload();
    /* only the ten changed names, each still shared with its index entry */
    expect_count("copy-on-write: buffers", copies, NAMES / 10);
    expect_count("copy-on-write: bytes", bytes_copied, NAMES / 10 * 11);
    printf("\nSharing copied %ld bytes instead of %ld: a copy was a count going up;\n"
           "only a change to a name the index still shared copied its buffer, as\n"
           "the kernel's cow_fault copies a frame only while its count is above 1.\n\n",
           bytes_copied, naive_bytes);

    printf("A change while shared copies, once:\n");
    copies = 0;
    struct cs a = cs_from("hello"), b = cs_copy(&a);
    printf("  b = a              a and b share one buffer: refs %ld\n", a.b->refs);
    cs_set(&b, 0, 'j');
    printf("  b[0] = 'j'         b copies it first: a \"%s\", b \"%s\", refs %ld and %ld\n",
           cs_str(&a), cs_str(&b), a.b->refs, b.b->refs);
    expect_count("buffers copied by that change", copies, 1);
    cs_append(&b, "!");
    expect_count("by appending to b, its own now", copies, 1);
    cs_free(&b);

    printf("\nWhy C++11 dropped it, 1: references into the buffer.\n");
    struct cs c = cs_copy(&a);
    char *p = broken_at(&c, 0); /* c's own buffer now: the copy happened */
    struct cs d = cs_copy(&c);  /* shares c's buffer again, p and all */
    *p = 'Y';
    printf("  char *p = &c[0]; d = c; *p = 'Y'   without the mark: d is \"%s\"\n", cs_str(&d));
    int leaked = strcmp(cs_str(&d), "Yello") == 0;
    printf("  %s a write through p, a pointer into c, changed d as well\n",
           leaked ? "ok:   " : "WRONG:");
    failures += !leaked;
    cs_free(&d);
    cs_free(&c);
    c = cs_copy(&a);
    copies = 0;
    p = cs_at(&c, 0); /* own buffer, marked unshareable */
    d = cs_copy(&c);
    *p = 'Y';
    printf("  with the mark (cs_at): d is \"%s\", c is \"%s\"\n", cs_str(&d), cs_str(&c));
    expect_count("buffers copied (by c[0], and by d = c)", copies, 2);
    int kept = strcmp(cs_str(&d), "hello") == 0;
    printf("  %s d kept \"hello\": the price is a copy at every copy of c from now on\n",
           kept ? "ok:   " : "WRONG:");
    failures += !kept;
    cs_free(&d);
    cs_free(&c);
    cs_free(&a);
    printf("  C++11 ([string.require]) lets only a few calls invalidate references,\n"
           "  pointers and iterators into a string; operator[], at, begin and end\n"
           "  are not among them. A shared buffer forces them to: unshared by c[0]\n"
           "  (moving c's bytes), or a pointer taken earlier writes into another\n"
           "  string (above). So std::string stopped sharing (GCC 5, 2015).\n\n");

    printf("Why C++11 dropped it, 2: threads. Two threads holding copies of one\n"
           "string share its count: every copy and every destruction needs an\n"
           "atomic increment or decrement (a locked instruction, even in programs\n"
           "with one thread), and \"refs > 1, so copy\" followed by the copy is a\n"
           "check-then-act race unless the whole of it is atomic. Short strings\n"
           "kept inline in the object (the small-string optimisation) cost nothing\n"
           "to copy anyway. The kernel's copy-on-write meets neither problem: a\n"
           "program never holds a pointer to a frame, only a virtual address that\n"
           "the page table sends to the new copy, and only the kernel changes a\n"
           "frame's count.\n\n");

    printf("cowstring: %s\n", failures ? "FAILED (see WRONG above)" : "every count as expected");
    return failures ? 1 : 0;
}
