#!/bin/sh
# test.sh - boot the test kernel headless and turn what it says into a verdict.
# Usage: sh tools/test.sh ISO LOGFILE [CRASH_ISO CRASH_LOG]      (make test)
# 1. Boots ISO ("test" on its command line); the serial output is streamed to
#    this terminal and LOGFILE, without \r. The suite passes when QEMU exits
#    with status 1 and the log ends its tests with "N passed, 0 failed".
# 2. With CRASH_ISO ("test crash=pagefault"): the panic check, counted as one
#    more test. The kernel must fault on purpose and panic (QEMU status 5),
#    its panic screen naming the page fault, CR2, and kmain in the backtrace.
# 1b. With COPYDEMOS_ISO and COPYDEMOS_LOG set (make test sets them): the
#    demos again in a boot with fork=copy (only /tests/demos_test runs), one
#    more test: every demo must pass and explain its numbers in that mode too.
# 1d. With SMP_ISO and SMP_LOG set (make test sets them): the main boot's
#    log must say that all CPUS CPUs came online (one test), and SMP_ISO
#    ("test ktest= utest=stress_test": every kernel test, then the stress test) is
#    booted with 4 CPUs and with 1 CPU (log SMP_LOG and SMP_LOG with 4
#    replaced by 1): all CPUs online, every test passing; two more tests.
# 1c. With REFUSE_BUILD set (make test sets it to the build directory): boots
#    of REFUSE_BUILD/cowos-badinit.iso and cowos-badopt.iso, and one with 7 MiB (GRUB itself needs about 7 to load the kernel)
#    (cowos-smallmem.iso: a tiny initrd, so that GRUB fits and the kernel refuses),
#    that must end with one line and the failure status; three tests.
# 2b. With OVERFLOW_ISO and OVERFLOW_LOG set (make test sets them): a boot
#    that overflows a kernel stack on purpose; the double fault must report it.
# 3. With GDBCHECK_BUILD set in the environment (make test sets it): the GDB
#    check, tools/gdbcheck.sh, each of its checks counted as one more test.
# 4. With HOSTCHECK set (make test sets it to the command): the user library's
#    host check, one more test.
# 5. With CMDLINECHECK set (make test sets it to the command): the check of
#    the boot variables, tools/cmdline-test.sh, one more test.
# 6. With CONSOLECHECK set (make test sets it to the command): the console
#    shell fed typed lines (tools/console-test.sh), one more test.
# The last line printed is always "N passed, N failed"; exit 0 only if N failed
# is 0. A timeout, a panic or a missing summary line counts as one failure more.
# Reads QEMU_BASE, QEMUFLAGS and TEST_TIMEOUT (seconds, default 300).

set -u
usage="usage: test.sh ISO LOGFILE [CRASH_ISO CRASH_LOG]"
iso="${1:?$usage}"
log="${2:?$usage}"
crash_iso="${3:-}"
crash_log="${4:-}"
limit="${TEST_TIMEOUT:-300}"
: "${QEMU_BASE:=qemu-system-x86_64 -accel tcg -m 128M -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04}"
: "${QEMUFLAGS:=}"

for f in "$iso" ${crash_iso:+"$crash_iso"} ${COPYDEMOS_ISO:+"$COPYDEMOS_ISO"}; do
    if [ ! -f "$f" ]; then
        echo "test.sh: no such ISO: $f"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cowos-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# tr holds its output in a buffer when writing to a pipe; stdbuf lets the
# lines through as they come, so a hang shows where it happened.
unbuffered=""
command -v stdbuf >/dev/null 2>&1 && unbuffered="stdbuf -o0"

# boot ISO OUT SHOW: run QEMU headless under the timeout with no input; its
# output (serial, and QEMU's own complaints) goes without \r to OUT, and also
# to the terminal when SHOW is "show". Sets qstatus to QEMU's exit status,
# or timeout's: 124 (or 137 if it had to kill).
boot() {
    rm -f "$tmp/status"
    {
        # shellcheck disable=SC2086  # QEMU_BASE and QEMUFLAGS are word lists
        timeout -k 10 "$limit" $QEMU_BASE -display none -serial stdio -monitor none \
            -cdrom "$1" $QEMUFLAGS </dev/null 2>&1
        echo $? >"$tmp/status"
    } | $unbuffered tr -d '\r' | if [ "$3" = show ]; then tee "$2"; else cat >"$2"; fi
    qstatus=$(cat "$tmp/status" 2>/dev/null || echo 255)
}

# Is a line of the form "N passed, N failed" in the log? Then set p and f.
read_summary() {
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1)
    [ -n "$summary" ] || return 1
    p=${summary%% passed*}
    f=${summary#*passed, }
    f=${f%% failed}
    return 0
}

timed_out() { [ "$qstatus" = 124 ] || [ "$qstatus" = 137 ]; }

