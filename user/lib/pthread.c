/*
 * pthread.c - threads: create, join, detach, exit, once, attributes, the
 * thread list, signals to threads, fork() with its atfork handlers, and
 * glibc's clone(). Thread memory comes from pthread_tls.c; the raw clone
 * and the self-unmapping exit from clone.S.
 *
 * The thread list (list_lock, a __cowos_lock) holds every thread that has
 * not been joined or has not ended detached: join, detach and kill look a
 * thread up there first (ESRCH otherwise), and fork's child keeps only the
 * caller. fork() itself stays the bare system call (unistd.c) until there
 * are atfork handlers or threads: then its hook leads here. A thread's detach state changes by compare-and-swap under the
 * same lock. live counts threads that have not ended (atomic): the last to
 * end calls exit(0), as glibc. A program that never makes a thread or
 * registers a handler links none of this.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include "user/lib/pthread_impl.h"

_Static_assert(SYS_clone == 97 && SYS_munmap == 33 && SYS_exit == 2,
               "user/lib/clone.S calls system calls 97, 33 and 2");

#define DEFAULT_STACK (2UL << 20)
#define PAGE 4096UL
#define ATFORK_MAX 64
#define THREAD_FLAGS                                                                           \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |       \
     CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)

static struct __cowos_lock list_lock;
static struct pthread *list_head;
static int live = 1;
static int concurrency;

static void list_add(struct pthread *t)
{
    t->prev = NULL;
    t->next = list_head;
    if (list_head)
        list_head->prev = t;
    list_head = t;
}

static void list_remove(struct pthread *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        list_head = t->next;
    if (t->next)
        t->next->prev = t->prev;
}

/* Is t a thread of the list? Call with list_lock held. */
static int list_has(struct pthread *t)
{
    for (struct pthread *p = list_head; p; p = p->next)
        if (p == t)
            return 1;
    return 0;
}

/* The first pthread_create: the caller joins the list and asks the kernel
 * to clear its tid when it ends (so it can be joined too). */
static pid_t fork_with_handlers(void);

static void threading_start(void)
{
    struct pthread *self = pt_self();
    self->tid = (int)syscall1(SYS_set_tid_address, (long)&self->tid);
    list_add(self);
    __cowos_fork_hook = fork_with_handlers;
    __atomic_store_n(&__cowos_threaded, 1, __ATOMIC_RELEASE);
}

/* ---- attributes ---- */

int pthread_attr_init(pthread_attr_t *a)
{
    memset(a, 0, sizeof(*a));
    a->guardsize = PAGE;
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
    (void)a;
    return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
    if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
        return EINVAL;
    a->detachstate = state;
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
    *state = a->detachstate;
    return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
    if (size < PTHREAD_STACK_MIN)
        return EINVAL;
    a->stacksize = size;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size)
{
    *size = a->stacksize ? a->stacksize : DEFAULT_STACK;
    return 0;
}

int pthread_attr_setguardsize(pthread_attr_t *a, size_t size)
{
    a->guardsize = size;
    a->guardsize_set = 1;
    return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t *a, size_t *size)
{
    *size = a->guardsize;
    return 0;
}

int pthread_attr_setstack(pthread_attr_t *a, void *addr, size_t size)
{
    if (size < PTHREAD_STACK_MIN)
        return EINVAL;
    a->stackaddr = addr;
    a->stacksize = size;
    a->stack_set = 1;
    return 0;
}

int pthread_attr_getstack(const pthread_attr_t *a, void **addr, size_t *size)
{
    *addr = a->stackaddr;
    *size = a->stacksize ? a->stacksize : DEFAULT_STACK;
    return 0;
}

int pthread_attr_setscope(pthread_attr_t *a, int scope)
{
    if (scope == PTHREAD_SCOPE_PROCESS)
        return ENOTSUP; /* as Linux: every thread competes system-wide */
    if (scope != PTHREAD_SCOPE_SYSTEM)
        return EINVAL;
    a->scope = scope;
    return 0;
}

int pthread_attr_getscope(const pthread_attr_t *a, int *scope)
{
    *scope = a->scope;
    return 0;
}

