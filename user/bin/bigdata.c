/*
 * bigdata.c - a program with a 16 MiB initialised array, for the lazyexec
 * demo and make bench: its file is 16 MiB bigger than /bin/true, yet exec
 * maps the array from the page cache and reads none of it until it is
 * touched. data1m.c and data4m.c are this file with BIGDATA_MIB 1 and 4.
 *   bigdata [idle]   touch nothing of the array; exit 0 (idle: the same code
 *                    path as touch but for the loop, to compare the two)
 *   bigdata touch    read one byte of every page of it; exit 0 if all are right
 *   bigdata wait     write "r" to stdout, then block reading stdin until EOF
 *                    (so several copies can be looked at while they run)
 */
#include <string.h>
#include <unistd.h>

#ifndef BIGDATA_MIB
#define BIGDATA_MIB 16
#endif
#define BIG_BYTES ((unsigned long)BIGDATA_MIB << 20)
#define BIG_WORDS (BIG_BYTES / sizeof(unsigned long))

/* Initialised (not bss: the bytes are in the file) and not const (in the
 * writable data segment: a private copy-on-write view of the file). */
unsigned long bigdata_array[BIG_WORDS] __attribute__((aligned(4096))) = {
    [0 ... BIG_WORDS - 1] = 0x0101010101010101UL};

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "touch") == 0) {
        const volatile unsigned char *b = (const volatile unsigned char *)bigdata_array;
        for (unsigned long i = 0; i < BIG_BYTES; i += 4096)
            if (b[i] != 1)
                return 1;
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "wait") == 0) {
        char c;
        if (write(1, "r", 1) != 1)
            return 2;
        while (read(0, &c, 1) > 0)
            ;
        return 0;
    }
    return argc == 1 || (argc == 2 && strcmp(argv[1], "idle") == 0) ? 0 : 2;
}