# ---- 1. the kernel test suite -------------------------------------------
echo "test.sh: booting $iso headless (timeout ${limit} s); serial log in $log"
boot "$iso" "$log" show

problem=""
if read_summary "$log"; then
    if [ "$qstatus" = 5 ] || grep -q 'panic:' "$log"; then
        problem="kernel panicked after its summary line (QEMU exit status $qstatus)"
    elif [ "$qstatus" = 1 ] && [ "$f" = 0 ]; then
        :
    elif [ "$qstatus" = 3 ] && [ "$f" != 0 ]; then
        : # failures already counted by the kernel
    else
        problem="QEMU exit status $qstatus does not match \"$summary\" (1 means pass, 3 fail)"
    fi
else
    # No summary: count the results the kernel got as far as printing.
    p=$(grep -cE '^ok [0-9]+' "$log")
    f=$(grep -cE '^not ok [0-9]+' "$log")
    if [ "$qstatus" = 5 ] || grep -q 'panic:' "$log"; then
        problem="kernel panicked (QEMU exit status $qstatus); see $log"
    elif timed_out; then
        problem="timed out after ${limit} s with no summary line (TEST_TIMEOUT=${limit}); see $log"
    else
        problem="no \"N passed, N failed\" line from the kernel (QEMU exit status $qstatus); see $log"
    fi
fi
if [ -n "$problem" ]; then
    echo "test.sh: $problem"
    f=$((f + 1))
fi
kernel_p=$p
kernel_f=$f

# ---- 1b. the demos under fork=copy (only when make test sets COPYDEMOS_ISO) --
if [ -n "${COPYDEMOS_ISO:-}" ]; then
    n=$((p + f + 1))
    echo "test.sh: demos under fork=copy: booting $COPYDEMOS_ISO (\"test fork=copy utest=demos_test\"); log in $COPYDEMOS_LOG"
    boot "$COPYDEMOS_ISO" "$COPYDEMOS_LOG" quiet
    if [ "$qstatus" = 1 ] && grep -qE '^ok [0-9]+ demos_test$' "$COPYDEMOS_LOG" &&
        grep -qE '^[0-9]+ passed, 0 failed$' "$COPYDEMOS_LOG"; then
        echo "ok $n demos_pass_under_fork_copy"
        p=$((p + 1))
    else
        echo "# expected QEMU exit status 1 and \"ok N demos_test\", got status $qstatus; the log's last lines:"
        tail -n 40 "$COPYDEMOS_LOG" | sed 's/^/#   /'
        echo "not ok $n demos_pass_under_fork_copy"
        f=$((f + 1))
    fi
fi

# ---- 1d. every CPU online (only when make test sets SMP_ISO) ---------------
# online_line N: the kernel's line for N CPUs online.
online_line() { if [ "$1" = 1 ]; then echo '^smp: 1 CPU online '; else echo "^smp: $1 CPUs online "; fi; }
if [ -n "${SMP_ISO:-}" ]; then
    cpus=${CPUS:-2}
    n=$((p + f + 1))
    if grep -qE "$(online_line "$cpus")" "$log"; then
        echo "ok $n smp_all_${cpus}_cpus_online"
        p=$((p + 1))
    else
        echo "# expected \"smp: $cpus CPU(s) online\" in $log (CPUS=$cpus), got:"
        grep '^smp:' "$log" | sed 's/^/#   /'
        echo "not ok $n smp_all_${cpus}_cpus_online"
        f=$((f + 1))
    fi
    for ncpu in 4 1; do
        n=$((p + f + 1))
        slog=$SMP_LOG
        [ "$ncpu" = 4 ] || slog="${SMP_LOG%.log}-${ncpu}cpu.log"
        echo "test.sh: SMP check: booting $SMP_ISO (\"test ktest= utest=stress_test\") with $ncpu CPU(s); log in $slog"
        saved_base=$QEMU_BASE
        QEMU_BASE=$(echo "$QEMU_BASE" | sed "s/-smp [0-9]*/-smp $ncpu/")
        boot "$SMP_ISO" "$slog" quiet
        QEMU_BASE=$saved_base
        name=smp_kernel_tests_and_stress_on_${ncpu}_cpus
        if [ "$qstatus" = 1 ] && grep -qE "$(online_line "$ncpu")" "$slog" &&
            grep -qE '^ok [0-9]+ smp_every_cpu_timer_ticks$' "$slog" &&
            grep -qE '^ok [0-9]+ stress_test$' "$slog" &&
            grep -qE '^[0-9]+ passed, 0 failed$' "$slog"; then
            grep '^# traffic:' "$slog"
            echo "ok $n $name"
            p=$((p + 1))
        else
            echo "# expected QEMU exit status 1, \"smp: $ncpu CPU(s) online\", every kernel test and the stress test passing; got status $qstatus:"
            grep -E '^not ok|^# ' "$slog" | head -n 20 | sed 's/^/#   /'
            tail -n 10 "$slog" | sed 's/^/#   /'
            echo "not ok $n $name"
            f=$((f + 1))
        fi
    done
