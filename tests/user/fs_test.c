/*
 * fs_test.c - the file system as xv6's usertests exercise it, rewritten
 * here: small and big files, create/delete storms, unlink while open, links,
 * directories and subdirectories, many files in one directory, a descriptor
 * shared across fork, O_APPEND from several processes, truncate, holes,
 * rename, and MAP_SHARED / MAP_PRIVATE file mappings. Everything happens in
 * a scratch directory under /tmp that is removed at the end, so the runner's
 * frame count must come back exactly (every data page given back).
 */
#define _GNU_SOURCE /* AT_EMPTY_PATH in glibc */
#include "utest.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

static char buf[8192];

static void wait_ok(pid_t pid)
{
    int st = -1;
    EXPECT_EQ(pid, waitpid(pid, &st, 0));
    EXPECT_EQ(0, st);
}

/* xv6 opentest + writetest: create, write 100 records, read them back. */
static void small_file(void)
{
    int fd = open("small", O_CREAT | O_RDWR, 0644);
    EXPECT_TRUE(fd >= 0);
    for (int i = 0; i < 100; i++) {
        EXPECT_EQ(10, write(fd, "aaaaaaaaaa", 10));
        EXPECT_EQ(10, write(fd, "bbbbbbbbbb", 10));
    }
    EXPECT_EQ(0, close(fd));
    fd = open("small", O_RDONLY);
    EXPECT_EQ(2000, read(fd, buf, sizeof(buf)));
    EXPECT_EQ(0, memcmp(buf + 1980, "aaaaaaaaaabbbbbbbbbb", 20));
    EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
    close(fd);
    EXPECT_EQ(0, unlink("small"));
    EXPECT_ERR(ENOENT, open("small", O_RDONLY));
}

/* xv6 writebig / bigfile: a file of many pages, each with its own number. */
static void big_file(void)
{
    int fd = open("big", O_CREAT | O_RDWR, 0644);
    int n = 300;
    for (int i = 0; i < n; i++) {
        memset(buf, 0, 4096);
        ((int *)buf)[0] = i;
        ((int *)buf)[1023] = ~i;
        if (!EXPECT_EQ(4096, write(fd, buf, 4096)))
            break;
    }
    close(fd);
    struct stat st;
    EXPECT_EQ(0, stat("big", &st));
    EXPECT_EQ(n * 4096L, st.st_size);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    fd = open("big", O_RDONLY);
    for (int i = 0; i < n; i++) {
        if (!EXPECT_EQ(4096, read(fd, buf, 4096)))
            break;
        if (!EXPECT_EQ(i, ((int *)buf)[0]) || !EXPECT_EQ(~i, ((int *)buf)[1023]))
            break;
    }
    EXPECT_EQ(0, read(fd, buf, 1));
    close(fd);
    EXPECT_EQ(0, unlink("big"));
}

/* xv6 createtest / createdelete: many names made and removed, two processes. */
static void create_delete(void)
{
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            char name[8] = {(char)('p' + k), 0, 0};
            for (int i = 0; i < 20; i++) {
                name[1] = (char)('0' + i);
                int fd = open(name, O_CREAT | O_RDWR, 0644);
                if (fd < 0)
                    _exit(1);
                close(fd);
                if (i > 0 && i % 2 == 0) {
                    name[1] = (char)('0' + i / 2);
                    if (unlink(name) < 0)
                        _exit(2);
                }
            }
            _exit(0);
        }
    }
    wait_ok(kids[0]);
    wait_ok(kids[1]);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 20; i++) {
            char name[8] = {(char)('p' + k), (char)('0' + i), 0};
            int gone = (i == 0 || i >= 10) ? 0 : 1; /* i/2 for even i in 2..18 removed 1..9 */
            int fd = open(name, O_RDONLY);
            if (gone)
                EXPECT_EQ(-1, fd);
            else
                EXPECT_TRUE(fd >= 0);
            if (fd >= 0) {
                close(fd);
                unlink(name);
            }
        }
}

