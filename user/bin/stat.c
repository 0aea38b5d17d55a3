/*
 * stat - show a file's status: stat PATH... (symbolic links themselves).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *kind(unsigned int m)
{
    return S_ISDIR(m)   ? "directory"
           : S_ISREG(m) ? "regular file"
           : S_ISLNK(m) ? "symbolic link"
           : S_ISFIFO(m) ? "fifo"
           : S_ISCHR(m) ? "character special file"
                        : "unknown";
}

int main(int argc, char **argv)
{
    int status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: stat PATH...\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (lstat(argv[i], &st) < 0) {
            fprintf(stderr, "stat: cannot stat '%s': %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        printf("  File: %s\n", argv[i]);
        printf("  Size: %-10ld Blocks: %-10ld IO Block: %-6ld %s\n", (long)st.st_size,
               st.st_blocks, st.st_blksize, kind(st.st_mode));
        printf("Device: %lu  Inode: %lu  Links: %lu\n", st.st_dev, (unsigned long)st.st_ino,
               st.st_nlink);
        printf("Access: (%04o)  Uid: %u  Gid: %u\n", st.st_mode & 07777, st.st_uid, st.st_gid);
        printf("Modify: %ld s after boot  Change: %ld s after boot\n", (long)st.st_mtime,
               (long)st.st_ctime);
    }
    return status;
}
