/*
 * cmdline.c - owns the kernel command line: a copy of it as GRUB passed it,
 * its words split back as GRUB quoted them, and the table of the options the
 * kernel knows with the values each accepts. Invariant: after cmdline_init,
 * the split words never change; option words and pid 1's arguments (after
 * "--") are kept apart, so an argument is never taken for an option.
 */
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static char line[CMDLINE_MAX];
static struct cmdline boot;

/* ---- splitting ---- */

int cmdline_parse(struct cmdline *c, const char *s)
{
    memset(c, 0, sizeof(*c));
    c->arg[0] = NULL;
    if (strnlen(s, CMDLINE_MAX) >= CMDLINE_MAX - 1) {
        c->error = "the command line is too long (the kernel keeps 254 bytes)";
        return -EINVAL;
    }
    char *out = c->text;
    const char *p = s;
    for (;;) {
        while (*p == ' ')
            p++;
        if (!*p)
            return 0;
        /* One word: runs of plain bytes, "..." and '...' until an unquoted space. */
        char *start = out;
        while (*p && *p != ' ') {
            if (*p == '\\') {
                if (!p[1]) {
                    c->error = "a backslash at the end of the command line";
                    return -EINVAL;
                }
                *out++ = p[1];
                p += 2;
            } else if (*p == '"') {
                for (p++; *p && *p != '"'; p++) {
                    if (*p == '\\' && p[1])
                        p++;
                    *out++ = *p;
                }
                if (*p != '"') {
                    c->error = "a double quote (\") is not closed";
                    return -EINVAL;
                }
                p++;
            } else if (*p == '\'') {
                for (p++; *p && *p != '\''; p++)
                    *out++ = *p;
                if (*p != '\'') {
                    c->error = "a single quote (') is not closed";
                    return -EINVAL;
                }
                p++;
            } else {
                *out++ = *p++;
            }
        }
        *out++ = '\0'; /* unquoting only shrinks: the text always fits */
        if (!c->has_dashes && strcmp(start, "--") == 0) {
            c->has_dashes = true;
        } else if (c->has_dashes) {
            if (c->nargs == CMDLINE_MAX_ARGS) {
                c->error = "too many arguments after -- (at most 32)";
                return -EINVAL;
            }
            c->arg[c->nargs++] = start;
            c->arg[c->nargs] = NULL;
        } else {
            if (c->nwords == CMDLINE_MAX_WORDS) {
                c->error = "too many words";
                return -EINVAL;
            }
            c->word[c->nwords++] = start;
        }
    }
}

/* ---- the options the kernel knows ---- */

enum value_kind {
    FLAG,   /* no value: "test" */
    ANY,    /* any value, empty too: "ktest=" selects every test */
    NAME,   /* a non-empty value */
    PATH,   /* an absolute path */
    CHOICE, /* one of the words in choices */
    SIZE,   /* digits with an optional K, M or G */
};

