/*
 * sh.c - a small shell for the cowos console. Reads a line, splits it into
 * commands at unquoted ';' and those into words ('...' and "..." quote, a
 * backslash escapes, # starts a comment, $? is the last status) and
 * redirections (< FILE, > FILE, >> FILE, 2> FILE, 2>> FILE, 2>&1), then runs
 * each command as a builtin or forks and execs
 * /bin/NAME (or NAME itself when it contains '/') and waits for it.
 * `sh -c LINE` runs one line and exits with its status; `sh FILE` runs the
 * lines of a script and exits with the last status. End of input
 * (Ctrl-D on an empty line, or the end of what `make run` was given on a
 * non-terminal stdin) exits; the shell init runs (its parent is pid 1) then
 * powers the machine off with the last status, as `poweroff $?` would.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __cowos__
#include <cowos.h>
#endif

#define MAX_LINE 512
#define MAX_ARGS 64
#define MAX_NAMES 256 /* entries `ls` sorts; more are not listed */

static int last_status; /* $?: 0..255 */

#define MAX_REDIRS 8

/* One redirection: fd becomes target opened with flags, or (dup_of >= 0)
 * a copy of descriptor dup_of. */
struct redir {
    int fd;
    int flags;
    int dup_of;
    char *target;
};

struct words {
    int argc;
    char sep; /* what ended the command: ';', '|', '&', or 0 at the end */
    int nredirs;
    struct redir redirs[MAX_REDIRS];
    char *argv[MAX_ARGS + 1];
    char text[MAX_LINE * 2 + 8]; /* each "$?" (2 bytes) becomes at most 3 */
};

/* ---- words ---- */

/* An unquoted redirection operator at p: its length, with *r filled (target
 * still to come, unless it is 2>&1). 0 if p is no operator. */
static int redir_op(const char *p, struct redir *r)
{
    int fd = 1, n = 0;
    if (p[0] == '2' && (p[1] == '>' || p[1] == '<'))
        fd = 2, n = 1;
    else if (p[0] == '<')
        fd = 0;
    else if (p[0] != '>')
        return 0;
    r->fd = fd;
    r->dup_of = -1;
    r->target = NULL;
    if (p[n] == '<') {
        r->flags = O_RDONLY;
        return n + 1;
    }
    if (p[n + 1] == '&' && p[n + 2] >= '0' && p[n + 2] <= '2') {
        r->dup_of = p[n + 2] - '0';
        return n + 3;
    }
    if (p[n + 1] == '>') {
        r->flags = O_WRONLY | O_CREAT | O_APPEND;
        return n + 2;
    }
    r->flags = O_WRONLY | O_CREAT | O_TRUNC;
    return n + 1;
}

/* ---- words ---- */

/*
 * Split the first command of line into w; *rest is set to what follows an
 * unquoted ';', '|' or '&' (which goes to w->sep), or NULL when the line is
 * used up. Returns argc (0 for an
 * empty command), or -1 after printing why the line is malformed.
 */
static int split(const char *line, struct words *w, const char **rest)
{
    char *out = w->text, *end = w->text + sizeof(w->text) - 4;
    const char *p = line;
    w->argc = 0;
    w->sep = 0;
    w->nredirs = 0;
    *rest = NULL;
    struct redir *pending = NULL; /* a redirection waiting for its file name */
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (*p == ';' || *p == '|' || *p == '&') {
            if (pending)
                break; /* "> ;": reported below */
            w->sep = *p;
            *rest = p + 1;
            break;
        }
        if (!*p || *p == '#')
            break;
        struct redir op;
        int oplen = pending ? 0 : redir_op(p, &op);
        if (oplen) {
            if (w->nredirs == MAX_REDIRS) {
                fprintf(stderr, "sh: too many redirections (at most %d)\n", MAX_REDIRS);
                return -1;
            }
            w->redirs[w->nredirs] = op;
            if (op.dup_of < 0)
                pending = &w->redirs[w->nredirs];
            w->nredirs++;
            p += oplen;
            continue;
        }
        if (!pending && w->argc == MAX_ARGS) {
            fprintf(stderr, "sh: too many arguments (at most %d)\n", MAX_ARGS);
            return -1;
        }
        if (pending) {
            pending->target = out;
            pending = NULL;
        } else {
            w->argv[w->argc++] = out;
        }
        char quote = 0;
        for (; *p && (quote || !strchr(" \t\n\r;|&<>", *p)); p++) {
            if (out >= end) {
                fprintf(stderr, "sh: line too long\n");
                return -1;
            }
            if (quote && *p == quote) {
                quote = 0;
            } else if (!quote && (*p == '\'' || *p == '"')) {
                quote = *p;
            } else if (*p == '$' && p[1] == '?' && quote != '\'') {
                out += sprintf(out, "%d", last_status);
                p++;
            } else if (*p == '\\' && p[1] && (!quote || (quote == '"' && strchr("\"\\$", p[1])))) {
                *out++ = *++p;
            } else {
                *out++ = *p;
            }
        }
        if (quote) {
            fprintf(stderr, "sh: missing closing %c\n", quote);
            return -1;
        }
        *out++ = '\0';
    }
    if (pending) {
        fprintf(stderr, "sh: a redirection without a file name\n");
        return -1;
    }
    w->argv[w->argc] = NULL;
    return w->argc;
}

