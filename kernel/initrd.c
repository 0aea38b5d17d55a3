/*
 * initrd.c - index a ustar archive in memory; owns the boot initrd's node
 * table (filled by initrd_init, read-only after). Invariants: nodes[0] is "/";
 * a node's parent is a directory with a smaller index; paths are unique; the
 * parser never reads past image + len, whatever the archive says.
 */
#include "kernel/initrd.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/sysnum.h"
#include "mm/memlayout.h"

#define BLOCK 512

/* Offsets of the ustar header fields we use (POSIX.1-1988 layout). */
#define H_NAME 0
#define H_NAME_LEN 100
#define H_SIZE 124
#define H_SIZE_LEN 12
#define H_CHKSUM 148
#define H_CHKSUM_LEN 8
#define H_TYPE 156
#define H_MAGIC 257 /* "ustar\0" + "00" (POSIX) or "ustar " + " \0" (GNU) */
#define H_PREFIX 345
#define H_PREFIX_LEN 155

/* Before initrd_init the boot initrd is an empty root directory. */
static struct initrd_node boot_nodes[INITRD_MAX_NODES] = {{"/", NULL, 0, -1, true}};
static struct initrd boot_rd = {boot_nodes, INITRD_MAX_NODES, 1, 0};

/*
 * Canonical form of an archive member's name [in, in + len) into out
 * (INITRD_PATH_MAX bytes): "/" or "/a/b", without empty, "." or ".."
 * components (".." at the root stays there). A relative name is taken from
 * the root. 0 or -ENAMETOOLONG. (Lookups resolve step by step instead:
 * initrd_find_in.)
 */
static int canonical(const char *in, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && in[i] == '/')
            i++;
        size_t start = i;
        while (i < len && in[i] != '/')
            i++;
        size_t clen = i - start;
        if (clen == 0)
            break; /* only slashes were left */
        if (clen == 1 && in[start] == '.')
            continue;
        if (clen == 2 && in[start] == '.' && in[start + 1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            continue;
        }
        if (clen > INITRD_NAME_MAX || o + 1 + clen + 1 > INITRD_PATH_MAX)
            return -ENAMETOOLONG;
        out[o++] = '/';
        memcpy(out + o, in + start, clen);
        o += clen;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    return 0;
}

/* The name after the last slash of a canonical path. */
static const char *last_component(const char *path)
{
    const char *name = path;
    for (const char *c = path; *c; c++)
        if (*c == '/')
            name = c + 1;
    return name;
}

/* Index of the node with canonical path [path, path + len), or -1. */
static int find_exact(const struct initrd *rd, const char *path, size_t len)
{
    for (int i = 0; i < rd->count; i++)
        if (strncmp(rd->nodes[i].path, path, len) == 0 && rd->nodes[i].path[len] == '\0')
            return i;
    return -1;
}

/* Append a node; its path must be canonical and new. Index or -ENOSPC. */
static int append(struct initrd *rd, const char *path, size_t len, int parent, bool is_dir)
{
    if (rd->count >= rd->cap)
        return -ENOSPC;
    struct initrd_node *n = &rd->nodes[rd->count];
    memcpy(n->path, path, len);
    n->path[len] = '\0';
    n->data = NULL;
    n->size = 0;
    n->parent = parent;
    n->is_dir = is_dir;
    return rd->count++;
}

/*
 * Make sure every ancestor directory of canonical path exists (archives may
 * list "bin/sh" without "bin/"). Returns the index of the parent directory,
 * -ENOTDIR if an ancestor is a file, or -ENOSPC.
 */
static int make_parents(struct initrd *rd, const char *path)
{
    int parent = 0;
    for (size_t k = 1; path[k]; k++) {
        if (path[k] != '/')
            continue;
        int i = find_exact(rd, path, k);
        if (i < 0)
            i = append(rd, path, k, parent, true);
        else if (!rd->nodes[i].is_dir)
            return -ENOTDIR;
        if (i < 0)
            return i;
        parent = i;
    }
    return parent;
}

/*
 * Record one archive member under canonical path. A later member with the
 * same path replaces an earlier file (as tar extraction would). 0, -ENOSPC,
 * or -ENOTDIR / -EEXIST for a member that clashes with an earlier one.
 */