static const struct option {
    const char *key;
    enum value_kind kind;
    const char *choices[3];
    const char *shown; /* how the help line shows it */
} options[] = {
    {"test", FLAG, {0}, "test"},
    {"cowtrace", FLAG, {0}, "cowtrace"},
    {"init", PATH, {0}, "init=/PATH"},
    {"fork", CHOICE, {"cow", "page", "copy"}, "fork=cow|page|copy"},
    {"ktest", ANY, {0}, "ktest=PREFIX"},
    {"utest", NAME, {0}, "utest=NAME"},
    {"crash", CHOICE, {"pagefault", "stackoverflow"}, "crash=pagefault|stackoverflow"},
    {"fssize", SIZE, {0}, "fssize=N[K|M|G]"},
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* The option the word names ("fork" for "fork=copy"), or NULL. */
static const struct option *option_of(const char *word, size_t *keylen)
{
    const char *eq = strchr(word, '=');
    size_t n = eq ? (size_t)(eq - word) : strlen(word);
    *keylen = n;
    for (size_t i = 0; i < NOPTIONS; i++)
        if (strlen(options[i].key) == n && strncmp(options[i].key, word, n) == 0)
            return &options[i];
    return NULL;
}

/* Append "known: test, cowtrace, ..." to why. */
static void list_known(char *why, size_t size)
{
    size_t len = strlen(why);
    len += (size_t)snprintk(why + len, len < size ? size - len : 0, "; known: ");
    for (size_t i = 0; i < NOPTIONS && len < size; i++)
        len += (size_t)snprintk(why + len, size - len, "%s, ", options[i].shown);
    if (len < size)
        snprintk(why + len, size - len, "-- ARGS...");
}

bool cmdline_check_options(const struct cmdline *c, char *why, size_t size)
{
    if (c->error) {
        snprintk(why, size, "%s", c->error);
        return false;
    }
    for (int i = 0; i < c->nwords; i++) {
        const char *w = c->word[i];
        size_t n;
        const struct option *o = option_of(w, &n);
        if (!o) {
            snprintk(why, size, "unknown word \"%s\"", w);
            list_known(why, size);
            return false;
        }
        for (int j = 0; j < i; j++) {
            size_t m;
            if (option_of(c->word[j], &m) == o) {
                snprintk(why, size, "%s is given twice (\"%s\" and \"%s\")", o->key, c->word[j], w);
                return false;
            }
        }
        const char *value = w[n] == '=' ? w + n + 1 : NULL;
        if (o->kind == FLAG) {
            if (value) {
                snprintk(why, size, "\"%s\" takes no value (write just \"%s\")", w, o->key);
                return false;
            }
            continue;
        }
        if (!value) {
            snprintk(why, size, "\"%s\" needs a value: %s", w, o->shown);
            return false;
        }
        switch (o->kind) {
        case PATH:
            if (value[0] != '/') {
                snprintk(why, size, "%s: %s= takes an absolute path, e.g. %s=/bin/%s", w, o->key,
                         o->key, value[0] ? value : "init");
                return false;
            }
            break;
        case NAME:
            if (!value[0]) {
                snprintk(why, size, "\"%s\" needs a value: %s", w, o->shown);
                return false;
            }
            break;
        case CHOICE: {
            bool known = false;
            for (int k = 0; k < 3 && o->choices[k]; k++)
                known |= strcmp(value, o->choices[k]) == 0;
            if (!known) {
                snprintk(why, size, "unknown %s= value \"%s\"; valid: %s", o->key, value, o->shown);
                return false;
            }
            break;
        }
        case SIZE: {
            /* At least one page, at most 1 TiB, so the number cannot overflow. */
            size_t d = 0;
            while (value[d] >= '0' && value[d] <= '9')
                d++;
            const char *unit = value + d;
            bool unit_ok = !*unit || (strchr("KkMmGg", *unit) && !unit[1]);
            uint64_t n = 0;
            for (size_t i = 0; i < d && i < 14; i++)
                n = n * 10 + (uint64_t)(value[i] - '0');
            int shift = !*unit ? 0 : (*unit == 'K' || *unit == 'k') ? 10
                                   : (*unit == 'M' || *unit == 'm') ? 20 : 30;
            if (d == 0 || d > 13 || !unit_ok || (n << shift) < 4096 || (n << shift) > (1UL << 40)) {
                snprintk(why, size, "%s: %s= takes a size from 4K to 1024G, e.g. %s=64M", w,
                         o->key, o->key);
                return false;
            }
            break;
        }
        default:
            break;
        }
    }
    return true;
}

/* ---- the boot command line ---- */

void cmdline_init(const char *s)
{
    strlcpy(line, s, sizeof(line));
    cmdline_parse(&boot, s); /* an error stays in boot.error for cmdline_check */
}

const char *cmdline_get(void) { return line; }

bool cmdline_check(void)
{
    char why[256];
    if (cmdline_check_options(&boot, why, sizeof(why)))
        return true;
    printk("cmdline: %s\n", why);
    return false;
}

/* The option word for key (key alone or key=...), or NULL. */
static const char *find_word(const char *key)
{
    size_t n = strlen(key);
    for (int i = 0; i < boot.nwords; i++)
        if (strncmp(boot.word[i], key, n) == 0 && (boot.word[i][n] == '\0' || boot.word[i][n] == '='))
            return boot.word[i];
    return NULL;
}

bool cmdline_has(const char *flag) { return find_word(flag) != NULL; }

bool cmdline_value(const char *key, char *buf, size_t size)
{
    const char *w = find_word(key);
    if (!w || w[strlen(key)] != '=' || size == 0)
        return false;
    strlcpy(buf, w + strlen(key) + 1, size);
    return true;
}

const char *const *cmdline_args(int *count)
{
    *count = boot.nargs;
    return boot.arg;
}
