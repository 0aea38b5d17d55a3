/*
 * test_initrd.c - the ustar indexer on small archives built here, header by
 * header: lookups (with "./" names, prefixes and implicit directories),
 * listings, and damaged archives (checksum, magic, sizes, cut short).
 */
#include "kernel/errno.h"
#include "kernel/initrd.h"
#include "kernel/panic.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "tests/ktest.h"

#define BLOCK 512

static uint8_t image[BLOCK * 64] __aligned(BLOCK);
static size_t image_len;
static struct initrd_node nodes[16];
static struct initrd rd = {nodes, ARRAY_SIZE(nodes), 0, 0};

/* v in octal, zero-padded to width - 1 digits, then a NUL. */
static void put_octal(uint8_t *field, size_t width, uint64_t v)
{
    field[width - 1] = '\0';
    for (size_t i = width - 1; i-- > 0; v >>= 3)
        field[i] = (uint8_t)('0' + (v & 7));
}

/* Fill in the checksum of header h as tar does: six octal digits, NUL, space. */
static void seal(uint8_t *h)
{
    memset(h + 148, ' ', 8);
    uint64_t sum = 0;
    for (int i = 0; i < BLOCK; i++)
        sum += h[i];
    put_octal(h + 148, 7, sum);
    h[155] = ' ';
}

static void reset(void)
{
    memset(image, 0, sizeof(image));
    image_len = 0;
}

/* Append a member (type '0' file, '5' directory) with optional prefix;
 * returns its header. */
static uint8_t *add_prefixed(const char *prefix, const char *name, char type, const char *data,
                             size_t size)
{
    size_t padded = (size + BLOCK - 1) / BLOCK * BLOCK;
    KASSERT(image_len + BLOCK + padded + 2 * BLOCK <= sizeof(image)); /* room to finish() */
    uint8_t *h = image + image_len;
    memcpy(h, name, strlen(name));
    if (prefix)
        memcpy(h + 345, prefix, strlen(prefix));
    put_octal(h + 100, 8, type == '5' ? 0755 : 0644);
    put_octal(h + 108, 8, 0);
    put_octal(h + 116, 8, 0);
    put_octal(h + 124, 12, size);
    put_octal(h + 136, 12, 0);
    h[156] = (uint8_t)type;
    memcpy(h + 257, "ustar", 6); /* with its NUL */
    memcpy(h + 263, "00", 2);
    seal(h);
    if (data)
        memcpy(h + BLOCK, data, size);
    image_len += BLOCK + padded;
    return h;
}

static uint8_t *add(const char *name, char type, const char *data, size_t size)
{
    return add_prefixed(NULL, name, type, data, size);
}

/* The end-of-archive marker: two zero blocks. */
static void finish(void) { image_len += 2 * BLOCK; }

/* bin/, bin/sh, ./tests/cow_basic (its directory implicit), README (2 blocks). */
static void build_sample(void)
{
    static char readme[600];
    reset();
    for (size_t i = 0; i < sizeof(readme); i++)
        readme[i] = (char)('a' + i % 26);
    add("bin/", '5', NULL, 0);
    add("bin/sh", '0', "#!shell", 7);
    add("./tests/cow_basic", '0', "\177ELF", 4);
    add("README", '0', readme, sizeof(readme));
    finish();
}

KTEST(initrd_lookup_files_and_directories)
{
    build_sample();
    ASSERT_EQ(0, initrd_parse(&rd, image, image_len));
    EXPECT_EQ(3, rd.files);
    EXPECT_EQ(6, rd.count); /* "/", bin, sh, tests, cow_basic, README */

    const struct initrd_node *n = NULL;
    ASSERT_EQ(0, initrd_find_in(&rd, "/bin/sh", &n));
    EXPECT_STREQ("/bin/sh", n->path);
    EXPECT_EQ(7, n->size);
    EXPECT_EQ(0, memcmp(n->data, "#!shell", 7));
    EXPECT_TRUE(!n->is_dir);
    EXPECT_PTR_EQ(image + 2 * BLOCK, n->data); /* read in place */

    ASSERT_EQ(0, initrd_find_in(&rd, "/tests/cow_basic", &n));
    EXPECT_EQ(4, n->size);
    ASSERT_EQ(0, initrd_find_in(&rd, "/tests", &n));
    EXPECT_TRUE(n->is_dir);
    ASSERT_EQ(0, initrd_find_in(&rd, "/README", &n));
    EXPECT_EQ(600, n->size);
    EXPECT_EQ('a' + 599 % 26, n->data[599]);
    ASSERT_EQ(0, initrd_find_in(&rd, "/", &n));
    EXPECT_TRUE(n->is_dir);
    EXPECT_EQ(-1, n->parent);

    /* Spellings that name the same file. */
    EXPECT_EQ(0, initrd_find_in(&rd, "//bin/./sh", &n));
    EXPECT_STREQ("/bin/sh", n->path);
    EXPECT_EQ(0, initrd_find_in(&rd, "/tests/../bin/sh", &n));
    EXPECT_EQ(0, initrd_find_in(&rd, "/../../README", &n));
    EXPECT_EQ(0, initrd_find_in(&rd, "bin/sh", &n));
    EXPECT_EQ(0, initrd_find_in(&rd, "/bin/", &n));
    EXPECT_STREQ("/bin", n->path);

    EXPECT_EQ(-ENOENT, initrd_find_in(&rd, "/bin/ls", &n));
    EXPECT_EQ(-ENOENT, initrd_find_in(&rd, "/nope/sh", &n));
    EXPECT_EQ(-ENOTDIR, initrd_find_in(&rd, "/bin/sh/x", &n));
    EXPECT_EQ(-ENOTDIR, initrd_find_in(&rd, "/bin/sh/", &n));
    EXPECT_EQ(-ENOENT, initrd_find_in(&rd, "/bin/s", &n));
    EXPECT_EQ(-ENOENT, initrd_find_in(&rd, "/bin/shell", &n));
    static char long_name[80];
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[0] = '/';
    EXPECT_EQ(-ENAMETOOLONG, initrd_find_in(&rd, long_name, &n));
}

