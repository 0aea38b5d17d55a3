#!/bin/sh
# run.sh - boot an ISO in QEMU with the serial console on this terminal.
# Usage: sh tools/run.sh ISO [extra QEMU arguments...]   (make run, make debug)
# Reads QEMU_BASE and QEMUFLAGS from the Makefile. Exits 0 when the kernel
# reports success through isa-debug-exit, 1 on reported failure, 2 on a panic,
# and QEMU's own status otherwise.
# With RUN_EOF=1 (make run sets it) and a stdin that is not a terminal, the
# input is passed on and then a Ctrl-D: end of input, as on a terminal, so a
# shell fed from a script or /dev/null ends instead of waiting forever.

iso="${1:?usage: run.sh ISO [qemu arguments...]}"
shift
: "${QEMU_BASE:=qemu-system-x86_64 -accel tcg -m 128M -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04}"

# A closed stdin would let QEMU's first open file land on fd 0 and be read
# as serial input; give it an empty one instead. (A regular builtin: a failed
# redirection on a special one such as ':' would end the script.)
if ! true 2>/dev/null 3<&0; then
    exec </dev/null
fi

if [ -t 0 ]; then
    # Serial and the QEMU monitor share the terminal: Ctrl-A X quits,
    # Ctrl-A C switches to the monitor and back.
    echo "run: serial console on this terminal; Ctrl-A X quits QEMU" >&2
    console="-nographic"
else
    # Scripts and CI: serial through stdin/stdout, no monitor, no window.
    console="-display none -serial stdio -monitor none"
fi

if [ "${RUN_EOF:-}" = 1 ] && [ ! -t 0 ]; then
    # QEMU reads the serial input from a FIFO that a feeder fills with our
    # stdin and then Ctrl-D. (An asynchronous command's stdin is /dev/null, so
    # the feeder's cat reads ours through fd 3.) When QEMU ends first, the
    # feeder and its cat are stopped: stdin may never end.
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/cowos-run.XXXXXX") || exit 2
    mkfifo "$tmp/in" || exit 2
    exec 3<&0
    {
        cat <&3 &
        echo $! >"$tmp/cat"
        wait $!
        printf '\004'
    } >"$tmp/in" 3<&3 &
    feeder=$!
    # shellcheck disable=SC2086  # QEMU_BASE, console and QEMUFLAGS are word lists
    $QEMU_BASE $console -cdrom "$iso" $QEMUFLAGS "$@" <"$tmp/in" 3<&-
    status=$?
    kill "$feeder" 2>/dev/null
    [ -s "$tmp/cat" ] && kill "$(cat "$tmp/cat")" 2>/dev/null
    wait "$feeder" 2>/dev/null
    rm -rf "$tmp"
else
    # shellcheck disable=SC2086  # QEMU_BASE, console and QEMUFLAGS are word lists
    $QEMU_BASE $console -cdrom "$iso" $QEMUFLAGS "$@"
    status=$?
fi

case $status in
1)
    exit 0
    ;;
3)
    echo "run: the kernel reported failure (QEMU exit status 3)" >&2
    exit 1
    ;;
5)
    echo "run: kernel panicked (QEMU exit status 5)" >&2
    exit 2
    ;;
0)
    # Ctrl-A X, an ACPI power-off, or a triple fault under -no-reboot.
    echo "run: QEMU exited with status 0 (quit, power-off, or a CPU reset such as a triple fault)" >&2
    exit 0
    ;;
*)
    echo "run: QEMU exited with status $status" >&2
    exit "$status"
    ;;
esac