fi

# ---- 1c. refusals (only when make test sets REFUSE_BUILD) ------------------
# A missing init, an unknown boot option and too little memory must each end
# with one clear line and the failure status (QEMU 3): no panic screen.
# refuse N NAME ISO LOG PATTERN [QEMU ARGS...]: one test.
refuse() {
    n=$1 name=$2 riso=$3 rlog=$4 pattern=$5
    shift 5
    saved=$QEMUFLAGS
    QEMUFLAGS="$QEMUFLAGS $*"
    boot "$riso" "$rlog" quiet
    QEMUFLAGS=$saved
    if [ "$qstatus" = 3 ] && grep -qE "$pattern" "$rlog" && ! grep -q 'panic' "$rlog"; then
        echo "ok $n $name"
        p=$((p + 1))
    else
        echo "# expected QEMU exit status 3, a line matching \"$pattern\" and no panic; got status $qstatus:"
        tail -n 10 "$rlog" | sed 's/^/#   /'
        echo "not ok $n $name"
        f=$((f + 1))
    fi
}
if [ -n "${REFUSE_BUILD:-}" ]; then
    b=$REFUSE_BUILD
    echo "test.sh: refusal checks: a missing init, fork=COPY, 7 MiB of memory; logs in $b/refuse-*.log"
    refuse $((p + f + 1)) boot_refuses_missing_init "$b/cowos-badinit.iso" "$b/refuse-init.log" \
        '^init: /bin/nosuch: No such file or directory$'
    grep -q '^init: the programs in /bin are: .*cowdemo' "$b/refuse-init.log" ||
        { echo "# no list of the programs in /bin in $b/refuse-init.log"; echo "not ok $((p + f + 1)) boot_lists_programs_for_missing_init"; f=$((f + 1)); }
    refuse $((p + f + 1)) boot_refuses_unknown_fork_value "$b/cowos-badopt.iso" "$b/refuse-option.log" \
        'unknown fork= value "COPY"; valid: fork=cow\|page\|copy'
    refuse $((p + f + 1)) boot_refuses_too_little_memory "$b/cowos-smallmem.iso" "$b/refuse-memory.log" \
        'too little: it needs at least [0-9]+ MiB \(MEM=10M\)' -m 7M
fi

# ---- helpers for the boots that must panic ---------------------------------
# expect_panic ISO LOG: boot an image that panics on purpose; $why collects
# what went wrong ("" so far when QEMU ended with status 5, the panic exit).
expect_panic() {
    boot "$1" "$2" quiet
    why=""
    if timed_out; then
        why="$why
# timed out after ${limit} s"
    elif [ "$qstatus" != 5 ]; then
        why="$why
# expected QEMU exit status 5 (panic), got $qstatus (1 or 0: no panic; a reboot or triple fault otherwise)"
    fi
}

# log_has LOG PATTERN WHAT: add "no WHAT in the log" to $why unless an
# (extended, case-insensitive) PATTERN matches a line of LOG.
log_has() {
    grep -qiE "$2" "$1" || why="$why
# no $3 in the log"
}

# panic_verdict N NAME LOG: print the verdict of test N and count it.
panic_verdict() {
    if [ -z "$why" ]; then
        echo "ok $1 $2"
        p=$((p + 1))
    else
        echo "# the last lines of $3:"
        tail -n 30 "$3" | sed 's/^/#   /'
        echo "${why#?}"
        echo "not ok $1 $2"
        f=$((f + 1))
    fi
}

# ---- 2. the panic check -------------------------------------------------
if [ -n "$crash_iso" ]; then
    n=$((p + f + 1))
    echo "test.sh: panic check: booting $crash_iso (\"test crash=pagefault\"); log in $crash_log"
    expect_panic "$crash_iso" "$crash_log"
    log_has "$crash_log" 'page fault' '"page fault"'
    log_has "$crash_log" 'cr2' '"CR2" (in any case)'
    # A backtrace line: an address of 8+ hex digits and the word kmain.
    grep -v 'panic:' "$crash_log" | grep -E '[0-9a-fA-F]{8}' | grep -qw kmain || why="$why
# no backtrace line naming kmain in the log"
    panic_verdict "$n" panic_check_pagefault "$crash_log"
    echo "test.sh: kernel tests $kernel_p passed, $kernel_f failed; panic check $([ -z "$why" ] && echo passed || echo failed)"
fi

