/*
 * true.c - exit with status 0, doing nothing else.
 */
int main(void)
{
    return 0;
}
