/*
 * acpi.c - reads the MADT: RSDP -> RSDT (32-bit entries) or XSDT (64-bit
 * entries, used when the RSDP is revision 2 or later) -> the table signed
 * "APIC". Owns no state: each call parses afresh into its caller's struct.
 * Tables are reached only through the caller's map function and are never
 * trusted: lengths are bounded before any read, and nothing is used before
 * its checksum is verified.
 */
#include "kernel/dev/acpi.h"
#include "kernel/errno.h"
#include "kernel/string.h"

#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define SDT_HEADER_LEN 36
#define MADT_FIXED_LEN 44  /* header, local APIC address, flags */
#define SDT_MAX_LEN (1UL << 20) /* no RSDT or MADT comes near 1 MiB */

#define MADT_LAPIC 0          /* processor local APIC: 8 bytes */
#define MADT_IOAPIC 1
#define MADT_LAPIC_OVERRIDE 5 /* 64-bit local APIC address: 12 bytes */
#define MADT_X2APIC 9         /* processor local x2APIC: 16 bytes */
#define MADT_CPU_ENABLED 1u
#define MADT_PCAT_COMPAT 1u

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

uint8_t acpi_checksum(const void *p, uint64_t n)
{
    uint8_t sum = 0;
    for (uint64_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + ((const uint8_t *)p)[i]);
    return sum;
}

/*
 * Map the table at pa whose signature must be sig: its header first, then
 * its whole length. Sets *len and returns it, or NULL with *why set.
 */
static const uint8_t *map_table(paddr_t pa, const char *sig, acpi_map_fn map, uint64_t *len,
                                const char **why, const char *bad_sig, const char *bad_len,
                                const char *bad_sum)
{
    const uint8_t *h = map(pa, SDT_HEADER_LEN);
    if (!h) {
        *why = "a table lies outside memory the kernel can map";
        return NULL;
    }
    if (memcmp(h, sig, 4) != 0) {
        *why = bad_sig;
        return NULL;
    }
    *len = get32(h + 4);
    if (*len < SDT_HEADER_LEN || *len > SDT_MAX_LEN) {
        *why = bad_len;
        return NULL;
    }
    const uint8_t *t = map(pa, *len);
    if (!t) {
        *why = "a table lies outside memory the kernel can map";
        return NULL;
    }
    if (acpi_checksum(t, *len) != 0) {
        *why = bad_sum;
        return NULL;
    }
    return t;
}

/* Keep one enabled CPU, or count it as left out. */
static void add_cpu(struct acpi_madt *out, uint32_t apic_id, uint32_t flags)
{
    if (!(flags & MADT_CPU_ENABLED))
        return; /* disabled, or only hot-pluggable: never started */
    if (out->ncpus == CPU_MAX || apic_id > 254) {
        out->cpus_left_out++; /* xAPIC IPIs reach ids 0-254 only */
        return;
    }
    out->apic_ids[out->ncpus++] = apic_id;
}

/* The MADT's entries, each checked to fit before it is read. */
static int read_entries(const uint8_t *madt, uint64_t len, struct acpi_madt *out, const char **why)
{
    out->lapic_pa = get32(madt + 36);
    out->has_8259 = (get32(madt + 40) & MADT_PCAT_COMPAT) != 0;
    for (uint64_t off = MADT_FIXED_LEN; off < len;) {
        if (len - off < 2) {
            *why = "the MADT ends in the middle of an entry header";
            return -EINVAL;
        }
        const uint8_t *e = madt + off;
        uint8_t type = e[0], elen = e[1];
        if (elen < 2 || elen > len - off) {
            *why = "a MADT entry runs past the table's end (truncated table)";
            return -EINVAL;
        }
        uint8_t need = type == MADT_LAPIC ? 8 : type == MADT_LAPIC_OVERRIDE ? 12 : type == MADT_X2APIC ? 16 : 2;
        if (elen < need) {
            *why = "a MADT entry is shorter than its type requires";
            return -EINVAL;
        }
        if (type == MADT_LAPIC)
            add_cpu(out, e[3], get32(e + 4));
        else if (type == MADT_X2APIC)
            add_cpu(out, get32(e + 4), get32(e + 8));
        else if (type == MADT_IOAPIC)
            out->ioapics++;
        else if (type == MADT_LAPIC_OVERRIDE)
            out->lapic_pa = get64(e + 4);
        off += elen;
    }
    if (out->ncpus == 0) {
        *why = "the MADT lists no enabled CPU";
        return -EINVAL;
    }
    if (out->lapic_pa == 0 || (out->lapic_pa & 0xfff)) {
        *why = "the MADT's local APIC address is not a page address";
        return -EINVAL;
    }
    return 0;
}

