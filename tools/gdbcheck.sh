#!/bin/sh
# gdbcheck.sh - run the GDB tour (docs/gdb-tour.md) as a test, headless.
# Usage: sh tools/gdbcheck.sh [--first N] BUILD_DIR        (make gdbcheck, make test)
# Two sessions, one boot each, as the tour has two programs: sections 1-7
# boot BUILD_DIR/cowos-gdbcheck.iso ("init=/bin/cowdemo"), section 8 boots
# BUILD_DIR/cowos-gdbcheck-shared.iso ("init=/bin/sharefork"). Each boots in
# QEMU paused with its GDB stub on a free local port (GDBPORT when set), then
# runs GDB in batch mode with tools/gdbinit and tools/gdb/gdbcheck.py
# (GDBCHECK_PART names the session). Prints one "ok N gdb_..." or "not ok N
# gdb_..." line per check, numbered from N (default 1), and last "gdbcheck:
# N passed, N failed" for both sessions (prefixed, so that test.sh's own
# summary line stays the only bare one). Exits 0 only if nothing failed. QEMU
# is always killed. Logs: BUILD_DIR/gdbcheck.log and gdbcheck-shared.log
# (every GDB command and its output), BUILD_DIR/gdbcheck-serial.log and
# gdbcheck-shared-serial.log. Reads QEMU_BASE, QEMUFLAGS, GDBPORT,
# GDBCHECK_TIMEOUT (seconds for each session, default 120).

set -u
cd "$(dirname "$0")/.." || exit 2   # BUILD_DIR is relative to the repository root
first=1
if [ "${1:-}" = "--first" ]; then
    first="${2:?usage: gdbcheck.sh [--first N] BUILD_DIR}"
    shift 2
fi
b="${1:?usage: gdbcheck.sh [--first N] BUILD_DIR}"
limit="${GDBCHECK_TIMEOUT:-120}"
: "${QEMU_BASE:=qemu-system-x86_64 -accel tcg -cpu qemu64,+smep,+smap -m 128M -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04}"
: "${QEMUFLAGS:=}"

# One failure line and the summary, for problems that stop a session before
# any of its checks could run (the tally keeps an earlier session's).
give_up() {
    echo "# $1"
    echo "not ok $first gdb_session"
    echo "gdbcheck: ${passed:-0} passed, $((${failed:-0} + 1)) failed"
    exit 1
}

for iso in "$b/cowos-gdbcheck.iso" "$b/cowos-gdbcheck-shared.iso"; do
    [ -f "$iso" ] || give_up "no such ISO: $iso (make $iso)"
done
[ -f "$b/kernel.elf" ] || give_up "no $b/kernel.elf"
command -v gdb >/dev/null 2>&1 || give_up "gdb is not installed (tools/deps.sh installs it)"
gdb -nx -batch -ex 'python import gdb' >/dev/null 2>&1 || give_up "this gdb has no Python support"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cowos-gdbcheck.XXXXXX") || exit 2
qpid=""
gpid=""
# QEMU and GDB run in the background under timeout (which gives each its own
# process group, out of reach of Ctrl-C): on any exit, stop both.
# shellcheck disable=SC2317  # called by the trap
cleanup() {
    for pid in $gpid $qpid; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nobody listens on: GDBPORT if the caller chose one, else one the host
# picks for us (asked through GDB's Python, which this check needs anyway).
free_port() {
    gdb -nx -batch -ex 'python
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' 2>/dev/null
}

# session PART ISO LOG: boot ISO paused, run GDB's part PART of the checks
# against it (numbered from $first), print its check lines and add its tally
# to passed and failed; first moves on past its checks. LOG is the GDB
# transcript; the serial output goes next to it (LOG without .log, -serial.log).
session() {
    part=$1 iso=$2 transcript=$3
    serial="${transcript%.log}-serial.log"
    # Another program may take the port between asking and binding: try again.
    for _ in 1 2 3 4 5; do
        port="${GDBPORT:-$(free_port)}"
        [ -n "$port" ] || give_up "could not find a free TCP port"
        rm -f "$serial"
        # shellcheck disable=SC2086  # QEMU_BASE and QEMUFLAGS are word lists
        timeout -k 5 "$limit" $QEMU_BASE -display none -serial "file:$serial" -monitor none \
            -cdrom "$iso" $QEMUFLAGS -S -gdb "tcp:127.0.0.1:$port" </dev/null >"$tmp/qemu.out" 2>&1 &
        qpid=$!
        sleep 0.3
        if kill -0 "$qpid" 2>/dev/null; then
            break
        fi
        wait "$qpid" 2>/dev/null
        qpid=""
        [ -n "${GDBPORT:-}" ] && break
    done
    [ -n "$qpid" ] || give_up "QEMU did not start: $(tr '\n' ' ' <"$tmp/qemu.out")"

    GDBCHECK_PORT=$port GDBCHECK_FIRST=$first GDBCHECK_TOUR=docs/gdb-tour.md \
        GDBCHECK_SERIAL="$serial" GDBCHECK_PART=$part GDBCHECK_RAN="$tmp/ran" \
        timeout -k 5 "$limit" gdb -nx -batch -x tools/gdbinit -x tools/gdb/gdbcheck.py \
        "$b/kernel.elf" </dev/null >"$transcript" 2>&1 &
    gpid=$!
    wait "$gpid"  # unlike a foreground command, a trapped signal interrupts this
    gstatus=$?
    gpid=""
    kill "$qpid" 2>/dev/null
    wait "$qpid" 2>/dev/null
    qpid=""

    # The checks' lines and their # notes; GDB's own chatter stays in the log.
    grep -E '^(ok|not ok) [0-9]+ |^# ' "$transcript"
    tally=$(grep -E '^gdbcheck: [0-9]+ passed, [0-9]+ failed$' "$transcript" | tail -n 1)
    p=$(grep -cE '^ok [0-9]+ ' "$transcript")
    f=$(grep -cE '^not ok [0-9]+ ' "$transcript")
    if [ -z "$tally" ]; then
        n=$((first + p + f))
        if [ "$gstatus" = 124 ] || [ "$gstatus" = 137 ]; then
            echo "# GDB timed out after ${limit} s (GDBCHECK_TIMEOUT); transcript in $transcript"
        else
            echo "# GDB ended (status $gstatus) before the checks finished; its last words:"
            tail -n 5 "$transcript" | sed 's/^/#   /'
        fi
        echo "not ok $n gdb_session_$part"
        f=$((f + 1))
    fi
    if [ "$f" != 0 ]; then
        echo "gdbcheck: transcript in $transcript, serial output in $serial"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    first=$((first + p + f))
}

passed=0
failed=0
: >"$tmp/ran"   # the commands each session ran, for the last one's check
session cowdemo "$b/cowos-gdbcheck.iso" "$b/gdbcheck.log"
session shared "$b/cowos-gdbcheck-shared.iso" "$b/gdbcheck-shared.log"
summary="gdbcheck: $passed passed, $failed failed"
echo "$summary"
[ "$failed" = 0 ]
