#!/bin/sh
# memcheck.sh MEM INITRD - refuse a MEM that cannot boot this image, before
# QEMU starts: GRUB must fit the kernel and the whole initrd into RAM, and the
# kernel needs 8 MiB of its own beyond them (it refuses less by itself, but
# with a large initrd GRUB runs out first and would just stop at its menu).
# MEM is QEMU's -m value: a number of MiB, or with a suffix K, M, G (or k, m, g).
set -u
mem=${1:-128M}
initrd=${2:-}
num=${mem%[KkMmGg]}
case $num in
"" | *[!0-9]*)
    echo "MEM=$mem: not a memory size; give MiB as a number or with a suffix, e.g. MEM=128M or MEM=1G"
    exit 1 ;;
esac
case $mem in
*[Kk]) mib=$((num / 1024)) ;;
*[Gg]) mib=$((num * 1024)) ;;
*) mib=$num ;;
esac
initrd_mib=0
[ -f "$initrd" ] && initrd_mib=$((($(wc -c <"$initrd") + 1048575) / 1048576))
need=$((initrd_mib + 16))
if [ "$mib" -lt "$need" ]; then
    echo "MEM=$mem: too little memory for this image: it needs at least ${need}M (the initrd ${initrd_mib} MiB, the kernel and GRUB 8 MiB, and 8 MiB to run programs); try MEM=128M"
    exit 1
fi
exit 0