/* Apply w's redirections to this process. 0, or -1 after a message. */
static int apply_redirs(const struct words *w)
{
    for (int i = 0; i < w->nredirs; i++) {
        const struct redir *r = &w->redirs[i];
        int fd = r->dup_of >= 0 ? dup(r->dup_of) : open(r->target, r->flags, 0666);
        if (fd < 0) {
            fprintf(stderr, "sh: %s: %s\n", r->dup_of >= 0 ? "dup" : r->target, strerror(errno));
            return -1;
        }
        if (fd != r->fd) {
            dup2(fd, r->fd);
            close(fd);
        }
    }
    return 0;
}

/* ---- builtins ---- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* List the names in dir, sorted, several to a line. */
static int list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "ls: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char *names[MAX_NAMES];
    int n = 0;
    struct dirent *e;
    while (n < MAX_NAMES && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            if ((names[n] = strdup(e->d_name)))
                n++;
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
    int col = 0;
    for (int i = 0; i < n; i++) {
        int len = (int)strlen(names[i]);
        if (col > 0 && col + 2 + len > 72) {
            putchar('\n');
            col = 0;
        }
        col += printf("%s%s", col ? "  " : "", names[i]);
        free(names[i]);
    }
    if (col)
        putchar('\n');
    return 0;
}

static int builtin_cd(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/";
    if (argc > 2) {
        fprintf(stderr, "cd: too many arguments\n");
        return 1;
    }
    if (chdir(dir) < 0) {
        fprintf(stderr, "cd: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    return 0;
}

static int builtin_pwd(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof(buf))) {
        fprintf(stderr, "pwd: %s\n", strerror(errno));
        return 1;
    }
    printf("%s\n", buf);
    return 0;
}

static int builtin_programs(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return list_dir("/bin");
}

/* A status argument: 0..255 on success, -1 (after a message) when not a number. */
static int parse_status(const char *who, const char *arg)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end || errno) {
        fprintf(stderr, "%s: %s: numeric argument required\n", who, arg);
        return -1;
    }
    return (int)(v & 0xff);
}

static int builtin_exit(int argc, char **argv)
{
    int status = argc > 1 ? parse_status("exit", argv[1]) : last_status;
    if (status < 0)
        return 2;
    exit(status);
}

static int builtin_poweroff(int argc, char **argv)
{
    int status = argc > 1 ? parse_status("poweroff", argv[1]) : 0;
    if (status < 0)
        return 2;
    fflush(NULL);
#ifdef __cowos__
    /* Only pid 1 may power off. As pid 1 (INIT=/bin/sh) do it; as the shell
     * init started, ask init: the status byte on the request pipe, then exit
     * (see user/bin/init.c). Any other shell has no such pipe: EPERM. */
    if (getpid() == 1) {
        cowos_poweroff(status);
        perror("poweroff");
        return 1;
    }
    unsigned char byte = (unsigned char)status;
    if (write(COWOS_INIT_REQUEST_FD, &byte, 1) == 1)
        exit(0);
    fprintf(stderr, "poweroff: %s (only init may; this shell was not started by init)\n",
            strerror(EPERM));
#else
    fprintf(stderr, "poweroff: only on cowos\n");
#endif
    return 1;
}