int pthread_attr_setinheritsched(pthread_attr_t *a, int inherit)
{
    if (inherit != PTHREAD_INHERIT_SCHED && inherit != PTHREAD_EXPLICIT_SCHED)
        return EINVAL;
    a->inheritsched = inherit;
    return 0;
}

int pthread_attr_getinheritsched(const pthread_attr_t *a, int *inherit)
{
    *inherit = a->inheritsched;
    return 0;
}

int pthread_attr_setschedpolicy(pthread_attr_t *a, int policy)
{
    if (policy == SCHED_FIFO || policy == SCHED_RR)
        return ENOTSUP; /* the scheduler has one policy */
    if (policy != SCHED_OTHER)
        return EINVAL;
    a->schedpolicy = policy;
    return 0;
}

int pthread_attr_getschedpolicy(const pthread_attr_t *a, int *policy)
{
    *policy = a->schedpolicy;
    return 0;
}

int pthread_attr_setschedparam(pthread_attr_t *a, const struct sched_param *p)
{
    (void)a;
    return p->sched_priority == 0 ? 0 : EINVAL;
}

int pthread_attr_getschedparam(const pthread_attr_t *a, struct sched_param *p)
{
    (void)a;
    p->sched_priority = 0;
    return 0;
}

int sched_get_priority_min(int policy)
{
    if (policy != SCHED_OTHER && policy != SCHED_FIFO && policy != SCHED_RR) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int sched_get_priority_max(int policy)
{
    return sched_get_priority_min(policy);
}

/* ---- create, exit, join, detach ---- */

/*
 * A new thread's memory: a mapping with a guard of guard bytes (PROT_NONE),
 * a stack of stack bytes, then TLS (initialised) and a zeroed TCB; or, with
 * ustack, the TLS and TCB carved from the top of the caller's stack. Returns
 * the TCB with map/map_len set and *sp the stack top, or NULL (errno).
 */
static struct pthread *thread_memory(size_t stack, size_t guard, void *ustack, size_t ustack_size, void **sp)
{
    size_t top = pt_round_up(pt_tls_size() + sizeof(struct pthread), PT_TLS_ALIGN);
    if (ustack) { /* TLS and TCB at the top of the caller's stack */
        uintptr_t end = ((uintptr_t)ustack + ustack_size) & ~(uintptr_t)(PT_TLS_ALIGN - 1);
        if (end - (uintptr_t)ustack < top + PTHREAD_STACK_MIN / 2) {
            errno = EINVAL;
            return NULL;
        }
        struct pthread *t = pt_tls_setup((char *)(end - pt_round_up(sizeof(struct pthread), PT_TLS_ALIGN)));
        *sp = (char *)t - pt_tls_size();
        return t;
    }
    size_t len = guard + pt_round_up(stack + top, PAGE);
    char *m = mmap(NULL, len, guard ? PROT_NONE : PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    if (guard && mprotect(m + guard, len - guard, PROT_READ | PROT_WRITE) < 0) {
        int e = errno;
        munmap(m, len);
        errno = e;
        return NULL;
    }
    char *tcb_at = m + len - pt_round_up(sizeof(struct pthread), PT_TLS_ALIGN);
    struct pthread *t = pt_tls_setup(tcb_at);
    t->map = m;
    t->map_len = len;
    t->canary = pt_self()->canary;
    *sp = tcb_at - pt_tls_size();
    return t;
}


static int start_thread(void *arg)
{
    struct pthread *self = arg;
    pthread_exit(self->start(self->arg));
}

int pthread_create(pthread_t *out, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    pthread_attr_t def;
    if (!attr) {
        pthread_attr_init(&def);
        attr = &def;
    }
    if (attr->detachstate != PTHREAD_CREATE_JOINABLE && attr->detachstate != PTHREAD_CREATE_DETACHED)
        return EINVAL;
    size_t stack = attr->stacksize ? attr->stacksize : DEFAULT_STACK;
    size_t guard = (attr->guardsize + PAGE - 1) & ~(PAGE - 1);
    if (guard < attr->guardsize)
        return EINVAL;
    int saved = errno;
    void *sp;
    struct pthread *t = thread_memory(stack, guard, attr->stack_set ? attr->stackaddr : NULL,
                                     stack, &sp);
    if (!t) {
        int e = errno == EINVAL ? EINVAL : EAGAIN;
        errno = saved;
        return e;
    }
    t->start = fn;
    t->arg = arg;
    t->detach = attr->detachstate == PTHREAD_CREATE_DETACHED ? DT_DETACHED : DT_JOINABLE;

    __cowos_lock(&list_lock);
    if (!__cowos_threaded)
        threading_start();
    list_add(t);
    __atomic_add_fetch(&live, 1, __ATOMIC_RELAXED);
    long r = __cowos_clone(THREAD_FLAGS, sp, (int *)&t->tid, (int *)&t->tid, t, start_thread, t);
    if (r < 0) {
        __atomic_sub_fetch(&live, 1, __ATOMIC_RELAXED);
        list_remove(t);
    }
    __cowos_unlock(&list_lock);
    if (r < 0) {
        if (t->map)
            munmap(t->map, t->map_len);
        errno = saved;
        return r == -ENOMEM ? EAGAIN : (int)-r;
    }
    *out = (pthread_t)t;
    return 0;
}

_Noreturn void pthread_exit(void *result)
{
    struct pthread *self = pt_self();
    self->result = result;
    while (self->cleanup) {
        struct __cowos_cleanup *c = self->cleanup;
        self->cleanup = c->next;
        c->fn(c->arg);
    }
    pt_keys_run_destructors(self);
    if (__atomic_sub_fetch(&live, 1, __ATOMIC_ACQ_REL) == 0)
        exit(0); /* the last thread: atexit handlers, stdio flushed, as glibc */
    /* No handler may run on a stack about to go away. */
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    __cowos_lock(&list_lock);
    int was = DT_JOINABLE;
    if (!__atomic_compare_exchange_n(&self->detach, &was, DT_EXITED, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        /* Detached: nobody will join, the thread frees itself. The kernel
         * must not write the tid into memory that is about to be unmapped. */
        list_remove(self);
        syscall1(SYS_set_tid_address, 0);
        __cowos_unlock(&list_lock);
        __cowos_unmap_exit(self->map, self->map_len);
    }
    __cowos_unlock(&list_lock);
    __cowos_unmap_exit(NULL, 0); /* the joiner frees the stack after the kernel clears tid */
}

/* Wait until the kernel has cleared t's tid (t is off the CPU for good). */
static void wait_gone(struct pthread *t)
{
    int tid;
    while ((tid = t->tid) != 0)
        pt_futex_wait(&t->tid, tid, NULL, 0);
}

/* Free an ended thread that is ours now (joined, or detached after ending). */
static void reap(struct pthread *t)
{
    wait_gone(t);
    __cowos_lock(&list_lock);
    list_remove(t);
    __cowos_unlock(&list_lock);
    if (t->map)
        munmap(t->map, t->map_len);
}

int pthread_join(pthread_t th, void **result)
{
    struct pthread *t = (struct pthread *)th, *self = pt_self();
    if (t == self)
        return EDEADLK;
    __cowos_lock(&list_lock);
    int err = 0;
    int zero = 0;
    if (!list_has(t))
        err = ESRCH;
    else if (__atomic_load_n(&t->detach, __ATOMIC_ACQUIRE) == DT_DETACHED ||
             !__atomic_compare_exchange_n(&t->joining, &zero, 1, 0, __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED))
        err = EINVAL;
    __cowos_unlock(&list_lock);
    if (err)
        return err;
    wait_gone(t);
    if (result)
        *result = t->result;
    reap(t);
    return 0;
}

int pthread_detach(pthread_t th)
{
    struct pthread *t = (struct pthread *)th;
    __cowos_lock(&list_lock);
    if (!list_has(t) && !(t == pt_self() && !__cowos_threaded)) {
        __cowos_unlock(&list_lock);
        return ESRCH;
    }
    int was = DT_JOINABLE;
    int err = 0;
    if (t->joining)
        err = EINVAL;
    else if (!__atomic_compare_exchange_n(&t->detach, &was, DT_DETACHED, 0, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE)) {
        if (was == DT_DETACHED)
            err = EINVAL;
        else /* DT_EXITED: it ended before anyone joined; it is ours to free */
            t->joining = 1;
    }
    __cowos_unlock(&list_lock);
    if (!err && was == DT_EXITED)
        reap(t);
    return err;
}

pthread_t pthread_self(void)
{
    return (pthread_t)pt_self();
}

int pthread_equal(pthread_t a, pthread_t b)
{
    return a == b;
}

/* once: 0 never run, 1 running, 2 done (a futex word) */
int pthread_once(pthread_once_t *once, void (*fn)(void))
{
    if (__atomic_load_n(once, __ATOMIC_ACQUIRE) == 2)
        return 0;
    int zero = 0;
    if (__atomic_compare_exchange_n(once, &zero, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
        fn();
        __atomic_store_n(once, 2, __ATOMIC_RELEASE);
        pt_futex_wake(once, 0x7fffffff, 0);
        return 0;
    }
    int v;
    while ((v = __atomic_load_n(once, __ATOMIC_ACQUIRE)) != 2)
        pt_futex_wait(once, v, NULL, 0);
    return 0;
}

void __cowos_cleanup_push(struct __cowos_cleanup *c, void (*fn)(void *), void *arg)
{
    struct pthread *self = pt_self();
    c->fn = fn;
    c->arg = arg;
    c->next = self->cleanup;
    self->cleanup = c;
}

void __cowos_cleanup_pop(struct __cowos_cleanup *c, int execute)
{
    pt_self()->cleanup = c->next;
    if (execute)
        c->fn(c->arg);
}

/* ---- signals, CPUs, odds and ends ---- */

int pthread_kill(pthread_t th, int sig)
{
    struct pthread *t = (struct pthread *)th;
    int tid = 0;
    if (t == pt_self()) {
        tid = pt_tid();
    } else {
        __cowos_lock(&list_lock);
        if (list_has(t) && __atomic_load_n(&t->detach, __ATOMIC_ACQUIRE) != DT_EXITED)
            tid = t->tid;
        __cowos_unlock(&list_lock);
    }
    if (tid == 0)
        return sig < 0 || sig > 64 ? EINVAL : ESRCH;
    long r = syscall3(SYS_tgkill, getpid(), tid, sig);
    return r == -ESRCH ? ESRCH : (int)-r;
}

int pthread_getschedparam(pthread_t t, int *policy, struct sched_param *p)
{
    int e = pthread_kill(t, 0); /* ESRCH for a thread that is gone */
    if (e)
        return e;
    *policy = SCHED_OTHER;
    p->sched_priority = 0;
    return 0;
}

int pthread_setschedparam(pthread_t t, int policy, const struct sched_param *p)
{
    int e = pthread_kill(t, 0);
    if (e)
        return e;
    if (policy == SCHED_FIFO || policy == SCHED_RR)
        return ENOTSUP; /* the scheduler has one policy */
    if (policy != SCHED_OTHER || p->sched_priority != 0)
        return EINVAL;
    return 0;
}

int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
    int saved = errno;
    int r = sigprocmask(how, set, old) < 0 ? errno : 0;
    errno = saved;
    return r;
}

int sched_getcpu(void)
{
    unsigned cpu = 0;
    return sysret(syscall3(SYS_getcpu, (long)&cpu, 0, 0)) < 0 ? -1 : (int)cpu;
}

int pthread_getconcurrency(void)
{
    return concurrency;
}

int pthread_setconcurrency(int level)
{
    if (level < 0)
        return EINVAL;
    concurrency = level; /* only remembered: every thread is a kernel thread */
    return 0;
}

int pthread_yield(void)
{
    return sched_yield();
}

int pthread_cancel(pthread_t t)
{
    (void)t;
    return ENOSYS;
}

int pthread_setcancelstate(int state, int *old)
{
    if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE)
        return EINVAL;
    if (state == PTHREAD_CANCEL_ENABLE)
        return ENOSYS;
    if (old)
        *old = PTHREAD_CANCEL_DISABLE;
    return 0;
}

int pthread_setcanceltype(int type, int *old)
{
    if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS)
        return EINVAL;
    if (type == PTHREAD_CANCEL_ASYNCHRONOUS)
        return ENOSYS;
    if (old)
        *old = PTHREAD_CANCEL_DEFERRED;
    return 0;
}

void pthread_testcancel(void)
{
    /* Nothing can be pending: pthread_cancel never succeeds. */
}

/* ---- fork and its handlers ---- */

static struct {
    void (*prepare)(void), (*parent)(void), (*child)(void);
} atfork[ATFORK_MAX];
static int natfork;
static struct __cowos_lock atfork_lock;

int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    __cowos_lock(&atfork_lock);
    if (natfork == ATFORK_MAX) {
        __cowos_unlock(&atfork_lock);
        return ENOMEM;
    }
    atfork[natfork].prepare = prepare;
    atfork[natfork].parent = parent;
    atfork[natfork].child = child;
    natfork++;
    __cowos_fork_hook = fork_with_handlers;
    __cowos_unlock(&atfork_lock);
    return 0;
}

