/*
 * false.c - exit with status 1, doing nothing else.
 */
int main(void)
{
    return 1;
}