/* xv6 unlinkread: an unlinked file stays readable and writable while open. */
static void unlink_read(void)
{
    int fd = open("unlinkread", O_CREAT | O_RDWR, 0644);
    EXPECT_EQ(5, write(fd, "hello", 5));
    close(fd);
    fd = open("unlinkread", O_RDWR);
    EXPECT_EQ(0, unlink("unlinkread"));
    int fd1 = open("unlinkread", O_CREAT | O_RDWR, 0644);
    EXPECT_EQ(3, write(fd1, "yyy", 3));
    close(fd1);
    EXPECT_EQ(5, read(fd, buf, sizeof(buf)));
    EXPECT_EQ('h', buf[0]);
    EXPECT_EQ(10, write(fd, buf, 10));
    close(fd);
    EXPECT_EQ(0, unlink("unlinkread"));
}

/* xv6 linktest. */
static void links(void)
{
    int fd = open("lf1", O_CREAT | O_RDWR, 0644);
    EXPECT_EQ(5, write(fd, "hello", 5));
    close(fd);
    EXPECT_EQ(0, link("lf1", "lf2"));
    struct stat st;
    EXPECT_EQ(0, stat("lf2", &st));
    EXPECT_EQ(2, st.st_nlink);
    EXPECT_EQ(0, unlink("lf1"));
    EXPECT_ERR(ENOENT, open("lf1", O_RDONLY));
    fd = open("lf2", O_RDONLY);
    EXPECT_EQ(5, read(fd, buf, sizeof(buf)));
    close(fd);
    EXPECT_ERR(EEXIST, link("lf2", "lf2"));
    EXPECT_EQ(0, unlink("lf2"));
    EXPECT_ERR(ENOENT, link("lf2", "lf1"));
    EXPECT_ERR(EPERM, link(".", "lf1"));
}

/* xv6 subdir / dirtest / rmdot / dirfile. */
static void subdirs(void)
{
    EXPECT_EQ(0, mkdir("dd", 0755));
    int fd = open("dd/ff", O_CREAT | O_RDWR, 0644);
    EXPECT_EQ(2, write(fd, "ff", 2));
    close(fd);
    EXPECT_ERR(ENOTEMPTY, rmdir("dd"));
    EXPECT_EQ(0, mkdir("dd/dd", 0755));
    fd = open("dd/dd/ff", O_CREAT | O_RDWR, 0644);
    EXPECT_EQ(2, write(fd, "FF", 2));
    close(fd);
    fd = open("dd/dd/../ff", O_RDONLY);
    EXPECT_EQ(2, read(fd, buf, sizeof(buf)));
    EXPECT_EQ('f', buf[0]);
    close(fd);
    EXPECT_EQ(0, link("dd/dd/ff", "dd/dd/ffff"));
    EXPECT_EQ(0, unlink("dd/dd/ff"));
    EXPECT_ERR(ENOENT, open("dd/dd/ff", O_RDONLY));
    EXPECT_EQ(0, chdir("dd"));
    EXPECT_EQ(0, chdir("dd/../../dd"));
    EXPECT_EQ(0, chdir("./.."));
    fd = open("dd/dd/ffff", O_RDONLY);
    EXPECT_EQ(2, read(fd, buf, sizeof(buf)));
    close(fd);
    EXPECT_ERR(ENOTDIR, open("dd/ff/ff", O_CREAT | O_RDWR, 0644));
    EXPECT_ERR(ENOENT, open("dd/xx/ff", O_CREAT | O_RDWR, 0644));
    EXPECT_ERR(EISDIR, open("dd", O_CREAT, 0644));
    EXPECT_ERR(EISDIR, open("dd", O_RDWR));
    EXPECT_ERR(EISDIR, open("dd", O_WRONLY));
    EXPECT_ERR(ENOTDIR, link("dd/ff/ff", "dd/dd/xx"));
    EXPECT_ERR(EEXIST, link("dd/ff", "dd/dd/ffff"));
    EXPECT_ERR(ENOTDIR, mkdir("dd/ff/ff", 0755));
    EXPECT_ERR(EEXIST, mkdir("dd/dd/ffff", 0755));
    EXPECT_ERR(ENOTDIR, unlink("dd/ff/ff"));
    EXPECT_ERR(ENOTDIR, chdir("dd/ff"));
    EXPECT_ERR(EINVAL, rmdir("dd/."));
    EXPECT_ERR(ENOTEMPTY, rmdir("dd/.."));
    EXPECT_ERR(EISDIR, unlink("dd/dd"));
    EXPECT_ERR(ENOTDIR, rmdir("dd/ff"));
    EXPECT_EQ(0, unlink("dd/dd/ffff"));
    EXPECT_EQ(0, unlink("dd/ff"));
    EXPECT_EQ(0, rmdir("dd/dd"));
    EXPECT_EQ(0, rmdir("dd"));
}

