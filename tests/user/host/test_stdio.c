/*
 * test_stdio.c - buffering of the standard streams, watched through the
 * fake write(): stdout waits for a newline, stderr writes at once and in
 * one piece, setvbuf switches modes and buffers, output is flushed before
 * input is read; fgets/getchar over scripted reads, sticky end of file,
 * write errors, perror and puts.
 */
#include <errno.h>
#include <string.h>
#include "cw.h"

/* The buffering modes, as in the library's stdio.h. */
#define CW_IOFBF 0
#define CW_IOLBF 1
#define CW_IONBF 2

#define OUT(fd, text)                                                                              \
    CHECK(captured[fd].len == strlen(text) && memcmp(captured[fd].data, text, strlen(text)) == 0, \
          "fd %d holds [%.*s], expected [%s]", fd, (int)captured[fd].len, captured[fd].data, text)

static void test_output(void)
{
    capture_reset();
    cw_printf("abc");
    CHECK(captured[1].writes == 0, "stdout must wait for a newline");
    cw_printf("def%d\n", 1);
    OUT(1, "abcdef1\n");
    CHECK(captured[1].writes == 1, "one write for one line, got %d", captured[1].writes);

    cw_putchar('x');
    cw_fputs("yz", cw_stdout);
    CHECK(captured[1].writes == 1, "no newline yet");
    cw_puts("!");
    OUT(1, "abcdef1\nxyz!\n");

    capture_reset();
    cw_fprintf(cw_stderr, "%s: %d %s\n", "error", 42, "went wrong");
    OUT(2, "error: 42 went wrong\n");
    CHECK(captured[2].writes == 1, "stderr printf must be one write, got %d", captured[2].writes);
    cw_fputs("now", cw_stderr);
    OUT(2, "error: 42 went wrong\nnow");

    /* Fully buffered: nothing until fflush; then everything in one write. */
    capture_reset();
    CHECK(cw_setvbuf(cw_stdout, NULL, CW_IOFBF, 0) == 0, "setvbuf _IOFBF");
    cw_printf("line 1\nline 2\n");
    CHECK(captured[1].writes == 0, "fully buffered stdout wrote early");
    cw_fflush(cw_stdout);
    OUT(1, "line 1\nline 2\n");
    CHECK(captured[1].writes == 1, "one write at fflush");

    /* A caller's 8-byte buffer: written whenever it fills (one large
     * fwrite would bypass it, so feed it a byte at a time). */
    capture_reset();
    char small[8];
    cw_setvbuf(cw_stdout, small, CW_IOFBF, sizeof(small));
    for (const char *c = "0123456789abcdefXY"; *c; c++)
        cw_putchar(*c);
    CHECK(captured[1].writes == 2, "8-byte buffer: %d writes for 18 bytes", captured[1].writes);
    cw_fflush(NULL);
    OUT(1, "0123456789abcdefXY");

    /* Unbuffered. */
    capture_reset();
    cw_setvbuf(cw_stdout, NULL, CW_IONBF, 0);
    cw_putchar('a');
    CHECK(captured[1].writes == 1, "unbuffered putchar must write");
    CHECK(cw_setvbuf(cw_stdout, NULL, 7, 0) != 0, "setvbuf must refuse a bad mode");
    cw_setvbuf(cw_stdout, NULL, CW_IOLBF, 0);

    /* More than a buffer in one call, no newline: written as it fills. */
    capture_reset();
    static char big[5000];
    memset(big, 'q', sizeof(big) - 1);
    cw_fputs(big, cw_stdout);
    CHECK(captured[1].len == sizeof(big) - 1, "large fputs: %zu bytes out", captured[1].len);

    /* Write errors: reported, and the stream remembers. */
    capture_reset();
    fail_writes = 1;
    CHECK(cw_printf("lost\n") == -1, "printf must report a failed write");
    CHECK(cw_ferror(cw_stdout), "ferror after a failed write");
    cw_clearerr(cw_stdout);
    CHECK(cw_dprintf(1, "x") == -1, "dprintf must report a failed write");
    fail_writes = 0;

    capture_reset();
    CHECK(cw_dprintf(2, "%s=%d\n", "v", 3) == 4, "dprintf count");
    OUT(2, "v=3\n");

    capture_reset();
    cw_errno = ENOENT;
    cw_perror("open x");
    cw_errno = EPIPE;
    cw_perror(NULL);
    OUT(2, "open x: No such file or directory\nBroken pipe\n");

    capture_reset();
    CHECK(cw_fwrite("abcdef", 2, 3, cw_stdout) == 3, "fwrite count");
    cw_fflush(cw_stdout);
    OUT(1, "abcdef");
}

static void test_input(void)
{
    static const char *const script[] = {"hello\nwor", "ld\n", "last", NULL};
    capture_reset();
    script_reads(script);
    cw_printf("$ "); /* a prompt: must be flushed before the first read */
    char line[64];
    CHECK(cw_fgets(line, sizeof(line), cw_stdin) && strcmp(line, "hello\n") == 0, "fgets 1 [%s]",
          line);
    CHECK(nevents >= 2 && events[0] == 'w' && events[1] == 'r', "prompt not flushed before read");
    OUT(1, "$ ");
    CHECK(cw_fgets(line, sizeof(line), cw_stdin) && strcmp(line, "world\n") == 0, "fgets 2 [%s]",
          line);
    CHECK(cw_fgets(line, 3, cw_stdin) && strcmp(line, "la") == 0, "fgets short buffer [%s]", line);
    CHECK(cw_getchar() == 's' && cw_getchar() == 't', "getchar");
    CHECK(cw_fgets(line, sizeof(line), cw_stdin) == NULL, "fgets at end of file");
    CHECK(cw_feof(cw_stdin), "feof");
    static const char *const more[] = {"more\n", NULL};
    script_reads(more);
    CHECK(cw_getchar() == -1, "end of file must be sticky");
    cw_clearerr(cw_stdin);
    CHECK(cw_getchar() == 'm', "clearerr must allow reading again");
    CHECK(cw_fgets(line, 1, cw_stdin) == line && line[0] == '\0', "fgets with n = 1");
    CHECK(cw_fgets(line, sizeof(line), cw_stdin) && strcmp(line, "ore\n") == 0, "fgets rest [%s]",
          line);
    script_reads(NULL);
}

void test_stdio(void)
{
    test_output();
    test_input();
}