KTEST(initrd_list_directory_entries_in_order)
{
    build_sample();
    ASSERT_EQ(0, initrd_parse(&rd, image, image_len));
    struct cowos_dirent d;
    const char *want[] = {"bin", "tests", "README"};
    for (int i = 0; i < 3; i++) {
        ASSERT_EQ(0, initrd_list_in(&rd, "/", i, &d));
        EXPECT_STREQ(want[i], d.name);
    }
    EXPECT_EQ(600, d.size);
    EXPECT_EQ(-ENOENT, initrd_list_in(&rd, "/", 3, &d));
    EXPECT_EQ(-ENOENT, initrd_list_in(&rd, "/", -1, &d));

    ASSERT_EQ(0, initrd_list_in(&rd, "/bin", 0, &d));
    EXPECT_STREQ("sh", d.name);
    EXPECT_EQ(7, d.size);
    EXPECT_EQ(-ENOENT, initrd_list_in(&rd, "/bin", 1, &d));
    ASSERT_EQ(0, initrd_list_in(&rd, "/tests/", 0, &d));
    EXPECT_STREQ("cow_basic", d.name);
    EXPECT_EQ(-ENOTDIR, initrd_list_in(&rd, "/bin/sh", 0, &d));
    EXPECT_EQ(-ENOENT, initrd_list_in(&rd, "/usr", 0, &d));
}

KTEST(initrd_prefix_gnu_magic_and_replaced_members)
{
    reset();
    add_prefixed("usr/local/bin", "tool", '0', "v1", 2);
    uint8_t *h = add("./etc/motd", '0', "hello", 5);
    memcpy(h + 257, "ustar  ", 8); /* GNU tar's magic and version */
    seal(h);
    add("usr/local/bin/tool", '0', "v2!", 3); /* appended later: wins */
    add("./", '5', NULL, 0);               /* the root itself: nothing new */
    finish();
    ASSERT_EQ(0, initrd_parse(&rd, image, image_len));
    const uint8_t *data;
    const struct initrd_node *n;
    ASSERT_EQ(0, initrd_find_in(&rd, "/usr/local/bin/tool", &n));
    EXPECT_EQ(3, n->size);
    EXPECT_EQ(0, memcmp(n->data, "v2!", 3));
    ASSERT_EQ(0, initrd_find_in(&rd, "/etc/motd", &n));
    data = n->data;
    EXPECT_EQ(0, memcmp(data, "hello", 5));
    EXPECT_EQ(2, rd.files);
    EXPECT_EQ(7, rd.count); /* "/", usr, local, bin, tool, etc, motd */
}

KTEST(initrd_bad_checksum_stops_at_the_damage)
{
    reset();
    add("a", '0', "A", 1);
    uint8_t *h = add("b", '0', "B", 1);
    add("c", '0', "C", 1);
    finish();
    h[0] = 'B'; /* changed after the checksum was computed */
    const struct initrd_node *n;
    EXPECT_EQ(-EINVAL, initrd_parse(&rd, image, image_len));
    EXPECT_EQ(0, initrd_find_in(&rd, "/a", &n));
    EXPECT_EQ(-ENOENT, initrd_find_in(&rd, "/B", &n));
    EXPECT_EQ(-ENOENT, initrd_find_in(&rd, "/b", &n));
    EXPECT_EQ(-ENOENT, initrd_find_in(&rd, "/c", &n));
    EXPECT_EQ(1, rd.files);

    /* A checksum field that is not octal at all. */
    h[0] = 'b';
    seal(h);
    memcpy(h + 148, "12x456\0 ", 8);
    EXPECT_EQ(-EINVAL, initrd_parse(&rd, image, image_len));
    EXPECT_EQ(1, rd.files);

    /* Bad magic, with a correct checksum. */
    seal(h);
    EXPECT_EQ(0, initrd_parse(&rd, image, image_len));
    EXPECT_EQ(3, rd.files);
    memcpy(h + 257, "ustaR", 5);
    seal(h);
    EXPECT_EQ(-EINVAL, initrd_parse(&rd, image, image_len));
    EXPECT_EQ(1, rd.files);
}

