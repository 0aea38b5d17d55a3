/*
 * acpi.h - what the kernel reads from the ACPI tables: the CPUs and local
 * APIC address of the MADT ("APIC" table), found from the RSDP through the
 * RSDT or XSDT. Every table's signature, length and checksum is checked; a
 * table that fails is not used at all.
 */
#ifndef KERNEL_DEV_ACPI_H
#define KERNEL_DEV_ACPI_H

#include "kernel/cpu.h"
#include "kernel/types.h"

struct acpi_madt {
    paddr_t lapic_pa;            /* local APIC registers (override entry included) */
    int ncpus;                   /* enabled CPUs kept, in MADT order (at most CPU_MAX) */
    uint32_t apic_ids[CPU_MAX];  /* their local APIC ids */
    int cpus_left_out;           /* enabled CPUs beyond CPU_MAX or with an x2APIC id > 254 */
    int ioapics;                 /* I/O APIC entries */
    bool has_8259;               /* PC/AT 8259 PICs present (MADT flag bit 0) */
};

/* How the parser reaches a table by its physical address: a pointer to len
 * readable bytes at pa, or NULL when they cannot be mapped. */
typedef const void *(*acpi_map_fn)(paddr_t pa, uint64_t len);

/*
 * Find and read the MADT from the RSDP's rsdp_len bytes (GRUB's copy, or a
 * test's). Returns 0 with *out filled, or -EINVAL with *why naming what was
 * wrong ("RSDP checksum is wrong", "MADT entry at offset 60 runs past the
 * table's end", ...) and *out cleared. The RSDP's checksums (the 2.0 one too),
 * the RSDT/XSDT's and the MADT's are verified, and every MADT entry must fit.
 */
int acpi_read_madt(const void *rsdp, uint64_t rsdp_len, acpi_map_fn map, struct acpi_madt *out,
                   const char **why);

/* The 8-bit sum of n bytes (0 for a valid ACPI table); for building test tables too. */
uint8_t acpi_checksum(const void *p, uint64_t n);

#endif
