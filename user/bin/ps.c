/*
 * ps - the processes, read from /proc: ps prints PID, PPID, STATE, the CPU
 * it runs on (or last ran on; - if it never ran), RSS (KiB) and the name of
 * every process in /proc/PID/status.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The value of "Key:\t..." in text, copied to out. */
static void field(const char *text, const char *key, char *out, size_t size)
{
    out[0] = '\0';
    const char *p = strstr(text, key);
    if (!p)
        return;
    p += strlen(key);
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = 0;
    while (p[n] && p[n] != '\n' && n + 1 < size)
        n++;
    memcpy(out, p, n);
    out[n] = '\0';
}

int main(void)
{
    DIR *d = opendir("/proc");
    if (!d) {
        perror("ps: /proc");
        return 1;
    }
    printf("  PID  PPID S CPU   RSS NAME\n");
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char path[300], text[1024];
        snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue; /* it just exited */
        ssize_t n = read(fd, text, sizeof(text) - 1);
        close(fd);
        if (n <= 0)
            continue;
        text[n] = '\0';
        char name[32], state[32], ppid[16], rss[32], cpu[16];
        field(text, "Name:", name, sizeof(name));
        field(text, "State:", state, sizeof(state));
        field(text, "PPid:", ppid, sizeof(ppid));
        field(text, "VmRSS:", rss, sizeof(rss));
        field(text, "Cpu:", cpu, sizeof(cpu));
        printf("%5s %5s %c %3s %5ld %s\n", e->d_name, ppid, state[0], atol(cpu) < 0 ? "-" : cpu,
               atol(rss), name);
    }
    closedir(d);
    return 0;
}
