#!/bin/sh
# console-test.sh - the console shell driven as a person would drive it:
# boots ISO (the `make run` image) with a script of typed lines on its serial
# input (through tools/run.sh, which ends the input with Ctrl-D) and checks
# what the shell printed: a two-program pipeline started with &, `jobs`, `fg`
# and `$?`, and a job that stops itself (`kill -STOP 0`: $? 147) then `fg`. The lines are all there before the kernel starts: the first ones
# (longer than the UART's 16-byte FIFO) also check that no typed-ahead byte
# is lost at boot (it was: a `sleep 2` became `sleep`, which printed its usage). Usage: sh tools/console-test.sh ISO LOG
# Prints a "# ..." line per failed check; exits 0 only if every check passed.
# (make test runs it as one test.)

set -u
iso="${1:?usage: console-test.sh ISO LOG}"
log="${2:?usage: console-test.sh ISO LOG}"
cd "$(dirname "$0")/.." || exit 2

# What is checked goes to files first and is shown by the last line: input
# that comes in late is echoed as it comes, into the middle of any output.
printf '%s\n' 'echo 0123456789abcdefghijklmnopqrstuvwxyz 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ >/tmp/o' \
    'sleep 2 | sleep 2 &' 'jobs >>/tmp/o' 'fg >>/tmp/o' 'echo fg gave $? >>/tmp/o' \
    'kill -STOP 0' 'echo stop gave $? >>/tmp/o' 'fg >>/tmp/o' 'echo fg gave $? >>/tmp/o' 'cat /tmp/o' |
    RUN_EOF=1 timeout -k 10 "${TEST_TIMEOUT:-300}" sh tools/run.sh "$iso" 2>&1 |
    tr -d '\r' >"$log"
bad=0

# has PATTERN WHAT: a line of the log must match the extended PATTERN.
has() {
    grep -qE "$1" "$log" || { echo "# expected $2; no line matches [$1]"; bad=1; }
}

has '\[1\] [0-9]+$' '"[1] PID" for the background job'
has '^(\$ )*0123456789abcdefghijklmnopqrstuvwxyz 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$' \
    'the long first line whole (no typed-ahead byte lost)'
has '^\[1\] +Running +sleep \| sleep$' '`jobs` to list the job as Running'
has '^sleep \| sleep$' '`fg` to name the job it continues'
has '^fg gave 0$' '$? of the job fg waited for to be 0'
has '^stop gave 147$' '$? of a job stopped by SIGSTOP to be 147 (128 + 19), as bash'
has '^kill$' '`fg` to continue the stopped `kill`'
[ "$(grep -c '^fg gave 0$' "$log")" = 2 ] || { echo "# expected two \"fg gave 0\" lines"; bad=1; }
has '^sh: end of input; powering off \(status 0\)$' 'the shell to end with status 0'
if grep -q 'usage:' "$log"; then
    echo "# a program was started with the wrong arguments:"
    grep 'usage:' "$log" | sed 's/^/#   /'
    bad=1
fi
# (run.sh's status is lost in the pipe: the shell's last line says how it ended.)
if grep -q 'panic' "$log"; then
    echo "# the kernel panicked"
    bad=1
fi
if [ "$bad" != 0 ]; then
    echo "# the console said:"
    grep -vE '^(initrd|memory|command line|cowos):' "$log" | tail -n 20 | sed 's/^/#   /'
fi
[ "$bad" = 0 ] && echo "console-test: every check as expected"
exit "$bad"
