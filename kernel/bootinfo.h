/*
 * bootinfo.h - what the kernel keeps of GRUB's Multiboot2 information:
 * the command line, the memory map, the boot modules and GRUB's copy of the
 * ACPI RSDP, copied out early so
 * nothing later depends on where GRUB left the original.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include "kernel/types.h"

#define BOOT_MAX_REGIONS 64
#define BOOT_MAX_MODULES 8
#define BOOT_REGION_AVAILABLE 1 /* Multiboot2 memory type 1: usable RAM */
#define BOOT_RSDP_MAX 64        /* room for an ACPI 2.0 RSDP (36 bytes) */

struct boot_region {
    paddr_t base;
    uint64_t len;
    uint32_t type;
};

struct boot_module {
    paddr_t start, end; /* [start, end) physical */
    char name[64];      /* the string after the file name in grub.cfg */
};

struct boot_info {
    paddr_t mbi_start, mbi_end; /* the Multiboot2 information block itself */
    char cmdline[256];
    struct boot_region regions[BOOT_MAX_REGIONS];
    int region_count;
    struct boot_module modules[BOOT_MAX_MODULES];
    int module_count;
    uint8_t rsdp[BOOT_RSDP_MAX]; /* the ACPI RSDP GRUB found, as it is (tags 14, 15) */
    uint32_t rsdp_len;           /* its length; 0 when GRUB gave none */
};

/* Parse the Multiboot2 information at physical address mbi into bi.
 * Panics if it has no memory map (nothing can work without one). */
void bootinfo_parse(paddr_t mbi, struct boot_info *bi);
/* Usable RAM in bytes (type-1 regions). */
uint64_t bootinfo_usable_bytes(const struct boot_info *bi);

#endif
