/*
 * test_cmdline.c - the command line as GRUB hands it over: words split back
 * from GRUB's quoting (an argument with a space in "...", \ ' " escaped),
 * options kept apart from pid 1's arguments, and every mistake refused with
 * a line that names what is valid. Parses into a struct of its own: the boot
 * command line is never touched.
 */
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "tests/ktest.h"

static struct cmdline c; /* 1.5 KiB: not on the kernel stack */
static char why[256];

/* True if the check refuses c with a message that contains part. */
static bool refused_with(const char *line, const char *part)
{
    cmdline_parse(&c, line);
    if (cmdline_check_options(&c, why, sizeof(why)))
        return false;
    size_t n = strlen(part);
    for (const char *p = why; *p; p++)
        if (strncmp(p, part, n) == 0)
            return true;
    return false;
}

KTEST(cmdline_options_and_arguments_split_at_dashes)
{
    ASSERT_EQ(0, cmdline_parse(&c, "  init=/bin/echo   fork=copy -- a b  "));
    ASSERT_EQ(2, c.nwords);
    EXPECT_STREQ("init=/bin/echo", c.word[0]);
    EXPECT_STREQ("fork=copy", c.word[1]);
    ASSERT_EQ(2, c.nargs);
    EXPECT_STREQ("a", c.arg[0]);
    EXPECT_STREQ("b", c.arg[1]);
    EXPECT_PTR_EQ(NULL, c.arg[2]);
    EXPECT_TRUE(cmdline_check_options(&c, why, sizeof(why)));
}

/* What GRUB passes for grub.cfg's  -- a 'b c' 'd"e' 'it'\''s' 'x\y' '' */
KTEST(cmdline_undoes_grub_quoting)
{
    ASSERT_EQ(0, cmdline_parse(&c, "-- a \"b c\" d\\\"e it\\'s x\\\\y \"q \\\" \\\\\""));
    ASSERT_EQ(6, c.nargs);
    EXPECT_STREQ("a", c.arg[0]);
    EXPECT_STREQ("b c", c.arg[1]);
    EXPECT_STREQ("d\"e", c.arg[2]);
    EXPECT_STREQ("it's", c.arg[3]);
    EXPECT_STREQ("x\\y", c.arg[4]);
    EXPECT_STREQ("q \" \\", c.arg[5]);
    EXPECT_EQ(0, c.nwords);
}

KTEST(cmdline_shell_bytes_are_plain_arguments)
{
    ASSERT_EQ(0, cmdline_parse(&c, "-- | ; & $HOME 'a b' -- test"));
    ASSERT_EQ(7, c.nargs);
    EXPECT_STREQ("|", c.arg[0]);
    EXPECT_STREQ(";", c.arg[1]);
    EXPECT_STREQ("$HOME", c.arg[3]);
    EXPECT_STREQ("a b", c.arg[4]);
    EXPECT_STREQ("--", c.arg[5]); /* only the first -- separates */
    EXPECT_STREQ("test", c.arg[6]);
    EXPECT_EQ(0, c.nwords); /* "test" after -- is an argument, not the option */
}

KTEST(cmdline_unterminated_quote_or_backslash_is_refused)
{
    EXPECT_EQ(-EINVAL, cmdline_parse(&c, "-- \"a b"));
    EXPECT_TRUE(refused_with("-- \"a b", "not closed"));
    EXPECT_TRUE(refused_with("-- 'a", "not closed"));
    EXPECT_TRUE(refused_with("-- a\\", "backslash"));
}

KTEST(cmdline_too_many_arguments_or_too_long_is_refused)
{
    static char line[CMDLINE_MAX + 8];
    strlcpy(line, "--", sizeof(line));
    for (int i = 0; i <= CMDLINE_MAX_ARGS; i++) /* 33 arguments */
        strlcpy(line + strlen(line), " a", sizeof(line) - strlen(line));
    EXPECT_TRUE(refused_with(line, "too many arguments"));
    memset(line, 'x', CMDLINE_MAX - 1);
    line[CMDLINE_MAX - 1] = '\0'; /* as long as boot_info keeps: may have been cut */
    EXPECT_TRUE(refused_with(line, "too long"));
}

KTEST(cmdline_unknown_values_are_refused_naming_the_valid_ones)
{
    EXPECT_TRUE(refused_with("fork=COPY", "valid: fork=cow|page|copy"));
    EXPECT_TRUE(refused_with("fork=eager", "unknown fork= value \"eager\""));
    EXPECT_TRUE(refused_with("crash=oops", "crash=pagefault|stackoverflow"));
    EXPECT_TRUE(refused_with("fork", "needs a value"));
    EXPECT_TRUE(refused_with("utest=", "needs a value"));
    EXPECT_TRUE(refused_with("test=1", "takes no value"));
    EXPECT_TRUE(refused_with("cowtrace=0", "takes no value"));
    EXPECT_TRUE(refused_with("fork=copy fork=cow", "given twice"));
}

KTEST(cmdline_unknown_word_and_relative_init_are_refused)
{
    EXPECT_TRUE(refused_with("cowtrce", "unknown word \"cowtrce\""));
    EXPECT_TRUE(refused_with("cowtrce", "known: test, cowtrace"));
    EXPECT_TRUE(refused_with("init=cowdemo", "init=/bin/cowdemo"));
}

KTEST(cmdline_valid_options_pass)
{
    const char *good[] = {
        "", "test", "test ktest=vmm_", "test ktest=", "test utest=pipe_test",
        "fork=cow", "fork=copy cowtrace init=/bin/cowdemo -- 16",
        "test crash=pagefault", "test crash=stackoverflow",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ASSERT_EQ(0, cmdline_parse(&c, good[i]));
        EXPECT_TRUE(cmdline_check_options(&c, why, sizeof(why)));
    }
}