# ---- 2b. the stack-overflow check (only when make test sets OVERFLOW_ISO) --
# "test crash=stackoverflow": the kernel recurses into its stack's guard page.
# The double fault must arrive on its own stack and say so, then panic.
if [ -n "${OVERFLOW_ISO:-}" ]; then
    n=$((p + f + 1))
    echo "test.sh: stack-overflow check: booting $OVERFLOW_ISO (\"test crash=stackoverflow\"); log in $OVERFLOW_LOG"
    expect_panic "$OVERFLOW_ISO" "$OVERFLOW_LOG"
    log_has "$OVERFLOW_LOG" 'double fault' '"double fault"'
    log_has "$OVERFLOW_LOG" 'stack overflow' '"stack overflow"'
    grep -qw overflow_on_purpose "$OVERFLOW_LOG" || why="$why
# no backtrace line naming overflow_on_purpose in the log"
    panic_verdict "$n" panic_check_kernel_stack_overflow "$OVERFLOW_LOG"
fi

# ---- 3. the GDB check (only when make test sets GDBCHECK_BUILD) -----------
# tools/gdbcheck.sh follows docs/gdb-tour.md in a scripted GDB session; each
# of its "ok N gdb_..." lines is one more test. Its own tally line is
# "gdbcheck: N passed, N failed", which is added to ours here.
if [ -n "${GDBCHECK_BUILD:-}" ]; then
    echo "test.sh: GDB check: scripted GDB sessions on $GDBCHECK_BUILD/cowos-gdbcheck.iso and cowos-gdbcheck-shared.iso; transcripts in $GDBCHECK_BUILD/gdbcheck.log and gdbcheck-shared.log"
    sh tools/gdbcheck.sh --first $((p + f + 1)) "$GDBCHECK_BUILD" >"$tmp/gdbcheck" 2>&1
    grep -vE '^gdbcheck: [0-9]+ passed, [0-9]+ failed$' "$tmp/gdbcheck"
    g=$(grep -E '^gdbcheck: [0-9]+ passed, [0-9]+ failed$' "$tmp/gdbcheck" | tail -n 1)
    if [ -n "$g" ]; then
        g=${g#gdbcheck: }
        gp=${g%% passed*}
        gf=${g#*passed, }
        gf=${gf%% failed}
    else
        gp=$(grep -cE '^ok [0-9]+ ' "$tmp/gdbcheck")
        gf=$(($(grep -cE '^not ok [0-9]+ ' "$tmp/gdbcheck") + 1))
        echo "test.sh: tools/gdbcheck.sh printed no tally; counted as one failure more"
    fi
    p=$((p + gp))
    f=$((f + gf))
    echo "test.sh: GDB check $gp passed, $gf failed"
fi

# ---- 4. the host check (only when make test sets HOSTCHECK) ----------------
# The user library's pure-C parts compared with glibc on the host, and every
# program and user test compiled against glibc's headers: the C library keeps
# its promise that programs build unchanged for Linux. One more test.
if [ -n "${HOSTCHECK:-}" ]; then
    n=$((p + f + 1))
    if $HOSTCHECK >"$tmp/hostcheck" 2>&1; then
        echo "ok $n host_libc_matches_glibc_and_programs_build_for_linux"
        p=$((p + 1))
    else
        sed 's/^/# /' "$tmp/hostcheck" | tail -n 20
        echo "not ok $n host_libc_matches_glibc_and_programs_build_for_linux"
        f=$((f + 1))
    fi
fi

# ---- 5. the boot variables (only when make test sets CMDLINECHECK) ---------
# tools/cmdline-test.sh: what make writes into grub.cfg for ARGS, INIT, FORK...
# and what it refuses, without booting. One more test.
if [ -n "${CMDLINECHECK:-}" ]; then
    n=$((p + f + 1))
    if $CMDLINECHECK >"$tmp/cmdlinecheck" 2>&1; then
        echo "ok $n make_checks_boot_variables_and_quotes_args_for_grub"
        p=$((p + 1))
    else
        grep '^#' "$tmp/cmdlinecheck" | tail -n 20
        echo "not ok $n make_checks_boot_variables_and_quotes_args_for_grub"
        f=$((f + 1))
    fi
fi

# ---- 6. the console shell (only when make test sets CONSOLECHECK) ----------
# tools/console-test.sh: the `make run` image fed typed lines: a pipeline
# with &, jobs, fg and $?, and no typed-ahead byte lost. One more test.
if [ -n "${CONSOLECHECK:-}" ]; then
    n=$((p + f + 1))
    if $CONSOLECHECK >"$tmp/consolecheck" 2>&1; then
        echo "ok $n console_shell_runs_jobs_and_keeps_typed_ahead_input"
        p=$((p + 1))
    else
        grep '^#' "$tmp/consolecheck" | tail -n 30
        echo "not ok $n console_shell_runs_jobs_and_keeps_typed_ahead_input"
        f=$((f + 1))
    fi
fi

echo "$p passed, $f failed"
[ "$f" = 0 ]
