/*
 * strtol.c - text to integers: strtol, strtoll, strtoul, strtoull and the
 * ato* shortcuts. One scanner reads sign, base prefix and digits into an
 * unsigned magnitude and notes overflow; each public function then clamps
 * the magnitude to its own type's range (setting ERANGE) as C specifies.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

struct scan {
    unsigned long long mag; /* the digits' value (meaningless when overflow) */
    bool neg;
    bool overflow;
};

static int digit_value(int c)
{
    if (isdigit(c))
        return c - '0';
    if (isalpha(c))
        return tolower(c) - 'a' + 10;
    return 99;
}

/* Returns false (errno EINVAL) for a bad base; *end is set either way. */
static bool scan(const char *s, char **end, int base, struct scan *out)
{
    const char *p = s;
    out->mag = 0;
    out->neg = false;
    out->overflow = false;
    if (end)
        *end = (char *)s;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        return false;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        out->neg = *p++ == '-';
    /* "0x" counts as a prefix only when a hex digit follows; else the 0 is the number. */
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        isxdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    const char *first = p;
    for (int d; (d = digit_value((unsigned char)*p)) < base; p++) {
        if (out->mag > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
            out->overflow = true;
        out->mag = out->mag * (unsigned)base + (unsigned)d;
    }
    if (p != first && end)
        *end = (char *)p;
    return true;
}

/* Clamp to a signed range [-max - 1, max]. */
static long long to_signed(const struct scan *sc, unsigned long long max)
{
    if (!sc->neg) {
        if (sc->overflow || sc->mag > max) {
            errno = ERANGE;
            return (long long)max;
        }
        return (long long)sc->mag;
    }
    if (sc->overflow || sc->mag > max + 1) {
        errno = ERANGE;
        return -(long long)max - 1;
    }
    return (long long)(0 - sc->mag);
}

/* Clamp to [0, max]; a '-' negates in the unsigned type, as C specifies. */
static unsigned long long to_unsigned(const struct scan *sc, unsigned long long max)
{
    if (sc->overflow || sc->mag > max) {
        errno = ERANGE;
        return max;
    }
    return sc->neg ? (0 - sc->mag) & max : sc->mag;
}

long strtol(const char *s, char **end, int base)
{
    struct scan sc;
    return scan(s, end, base, &sc) ? (long)to_signed(&sc, LONG_MAX) : 0;
}

long long strtoll(const char *s, char **end, int base)
{
    struct scan sc;
    return scan(s, end, base, &sc) ? to_signed(&sc, LLONG_MAX) : 0;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    struct scan sc;
    return scan(s, end, base, &sc) ? (unsigned long)to_unsigned(&sc, ULONG_MAX) : 0;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    struct scan sc;
    return scan(s, end, base, &sc) ? to_unsigned(&sc, ULLONG_MAX) : 0;
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
    return strtol(s, NULL, 10);
}

long long atoll(const char *s)
{
    return strtoll(s, NULL, 10);
}
