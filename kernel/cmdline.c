/*
 * cmdline.c - keeps the kernel command line and answers questions about it.
 * Words are separated by spaces; a word is "flag" or "key=value".
 */
#include "kernel/cmdline.h"
#include "kernel/string.h"

static char line[256];

void cmdline_init(const char *s) { strlcpy(line, s, sizeof(line)); }

const char *cmdline_get(void) { return line; }

/* Find the word starting with key followed by '=', ' ' or the end; NULL if absent. */
static const char *find_word(const char *key)
{
    size_t n = strlen(key);
    for (const char *p = line; *p;) {
        while (*p == ' ')
            p++;
        if (strncmp(p, key, n) == 0 && (p[n] == '\0' || p[n] == ' ' || p[n] == '='))
            return p;
        while (*p && *p != ' ')
            p++;
    }
    return NULL;
}

bool cmdline_has(const char *flag) { return find_word(flag) != NULL; }

bool cmdline_value(const char *key, char *buf, size_t size)
{
    const char *w = find_word(key);
    if (!w || w[strlen(key)] != '=' || size == 0)
        return false;
    w += strlen(key) + 1;
    size_t i = 0;
    while (w[i] && w[i] != ' ' && i + 1 < size) {
        buf[i] = w[i];
        i++;
    }
    buf[i] = '\0';
    return true;
}
