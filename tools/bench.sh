#!/bin/sh
# bench.sh - runs /bin/forkbench and reports what fork costs, and what exec
# costs against the size of the program started (make bench, make
# bench-host). Owns bench/: the serial logs, results.csv (fork: the FB
# lines), exec.csv (exec against program size: the FE lines), the PNG plots.
# Usage: sh tools/bench.sh guest   boot cowos once per fork mode (cow: shared
#                                  page tables, page: per-page COW, copy: eager)
#        sh tools/bench.sh host    build and run forkbench.c on this Linux
# Either way it ends with the report of every result in bench/ so far.
set -e

out=bench
sizes="${BENCH_SIZES:-1 4 16 64 256 1024}"
modes="cow page copy"
start=$(date +%s)
mkdir -p "$out"

say() { echo "bench: $*"; }

elapsed() {
    s=$(($(date +%s) - $1))
    printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# extract LOG OUT [KIND]: keep the KIND lines (FB, the default, or FE) of a
# forkbench run (serial adds \r) as system rows.
extract() {
    tr -d '\r' <"$1" | grep "^${3:-FB}," | cut -d, -f2- >"$2" || true
}

# One kernel image per fork mode, built with the Makefile's own ISO rule in a
# build directory of our own, so nobody's build/ is disturbed.
build_isos() {
    : "${BENCH_B:?run through make bench}" "${BENCH_QEMU:?run through make bench}"
    for mode in $modes; do
        say "building the image for fork mode $mode ($BENCH_B)"
        ${MAKE:-make} --no-print-directory B="$BENCH_B" INIT=/bin/forkbench \
            ARGS="$sizes" FORK="$mode" COWTRACE= "$BENCH_B/cowos.iso"
        cp "$BENCH_B/cowos.iso" "$out/cowos-$mode.iso"
    done
}

# Boot one image headless; the serial output goes to bench/cowos-MODE.log.
boot() {
    t=$(date +%s)
    rc=0
    QEMU_BASE="$BENCH_QEMU" timeout "${BENCH_TIMEOUT:-600}" \
        sh tools/run.sh "$out/cowos-$1.iso" </dev/null >"$out/cowos-$1.log" 2>&1 || rc=$?
    if [ "$rc" = 0 ]; then
        say "fork mode $1 done in $(elapsed "$t")"
    else
        if [ "$rc" = 124 ]; then
            say "fork mode $1 timed out (BENCH_TIMEOUT=${BENCH_TIMEOUT:-600} s)"
        fi
        say "fork mode $1 FAILED after $(elapsed "$t") (status $rc); the log ends:"
        tail -n 20 "$out/cowos-$1.log"
        return 1
    fi
}

guest() {
    build_isos
    rm -f "$out/cowos.csv"
    say "booting the modes ($modes) under -icount shift=0 (guest cycles count instructions)"
    say "  $BENCH_QEMU"
    say "  sizes $sizes MiB; serial logs in $out/cowos-MODE.log"
    # As many boots at once as there are cores (the figures do not depend on
    # it: -icount), each in its own subshell; one failure fails the run.
    cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
    status=0
    pids=""
    for mode in $modes; do
        boot "$mode" &
        pids="$pids $!"
        # shellcheck disable=SC2086  # pids is a word list
        set -- $pids
        if [ $# -ge "$cores" ]; then
            wait "$1" || status=1
            shift
            pids="$*"
        fi
    done
    for pid in $pids; do
        wait "$pid" || status=1
    done
    [ "$status" = 0 ] || exit 1
    : >"$out/cowos.csv"
    : >"$out/cowos-exec.csv"
    for mode in $modes; do
        extract "$out/cowos-$mode.log" "$out/cowos-$mode.rows"
        cat "$out/cowos-$mode.rows" >>"$out/cowos.csv"
        extract "$out/cowos-$mode.log" "$out/cowos-$mode.rows" FE
        cat "$out/cowos-$mode.rows" >>"$out/cowos-exec.csv"
        rm -f "$out/cowos-$mode.rows"
    done
    grep -q . "$out/cowos.csv" || { say "no results in the serial logs"; exit 1; }
}

host() {
    cc="${HOSTCC:-gcc}"
    say "building forkbench.c for this Linux with $cc and the system's libc"
    $cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$out/forkbench-host" user/bin/forkbench.c
    # The programs of exec against program size, built the same way.
    mkdir -p "$out/host-bin"
    for prog in true data1m data4m bigdata; do
        $cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$out/host-bin/$prog" "user/bin/$prog.c"
    done
    say "running it: sizes $sizes MiB (log in $out/linux.log)"
    # shellcheck disable=SC2086  # sizes is a word list
    "$out/forkbench-host" -r 21 -w 5 -x "$out/host-bin" $sizes >"$out/linux.log" 2>&1 ||
        { tail -n 20 "$out/linux.log"; exit 1; }
    extract "$out/linux.log" "$out/linux.csv"
    extract "$out/linux.log" "$out/linux-exec.csv" FE
}

# gnuplot for the plot, installed by tools/deps.sh when missing.
need_gnuplot() { sh tools/deps.sh gnuplot:gnuplot-nox; }

report() {
    header=$(tr -d '\r' <"$1" | grep '^FB-HEADER,' | head -n 1 | cut -d, -f2-)
    {
        echo "$header"
        for f in "$out/cowos.csv" "$out/linux.csv"; do
            if [ -f "$f" ]; then cat "$f"; fi
        done
    } >"$out/results.csv"
    # exec against program size: only from a forkbench that measures it
    header=$(tr -d '\r' <"$1" | grep '^FE-HEADER,' | head -n 1 | cut -d, -f2-)
    exec_csv=""
    rm -f "$out/exec.csv"
    if [ -n "$header" ]; then
        {
            echo "$header"
            for f in "$out/cowos-exec.csv" "$out/linux-exec.csv"; do
                if [ -f "$f" ]; then cat "$f"; fi
            done
        } >"$out/exec.csv"
        exec_csv="$out/exec.csv"
    fi
    echo
    # shellcheck disable=SC2086  # exec_csv is empty or one path without spaces
    awk -f tools/bench-report.awk "$out/results.csv" $exec_csv
    for f in "$out/cowos-cow.log" "$out/cowos-page.log" "$out/cowos-copy.log" "$out/linux.log"; do
        [ -f "$f" ] || continue
        tr -d '\r' <"$f" | grep '^FB-SKIP,' | cut -d, -f2 | while read -r mib; do
            say "$mib MiB skipped in $f: not enough free memory (MEM=... raises it)"
        done
    done
    if [ -f "$out/cowos-cow.log" ]; then
        echo "The minimum, from the pages mapped when fork runs (forkbench lists them):"
        tr -d '\r' <"$out/cowos-cow.log" | awk '/^forkbench: [0-9]+ MiB resident/ { mib = $2 }
            /need at least/ { sub(/^ +/, ""); printf "  %4s MiB: %s\n", mib, $0 }'
        echo
    fi
    need_gnuplot || { say "no gnuplot, so no plot"; exit 1; }
    series=$(tail -n +2 "$out/results.csv" | cut -d, -f1,2 | tr , / | uniq | tr '\n' ' ')
    gnuplot -e "csv='$out/results.csv'; png='$out/fork-cycles.png'; series='$series'" \
        tools/bench-plot.gp
    gnuplot -e "csv='$out/results.csv'; png='$out/spawn-cycles.png'; series='$series'; plot='spawn'" \
        tools/bench-plot.gp
    say "wrote $out/results.csv, $out/exec.csv, $out/fork-cycles.png and $out/spawn-cycles.png in $(elapsed "$start")"
}

case "$1" in
guest)
    guest
    report "$out/cowos-cow.log"
    [ -f "$out/linux.csv" ] || say "(make bench-host adds a column for this machine's Linux)"
    ;;
host)
    host
    report "$out/linux.log"
    [ -f "$out/cowos.csv" ] || say "(make bench adds the cowos columns)"
    ;;
*)
    echo "usage: sh tools/bench.sh guest|host" >&2
    exit 2
    ;;
esac
