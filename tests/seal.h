/*
 * seal.h - the graders' channel (tests/kernel/seal.c): verdicts and exact
 * counters the kernel itself prints, under a per-boot secret, only after
 * user space has ended.
 *
 * The grader (tools/grade.sh) boots the test kernel with "seal=SECRET" on
 * its command line, a fresh random word per run. The kernel never shows the
 * secret while a user program runs (the banner masks it; no system call
 * returns the command line), and it keeps the verdicts in kernel memory:
 * every kernel test's, and for each program that pid 1 (the test runner)
 * forked, the exit status the kernel itself saw. When the run ends it
 * prints them, one "seal SECRET ..." line each. A user program can print
 * "ok 12 cow_test", but not a line with a secret it never saw.
 */
#ifndef TESTS_SEAL_H
#define TESTS_SEAL_H

#include "kernel/types.h"

struct proc;

/* Read "seal=SECRET" from the command line; without it, the rest do nothing. */
void seal_init(void);
/* Keep one kernel test's verdict. */
void seal_record(const char *name, bool passed);
/* A process is exiting with this wait status: if its parent is pid 1 (the
 * test runner), keep a verdict under its program's name, the first only
 * (orphans given to pid 1 later do not count). */
void seal_proc_exit(const struct proc *p, int status);
/* Print the sealed block (verdicts, counters, tally); once, at the very end. */
void seal_finish(void);

#endif
