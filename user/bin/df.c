/*
 * df - the file system's size, use and free space: df [-h] [PATH]. The
 * root (tmpfs) holds written data in memory; its size is the boot option
 * fssize= (default half of RAM).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[argc - 1] : "/";
    if (argc > 1 && argv[argc - 1][0] == '-')
        path = "/";
    struct statfs s;
    if (statfs(path, &s) < 0) {
        fprintf(stderr, "df: %s: %s\n", path, strerror(errno));
        return 1;
    }
    unsigned long kb = (unsigned long)s.f_bsize / 1024;
    unsigned long total = s.f_blocks * kb, avail = s.f_bavail * kb, used = total - avail;
    printf("Filesystem     1K-blocks      Used Available Use%% Inodes IUsed Mounted on\n");
    printf("tmpfs          %9lu %9lu %9lu %3lu%% %6lu %5lu /\n", total, used, avail,
           total ? (used * 100 + total - 1) / total : 0, s.f_files, s.f_files - s.f_ffree);
    return 0;
}
