/*
 * qemu.h - ending the virtual machine with a status (isa-debug-exit at 0xf4).
 * QEMU exits with (code << 1) | 1, so PASS shows as 1, FAIL as 3, PANIC as 5.
 */
#ifndef KERNEL_QEMU_H
#define KERNEL_QEMU_H

#define QEMU_EXIT_PASS 0  /* QEMU exit status 1 */
#define QEMU_EXIT_FAIL 1  /* QEMU exit status 3 */
#define QEMU_EXIT_PANIC 2 /* QEMU exit status 5 */

/* Leave QEMU with code; without the device, power off via ACPI, else halt forever. */
__attribute__((noreturn)) void qemu_exit(int code);

#endif