static int builtin_help(int argc, char **argv);
static int builtin_jobs(int argc, char **argv);
static int builtin_fg(int argc, char **argv);
static int builtin_bg(int argc, char **argv);

static const struct builtin {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} builtins[] = {
    {"help", builtin_help, "help            this list"},
    {"cd", builtin_cd, "cd [DIR]        change the working directory (default /)"},
    {"pwd", builtin_pwd, "pwd             print the working directory"},
    {"programs", builtin_programs, "programs        list the programs in /bin"},
    {"exit", builtin_exit, "exit [N]        leave the shell with status N (default $?)"},
    {"poweroff", builtin_poweroff, "poweroff [N]    turn the machine off"},
    {"jobs", builtin_jobs, "jobs            list the jobs: running, stopped, done"},
    {"fg", builtin_fg, "fg [%N]         continue job N (default: the latest) in the foreground"},
    {"bg", builtin_bg, "bg [%N]         continue a stopped job in the background"},
};

#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static int builtin_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("Builtins:\n");
    for (size_t i = 0; i < NBUILTINS; i++)
        printf("  %s\n", builtins[i].usage);
    printf("Anything else runs /bin/NAME (or a path with a '/'), e.g. echo hi.\n"
           "Quote with '...' or \"...\"; $? is the last status; ';' separates\n"
           "commands; # starts a comment; < F, > F, >> F, 2> F, 2>&1 redirect.\n");
    return 0;
}

/* ---- running programs ---- */

static const char *signal_name(int sig)
{
    static const char *const names[] = {
        [1] = "SIGHUP",   [2] = "SIGINT",   [3] = "SIGQUIT",  [4] = "SIGILL",
        [5] = "SIGTRAP",  [6] = "SIGABRT",  [7] = "SIGBUS",   [8] = "SIGFPE",
        [9] = "SIGKILL",  [10] = "SIGUSR1", [11] = "SIGSEGV", [12] = "SIGUSR2",
        [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM", [16] = "SIGSTKFLT",
        [17] = "SIGCHLD", [18] = "SIGCONT", [19] = "SIGSTOP", [20] = "SIGTSTP",
        [21] = "SIGTTIN", [22] = "SIGTTOU", [23] = "SIGURG",  [24] = "SIGXCPU",
        [25] = "SIGXFSZ", [26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH",
        [29] = "SIGIO",   [30] = "SIGPWR",  [31] = "SIGSYS",
    };
    if (sig > 0 && (size_t)sig < sizeof(names) / sizeof(names[0]) && names[sig])
        return names[sig];
    return "unknown";
}

/* ---- jobs ---- */

#define MAX_STAGES 8 /* programs in one pipeline */
#define MAX_JOBS 16

/* A pipeline started by the shell: one process group (job control on). */
struct job {
    int id;                  /* [N]; 0 = free slot */
    pid_t pgid;
    pid_t pids[MAX_STAGES];
    int status[MAX_STAGES];  /* the last wait status of each */
    int n, running;          /* programs, and how many have not ended */
    int stopped;             /* stopped as a whole (Ctrl-Z, SIGSTOP) */
    int stopsig;             /* the signal that stopped it last: $? is 128 + it */
    char cmd[80];
};

static struct job jobs[MAX_JOBS];
static int job_control; /* interactive on the console: groups, tcsetpgrp, Ctrl-Z */

/* The path to run for argv[0] into path; 0, or 127 after saying why. */
static int program_path(const char *name, char *path, size_t size)
{
    if (strchr(name, '/'))
        snprintf(path, size, "%s", name);
    else if (snprintf(path, size, "/bin/%s", name) >= (int)size) {
        fprintf(stderr, "sh: %s: name too long\n", name);
        return 127;
    }
    return 0;
}

/* $? for a wait status, as bash: the code, or 128 + the signal that
 * killed or stopped it. Says so on stderr for a signal death. */
static int status_value(int status, int quiet)
{
    if (WIFSTOPPED(status))
        return 128 + WSTOPSIG(status);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (!quiet)
            fprintf(stderr, "[killed by signal %d (%s)]\n", sig, signal_name(sig));
        return 128 + sig;
    }
    return WEXITSTATUS(status);
}

/* Record a wait status of pid in its job; the job, or NULL. */
static struct job *note_status(pid_t pid, int status)
{
    for (int j = 0; j < MAX_JOBS; j++)
        for (int i = 0; jobs[j].id && i < jobs[j].n; i++)
            if (jobs[j].pids[i] == pid) {
                struct job *jb = &jobs[j];
                if (WIFSTOPPED(status)) {
                    jb->stopped = 1;
                    jb->stopsig = WSTOPSIG(status);
                } else if (WIFCONTINUED(status)) {
                    jb->stopped = 0;
                } else {
                    jb->status[i] = status;
                    jb->pids[i] = -pid; /* ended: never waited for again */
                    jb->running--;
                }
                return jb;
            }
    return NULL;
}

static const char *job_state(const struct job *jb)
{
    return jb->stopped ? "Stopped" : jb->running ? "Running" : "Done";
}

/* Wait for foreground job jb to end or stop; gives the console back to the
 * shell after. Returns $?. */
static int wait_foreground(struct job *jb)
{
    while (jb->running > 0 && !jb->stopped) {
        int status;
        pid_t any = 0; /* without job control the job has no group of its own */
        for (int i = 0; i < jb->n && !any; i++)
            if (jb->pids[i] > 0)
                any = jb->pids[i];
        pid_t pid = waitpid(job_control ? -jb->pgid : any, &status, WUNTRACED);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        note_status(pid, status);
    }
    if (job_control)
        tcsetpgrp(0, getpgrp());
    int last = jb->status[jb->n - 1];
    if (jb->stopped) {
        fprintf(stderr, "\n[%d]+  Stopped                 %s\n", jb->id, jb->cmd);
        return 128 + jb->stopsig; /* as bash: 148 for Ctrl-Z, 147 for SIGSTOP */
    }
    jb->id = 0; /* done: the slot is free */
    return status_value(last, 0);
}

/* Reap what ended in the background; report finished jobs (before a prompt). */
static void reap_background(int report)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED)) > 0)
        note_status(pid, status);
    for (int j = 0; j < MAX_JOBS; j++)
        if (jobs[j].id && jobs[j].running == 0) {
            if (report)
                printf("[%d]+  Done                    %s\n", jobs[j].id, jobs[j].cmd);
            jobs[j].id = 0;
        }
}

