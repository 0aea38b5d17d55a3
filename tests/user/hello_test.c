/*
 * hello_test.c - smoke test for the user test path: a program from
 * /tests runs, prints one line and exits 0.
 */
#include <stdio.h>

int main(void)
{
    printf("hello_test: ok\n");
    return 0;
}