static int add_member(struct initrd *rd, const char *path, bool is_dir, const uint8_t *data,
                      size_t size)
{
    if (strcmp(path, "/") == 0)
        return is_dir ? 0 : -EEXIST;
    int parent = make_parents(rd, path);
    if (parent < 0)
        return parent;
    int i = find_exact(rd, path, strlen(path));
    if (i >= 0 && rd->nodes[i].is_dir != is_dir)
        return -EEXIST;
    if (i < 0)
        i = append(rd, path, strlen(path), parent, is_dir);
    if (i < 0)
        return i;
    if (!is_dir) {
        if (!rd->nodes[i].data)
            rd->files++;
        rd->nodes[i].data = data;
        rd->nodes[i].size = size;
    }
    return 0;
}

/*
 * Parse an octal header field: optional leading spaces, digits, then only
 * NULs or spaces to the end of the field. False for anything else (including
 * GNU's base-256 encoding, which no initrd needs).
 */
static bool parse_octal(const uint8_t *field, size_t len, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    while (i < len && field[i] == ' ')
        i++;
    size_t digits = 0;
    for (; i < len && field[i] >= '0' && field[i] <= '7'; i++, digits++) {
        if (v >> 60)
            return false;
        v = v * 8 + (uint64_t)(field[i] - '0');
    }
    if (digits == 0)
        return false;
    for (; i < len; i++)
        if (field[i] != '\0' && field[i] != ' ')
            return false;
    *out = v;
    return true;
}

static bool all_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* The header's checksum: its bytes summed with the checksum field counted as
 * spaces. Old tars summed signed chars, so both sums are accepted. */
static bool checksum_ok(const uint8_t *h)
{
    uint64_t stored;
    if (!parse_octal(h + H_CHKSUM, H_CHKSUM_LEN, &stored))
        return false;
    uint64_t usum = 0;
    int64_t ssum = 0;
    for (int i = 0; i < BLOCK; i++) {
        uint8_t b = (i >= H_CHKSUM && i < H_CHKSUM + H_CHKSUM_LEN) ? ' ' : h[i];
        usum += b;
        ssum += (int8_t)b;
    }
    return stored == usum || (int64_t)stored == ssum;
}

/* The member's full name (prefix "/" name), NUL-terminated, into buf. */
static size_t member_name(const uint8_t *h, char *buf)
{
    size_t n = 0;
    bool posix = h[H_MAGIC + 5] == '\0'; /* GNU tar keeps other data where prefix is */
    if (posix && h[H_PREFIX]) {
        size_t plen = strnlen((const char *)h + H_PREFIX, H_PREFIX_LEN);
        memcpy(buf, h + H_PREFIX, plen);
        n = plen;
        buf[n++] = '/';
    }
    size_t nlen = strnlen((const char *)h + H_NAME, H_NAME_LEN);
    memcpy(buf + n, h + H_NAME, nlen);
    n += nlen;
    buf[n] = '\0';
    return n;
}

int initrd_parse(struct initrd *rd, const uint8_t *image, size_t len)
{
    rd->count = 0;
    rd->files = 0;
    if (rd->cap < 1)
        return -ENOSPC;
    append(rd, "/", 1, -1, true);

    size_t off = 0;
    while (off < len) {
        if (len - off < BLOCK)
            return all_zero(image + off, len - off) ? 0 : -EINVAL;
        const uint8_t *h = image + off;
        if (all_zero(h, BLOCK))
            return 0; /* end-of-archive marker */
        uint64_t size;
        if (memcmp(h + H_MAGIC, "ustar", 5) != 0 ||
            (h[H_MAGIC + 5] != '\0' && h[H_MAGIC + 5] != ' ') || !checksum_ok(h) ||
            !parse_octal(h + H_SIZE, H_SIZE_LEN, &size))
            return -EINVAL;
        if (size > len - off - BLOCK)
            return -EINVAL; /* the member's data runs past the image */

        char raw[H_PREFIX_LEN + 1 + H_NAME_LEN + 1];
        char path[INITRD_PATH_MAX];
        size_t rawlen = member_name(h, raw);
        char type = (char)h[H_TYPE];
        bool is_file = type == '0' || type == '\0' || type == '7';
        bool is_dir = type == '5';
        if (is_file || is_dir) {
            /* Other types (links, pax and GNU extension headers) are skipped. */
            int err = canonical(raw, rawlen, path);
            if (err == 0)
                err = add_member(rd, path, is_dir, is_dir ? NULL : h + BLOCK, is_dir ? 0 : size);
            if (err == -ENOSPC)
                return err;
            if (err < 0)
                printk("initrd: skipping \"%s\" (error %d)\n", raw, err);
        }
        /* Data is padded to whole blocks; a missing final pad is harmless. */
        uint64_t step = BLOCK + ((size + BLOCK - 1) & ~(uint64_t)(BLOCK - 1));
        off = step > len - off ? len : off + step;
    }
    return 0;
}

