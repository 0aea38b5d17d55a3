/*
 * initrd.h - the initial ramdisk: a read-only ustar archive that GRUB loads as
 * a Multiboot2 module, indexed once at boot into a table of nodes (files and
 * directories, parents always before children, the root "/" first).
 * File data is read in place from the module; nothing is ever written.
 */
#ifndef KERNEL_INITRD_H
#define KERNEL_INITRD_H

#include "kernel/types.h"

struct boot_info;
struct cowos_dirent;

#define INITRD_PATH_MAX 128 /* canonical path with its NUL ("/tests/cow_basic") */
#define INITRD_NAME_MAX 55  /* one path component: fits cowos_dirent.name */
#define INITRD_MAX_NODES 256 /* of the boot initrd */

struct initrd_node {
    char path[INITRD_PATH_MAX]; /* canonical: "/", "/bin", "/bin/sh" */
    const uint8_t *data;        /* file contents (NULL for a directory) */
    size_t size;                /* bytes (0 for a directory) */
    int parent;                 /* index of the containing directory (-1 for "/") */
    bool is_dir;
};

/* One indexed archive. The node storage belongs to whoever made it. */
struct initrd {
    struct initrd_node *nodes;
    int cap;   /* room in nodes */
    int count; /* nodes in use; nodes[0] is "/" */
    int files; /* regular files among them */
};

/*
 * Find the module named "initrd" (else the first module) and index it.
 * With no module, or a damaged one, the initrd holds what could be read
 * (possibly just "/") and a line says why. Call once, after the direct map
 * exists (vmm_init_kernel).
 */
void initrd_init(const struct boot_info *bi);

/*
 * Look up an absolute path ("/bin/sh"; "//bin/./sh/" works too) in the boot
 * initrd. A regular file: 0 with *data and *size set (either may be NULL
 * to just test that the file exists). -EISDIR for a
 * directory, -ENOTDIR if a component is a file, -ENOENT if missing,
 * -ENAMETOOLONG for an over-long path.
 */
int initrd_lookup(const char *path, const uint8_t **data, size_t *size);
/* Like initrd_lookup but for files and directories alike: 0 with *node set
 * (valid until the next initrd_init), or the same errors. */
int initrd_stat(const char *path, const struct initrd_node **node);
/*
 * The index-th entry (from 0, in archive order) directly inside directory
 * dir: 0 with *out filled (size 0 for a subdirectory); -ENOENT past the last
 * entry or if dir is missing; -ENOTDIR if dir is a file.
 */
int initrd_list(const char *dir, int index, struct cowos_dirent *out);
/* The boot initrd's index (the file system unpacks it at boot). */
const struct initrd *initrd_boot(void);
/* Regular files in the boot initrd. */
int initrd_file_count(void);

/*
 * Index the ustar archive [image, image + len) into rd (nodes, cap set by the
 * caller; cap >= 1). Headers are checked (magic, octal fields, checksum) and
 * nothing beyond image + len is read. Indexing stops at the end-of-archive
 * zero block or the end of the image (returns 0), or at the first damaged
 * header or member cut short by the image's end (-EINVAL), or when nodes is
 * full (-ENOSPC); the entries before the stop stay usable.
 */
int initrd_parse(struct initrd *rd, const uint8_t *image, size_t len);
/* initrd_stat and initrd_list on a given index instead of the boot initrd. */
int initrd_find_in(const struct initrd *rd, const char *path, const struct initrd_node **node);
int initrd_list_in(const struct initrd *rd, const char *dir, int index, struct cowos_dirent *out);

#endif
