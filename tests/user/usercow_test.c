/*
 * usercow_test.c - the usercow demo as a check: copy-on-write done in user
 * space by a SIGSEGV handler, so it needs signal delivery and sigreturn (it
 * is the signals lab's, docs/labs/signals.md, where demos_test is not).
 * Exits 0 when usercow measured every count it claims.
 */
#include "demorun.h"

int main(void)
{
    char *usercow[] = {"/bin/usercow", NULL};
    expect_demo_ok(usercow);
    utest_exit();
}
