/*
 * test_acpi.c - the MADT parser (kernel/dev/acpi.c) on tables built here in
 * one frame: a valid RSDT and XSDT chain, then each way a table can be
 * broken (checksums, truncation, impossible lengths, missing MADT). A
 * broken table must be refused with its reason, never half-used.
 */
#include "kernel/dev/acpi.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
#include "tests/ktest.h"

#define OFF_RSDT 64
#define OFF_XSDT 128
#define OFF_MADT 256
#define OFF_FACP 1024

static paddr_t frame; /* the tables live in this frame */
static uint8_t rsdp[36];

/* The parser may only reach the frame: anything else is "cannot map". */
static const void *map_frame(paddr_t pa, uint64_t len)
{
    if (pa < frame || pa + len > frame + PAGE_SIZE)
        return NULL;
    return P2V(pa);
}

static uint8_t *at(uint64_t off) { return (uint8_t *)P2V(frame) + off; }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* A table header: signature and length; the checksum is set by seal(). */
static void header(uint8_t *t, const char *sig, uint32_t len)
{
    memset(t, 0, 36);
    memcpy(t, sig, 4);
    put32(t + 4, len);
    memcpy(t + 10, "COWOS ", 6);
}

static void seal(uint8_t *t)
{
    t[9] = 0;
    uint32_t len;
    memcpy(&len, t + 4, 4);
    t[9] = (uint8_t)(0 - acpi_checksum(t, len));
}

static void seal_rsdp(void)
{
    rsdp[8] = 0;
    rsdp[8] = (uint8_t)(0 - acpi_checksum(rsdp, 20));
    rsdp[32] = 0;
    rsdp[32] = (uint8_t)(0 - acpi_checksum(rsdp, 36));
}

/* A MADT with ncpus enabled CPUs (APIC ids 0, 1, ...), one disabled CPU and
 * one I/O APIC; returns its length. */
static uint32_t build_madt(int ncpus)
{
    uint8_t *m = at(OFF_MADT);
    uint32_t len = 44;
    for (int i = 0; i <= ncpus; i++, len += 8) {
        uint8_t *e = m + len;
        e[0] = 0, e[1] = 8, e[2] = (uint8_t)i, e[3] = (uint8_t)i;
        put32(e + 4, i < ncpus ? 1 : 0); /* the last one is disabled */
    }
    uint8_t *io = m + len;
    memset(io, 0, 12);
    io[0] = 1, io[1] = 12;
    put32(io + 4, 0xfec00000);
    len += 12;
    header(m, "APIC", len);
    put32(m + 36, 0xfee00000);
    put32(m + 40, 1); /* PC/AT 8259s present */
    seal(m);
    return len;
}

/* The whole chain: RSDP (revision 0 or 2) -> RSDT and XSDT -> a FACP and the MADT. */
static void build(int revision, int ncpus)
{
    memset(P2V(frame), 0, PAGE_SIZE);
    header(at(OFF_FACP), "FACP", 36);
    seal(at(OFF_FACP));
    build_madt(ncpus);
    uint8_t *r = at(OFF_RSDT);
    header(r, "RSDT", 36 + 8);
    put32(r + 36, (uint32_t)(frame + OFF_FACP));
    put32(r + 40, (uint32_t)(frame + OFF_MADT));
    seal(r);
    uint8_t *x = at(OFF_XSDT);
    header(x, "XSDT", 36 + 16);
    put64(x + 36, frame + OFF_FACP);
    put64(x + 44, frame + OFF_MADT);
    seal(x);
    memset(rsdp, 0, sizeof(rsdp));
    memcpy(rsdp, "RSD PTR ", 8);
    rsdp[15] = (uint8_t)revision;
    put32(rsdp + 16, (uint32_t)(frame + OFF_RSDT));
    put32(rsdp + 20, 36);
    put64(rsdp + 24, frame + OFF_XSDT);
    seal_rsdp();
}

static bool setup(void)
{
    frame = pmm_alloc();
    return frame != 0 && frame < (1UL << 32);
}

static int parse(struct acpi_madt *m, const char **why)
{
    *why = NULL;
    return acpi_read_madt(rsdp, sizeof(rsdp), map_frame, m, why);
}

KTEST(acpi_madt_through_rsdt)
{
    ASSERT_TRUE(setup());
    build(0, 3);
    struct acpi_madt m;
    const char *why;
    EXPECT_EQ(0, parse(&m, &why));
    EXPECT_PTR_EQ(NULL, why);
    EXPECT_EQ(3, m.ncpus); /* the disabled one is not counted */
    EXPECT_EQ(0, m.apic_ids[0]);
    EXPECT_EQ(2, m.apic_ids[2]);
    EXPECT_EQ(0xfee00000, m.lapic_pa);
    EXPECT_EQ(1, m.ioapics);
    EXPECT_TRUE(m.has_8259);
    EXPECT_EQ(0, m.cpus_left_out);
    pmm_decref(frame);
}

KTEST(acpi_madt_through_xsdt_when_revision_2)
{
    ASSERT_TRUE(setup());
    build(2, 2);
    put32(rsdp + 16, 0x12345678); /* a 2.0 RSDP is read through its XSDT only */
    seal_rsdp();
    struct acpi_madt m;
    const char *why;
    EXPECT_EQ(0, parse(&m, &why));
    EXPECT_PTR_EQ(NULL, why);
    EXPECT_EQ(2, m.ncpus);
    pmm_decref(frame);
}

