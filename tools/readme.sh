#!/bin/sh
# readme.sh - regenerates the numbers README.md (and docs/gdb-tour.md) show,
# so that they are measured, never typed (make readme, make readme-bench).
#
# Usage: sh tools/readme.sh demos [FILE...]   rerun the demo blocks (default
#                                             README.md docs/gdb-tour.md)
#        sh tools/readme.sh bench             the benchmark tables from
#                                             bench/results.csv and exec.csv
#                                             (make bench first)
#
# A demo block is everything between a marker line and the line
# "<!-- end of output -->". The marker names how to produce it:
#     <!-- output of: VAR=VALUE ... [; stdin TEXT] [; keep REGEX] -->
# VAR=VALUE words are make run's variables (no spaces inside a value);
# "stdin TEXT" types TEXT and Enter at the shell (no INIT), which then ends
# at end of input; "keep REGEX" keeps only the matching lines, each run of
# left-out lines shown as "...". The block is the console output after the
# kernel's "command line:" line, without the run's own closing lines,
# indented by 4 spaces (a Markdown code block, with an empty line around it). The bench table sits between "<!-- bench table -->"
# and "<!-- end of bench table -->".

set -u
cd "$(dirname "$0")/.." || exit 2
MAKE=${MAKE:-make}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cowos-readme.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# run_block SPEC OUT: boot as SPEC says and write the block's lines to OUT.
run_block() {
    vars=${1%%;*}
    rest=""
    case $1 in *";"*) rest=${1#*;} ;; esac
    input=""
    keep=""
    while [ -n "$rest" ]; do
        part=${rest%%;*}
        case $rest in *";"*) rest=${rest#*;} ;; *) rest="" ;; esac
        part=$(echo "$part" | sed 's/^ *//; s/ *$//')
        case $part in
        "stdin "*) input=${part#stdin } ;;
        "keep "*) keep=${part#keep } ;;
        "") ;;
        *) echo "readme: unknown part \"$part\" in \"$1\"" >&2; return 1 ;;
        esac
    done
    echo "readme: make run $vars${input:+ (typing: $input)}" >&2
    # shellcheck disable=SC2086  # vars is a list of VAR=VALUE words
    if [ -n "$input" ]; then
        printf '%s\n' "$input" | $MAKE -s --no-print-directory run $vars >"$tmp/raw" 2>&1
    else
        $MAKE -s --no-print-directory run $vars </dev/null >"$tmp/raw" 2>&1
    fi
    status=$?
    tr -d '\r' <"$tmp/raw" | KEEP=$keep INPUT=$input awk '
        seen && /^(init exited|run: |make(\[[0-9]+\])?: |sh: end of input|poweroff: requested)/ { next }
        seen && /^\$ $/ { next }
        # Typed input arrives before the prompt, so its echo is not where a
        # terminal would show it: show it after the first prompt instead.
        seen && ENVIRON["INPUT"] != "" && sub(/^\$ /, "") && !typed {
            print "    $ " ENVIRON["INPUT"]
            typed = 1
        }
        seen {
            if (ENVIRON["KEEP"] == "" || $0 ~ ENVIRON["KEEP"]) {
                if (skipped) print "    ..."
                skipped = 0
                print ($0 == "" ? "" : "    " $0)
            } else
                skipped = 1
        }
        /^command line: / { seen = 1 }
        END { if (skipped) print "    ..." }' >"$2"
    if ! [ -s "$2" ]; then
        echo "readme: no output from make run $vars (status $status):" >&2
        tail -n 20 "$tmp/raw" >&2
        return 1
    fi
}

# replace FILE: every demo block of FILE rerun and put back in place.
replace() {
    file=$1
    grep -n '^<!-- output of: .* -->$' "$file" | while IFS= read -r m; do
        n=${m%%:*}
        spec=${m#*:<!-- output of: }
        spec=${spec% -->}
        run_block "$spec" "$tmp/block.$n" || exit 1
    done || return 1
    awk -v dir="$tmp" '
        inblock && /^<!-- end of output -->$/ { inblock = 0 }
        inblock { next }
        { print }
        /^<!-- output of: .* -->$/ {
            f = dir "/block." NR
            print ""
            while ((getline line < f) > 0) print line
            close(f)
            print ""
            inblock = 1
        }' "$file" >"$tmp/new" || return 1
    if cmp -s "$tmp/new" "$file"; then
        echo "readme: $file is up to date" >&2
    else
        cp "$tmp/new" "$file"
        echo "readme: $file rewritten" >&2
    fi
}

bench() {
    csv=bench/results.csv
    [ -f "$csv" ] || { echo "readme: no $csv: run make bench (and make bench-host) first" >&2; return 1; }
    exec_csv=""
    [ -f bench/exec.csv ] && exec_csv=bench/exec.csv  # exec against program size
    # shellcheck disable=SC2086  # exec_csv is empty or one path
    awk -v markdown=1 -f tools/bench-report.awk "$csv" $exec_csv >"$tmp/table" || return 1
    # shellcheck disable=SC2086
    { echo; awk -f tools/bench-report.awk "$csv" $exec_csv | grep -E '^  (PASS|MISS) ' | sed 's/^  /    /'; echo; } \
        >"$tmp/targets" || return 1
    awk -v t="$tmp/table" -v g="$tmp/targets" '
        /^<!-- end of bench (table|targets) -->$/ { inblock = 0 }
        inblock { next }
        { print }
        /^<!-- bench table -->$/ { while ((getline line < t) > 0) print line; inblock = 1 }
        /^<!-- bench targets -->$/ { while ((getline line < g) > 0) print line; inblock = 1 }' \
        README.md >"$tmp/new" || return 1
    cp "$tmp/new" README.md
    echo "readme: README.md's bench table rewritten from $csv" >&2
}

case ${1:-} in
demos)
    shift
    [ $# -gt 0 ] || set -- README.md docs/gdb-tour.md
    for f in "$@"; do replace "$f" || exit 1; done
    ;;
bench) bench ;;
*) echo "usage: sh tools/readme.sh demos [FILE...] | bench" >&2; exit 2 ;;
esac