/*
 * Look path up one component at a time, as Linux does: "." and ".." only
 * after a directory (so "file/.." is -ENOTDIR and "missing/.." -ENOENT), a
 * component after a file is -ENOTDIR, a trailing slash wants a directory.
 */
int initrd_find_in(const struct initrd *rd, const char *path, const struct initrd_node **node)
{
    char cur[INITRD_PATH_MAX];
    size_t o = 0; /* cur[0..o) is the canonical path so far; empty = the root */
    int at = find_exact(rd, "/", 1);
    if (!path[0] || at < 0)
        return -ENOENT;
    for (size_t i = 0; path[i];) {
        while (path[i] == '/')
            i++;
        size_t start = i;
        while (path[i] && path[i] != '/')
            i++;
        size_t clen = i - start;
        if (clen == 0)
            break; /* only slashes were left */
        if (!rd->nodes[at].is_dir)
            return -ENOTDIR;
        if (clen == 1 && path[start] == '.')
            continue;
        if (clen == 2 && path[start] == '.' && path[start + 1] == '.') {
            while (o > 0 && cur[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            at = o ? find_exact(rd, cur, o) : find_exact(rd, "/", 1);
            continue;
        }
        if (clen > INITRD_NAME_MAX || o + 1 + clen + 1 > INITRD_PATH_MAX)
            return -ENAMETOOLONG;
        cur[o++] = '/';
        memcpy(cur + o, path + start, clen);
        o += clen;
        at = find_exact(rd, cur, o);
        if (at < 0)
            return -ENOENT;
    }
    size_t len = strlen(path);
    if (path[len - 1] == '/' && !rd->nodes[at].is_dir)
        return -ENOTDIR;
    *node = &rd->nodes[at];
    return 0;
}

int initrd_list_in(const struct initrd *rd, const char *dir, int index, struct cowos_dirent *out)
{
    const struct initrd_node *d;
    int err = initrd_find_in(rd, dir, &d);
    if (err)
        return err;
    if (!d->is_dir)
        return -ENOTDIR;
    int di = (int)(d - rd->nodes);
    if (index < 0)
        return -ENOENT;
    for (int i = di + 1; i < rd->count; i++) {
        const struct initrd_node *n = &rd->nodes[i];
        if (n->parent != di)
            continue;
        if (index > 0) {
            index--;
            continue;
        }
        /* Zeroed first: the whole struct may be copied out to a user. */
        memset(out, 0, sizeof(*out));
        out->size = n->size;
        strlcpy(out->name, last_component(n->path), sizeof(out->name));
        return 0;
    }
    return -ENOENT;
}

void initrd_init(const struct boot_info *bi)
{
    const struct boot_module *m = NULL;
    for (int i = 0; i < bi->module_count && !m; i++)
        if (strcmp(bi->modules[i].name, "initrd") == 0)
            m = &bi->modules[i];
    if (!m && bi->module_count > 0)
        m = &bi->modules[0];
    if (!m || m->end <= m->start) {
        initrd_parse(&boot_rd, NULL, 0);
        printk("initrd: no boot module; the initrd is empty\n");
        return;
    }
    size_t len = m->end - m->start;
    int err = initrd_parse(&boot_rd, P2V(m->start), len);
    printk("initrd: %d files, %d directories in %lu KiB (module \"%s\")\n", boot_rd.files,
           boot_rd.count - boot_rd.files, len / 1024, m->name);
    if (err == -ENOSPC)
        printk("initrd: more than %d entries; the rest is ignored\n", INITRD_MAX_NODES);
    else if (err)
        printk("initrd: damaged or cut-short archive; entries after the damage are ignored\n");
}

int initrd_stat(const char *path, const struct initrd_node **node)
{
    return initrd_find_in(&boot_rd, path, node);
}

int initrd_lookup(const char *path, const uint8_t **data, size_t *size)
{
    const struct initrd_node *n;
    int err = initrd_stat(path, &n);
    if (err)
        return err;
    if (n->is_dir)
        return -EISDIR;
    if (data)
        *data = n->data;
    if (size)
        *size = n->size;
    return 0;
}

int initrd_list(const char *dir, int index, struct cowos_dirent *out)
{
    return initrd_list_in(&boot_rd, dir, index, out);
}

const struct initrd *initrd_boot(void) { return &boot_rd; }

int initrd_file_count(void) { return boot_rd.files; }