KTEST(acpi_madt_address_override_and_x2apic_entries)
{
    ASSERT_TRUE(setup());
    build(0, 1);
    uint8_t *m = at(OFF_MADT);
    uint32_t len;
    memcpy(&len, m + 4, 4);
    uint8_t *e = m + len; /* append: a 64-bit APIC address, an x2APIC CPU */
    memset(e, 0, 28);
    e[0] = 5, e[1] = 12;
    put64(e + 4, 0xfed00000);
    e[12] = 9, e[13] = 16;
    put32(e + 16, 7); /* x2APIC id 7 */
    put32(e + 20, 1); /* enabled */
    put32(m + 4, len + 28);
    seal(m);
    struct acpi_madt out;
    const char *why;
    EXPECT_EQ(0, parse(&out, &why));
    EXPECT_EQ(0xfed00000, out.lapic_pa);
    EXPECT_EQ(2, out.ncpus);
    EXPECT_EQ(7, out.apic_ids[1]);
    pmm_decref(frame);
}

KTEST(acpi_more_cpus_than_the_kernel_starts)
{
    ASSERT_TRUE(setup());
    build(0, CPU_MAX + 2);
    struct acpi_madt m;
    const char *why;
    EXPECT_EQ(0, parse(&m, &why));
    EXPECT_EQ(CPU_MAX, m.ncpus);
    EXPECT_EQ(2, m.cpus_left_out);
    pmm_decref(frame);
}

/* Each broken variant: refused with this reason, and nothing left in out. */
static void expect_refused(const char *reason)
{
    struct acpi_madt m;
    const char *why;
    EXPECT_EQ(-EINVAL, parse(&m, &why));
    EXPECT_STREQ(reason, why);
    EXPECT_EQ(0, m.ncpus);
}

KTEST(acpi_rsdp_bad_checksum)
{
    ASSERT_TRUE(setup());
    build(0, 2);
    rsdp[8]++;
    expect_refused("the RSDP checksum is wrong");
    build(0, 2);
    memcpy(rsdp, "RSD PTX ", 8);
    expect_refused("the RSDP has no \"RSD PTR \" signature");
    build(2, 2);
    rsdp[32]++; /* the 2.0 extended checksum only */
    expect_refused("the ACPI 2.0 RSDP's extended checksum is wrong");
    pmm_decref(frame);
}

KTEST(acpi_root_table_bad_checksum)
{
    ASSERT_TRUE(setup());
    build(0, 2);
    at(OFF_RSDT)[40]++; /* the MADT's address, one byte off */
    expect_refused("the root table's (RSDT/XSDT) checksum is wrong");
    pmm_decref(frame);
}

KTEST(acpi_madt_bad_checksum)
{
    ASSERT_TRUE(setup());
    build(0, 2);
    at(OFF_MADT)[47]++; /* the first CPU's APIC id */
    expect_refused("the MADT checksum is wrong");
    pmm_decref(frame);
}

KTEST(acpi_madt_truncated)
{
    ASSERT_TRUE(setup());
    /* Cut in the middle of the second CPU entry, checksum right: still refused. */
    build(0, 2);
    put32(at(OFF_MADT) + 4, 44 + 8 + 5);
    seal(at(OFF_MADT));
    expect_refused("a MADT entry runs past the table's end (truncated table)");
    /* One byte of an entry header left. */
    build(0, 2);
    put32(at(OFF_MADT) + 4, 44 + 8 + 1);
    seal(at(OFF_MADT));
    expect_refused("the MADT ends in the middle of an entry header");
    /* Shorter than its own fixed fields. */
    build(0, 2);
    put32(at(OFF_MADT) + 4, 40);
    seal(at(OFF_MADT));
    expect_refused("the MADT is shorter than its fixed fields (truncated table)");
    /* An entry of length 0 would never end the walk. */
    build(0, 2);
    at(OFF_MADT)[44 + 1] = 0;
    seal(at(OFF_MADT));
    expect_refused("a MADT entry runs past the table's end (truncated table)");
    /* A CPU entry too short for its fields. */
    build(0, 2);
    at(OFF_MADT)[44 + 1] = 4;
    at(OFF_MADT)[48] = 1, at(OFF_MADT)[49] = 4; /* a 4-byte filler after it keeps the walk in step */
    seal(at(OFF_MADT));
    expect_refused("a MADT entry is shorter than its type requires");
    pmm_decref(frame);
}

KTEST(acpi_missing_or_unreachable_madt)
{
    ASSERT_TRUE(setup());
    build(0, 2);
    put32(at(OFF_RSDT) + 4, 36 + 4); /* the RSDT lists only the FACP */
    seal(at(OFF_RSDT));
    expect_refused("the root table lists no MADT");
    build(0, 2);
    put32(rsdp + 16, 0x100); /* an RSDT the kernel cannot reach */
    seal_rsdp();
    expect_refused("a table lies outside memory the kernel can map");
    build(0, 0); /* a MADT with only a disabled CPU */
    expect_refused("the MADT lists no enabled CPU");
    pmm_decref(frame);
}