/* The job %N (or the most recent one when arg is NULL), or NULL after saying why. */
static struct job *find_job(const char *who, const char *arg)
{
    struct job *best = NULL;
    int want = arg ? atoi(arg[0] == '%' ? arg + 1 : arg) : 0;
    for (int j = 0; j < MAX_JOBS; j++)
        if (jobs[j].id && (want ? jobs[j].id == want : (!best || jobs[j].id > best->id)))
            best = &jobs[j];
    if (!best)
        fprintf(stderr, "sh: %s: %s: no such job\n", who, arg ? arg : "current");
    return best;
}

/* Send sig to every program of jb still running. */
static void signal_job(struct job *jb, int sig)
{
    if (job_control) {
        kill(-jb->pgid, sig);
        return;
    }
    for (int i = 0; i < jb->n; i++)
        if (jb->pids[i] > 0)
            kill(jb->pids[i], sig);
}

static int builtin_jobs(int argc, char **argv)
{
    (void)argc, (void)argv;
    reap_background(0);
    for (int j = 0; j < MAX_JOBS; j++)
        if (jobs[j].id)
            printf("[%d]   %-24s%s\n", jobs[j].id, job_state(&jobs[j]), jobs[j].cmd);
    return 0;
}

static int builtin_fg(int argc, char **argv)
{
    struct job *jb = find_job("fg", argc > 1 ? argv[1] : NULL);
    if (!jb)
        return 1;
    printf("%s\n", jb->cmd);
    fflush(stdout);
    if (job_control)
        tcsetpgrp(0, jb->pgid);
    jb->stopped = 0;
    signal_job(jb, SIGCONT);
    return wait_foreground(jb);
}

static int builtin_bg(int argc, char **argv)
{
    struct job *jb = find_job("bg", argc > 1 ? argv[1] : NULL);
    if (!jb)
        return 1;
    jb->stopped = 0;
    signal_job(jb, SIGCONT);
    printf("[%d]+ %s &\n", jb->id, jb->cmd);
    return 0;
}

/* The signals an interactive shell ignores, and its programs get back. */
static const int job_signals[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};

