/*
 * test_string.c - string.h, ctype.h and strerror against glibc: random
 * buffers and offsets for the mem* functions (overlap both ways for
 * memmove), edge cases for the str* functions, all of 0..255 and EOF for
 * the character classes.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include "cw.h"

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static void test_mem(void)
{
    unsigned char a[512], b[512], src[512];
    for (int i = 0; i < 20000; i++) {
        for (size_t k = 0; k < sizeof(src); k++)
            src[k] = (unsigned char)rnd();
        size_t n = rnd() % 128, from = rnd() % 100, to = rnd() % 100;
        memcpy(a, src, sizeof(a));
        memcpy(b, src, sizeof(b));
        void *ra = cw_memmove(a + to, a + from, n);
        memmove(b + to, b + from, n);
        CHECK(ra == a + to && memcmp(a, b, sizeof(a)) == 0, "memmove(+%zu, +%zu, %zu)", to, from,
              n);

        memcpy(a, src, sizeof(a));
        memcpy(b, src, sizeof(b));
        cw_memcpy(a + 230 + to, a + from, n);
        memcpy(b + 230 + to, b + from, n);
        CHECK(memcmp(a, b, sizeof(a)) == 0, "memcpy(+%zu, +%zu, %zu)", 230 + to, from, n);

        int c = (int)(rnd() % 256);
        cw_memset(a + from, c, n);
        memset(b + from, c, n);
        CHECK(memcmp(a, b, sizeof(a)) == 0, "memset(+%zu, %d, %zu)", from, c, n);

        memcpy(a, src, sizeof(a));
        memcpy(b, src, sizeof(b));
        if (n && rnd() % 2)
            b[from + rnd() % n] ^= (unsigned char)(1 + rnd() % 255);
        CHECK(sign(cw_memcmp(a + from, b + from, n)) == sign(memcmp(a + from, b + from, n)),
              "memcmp over %zu bytes", n);
        CHECK(cw_memchr(src + from, c, n) == memchr(src + from, c, n), "memchr(%d, %zu)", c, n);
    }
}

static void test_str(void)
{
    static const char *const words[] = {"", "a", "b", "ab", "abc", "abd", "abcd", "hello",
                                        "hello world", "\x80", "\xff\x01", "aaaab", "aab"};
    const size_t nw = sizeof(words) / sizeof(words[0]);
    for (size_t i = 0; i < nw; i++) {
        const char *s = words[i];
        CHECK(cw_strlen(s) == strlen(s), "strlen(%s)", s);
        for (size_t m = 0; m < 8; m++)
            CHECK(cw_strnlen(s, m) == strnlen(s, m), "strnlen(%s, %zu)", s, m);
        for (int c = 0; c < 256; c++) {
            CHECK(cw_strchr(s, c) == strchr(s, c), "strchr(%s, %d)", s, c);
            CHECK(cw_strrchr(s, c) == strrchr(s, c), "strrchr(%s, %d)", s, c);
        }
        for (size_t j = 0; j < nw; j++) {
            const char *t = words[j];
            CHECK(sign(cw_strcmp(s, t)) == sign(strcmp(s, t)), "strcmp(%s, %s)", s, t);
            for (size_t n = 0; n < 6; n++)
                CHECK(sign(cw_strncmp(s, t, n)) == sign(strncmp(s, t, n)), "strncmp(%s, %s, %zu)",
                      s, t, n);
            CHECK(cw_strstr(s, t) == strstr(s, t), "strstr(%s, %s)", s, t);
            CHECK(cw_strspn(s, t) == strspn(s, t), "strspn(%s, %s)", s, t);
            CHECK(cw_strcspn(s, t) == strcspn(s, t), "strcspn(%s, %s)", s, t);

            char a[64], b[64];
            memset(a, 'X', sizeof(a));
            memset(b, 'X', sizeof(b));
            cw_strcpy(a, s);
            strcpy(b, s);
            cw_strcat(a, t);
            strcat(b, t);
            CHECK(memcmp(a, b, sizeof(a)) == 0, "strcpy+strcat(%s, %s)", s, t);
            for (size_t n = 0; n < 16; n++) {
                memset(a, 'X', sizeof(a));
                memset(b, 'X', sizeof(b));
                cw_strncpy(a, s, n);
                strncpy(b, s, n);
                CHECK(memcmp(a, b, sizeof(a)) == 0, "strncpy(%s, %zu)", s, n);
                strcpy(a, s);
                strcpy(b, s);
                cw_strncat(a, t, n);
                strncat(b, t, n);
                CHECK(memcmp(a, b, sizeof(a)) == 0, "strncat(%s, %s, %zu)", s, t, n);
            }
        }
    }
    char *d = cw_strdup("duplicate me");
    CHECK(d && strcmp(d, "duplicate me") == 0, "strdup");
    cw_free(d);
}

static void test_strerror(void)
{
    static const int errs[] = {EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF,
                               ECHILD, EAGAIN, ENOMEM, EACCES, EFAULT, EBUSY, EEXIST, ENOTDIR,
                               EISDIR, EINVAL, ENFILE, EMFILE, ENOTTY, EFBIG, ENOSPC, ESPIPE,
                               EPIPE, ERANGE, ENAMETOOLONG, ENOSYS, EDOM, EILSEQ};
    for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
        CHECK(strcmp(cw_strerror(errs[i]), strerror(errs[i])) == 0, "strerror(%d): [%s] vs [%s]",
              errs[i], cw_strerror(errs[i]), strerror(errs[i]));
    CHECK(strcmp(cw_strerror(999), "Unknown error 999") == 0, "strerror(999): [%s]",
          cw_strerror(999));
    CHECK(strcmp(cw_strerror(-3), "Unknown error -3") == 0, "strerror(-3): [%s]", cw_strerror(-3));
}

void test_ctype(void)
{
    for (int c = -1; c < 256; c++) {
#define SAME_CLASS(fn) CHECK(!!cw_##fn(c) == !!fn(c), #fn "(%d)", c)
        SAME_CLASS(isalnum);
        SAME_CLASS(isalpha);
        SAME_CLASS(isblank);
        SAME_CLASS(iscntrl);
        SAME_CLASS(isdigit);
        SAME_CLASS(isgraph);
        SAME_CLASS(islower);
        SAME_CLASS(isprint);
        SAME_CLASS(ispunct);
        SAME_CLASS(isspace);
        SAME_CLASS(isupper);
        SAME_CLASS(isxdigit);
        CHECK(cw_tolower(c) == tolower(c), "tolower(%d)", c);
        CHECK(cw_toupper(c) == toupper(c), "toupper(%d)", c);
    }
}

void test_string(void)
{
    test_mem();
    test_str();
    test_strerror();
}