KTEST(initrd_truncated_archive_reads_nothing_beyond)
{
    static char big[1000];
    reset();
    add("first", '0', "1", 1);
    size_t second = image_len;
    add("second", '0', big, sizeof(big));
    finish();
    const struct initrd_node *n;

    /* Cut in the middle of the second member's data. */
    EXPECT_EQ(-EINVAL, initrd_parse(&rd, image, second + BLOCK + 600));
    EXPECT_EQ(0, initrd_find_in(&rd, "/first", &n));
    EXPECT_EQ(-ENOENT, initrd_find_in(&rd, "/second", &n));
    /* Cut in the middle of its header. */
    EXPECT_EQ(-EINVAL, initrd_parse(&rd, image, second + 100));
    EXPECT_EQ(1, rd.files);
    /* Cut in the padding after its data: the data is whole, so it counts. */
    EXPECT_EQ(0, initrd_parse(&rd, image, second + BLOCK + sizeof(big)));
    EXPECT_EQ(0, initrd_find_in(&rd, "/second", &n));
    /* No end-of-archive blocks at all: the image's end ends it. */
    EXPECT_EQ(0, initrd_parse(&rd, image, second + 3 * BLOCK));
    EXPECT_EQ(2, rd.files);

    /* A size field claiming 8 GiB: refused without reading past the image. */
    put_octal(image + second + 124, 12, 077777777777UL);
    seal(image + second);
    EXPECT_EQ(-EINVAL, initrd_parse(&rd, image, image_len));
    EXPECT_EQ(1, rd.files);
    /* A size field with garbage in it. */
    memcpy(image + second + 124, "0000000001x\0", 12);
    seal(image + second);
    EXPECT_EQ(-EINVAL, initrd_parse(&rd, image, image_len));

    /* Nothing at all, or only zeros: an empty root. */
    EXPECT_EQ(0, initrd_parse(&rd, image, 0));
    EXPECT_EQ(1, rd.count);
    EXPECT_EQ(0, initrd_find_in(&rd, "/", &n));
    memset(image, 0, 2 * BLOCK);
    EXPECT_EQ(0, initrd_parse(&rd, image, 2 * BLOCK));
    EXPECT_EQ(1, rd.count);
}

KTEST(initrd_full_table_and_clashing_members)
{
    reset();
    for (int i = 0; i < 20; i++) {
        char name[8] = "f00";
        name[1] = (char)('0' + i / 10);
        name[2] = (char)('0' + i % 10);
        add(name, '0', "x", 1);
    }
    finish();
    EXPECT_EQ(-ENOSPC, initrd_parse(&rd, image, image_len));
    EXPECT_EQ((int)ARRAY_SIZE(nodes), rd.count);
    const struct initrd_node *n;
    EXPECT_EQ(0, initrd_find_in(&rd, "/f14", &n));
    EXPECT_EQ(-ENOENT, initrd_find_in(&rd, "/f15", &n));

    /* A file where a directory was, and a file used as a directory: the
     * clashing members are skipped, the rest is indexed. */
    reset();
    add("d/", '5', NULL, 0);
    add("d", '0', "x", 1);
    add("f", '0', "y", 1);
    add("f/g", '0', "z", 1);
    add("ok", '0', "w", 1);
    finish();
    EXPECT_EQ(0, initrd_parse(&rd, image, image_len));
    ASSERT_EQ(0, initrd_find_in(&rd, "/d", &n));
    EXPECT_TRUE(n->is_dir);
    EXPECT_EQ(-ENOTDIR, initrd_find_in(&rd, "/f/g", &n));
    EXPECT_EQ(0, initrd_find_in(&rd, "/ok", &n));
    EXPECT_EQ(2, rd.files);
}

/* The boot initrd always has a root, module or not. */
KTEST(initrd_boot_root_exists)
{
    const struct initrd_node *n;
    ASSERT_EQ(0, initrd_stat("/", &n));
    EXPECT_TRUE(n->is_dir);
    const uint8_t *data;
    size_t size;
    EXPECT_EQ(-EISDIR, initrd_lookup("/", &data, &size));
    EXPECT_EQ(-ENOENT, initrd_lookup("/no/such/file", &data, &size));
    EXPECT_TRUE(initrd_file_count() >= 0);
}