/* xv6 bigdir: many entries in one directory, listed by readdir. */
static void big_dir(void)
{
    EXPECT_EQ(0, mkdir("bd", 0755));
    char name[32];
    int n = 200;
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "bd/x%03d", i);
        int fd = open(name, O_CREAT | O_WRONLY, 0644);
        if (!EXPECT_TRUE(fd >= 0))
            break;
        close(fd);
    }
    DIR *d = opendir("bd");
    int seen = 0, dots = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            dots++;
        else
            seen++;
    }
    closedir(d);
    EXPECT_EQ(n, seen);
    EXPECT_EQ(2, dots);
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "bd/x%03d", i);
        EXPECT_EQ(0, unlink(name));
    }
    EXPECT_EQ(0, rmdir("bd"));
}

/* xv6 sharedfd: a descriptor shared across fork shares its offset. */
static void shared_fd(void)
{
    int fd = open("sharedfd", O_CREAT | O_RDWR | O_TRUNC, 0644);
    pid_t pid = fork();
    char c = pid == 0 ? 'c' : 'p';
    for (int i = 0; i < 500; i++)
        if (write(fd, &c, 1) != 1)
            break;
    if (pid == 0)
        _exit(0);
    wait_ok(pid);
    EXPECT_EQ(1000, lseek(fd, 0, SEEK_CUR));
    EXPECT_EQ(0, lseek(fd, 0, SEEK_SET));
    int nc = 0, np = 0, r;
    while ((r = read(fd, buf, sizeof(buf))) > 0)
        for (int i = 0; i < r; i++) {
            nc += buf[i] == 'c';
            np += buf[i] == 'p';
        }
    EXPECT_EQ(500, nc);
    EXPECT_EQ(500, np);
    close(fd);
    unlink("sharedfd");
}

