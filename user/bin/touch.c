/*
 * touch - make each FILE exist (created empty if missing) and set its access
 * and modification times to now: touch FILE... A file that cannot be opened
 * for writing (a directory, a running program) still gets its times, as
 * GNU touch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: touch FILE...\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);
        int open_err = errno;
        int r = fd >= 0 ? futimens(fd, NULL) : utimensat(AT_FDCWD, argv[i], NULL, 0);
        if (r < 0) {
            fprintf(stderr, "touch: cannot touch '%s': %s\n", argv[i],
                    strerror(fd < 0 ? open_err : errno));
            status = 1;
        }
        if (fd >= 0)
            close(fd);
    }
    return status;
}