/* Check the RSDP; return the RSDT's or XSDT's address and which it is. */
static int read_rsdp(const uint8_t *r, uint64_t n, paddr_t *sdt, bool *xsdt, const char **why)
{
    if (n < RSDP_V1_LEN) {
        *why = "the RSDP is shorter than 20 bytes";
        return -EINVAL;
    }
    if (memcmp(r, "RSD PTR ", 8) != 0) {
        *why = "the RSDP has no \"RSD PTR \" signature";
        return -EINVAL;
    }
    if (acpi_checksum(r, RSDP_V1_LEN) != 0) {
        *why = "the RSDP checksum is wrong";
        return -EINVAL;
    }
    *xsdt = false;
    *sdt = get32(r + 16);
    if (r[15] >= 2) { /* ACPI 2.0+: length, XSDT address, extended checksum */
        uint32_t len = n >= RSDP_V2_LEN ? get32(r + 20) : 0;
        if (len < RSDP_V2_LEN || len > n) {
            *why = "the ACPI 2.0 RSDP is truncated";
            return -EINVAL;
        }
        if (acpi_checksum(r, len) != 0) {
            *why = "the ACPI 2.0 RSDP's extended checksum is wrong";
            return -EINVAL;
        }
        if (get64(r + 24)) {
            *sdt = get64(r + 24);
            *xsdt = true;
        }
    }
    if (*sdt == 0) {
        *why = "the RSDP points at no RSDT";
        return -EINVAL;
    }
    return 0;
}

int acpi_read_madt(const void *rsdp, uint64_t rsdp_len, acpi_map_fn map, struct acpi_madt *out,
                   const char **why)
{
    memset(out, 0, sizeof(*out));
    paddr_t sdt_pa;
    bool xsdt;
    if (read_rsdp(rsdp, rsdp_len, &sdt_pa, &xsdt, why) < 0)
        return -EINVAL;
    uint64_t sdt_len, madt_len = 0;
    const uint8_t *sdt =
        map_table(sdt_pa, xsdt ? "XSDT" : "RSDT", map, &sdt_len, why,
                  "the RSDP's root table has the wrong signature", "the root table's length is impossible",
                  "the root table's (RSDT/XSDT) checksum is wrong");
    if (!sdt)
        return -EINVAL;
    uint64_t width = xsdt ? 8 : 4;
    const uint8_t *madt = NULL;
    for (uint64_t off = SDT_HEADER_LEN; off + width <= sdt_len && !madt; off += width) {
        paddr_t pa = xsdt ? get64(sdt + off) : get32(sdt + off);
        const uint8_t *h = pa ? map(pa, SDT_HEADER_LEN) : NULL;
        if (h && memcmp(h, "APIC", 4) == 0)
            madt = map_table(pa, "APIC", map, &madt_len, why, "", "the MADT's length is impossible",
                             "the MADT checksum is wrong");
        if (h && memcmp(h, "APIC", 4) == 0 && !madt)
            return -EINVAL;
    }
    if (!madt) {
        *why = "the root table lists no MADT";
        return -EINVAL;
    }
    if (madt_len < MADT_FIXED_LEN) {
        *why = "the MADT is shorter than its fixed fields (truncated table)";
        return -EINVAL;
    }
    int err = read_entries(madt, madt_len, out, why);
    if (err < 0)
        memset(out, 0, sizeof(*out));
    return err;
}
