/*
 * cmdline.h - the kernel command line GRUB passed: split into words, checked
 * against the options the kernel knows, and asked about.
 *
 * GRUB hands over its arguments joined by spaces, an argument that holds a
 * space wrapped in "...", and every \, ' and " escaped with a backslash. The
 * words are split back the same way (a shell's rules without expansions:
 * '...' is literal, "..." groups, \ takes the next byte as it is). Words
 * before "--" are options ("flag" or "key=value"); the words after it are
 * pid 1's arguments and are never read as options.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "kernel/types.h"

#define CMDLINE_MAX 256       /* bytes of the line the kernel keeps, with its NUL */
#define CMDLINE_MAX_WORDS 128 /* option words (a 255-byte line cannot hold more) */
#define CMDLINE_MAX_ARGS 32   /* words after "--": pid 1's arguments */

/* One command line, split. Pointers point into text. */
struct cmdline {
    char text[CMDLINE_MAX];                /* the words, unquoted, each NUL-terminated */
    const char *word[CMDLINE_MAX_WORDS];   /* option words, before "--" */
    int nwords;
    const char *arg[CMDLINE_MAX_ARGS + 1]; /* words after "--", NULL-terminated */
    int nargs;
    bool has_dashes;                       /* "--" appeared */
    const char *error;                     /* why the line could not be split, or NULL */
};

/*
 * Split line into c. Returns 0, or -EINVAL with c->error set (an unterminated
 * quote, a backslash at the end, too many words or arguments, a line of
 * CMDLINE_MAX - 1 bytes or more, which may have been cut); the words before
 * the problem stay in c.
 */
int cmdline_parse(struct cmdline *c, const char *line);
/*
 * Check c's option words against the options the kernel knows (test,
 * cowtrace, init=/PATH, fork=cow|copy, ktest=PREFIX, utest=NAME,
 * crash=pagefault|stackoverflow): unknown words, unknown values, a value
 * given to a flag, a key without a value and a key given twice are refused.
 * Returns true if all is well; otherwise false with one line (no newline)
 * saying what is wrong and what is valid in why.
 */
bool cmdline_check_options(const struct cmdline *c, char *why, size_t size);

/* Keep and split the boot command line (called once, early, by kmain). */
void cmdline_init(const char *s);
/* The whole command line as GRUB passed it ("" if none). */
const char *cmdline_get(void);
/*
 * True if the boot command line was split and its options are valid; else
 * prints a "cmdline: ..." line saying what is wrong and returns false
 * (kmain then refuses to start).
 */
bool cmdline_check(void);
/* True if the option word "flag" (or "flag=...") appears before "--". */
bool cmdline_has(const char *flag);
/* Copy the value of the option "key=value" into buf (NUL-terminated); false if absent. */
bool cmdline_value(const char *key, char *buf, size_t size);
/* The words after "--" (a NULL-terminated array), and their number in *count. */
const char *const *cmdline_args(int *count);

#endif