/*
 * Run a pipeline of n programs (stages[i].argv), each stage's output into
 * the next one's input, in one process group (with job control). In the
 * foreground: wait and return $? (the last program's, as bash); in the
 * background: print [N] pid and return 0.
 */
static int run_pipeline(struct words *stages, int n, int background)
{
    struct job *jb = NULL;
    for (int j = 0; j < MAX_JOBS && !jb; j++)
        if (!jobs[j].id)
            jb = &jobs[j];
    if (!jb) {
        fprintf(stderr, "sh: too many jobs (at most %d)\n", MAX_JOBS);
        return 1;
    }
    memset(jb, 0, sizeof(*jb));
    for (int i = 0; i < n; i++)
        snprintf(jb->cmd + strlen(jb->cmd), sizeof(jb->cmd) - strlen(jb->cmd), "%s%s",
                 i ? " | " : "", stages[i].argv[0]);
    int id = 1;
    for (int j = 0; j < MAX_JOBS; j++)
        if (jobs[j].id >= id)
            id = jobs[j].id + 1;
    fflush(NULL); /* the children must not inherit (and repeat) our pending output */
    int in = -1;
    for (int i = 0; i < n; i++) {
        int p[2] = {-1, -1};
        if (i < n - 1 && pipe(p) < 0) {
            fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
            break;
        }
        char path[PATH_MAX];
        int bad = program_path(stages[i].argv[0], path, sizeof(path));
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "sh: fork: %s\n", strerror(errno));
            if (p[0] >= 0)
                close(p[0]), close(p[1]);
            break;
        }
        if (pid == 0) {
            if (job_control) {
                setpgid(0, jb->pgid);
                if (!background)
                    tcsetpgrp(0, jb->pgid ? jb->pgid : getpid());
                for (size_t k = 0; k < sizeof(job_signals) / sizeof(job_signals[0]); k++)
                    signal(job_signals[k], SIG_DFL);
            }
#ifdef __cowos__
            close(COWOS_INIT_REQUEST_FD); /* init's request pipe is the shell's alone */
#endif
            if (in >= 0)
                dup2(in, 0), close(in);
            if (p[1] >= 0)
                dup2(p[1], 1), close(p[1]), close(p[0]);
            if (apply_redirs(&stages[i]) < 0) /* after the pipes: "a 2>&1 | b" */
                _exit(1);
            if (bad)
                _exit(bad);
            execv(path, stages[i].argv);
            if (errno == ENOENT && !strchr(stages[i].argv[0], '/'))
                fprintf(stderr, "%s: command not found\n", stages[i].argv[0]);
            else
                fprintf(stderr, "sh: %s: %s\n", stages[i].argv[0], strerror(errno));
            _exit(errno == ENOENT ? 127 : 126);
        }
        if (!jb->pgid)
            jb->pgid = pid;
        if (job_control)
            setpgid(pid, jb->pgid); /* both sides do it: whichever runs first */
        jb->pids[jb->n] = pid;
        jb->status[jb->n++] = 0;
        jb->running++;
        if (in >= 0)
            close(in);
        in = p[0];
        if (p[1] >= 0)
            close(p[1]);
    }
    if (in >= 0)
        close(in);
    if (jb->n == 0)
        return 1;
    jb->id = id;
    if (background) {
        printf("[%d] %d\n", jb->id, (int)jb->pids[jb->n - 1]);
        return 0;
    }
    return wait_foreground(jb);
}