/* O_APPEND from several processes: no write lands inside another. */
static void append_many(void)
{
    int fd = open("app", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    close(fd);
    pid_t kids[3];
    for (int k = 0; k < 3; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            int f = open("app", O_WRONLY | O_APPEND);
            char rec[100];
            memset(rec, 'a' + k, sizeof(rec));
            for (int i = 0; i < 50; i++)
                if (write(f, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
                    _exit(1);
            _exit(0);
        }
    }
    for (int k = 0; k < 3; k++)
        wait_ok(kids[k]);
    fd = open("app", O_RDONLY);
    static char all[15000];
    EXPECT_EQ(15000, read(fd, all, sizeof(all)));
    int bad = 0;
    for (int i = 0; i < 15000; i += 100)
        for (int j = 1; j < 100; j++)
            bad += all[i + j] != all[i];
    EXPECT_EQ(0, bad);
    close(fd);
    unlink("app");
}

/* Holes read as zeros; truncate shrinks and grows; pread/pwrite. */
static void holes_and_truncate(void)
{
    int fd = open("hole", O_CREAT | O_RDWR, 0600);
    EXPECT_EQ(20000, lseek(fd, 20000, SEEK_SET));
    EXPECT_EQ(1, write(fd, "x", 1));
    struct stat st;
    EXPECT_EQ(0, fstat(fd, &st));
    EXPECT_EQ(20001, st.st_size);
    EXPECT_EQ(100, pread(fd, buf, 100, 10000));
    int nz = 0;
    for (int i = 0; i < 100; i++)
        nz += buf[i] != 0;
    EXPECT_EQ(0, nz);
    EXPECT_EQ(3, pwrite(fd, "abc", 3, 5));
    EXPECT_EQ(20001, lseek(fd, 0, SEEK_CUR)); /* pwrite left the offset alone */
    EXPECT_EQ(0, ftruncate(fd, 6));
    EXPECT_EQ(6, pread(fd, buf, 100, 0));
    EXPECT_EQ('a', buf[5]);
    EXPECT_EQ(0, truncate("hole", 5000));
    EXPECT_EQ(5000, pread(fd, buf, 8000, 0));
    EXPECT_EQ(0, buf[6]); /* the cut-off 'b', 'c' do not come back */
    EXPECT_EQ(0, buf[4999]);
    close(fd);
    fd = open("hole", O_RDWR | O_TRUNC);
    EXPECT_EQ(0, fstat(fd, &st));
    EXPECT_EQ(0, st.st_size);
    close(fd);
    unlink("hole");
}

/* rename replaces atomically; a directory moves with its contents. */
static void renames(void)
{
    int fd = open("r1", O_CREAT | O_WRONLY, 0644);
    write(fd, "one", 3);
    close(fd);
    fd = open("r2", O_CREAT | O_WRONLY, 0644);
    write(fd, "two", 3);
    close(fd);
    EXPECT_EQ(0, rename("r1", "r2"));
    EXPECT_ERR(ENOENT, open("r1", O_RDONLY));
    fd = open("r2", O_RDONLY);
    EXPECT_EQ(3, read(fd, buf, 10));
    EXPECT_EQ(0, memcmp(buf, "one", 3));
    close(fd);
    EXPECT_EQ(0, mkdir("rd", 0755));
    EXPECT_EQ(0, rename("r2", "rd/r3"));
    EXPECT_EQ(0, rename("rd", "rd2"));
    EXPECT_EQ(0, access("rd2/r3", F_OK));
    EXPECT_ERR(EINVAL, rename("rd2", "rd2/sub"));
    EXPECT_EQ(0, mkdir("rd3", 0755));
    EXPECT_ERR(ENOTEMPTY, rename("rd3", "rd2"));
    EXPECT_ERR(EISDIR, rename("rd2/r3", "rd3"));
    EXPECT_ERR(ENOTDIR, rename("rd3", "rd2/r3"));
    EXPECT_EQ(0, rename("rd3", "rd2/sub"));
    EXPECT_EQ(0, rmdir("rd2/sub"));
    EXPECT_EQ(0, unlink("rd2/r3"));
    EXPECT_EQ(0, rmdir("rd2"));
}

/* Symbolic links. */
static void symlinks(void)
{
    int fd = open("target", O_CREAT | O_WRONLY, 0644);
    write(fd, "T", 1);
    close(fd);
    EXPECT_EQ(0, symlink("target", "sl"));
    char t[64];
    EXPECT_EQ(6, readlink("sl", t, sizeof(t)));
    EXPECT_EQ(0, memcmp(t, "target", 6));
    fd = open("sl", O_RDONLY);
    EXPECT_EQ(1, read(fd, buf, 10));
    close(fd);
    EXPECT_ERR(ELOOP, open("sl", O_RDONLY | O_NOFOLLOW));
    struct stat st;
    EXPECT_EQ(0, lstat("sl", &st));
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    EXPECT_EQ(0, stat("sl", &st));
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_EQ(0, symlink("loop", "loop"));
    EXPECT_ERR(ELOOP, open("loop", O_RDONLY));
    EXPECT_ERR(EINVAL, readlink("target", t, sizeof(t)));
    unlink("loop");
    unlink("sl");
    unlink("target");
}

/* MAP_SHARED writes reach the file; MAP_PRIVATE writes never do. */
static void file_mappings(void)
{
    int fd = open("mapped", O_CREAT | O_RDWR, 0644);
    memset(buf, 'm', 8192);
    EXPECT_EQ(8192, write(fd, buf, 8192));
    char *s = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    EXPECT_TRUE(s != MAP_FAILED && p != MAP_FAILED);
    if (s != MAP_FAILED && p != MAP_FAILED) {
        EXPECT_EQ('m', p[4096]);
        s[4096] = 'S';
        EXPECT_EQ(0, msync(s, 8192, MS_SYNC));
        EXPECT_EQ(1, pread(fd, buf, 1, 4096));
        EXPECT_EQ('S', buf[0]);
        EXPECT_EQ('S', p[4096]); /* not yet copied: the private view shows the file */
        p[0] = 'P';
        EXPECT_EQ(1, pread(fd, buf, 1, 0));
        EXPECT_EQ('m', buf[0]);
        EXPECT_EQ(1, pwrite(fd, "W", 1, 1));
        EXPECT_EQ('W', s[1]);
        EXPECT_EQ('m', p[1]); /* its own copy since the write at p[0] */
        munmap(s, 8192);
        munmap(p, 8192);
    }
    close(fd);
    fd = open("mapped", O_RDONLY);
    EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    EXPECT_EQ(EACCES, errno);
    close(fd);
    unlink("mapped");
}

/* A copy of /bin/cat at path, executable. */
static void copy_cat(const char *path)
{
    int in = open("/bin/cat", O_RDONLY);
    int out = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0755);
    EXPECT_TRUE(in >= 0 && out >= 0);
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        EXPECT_EQ(n, write(out, buf, (size_t)n));
    close(in);
    close(out);
}

/*
 * Linux's ETXTBSY: a file a process runs cannot be opened for writing or
 * truncated by name (reading, unlinking and renaming it are fine), and a
 * file open for writing cannot be run.
 */
static void text_busy(void)
{
    copy_cat("prog");
    int p[2];
    EXPECT_EQ(0, pipe(p));
    pid_t pid = vfork(); /* returns once the child runs prog */
    if (pid == 0) {
        dup2(p[0], 0);
        close(p[1]);
        char *argv[] = {"prog", NULL};
        execv("prog", argv);
        _exit(127);
    }
    close(p[0]);
    EXPECT_ERR(ETXTBSY, open("prog", O_WRONLY));
    EXPECT_ERR(ETXTBSY, open("prog", O_RDWR | O_TRUNC));
    EXPECT_ERR(ETXTBSY, truncate("prog", 0));
    int fd = open("prog", O_RDONLY);
    EXPECT_TRUE(fd >= 0);
    close(fd);
    EXPECT_EQ(0, link("prog", "prog2"));
    EXPECT_ERR(ETXTBSY, open("prog2", O_WRONLY)); /* the file, whatever its name */
    EXPECT_EQ(0, unlink("prog2"));
    close(p[1]); /* cat sees the end and exits */
    wait_ok(pid);
    fd = open("prog", O_WRONLY); /* nobody runs it now */
    EXPECT_TRUE(fd >= 0);
    pid = vfork();
    if (pid == 0) {
        char *argv[] = {"prog", NULL};
        execv("prog", argv);
        _exit(errno);
    }
    int st = -1;
    EXPECT_EQ(pid, waitpid(pid, &st, 0));
    EXPECT_EQ(ETXTBSY, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    close(fd);
    EXPECT_EQ(0, unlink("prog"));
}

/* O_CREAT through a dangling symbolic link creates the link's target (Linux);
 * with O_EXCL the link itself exists: EEXIST. */
static void create_through_link(void)
{
    EXPECT_EQ(0, mkdir("ld", 0755));
    EXPECT_EQ(0, symlink("ld/made", "dangling"));
    EXPECT_EQ(0, symlink("dangling", "twice"));
    EXPECT_ERR(EEXIST, open("dangling", O_CREAT | O_EXCL | O_WRONLY, 0644));
    int fd = open("twice", O_CREAT | O_WRONLY, 0644);
    EXPECT_TRUE(fd >= 0);
    EXPECT_EQ(2, write(fd, "ok", 2));
    close(fd);
    struct stat st;
    EXPECT_EQ(0, stat("ld/made", &st));
    EXPECT_EQ(2, st.st_size);
    EXPECT_EQ(0, lstat("dangling", &st));
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    EXPECT_EQ(0, symlink("nodir/x", "nowhere"));
    EXPECT_ERR(ENOENT, open("nowhere", O_CREAT | O_WRONLY, 0644));
    unlink("nowhere");
    unlink("twice");
    unlink("dangling");
    unlink("ld/made");
    rmdir("ld");
}

/* The status of a child that runs fn. */
static int child_status(void (*fn)(volatile char *), volatile char *at)
{
    pid_t pid = fork();
    if (pid == 0) {
        fn(at);
        _exit(0);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    return st;
}

static void touch_byte(volatile char *at) { *at = *at + 1; }

/*
 * A file truncated under its mappings: pages wholly past the new end are
 * SIGBUS on access, in shared and in private mappings (even a page already
 * copied), as on Linux; the last partial page reads zeros past the end.
 */
static void truncate_under_mapping(void)
{
    int fd = open("shrink", O_CREAT | O_RDWR | O_TRUNC, 0644);
    memset(buf, 'z', 4096);
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(4096, write(fd, buf, 4096));
    char *s = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    EXPECT_TRUE(s != MAP_FAILED && p != MAP_FAILED);
    if (s == MAP_FAILED || p == MAP_FAILED)
        return;
    EXPECT_EQ('z', s[2 * 4096]);
    p[2 * 4096] = 'p'; /* a private copy of the last page */
    EXPECT_EQ('z', p[4096]);
    EXPECT_EQ(0, ftruncate(fd, 4096 + 10));
    EXPECT_EQ('z', s[4096 + 9]);
    EXPECT_EQ(0, s[4096 + 10]); /* past the end inside the last page: zeros */
    EXPECT_EQ(SIGBUS, WTERMSIG(child_status(touch_byte, s + 2 * 4096)));
    EXPECT_EQ(SIGBUS, WTERMSIG(child_status(touch_byte, p + 2 * 4096)));
    EXPECT_EQ(0, child_status(touch_byte, p + 4096));
    EXPECT_EQ(0, ftruncate(fd, 3 * 4096)); /* grown again: the pages read zeros */
    EXPECT_EQ(0, s[2 * 4096]);
    EXPECT_EQ(0, p[2 * 4096]);
    munmap(s, 3 * 4096);
    munmap(p, 3 * 4096);
    close(fd);
    EXPECT_EQ(0, unlink("shrink"));
}

/* chmod and fchmod keep the permission bits (stat shows them, and exec
 * needs an x bit); utimensat, futimens and utimes set the times. */
static void modes_and_times(void)
{
    int fd = open("md", O_CREAT | O_RDWR, 0644);
    struct stat st;
    EXPECT_EQ(0, chmod("md", 0600));
    EXPECT_EQ(0, stat("md", &st));
    EXPECT_EQ(S_IFREG | 0600, st.st_mode);
    EXPECT_EQ(0, fchmod(fd, 04751));
    EXPECT_EQ(0, fstat(fd, &st));
    EXPECT_EQ(S_IFREG | 04751, st.st_mode);
    close(fd);
    EXPECT_EQ(0, mkdir("mdir", 0755));
    EXPECT_EQ(0, chmod("mdir", 0700));
    EXPECT_EQ(0, stat("mdir", &st));
    EXPECT_EQ(S_IFDIR | 0700, st.st_mode);
    EXPECT_EQ(0, rmdir("mdir"));
    EXPECT_ERR(ENOENT, chmod("nothing", 0644));
    copy_cat("noexec");
    EXPECT_EQ(0, chmod("noexec", 0644));
    EXPECT_ERR(EACCES, access("noexec", X_OK));
    char *argv[] = {"noexec", NULL};
    EXPECT_ERR(EACCES, execv("noexec", argv));
    EXPECT_EQ(0, unlink("noexec"));

    struct timespec ts[2] = {{5, 123}, {7, 456}};
    EXPECT_EQ(0, utimensat(AT_FDCWD, "md", ts, 0));
    EXPECT_EQ(0, stat("md", &st));
    EXPECT_EQ(5, st.st_atime);
    EXPECT_EQ(123, st.st_atim.tv_nsec);
    EXPECT_EQ(7, st.st_mtime);
    EXPECT_EQ(456, st.st_mtim.tv_nsec);
    ts[0].tv_nsec = UTIME_OMIT;
    ts[1].tv_sec = 9;
    EXPECT_EQ(0, utimensat(AT_FDCWD, "md", ts, 0));
    EXPECT_EQ(0, stat("md", &st));
    EXPECT_EQ(5, st.st_atime); /* left alone */
    EXPECT_EQ(9, st.st_mtime);
    ts[1].tv_nsec = 1000000000;
    EXPECT_ERR(EINVAL, utimensat(AT_FDCWD, "md", ts, 0));
    EXPECT_ERR(EINVAL, utimensat(AT_FDCWD, "md", NULL, 0x4));
    struct timeval tv[2] = {{11, 1}, {12, 2}};
    EXPECT_EQ(0, utimes("md", tv));
    EXPECT_EQ(0, stat("md", &st));
    EXPECT_EQ(12, st.st_mtime);
    EXPECT_EQ(2000, st.st_mtim.tv_nsec);
    fd = open("md", O_RDONLY);
    EXPECT_EQ(0, futimens(fd, NULL)); /* now: later than 12 s since the epoch */
    EXPECT_EQ(0, fstat(fd, &st));
    EXPECT_TRUE(st.st_mtime > 12 || st.st_mtim.tv_nsec != 2000);
    close(fd);
    EXPECT_EQ(0, unlink("md"));
}

/* The *at calls: a relative path starts at the directory descriptor. */
static void at_calls(void)
{
    EXPECT_EQ(0, mkdir("at", 0755));
    int dfd = open("at", O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, "f", O_CREAT | O_WRONLY, 0640);
    EXPECT_TRUE(fd >= 0);
    EXPECT_EQ(3, write(fd, "abc", 3));
    struct stat st;
    EXPECT_EQ(0, fstatat(dfd, "f", &st, 0));
    EXPECT_EQ(3, st.st_size);
    EXPECT_EQ(0, stat("at/f", &st));
    EXPECT_ERR(ENOTDIR, openat(fd, "f", O_RDONLY)); /* not a directory */
    EXPECT_ERR(EBADF, openat(999, "f", O_RDONLY));
    int abs = openat(999, "/tmp", O_RDONLY | O_DIRECTORY); /* an absolute path ignores dirfd */
    EXPECT_TRUE(abs >= 0);
    close(abs);
    close(fd);
    EXPECT_EQ(0, fstatat(dfd, "", &st, AT_EMPTY_PATH));
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_ERR(ENOENT, fstatat(dfd, "", &st, 0));
    EXPECT_EQ(0, mkdirat(dfd, "sub", 0755));
    EXPECT_EQ(0, renameat(dfd, "f", AT_FDCWD, "at/sub/g"));
    EXPECT_EQ(0, faccessat(dfd, "sub/g", R_OK | W_OK, 0));
    EXPECT_ERR(ENOENT, faccessat(dfd, "f", F_OK, 0));
    EXPECT_EQ(0, symlink("sub/g", "at/l"));
    char t[16];
    EXPECT_EQ(5, readlinkat(dfd, "l", t, sizeof(t)));
    EXPECT_EQ(0, memcmp(t, "sub/g", 5));
    EXPECT_EQ(0, fstatat(dfd, "l", &st, AT_SYMLINK_NOFOLLOW));
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    EXPECT_EQ(0, fstatat(dfd, "l", &st, 0));
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_EQ(0, fchmodat(dfd, "l", 0600, 0)); /* the target's */
    EXPECT_EQ(0, stat("at/sub/g", &st));
    EXPECT_EQ(S_IFREG | 0600, st.st_mode);
    EXPECT_ERR(EISDIR, unlinkat(dfd, "sub", 0));
    EXPECT_ERR(ENOTEMPTY, unlinkat(dfd, "sub", AT_REMOVEDIR));
    EXPECT_ERR(EINVAL, unlinkat(dfd, "l", 0x1));
    EXPECT_EQ(0, unlinkat(dfd, "l", 0));
    EXPECT_EQ(0, unlinkat(dfd, "sub/g", 0));
    EXPECT_EQ(0, unlinkat(dfd, "sub", AT_REMOVEDIR));
    close(dfd);
    EXPECT_EQ(0, unlinkat(AT_FDCWD, "at", AT_REMOVEDIR));
}

/* getcwd follows chdir and fchdir. */
static void cwd(const char *scratch)
{
    char here[256];
    EXPECT_TRUE(getcwd(here, sizeof(here)) != NULL);
    EXPECT_EQ(0, strcmp(here, scratch));
    EXPECT_EQ(0, mkdir("cw", 0755));
    int fd = open("cw", O_RDONLY | O_DIRECTORY);
    EXPECT_EQ(0, fchdir(fd));
    close(fd);
    EXPECT_TRUE(getcwd(here, sizeof(here)) != NULL);
    EXPECT_EQ(0, strncmp(here, scratch, strlen(scratch)));
    EXPECT_EQ(0, strcmp(here + strlen(scratch), "/cw"));
    EXPECT_TRUE(getcwd(here, 3) == NULL);
    EXPECT_EQ(ERANGE, errno);
    EXPECT_EQ(0, chdir(".."));
    EXPECT_EQ(0, rmdir("cw"));
}

int main(void)
{
    char scratch[64];
    snprintf(scratch, sizeof(scratch), "/tmp/fs_test.%d", getpid());
    if (!EXPECT_EQ(0, mkdir(scratch, 0755)) || !EXPECT_EQ(0, chdir(scratch)))
        utest_exit();
    small_file();
    big_file();
    create_delete();
    unlink_read();
    links();
    subdirs();
    big_dir();
    shared_fd();
    append_many();
    holes_and_truncate();
    renames();
    symlinks();
    file_mappings();
    text_busy();
    create_through_link();
    truncate_under_mapping();
    modes_and_times();
    at_calls();
    cwd(scratch);
    EXPECT_EQ(0, chdir("/"));
    EXPECT_EQ(0, rmdir(scratch)); /* empty: every test removed what it made */
    utest_exit();
}