/*
 * The child of a threaded process: only the caller goes on. Its list holds
 * just the caller; the others' stacks are unmapped (their memory is a
 * copy nobody will run on); the kernel is told where the caller's tid is.
 */
static void fork_child_threads(void)
{
    struct pthread *self = pt_self();
    self->tid = (int)syscall1(SYS_set_tid_address, (long)&self->tid);
    struct pthread *others = list_head;
    list_head = NULL;
    list_add(self);
    live = 1;
    for (struct pthread *t = others, *next; t; t = next) {
        next = t->next;
        if (t != self && t->map)
            munmap(t->map, t->map_len);
    }
}

/*
 * fork() (unistd.c) comes here once the process has atfork handlers or
 * threads. The handlers run outside the library's locks: they may
 * allocate or print.
 */
static pid_t fork_with_handlers(void)
{
    int threaded = __atomic_load_n(&__cowos_threaded, __ATOMIC_ACQUIRE);
    if (threaded)
        __cowos_lock(&atfork_lock);
    int n = natfork;
    for (int i = n - 1; i >= 0; i--)
        if (atfork[i].prepare)
            atfork[i].prepare();
    if (threaded) {
        __cowos_lock(&list_lock);
        __cowos_stdio_fork_lock();
        __cowos_malloc_fork_lock();
    }
    long r = syscall0(SYS_fork);
    if (r == 0) {
        struct pthread *self = pt_self();
        if (self->tid) /* the parent's (a read first: no needless copy) */
            self->tid = 0;
        if (threaded)
            fork_child_threads();
    }
    if (threaded) {
        __cowos_malloc_fork_unlock();
        __cowos_stdio_fork_unlock();
        __cowos_unlock(&list_lock);
    }
    for (int i = 0; i < n; i++) {
        void (*fn)(void) = r == 0 ? atfork[i].child : atfork[i].parent;
        if (fn)
            fn();
    }
    if (threaded)
        __cowos_unlock(&atfork_lock);
    return (pid_t)sysret(r);
}

