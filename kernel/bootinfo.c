/*
 * bootinfo.c - reads the Multiboot2 information block (tags 1 command line,
 * 3 module, 6 memory map). Runs on the bootstrap page tables, which map the
 * first 1 GiB of physical memory at DIRECT_MAP_BASE; GRUB puts the block low.
 */
#include "kernel/bootinfo.h"
#include "kernel/panic.h"
#include "kernel/string.h"
#include "mm/memlayout.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

struct mb2_tag {
    uint32_t type;
    uint32_t size;
};

struct mb2_mmap_entry {
    uint64_t base;
    uint64_t len;
    uint32_t type;
    uint32_t reserved;
};

static void add_region(struct boot_info *bi, const struct mb2_mmap_entry *e)
{
    if (bi->region_count == BOOT_MAX_REGIONS)
        return; /* more regions than we track: ignore the tail, losing only RAM */
    bi->regions[bi->region_count++] = (struct boot_region){e->base, e->len, e->type};
}

static void read_mmap(struct boot_info *bi, const struct mb2_tag *tag)
{
    const uint8_t *p = (const uint8_t *)tag + 16; /* type, size, entry_size, entry_version */
    uint32_t entry_size = *(const uint32_t *)((const uint8_t *)tag + 8);
    const uint8_t *end = (const uint8_t *)tag + tag->size;
    for (; p + entry_size <= end; p += entry_size)
        add_region(bi, (const struct mb2_mmap_entry *)p);
}

static void read_module(struct boot_info *bi, const struct mb2_tag *tag)
{
    if (bi->module_count == BOOT_MAX_MODULES)
        return;
    const uint32_t *w = (const uint32_t *)tag;
    struct boot_module *m = &bi->modules[bi->module_count++];
    m->start = w[2];
    m->end = w[3];
    strlcpy(m->name, (const char *)&w[4], sizeof(m->name));
}

/* The RSDP's bytes follow the tag header. An ACPI 2.0 one (tag 15) wins
 * over the 1.0 one (tag 14), in whichever order they come. */
static void read_rsdp(struct boot_info *bi, const struct mb2_tag *tag)
{
    uint32_t len = tag->size > 8 ? tag->size - 8 : 0;
    if (len > BOOT_RSDP_MAX)
        len = BOOT_RSDP_MAX;
    if (tag->type == MB2_TAG_ACPI_OLD && bi->rsdp_len > len)
        return;
    memcpy(bi->rsdp, (const uint8_t *)tag + 8, len);
    bi->rsdp_len = len;
}

void bootinfo_parse(paddr_t mbi, struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    if (mbi + 8 > (1UL << 30))
        panic("bootinfo_parse: boot information at %lx is above the first 1 GiB", mbi);
    const uint8_t *base = P2V(mbi);
    uint32_t total = *(const uint32_t *)base;
    bi->mbi_start = mbi;
    bi->mbi_end = mbi + total;

    const uint8_t *p = base + 8;
    while (p + sizeof(struct mb2_tag) <= base + total) {
        const struct mb2_tag *tag = (const struct mb2_tag *)p;
        if (tag->type == MB2_TAG_END)
            break;
        switch (tag->type) {
        case MB2_TAG_CMDLINE:
            strlcpy(bi->cmdline, (const char *)(p + 8), sizeof(bi->cmdline));
            break;
        case MB2_TAG_MODULE:
            read_module(bi, tag);
            break;
        case MB2_TAG_MMAP:
            read_mmap(bi, tag);
            break;
        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW:
            read_rsdp(bi, tag);
            break;
        }
        p += (tag->size + 7) & ~7u; /* tags are 8-byte aligned */
    }
    if (bi->region_count == 0)
        panic("bootinfo_parse: GRUB gave no memory map");
}

uint64_t bootinfo_usable_bytes(const struct boot_info *bi)
{
    uint64_t sum = 0;
    for (int i = 0; i < bi->region_count; i++)
        if (bi->regions[i].type == BOOT_REGION_AVAILABLE)
            sum += bi->regions[i].len;
    return sum;
}
