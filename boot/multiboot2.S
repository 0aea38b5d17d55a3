/*
 * multiboot2.S - the Multiboot2 header GRUB looks for in the first 32 KiB.
 * Owns nothing but the header: magic, architecture (i386 protected mode),
 * length, checksum, and the end tag. The entry point comes from the ELF.
 */
#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0

    .section .multiboot, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* end tag: type 0, flags 0, size 8 */
    .balign 8
    .short 0
    .short 0
    .long 8
mb2_header_end:
