#!/bin/sh
# cmdline-test.sh - checks tools/cmdline.sh without booting: the grub.cfg
# words it writes for make's variables (ARGS split as a shell splits them,
# each word quoted for GRUB) and the mistakes it refuses, with the message.
# Prints a "# ..." line per failed case; exits 0 only if every case passed.
# (make test runs it as one test; the kernel's side is tests/kernel/test_cmdline.c.)

cd "$(dirname "$0")/.." || exit 2
bad=0

# words EXPECTED IMAGE [VAR=VALUE...]: cmdline.sh IMAGE must print EXPECTED.
words() {
    want=$1
    image=$2
    shift 2
    got=$(env -i PATH="$PATH" "$@" sh tools/cmdline.sh "$image" 2>&1)
    if [ "$got" != "$want" ]; then
        echo "# cmdline.sh $image with $*: expected [$want], got [$got]"
        bad=1
    fi
}

# refuses PART IMAGE [VAR=VALUE...]: cmdline.sh IMAGE must fail, saying PART.
refuses() {
    part=$1
    image=$2
    shift 2
    if got=$(env -i PATH="$PATH" "$@" sh tools/cmdline.sh "$image" 2>&1); then
        echo "# cmdline.sh $image with $*: expected a refusal saying [$part], got success [$got]"
        bad=1
    else
        case $got in
        *"$part"*) ;;
        *) echo "# cmdline.sh $image with $*: expected a message with [$part], got [$got]"; bad=1 ;;
        esac
    fi
}

words "" run
words "init=/bin/echo -- a 'b c'" run COWOS_INIT=/bin/echo 'COWOS_ARGS=a "b c"'
words "-- 'it'\\''s' '|' ';' '\$HOME' 'x y' 'q\"'" run \
    "COWOS_ARGS=it\\'s '|' \\; '\$HOME' x\\ y \"q\\\"\""
words "fork=copy cowtrace init=/bin/cowsize -- 16" run COWOS_FORK=copy COWOS_COWTRACE=1 \
    COWOS_INIT=/bin/cowsize COWOS_ARGS=16
words "test ktest=vmm_ utest=pipe_test" test COWOS_KTEST=vmm_ COWOS_UTEST=pipe_test
words "test fork=copy utest=demos_test" copydemos
words "test ktest= utest=stress_test" smp

refuses "FORK=COPY: unknown fork mode; valid: FORK=cow" run COWOS_FORK=COPY
refuses "valid: FORK=cow" run COWOS_FORK=eager
refuses "COWTRACE=0" run COWOS_COWTRACE=0
refuses "did you mean INIT=/bin/cowdemo?" run COWOS_INIT=cowdemo
refuses "no such program in the initrd" run COWOS_INIT=/bin/nosuch
refuses "single quote is not closed" run "COWOS_ARGS=it's"
refuses "double quote is not closed" run 'COWOS_ARGS="a b'
refuses "empty argument" run "COWOS_ARGS=a ''"
refuses "byte 0x09" run "$(printf 'COWOS_ARGS=a\tb')"
refuses "\\xHH" run 'COWOS_ARGS=\\x41'
refuses "at most 32" run "COWOS_ARGS=$(printf 'a %.0s' $(seq 33))"
refuses "the kernel keeps 254" run "COWOS_ARGS=$(printf 'abcdefghi %.0s' $(seq 30))"
refuses "UTEST=nosuch_test: no such user test" test COWOS_UTEST=nosuch_test
refuses "KTEST=a-b" test COWOS_KTEST=a-b

[ "$bad" = 0 ] && echo "cmdline-test: every case as expected"
exit "$bad"
