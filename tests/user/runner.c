/*
 * runner.c - the user test runner, pid 1 when the kernel boots with "test".
 *
 * Runs every program in /tests (but itself) in a forked child, in name
 * order; a child's exit status 0 is a pass. With "only=NAME" (the kernel's
 * utest=NAME) it runs just that test; a NAME not in /tests is a failure. Numbering continues after the
 * kernel's own tests, whose counts arrive as arguments (kpassed=N
 * kfailed=N). Free frames are counted before each test and after its child
 * is reaped: any difference fails the test as a leak. The last line is the
 * whole run's "N passed, N failed"; the exit status is 0 only if all passed.
 */
#include <sys/mman.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TESTS 128

static char names[MAX_TESTS][256];
static int ntests;

/* The text after "key=" in argv, or NULL. */
static const char *arg_text(int argc, char **argv, const char *key)
{
    size_t n = strlen(key);
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
    return NULL;
}

static long arg_value(int argc, char **argv, const char *key)
{
    const char *v = arg_text(argc, argv, key);
    return v ? atol(v) : 0;
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

/* Keep only the test named only (if it is there); 0 if it is not. */
static int keep_only(const char *only)
{
    for (int i = 0; i < ntests; i++)
        if (strcmp(names[i], only) == 0) {
            memmove(names[0], names[i], sizeof(names[0]));
            ntests = 1;
            return 1;
        }
    printf("# runner: no user test named \"%s\" in /tests; there are:", only);
    for (int i = 0; i < ntests; i++)
        printf(" %s", names[i]);
    printf("\n");
    ntests = 0;
    return 0;
}

static void collect(void)
{
    DIR *d = opendir("/tests");
    if (!d) {
        printf("# runner: cannot open /tests (errno %d)\n", errno);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) && ntests < MAX_TESTS) {
        if (strcmp(e->d_name, "runner") == 0 || e->d_name[0] == '.')
            continue;
        memcpy(names[ntests], e->d_name, sizeof(names[0]));
        ntests++;
    }
    closedir(d);
    qsort(names, (size_t)ntests, sizeof(names[0]), by_name);
}

/* Run one test; 1 if it passed. */
static int run_one(const char *name)
{
    char path[300];
    snprintf(path, sizeof(path), "/tests/%s", name);
    long free_before = sysconf(_SC_AVPHYS_PAGES);
    pid_t pid = fork();
    if (pid < 0) {
        printf("# fork failed: errno %d\n", errno);
        return 0;
    }
    if (pid == 0) {
        char *argv[] = {(char *)name, NULL};
        execv(path, argv);
        printf("# execv %s failed: errno %d\n", path, errno);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) {
        printf("# waitpid failed: errno %d\n", errno);
        return 0;
    }
    /* Orphans of the test (reparented to us) are reaped before counting. */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    long free_after = sysconf(_SC_AVPHYS_PAGES);
    int ok = 1;
    if (WIFSIGNALED(status)) {
        printf("# expected exit status 0, got killed by signal %d\n", WTERMSIG(status));
        ok = 0;
    } else if (WEXITSTATUS(status) != 0) {
        printf("# expected exit status 0, got %d\n", WEXITSTATUS(status));
        ok = 0;
    }
    if (free_after != free_before) {
        printf("# expected %ld free frames after the test, got %ld (%+ld)\n", free_before,
               free_after, free_after - free_before);
        ok = 0;
    }
    return ok;
}

int main(int argc, char **argv)
{
    mlockall(MCL_CURRENT); /* every page resident now: exact frame counts from here on */
    setvbuf(stdout, NULL, _IONBF, 0);
    long passed = arg_value(argc, argv, "kpassed");
    long failed = arg_value(argc, argv, "kfailed");
    const char *only = arg_text(argc, argv, "only");
    collect();
    if (only) {
        if (!keep_only(only)) {
            printf("not ok %ld %s\n", passed + failed + 1, only);
            failed++;
        }
    } else if (ntests == 0) {
        printf("# runner: no user tests found\n");
        failed++;
    }
    long free_start = sysconf(_SC_AVPHYS_PAGES);
    for (int i = 0; i < ntests; i++) {
        int ok = run_one(names[i]);
        printf("%s %ld %s\n", ok ? "ok" : "not ok", passed + failed + 1, names[i]);
        if (ok)
            passed++;
        else
            failed++;
    }
    long free_end = sysconf(_SC_AVPHYS_PAGES);
    int suite_ok = free_end == free_start;
    if (!suite_ok)
        printf("# expected %ld free frames after all user tests, got %ld\n", free_start, free_end);
    printf("%s %ld user_suite_frees_every_frame\n", suite_ok ? "ok" : "not ok", passed + failed + 1);
    if (suite_ok)
        passed++;
    else
        failed++;
    printf("%ld passed, %ld failed\n", passed, failed);
    return failed ? 1 : 0;
}
