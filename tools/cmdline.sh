#!/bin/sh
# cmdline.sh - the kernel command line of each boot image, written as GRUB
# must read it, and checked before anything boots (make writes $(B)/NAME.cmdline
# with it, and grub.cfg from iso/grub.cfg.in).
#
# Usage: sh tools/cmdline.sh IMAGE              print IMAGE's words for grub.cfg
#        sh tools/cmdline.sh grubcfg TEMPLATE FILE   TEMPLATE with @CMDLINE@
#                                                    replaced by FILE's line
# IMAGE: run (COWOS_CMDLINE, COWOS_FORK, COWOS_COWTRACE, COWOS_INIT, COWOS_ARGS),
# test (COWOS_CMDLINE, COWOS_KTEST, COWOS_UTEST), crash, overflow, copydemos, smp,
# and badinit, badopt (a missing init, fork=COPY: the refusal checks).
# The make variables arrive raw in those COWOS_* variables (make exports them).
#
# ARGS and CMDLINE are split as a shell splits words, without expansions:
# '...' keeps everything, "..." keeps all but \ before \ " $ `, and \ takes
# the next byte. Each word then goes to grub.cfg in single quotes, which GRUB
# keeps as one argument; GRUB hands the kernel each argument with \ ' and "
# escaped and, if it holds a space, in "..." (kernel/cmdline.c undoes that).
# Refused, with a message: bytes GRUB cannot carry (control characters: tab,
# newline, ...), an empty argument (GRUB drops it), \x and two hex digits
# (GRUB passes those on undecoded), an unterminated quote, more than 32
# arguments, and a line longer than the kernel keeps (254 bytes). Unknown
# FORK or COWTRACE values and an INIT that is not in the initrd are refused too.
# Exit status 0, or 1 after a "make: ..." message on stderr.

set -u
MAX_LINE=254   # kernel/cmdline.h: CMDLINE_MAX - 2
MAX_ARGS=32    # kernel/cmdline.h: CMDLINE_MAX_ARGS

fail() {
    echo "make: $*" >&2
    exit 1
}

# The programs and tests the initrd holds, for messages.
programs() { for f in user/bin/*.c; do f=${f##*/}; printf ' %s' "${f%.c}"; done; }
tests() { for f in tests/user/*.c; do f=${f##*/}; [ "$f" = runner.c ] || printf ' %s' "${f%.c}"; done; }

# split WHAT: split the environment variable COWOS_<WHAT> into words, one per
# line, each prefixed with "w" (so an empty word is the line "w"); on a
# mistake, print "!" and the reason instead and stop.
split() {
    LC_ALL=C awk -v what="$1" 'BEGIN {
        s = ENVIRON["COWOS_" what]
        ctl = ""
        for (i = 1; i < 32; i++) ctl = ctl sprintf("%c", i)
        ctl = ctl sprintf("%c", 127)
        n = length(s); word = ""; inword = 0; q = ""
        for (i = 1; i <= n; i++) {
            c = substr(s, i, 1)
            if (index(ctl, c)) {
                printf "!byte 0x%02x (a control character such as a tab or newline) cannot go through GRUB\n", ord(c)
                exit
            }
            if (q == "\047") {
                if (c == "\047") q = ""; else word = word c
            } else if (q == "\"") {
                if (c == "\"") q = ""
                else if (c == "\\" && i < n && index("\\\"$`", substr(s, i + 1, 1))) { i++; word = word substr(s, i, 1) }
                else word = word c
            } else if (c == " ") {
                if (inword) { print "w" word; word = ""; inword = 0 }
            } else {
                inword = 1
                if (c == "\047" || c == "\"") q = c
                else if (c == "\\") {
                    if (i == n) { print "!a backslash at the end has nothing to escape"; exit }
                    i++; word = word substr(s, i, 1)
                } else word = word c
            }
        }
        if (q != "") { print "!a " (q == "\"" ? "double" : "single") " quote is not closed"; exit }
        if (inword) print "w" word
    }
    function ord(c,   k) { for (k = 1; k < 256; k++) if (sprintf("%c", k) == c) return k; return 0 }'
}

# Words on stdin (as split prints them) -> checked, GRUB-quoted, appended to
# $out; their length as GRUB will pass them added to $len; counted in $count.
out=""
len=0
count=0
add_words() {
    while IFS= read -r line; do
        case $line in
        !*) fail "$1: ${line#!} (in $1=$2)" ;;
        esac
        w=${line#w}
        [ -n "$w" ] || fail "$1: an empty argument ('' or \"\") cannot go through GRUB, which drops it (in $1=$2)"
        if printf '%s' "$w" | LC_ALL=C grep -q '\\x[0-9A-Fa-f][0-9A-Fa-f]'; then
            fail "$1: GRUB passes \\xHH on to the kernel undecoded, so \"$w\" cannot go through (in $1=$2)"
        fi
        add_word "$w"
        count=$((count + 1))
    done
}