/* ---- glibc's clone() ---- */

int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    int *ptid = va_arg(ap, int *);
    void *tls = va_arg(ap, void *);
    int *ctid = va_arg(ap, int *);
    va_end(ap);
    if (!fn || !stack) {
        errno = EINVAL;
        return -1;
    }
    return (int)sysret(__cowos_clone((unsigned long)(unsigned)flags, stack, ptid, ctid, tls, fn, arg));
}

/* ---- CPU counts and sets (no affinity in the kernel: see <sched.h>) ---- */

int get_nprocs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int get_nprocs_conf(void)
{
    return get_nprocs();
}

int __cowos_cpu_count(size_t size, const cpu_set_t *set)
{
    int n = 0;
    for (size_t i = 0; i < size / sizeof(unsigned long); i++)
        n += __builtin_popcountl(set->__bits[i]);
    return n;
}

int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)
{
    int cpus = get_nprocs();
    if (pid < 0) {
        errno = ESRCH;
        return -1;
    }
    if (size * 8 < (size_t)cpus || size % sizeof(unsigned long)) {
        errno = EINVAL;
        return -1;
    }
    memset(set, 0, size);
    for (int c = 0; c < cpus; c++)
        set->__bits[c / 64] |= 1UL << (c % 64);
    return 0;
}

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set)
{
    cpu_set_t all;
    if (sched_getaffinity(pid, sizeof(all), &all) < 0)
        return -1;
    for (int c = 0; c < get_nprocs(); c++)
        if ((size_t)c >= size * 8 || !((set->__bits[c / 64] >> (c % 64)) & 1)) {
            errno = ENOSYS; /* a narrower set: the kernel cannot hold a thread to it */
            return -1;
        }
    return 0;
}
