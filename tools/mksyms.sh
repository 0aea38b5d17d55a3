#!/bin/sh
# mksyms.sh - turn `nm -n kernel.elf` output (on stdin, or /dev/null for an
# empty table) into assembly for the .ksyms section: a table of function
# start addresses sorted ascending, each with the offset of its name.
# Read by kernel/ksyms.c for backtraces.
in="$1"
[ "$in" = "-" ] && in=/dev/stdin
awk 'BEGIN { n = 0 }
$2 ~ /^[tT]$/ && $3 !~ /^ksym/ { addr[n] = $1; name[n] = $3; n++ }
END {
    print "    .section .ksyms, \"a\""
    print "    .balign 8"
    print "    .globl ksym_count, ksym_table, ksym_names"
    print "ksym_count:"
    printf "    .quad %d\n", n
    print "ksym_table:"
    off = 0
    for (i = 0; i < n; i++) {
        printf "    .quad 0x%s, %d\n", addr[i], off
        off += length(name[i]) + 1
    }
    print "ksym_names:"
    for (i = 0; i < n; i++)
        printf "    .asciz \"%s\"\n", name[i]
    print "    .section .note.GNU-stack, \"\", @progbits"
}' "$in"