# add_word WORD: append WORD to $out for grub.cfg and count its length as
# GRUB renders it for the kernel (escapes for \ ' ", quotes if it has a space).
add_word() {
    case $1 in
    *[!A-Za-z0-9_./=,:+@%-]*)
        q=$(printf '%s' "$1" | sed "s/'/'\\\\''/g")
        out="$out${out:+ }'$q'"
        ;;
    *) out="$out${out:+ }$1" ;;
    esac
    esc=$(printf '%s' "$1" | LC_ALL=C tr -cd "\\\\'\"" | wc -c)
    sp=0
    case $1 in *" "*) sp=2 ;; esac
    len=$((len + ${#1} + esc + sp + 1))
}

# words NAME: split COWOS_NAME and add its words (CMDLINE, ARGS).
words() {
    eval "value=\${COWOS_$1:-}"
    split "$1" >"$tmp" || exit 1
    add_words "$1" "$value" <"$tmp"
}

grubcfg() {
    [ -f "$1" ] && [ -f "$2" ] || fail "cmdline.sh grubcfg: no $1 or $2"
    COWOS_LINE=$(cat "$2") LC_ALL=C awk '{
        i = index($0, "@CMDLINE@")
        if (i) $0 = substr($0, 1, i - 1) ENVIRON["COWOS_LINE"] substr($0, i + 9)
        print
    }' "$1"
}

check_fork() {
    case ${COWOS_FORK:-} in
    "" | cow | page | copy) ;;
    *) fail "FORK=$COWOS_FORK: unknown fork mode; valid: FORK=cow (copy-on-write sharing whole page tables, the default), FORK=page (copy-on-write page by page) or FORK=copy (fork copies every page at once)" ;;
    esac
    case ${COWOS_COWTRACE:-} in
    "" | 1) ;;
    *) fail "COWTRACE=$COWOS_COWTRACE: use COWTRACE=1 to trace every COW fault, or leave it out" ;;
    esac
}

check_init() {
    i=${COWOS_INIT:-}
    case $i in
    "") return ;;
    /bin/*) [ -f "user/bin/${i#/bin/}.c" ] && return ;;
    /tests/*) [ -f "tests/user/${i#/tests/}.c" ] && return ;;
    /*) ;;
    *)
        [ -f "user/bin/${i##*/}.c" ] &&
            fail "INIT=$i: INIT takes a path in the initrd; did you mean INIT=/bin/${i##*/}?"
        fail "INIT=$i: INIT takes a path in the initrd, such as INIT=/bin/cowdemo"
        ;;
    esac
    fail "INIT=$i: no such program in the initrd (/bin holds:$(programs); /tests holds the tests)"
}

check_tests() {
    case ${COWOS_KTEST:-} in
    *[!A-Za-z0-9_]*) fail "KTEST=$COWOS_KTEST: a kernel test name prefix is letters, digits and _" ;;
    esac
    u=${COWOS_UTEST:-}
    [ -z "$u" ] || [ -f "tests/user/$u.c" ] || [ "$u" = runner ] ||
        fail "UTEST=$u: no such user test; there are:$(tests)"
    [ "$u" != runner ] || fail "UTEST=runner: the runner runs the tests; name one of:$(tests)"
}

cd "$(dirname "$0")/.." || exit 1
case ${1:-} in
grubcfg)
    grubcfg "${2:?usage: cmdline.sh grubcfg TEMPLATE FILE}" "${3:?usage: cmdline.sh grubcfg TEMPLATE FILE}"
    exit
    ;;
esac

tmp=$(mktemp "${TMPDIR:-/tmp}/cowos-cmdline.XXXXXX") || exit 1
trap 'rm -f "$tmp"' EXIT
case ${1:-} in
run)
    check_fork
    check_init
    words CMDLINE
    [ -n "${COWOS_FORK:-}" ] && add_word "fork=$COWOS_FORK"
    [ -n "${COWOS_COWTRACE:-}" ] && add_word cowtrace
    [ -n "${COWOS_INIT:-}" ] && add_word "init=$COWOS_INIT"
    if [ -n "${COWOS_ARGS:-}" ]; then
        add_word --
        count=0
        words ARGS
        [ "$count" -le "$MAX_ARGS" ] || fail "ARGS: $count arguments; the kernel passes at most $MAX_ARGS to pid 1"
    fi
    ;;
test)
    check_tests
    add_word test
    words CMDLINE
    [ -n "${COWOS_KTEST:-}" ] && add_word "ktest=$COWOS_KTEST"
    [ -n "${COWOS_UTEST:-}" ] && add_word "utest=$COWOS_UTEST"
    ;;
crash) add_word test; add_word crash=pagefault ;;
overflow) add_word test; add_word crash=stackoverflow ;;
copydemos) add_word test; add_word fork=copy; add_word utest=demos_test ;;
smp) add_word test; add_word ktest=; add_word utest=stress_test ;; # every kernel test, then the stress test
# Mistakes on purpose, for make test's refusal checks (make itself refuses them).
badinit) add_word init=/bin/nosuch ;;
badopt) add_word fork=COPY ;;
*) fail "cmdline.sh: unknown image '${1:-}' (run, test, crash, overflow, copydemos, smp, badinit, badopt)" ;;
esac
len=$((len - 1))
[ "$len" -le "$MAX_LINE" ] ||
    fail "the kernel command line would be $len bytes; the kernel keeps $MAX_LINE (shorten ARGS or CMDLINE)"
printf '%s\n' "$out"