static int builtin_nothing(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* A line of redirections alone: they are made (files created), nothing runs. */
static const struct builtin redirect_only = {"", builtin_nothing, ""};

/* A builtin with redirections: run it with them, then put 0-2 back. */
static int run_builtin(const struct builtin *b, int argc, char **argv, const struct words *w)
{
    int saved[3];
    fflush(NULL);
    for (int fd = 0; fd < 3; fd++)
        saved[fd] = w->nredirs ? fcntl(fd, F_DUPFD_CLOEXEC, 10) : -1;
    int status = apply_redirs(w) < 0 ? 1 : b->run(argc, argv);
    fflush(NULL);
    for (int fd = 0; fd < 3; fd++)
        if (saved[fd] >= 0) {
            dup2(saved[fd], fd);
            close(saved[fd]);
        }
    return status;
}

/* Run one pipeline: a lone builtin in the shell itself, else programs. */
static void run_command(struct words *stages, int n, int background)
{
    if (n == 1 && !background)
        for (size_t i = 0; i < NBUILTINS; i++)
            if (strcmp(stages[0].argv[0], builtins[i].name) == 0) {
                last_status = run_builtin(&builtins[i], stages[0].argc, stages[0].argv, &stages[0]);
                return;
            }
    last_status = run_pipeline(stages, n, background);
}

/* Run each ';'- or '&'-separated pipeline of line in turn; empty ones do nothing. */
static void run_line(const char *line)
{
    static struct words w[MAX_STAGES]; /* static: keeps the text off the stack */
    while (line) {
        int n = 0;
        for (;;) {
            int argc = split(line, &w[n], &line);
            if (argc < 0) {
                last_status = 2;
                return;
            }
            if (argc == 0 && n == 0 && w[0].nredirs > 0 && w[0].sep != '|' && w[0].sep != '&') {
                /* "> file" alone: make the redirections (create the file), run nothing */
                last_status = run_builtin(&redirect_only, 0, NULL, &w[0]);
                break;
            }
            if (argc == 0 && (w[n].sep == '|' || (n > 0 && w[n].sep != '|'))) {
                fprintf(stderr, "sh: syntax error near '%c'\n", w[n].sep ? w[n].sep : '|');
                last_status = 2;
                return;
            }
            if (argc > 0)
                n++;
            if (w[n - (argc > 0)].sep != '|' || !line)
                break;
            if (n == MAX_STAGES) {
                fprintf(stderr, "sh: too many programs in a pipeline (at most %d)\n", MAX_STAGES);
                last_status = 2;
                return;
            }
        }
        if (n > 0)
            run_command(w, n, w[n - 1].sep == '&');
    }
}

/* End of input in init's shell: nothing more will come, so rather than
 * leave init to start a shell that waits forever, power off with $?. */
static void end_of_input(void)
{
    char status[8];
    snprintf(status, sizeof(status), "%d", last_status);
    char *argv[] = {"poweroff", status, NULL};
    printf("sh: end of input; powering off (status %s)\n", status);
    builtin_poweroff(2, argv); /* returns only if that failed: then just exit */
}

/* `sh FILE`: run each line of the script; the last status is ours. */
static int run_script(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "sh: %s: %s\n", path, strerror(errno));
        return 127;
    }
    static char buf[4096];
    char line[MAX_LINE];
    size_t have = 0, len = 0;
    bool eof = false;
    while (!eof || have > 0) {
        if (!eof && have < sizeof(buf)) {
            ssize_t n = read(fd, buf + have, sizeof(buf) - have);
            if (n <= 0)
                eof = true;
            else
                have += (size_t)n;
        }
        size_t i = 0;
        while (i < have && buf[i] != '\n')
            i++;
        if (i == have && !eof && have < sizeof(buf))
            continue; /* the line goes on in the next read */
        len = i < sizeof(line) - 1 ? i : sizeof(line) - 1;
        memcpy(line, buf, len);
        line[len] = '\0';
        size_t used = i < have ? i + 1 : have;
        memmove(buf, buf + used, have - used);
        have -= used;
        run_line(line);
    }
    close(fd);
    return last_status;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
        run_line(argv[2]);
        return last_status;
    }
    if (argc >= 2)
        return run_script(argv[1]);
    char line[MAX_LINE];
    /* Job control when the console is our controlling terminal and we lead
     * its foreground group (init's shell): programs get groups of their own. */
    job_control = isatty(0) && tcgetpgrp(0) == getpgrp();
    if (job_control)
        for (size_t k = 0; k < sizeof(job_signals) / sizeof(job_signals[0]); k++)
            signal(job_signals[k], SIG_IGN);
    for (;;) {
        reap_background(1);
        fputs("$ ", stdout);
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin)) {
            putchar('\n');
            if (getppid() == 1)
                end_of_input();
            return last_status;
        }
        size_t len = strlen(line);
        if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
            int c;
            while ((c = getchar()) != EOF && c != '\n')
                ; /* throw away the rest of the overlong line */
            fprintf(stderr, "sh: line too long (at most %d bytes)\n", MAX_LINE - 2);
            last_status = 2;
            continue;
        }
        run_line(line);
    }
}
