#!/bin/sh
# deps.sh - make sure the tools the build and QEMU need are installed.
# On Debian/Ubuntu, installs what is missing with apt-get (through sudo when
# not root), saying so first. Elsewhere, names what to install and fails.
# Usage: sh tools/deps.sh                 the build, QEMU and GDB (make runs this);
#                                         with CC=clang... in the environment
#                                         (make CC=clang), clang and ld.lld too
#        sh tools/deps.sh CMD:PACKAGE...  just these, e.g. gnuplot:gnuplot-nox
set -e
missing=""
need() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
if [ $# -gt 0 ]; then
    for pair in "$@"; do
        need "${pair%%:*}" "${pair#*:}"
    done
else
    need qemu-system-x86_64 qemu-system-x86
    need grub-mkrescue grub-common
    [ -d /usr/lib/grub/i386-pc ] || missing="$missing grub-pc-bin"
    need xorriso xorriso
    need mformat mtools
    need gcc gcc
    need ld binutils
    need make make
    need gdb gdb
    [ -f /usr/include/stdio.h ] || missing="$missing libc6-dev" # the host check builds against glibc
    case "${CC:-}" in
    clang*|*/clang*)
        # Debian names the package as the command: clang, clang-14, ...
        need "$CC" "$(basename "$CC")"
        need ld.lld lld # the user programs link with ld.lld under clang
        ;;
    esac
fi
[ -z "$missing" ] && exit 0
# shellcheck disable=SC2086
set -- $missing
echo "deps: installing missing packages:$missing"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: no apt-get here; please install:$missing" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "deps: not root and no sudo; please install:$missing" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
echo "deps: installed:$missing"
