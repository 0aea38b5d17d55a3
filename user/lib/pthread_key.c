/*
 * pthread_key.c - thread-specific data. A key is a slot of keys[]; its
 * generation is odd while it is in use and bumps at create and delete, so
 * a value stored under a deleted key is never seen through a new key that
 * reuses the slot. key_lock guards keys[]; each thread's values (an array
 * in its TCB, allocated at the first pthread_setspecific) are its own.
 */
#include <errno.h>
#include <stdlib.h>
#include "user/lib/pthread_impl.h"

static struct {
    unsigned seq; /* odd: in use */
    void (*destructor)(void *);
} keys[PTHREAD_KEYS_MAX];
static struct __cowos_lock key_lock;

int pthread_key_create(pthread_key_t *k, void (*destructor)(void *))
{
    __cowos_lock(&key_lock);
    for (unsigned i = 0; i < PTHREAD_KEYS_MAX; i++)
        if (!(keys[i].seq & 1)) {
            keys[i].destructor = destructor;
            __atomic_add_fetch(&keys[i].seq, 1, __ATOMIC_RELEASE);
            __cowos_unlock(&key_lock);
            *k = i;
            return 0;
        }
    __cowos_unlock(&key_lock);
    return EAGAIN;
}

int pthread_key_delete(pthread_key_t k)
{
    int e = 0;
    __cowos_lock(&key_lock);
    if (k >= PTHREAD_KEYS_MAX || !(keys[k].seq & 1))
        e = EINVAL;
    else
        __atomic_add_fetch(&keys[k].seq, 1, __ATOMIC_RELEASE);
    __cowos_unlock(&key_lock);
    return e;
}

void *pthread_getspecific(pthread_key_t k)
{
    struct pthread *self = pt_self();
    if (k >= PTHREAD_KEYS_MAX || !self->keys)
        return NULL;
    struct pt_keyval *kv = &self->keys[k];
    return kv->seq == __atomic_load_n(&keys[k].seq, __ATOMIC_ACQUIRE) ? kv->value : NULL;
}

int pthread_setspecific(pthread_key_t k, const void *value)
{
    if (k >= PTHREAD_KEYS_MAX)
        return EINVAL;
    unsigned seq = __atomic_load_n(&keys[k].seq, __ATOMIC_ACQUIRE);
    if (!(seq & 1))
        return EINVAL;
    struct pthread *self = pt_self();
    if (!self->keys) {
        int saved = errno;
        self->keys = calloc(PTHREAD_KEYS_MAX, sizeof(struct pt_keyval));
        errno = saved;
        if (!self->keys)
            return ENOMEM;
    }
    self->keys[k].seq = seq;
    self->keys[k].value = (void *)value;
    return 0;
}

void pt_keys_run_destructors(struct pthread *self)
{
    if (!self->keys)
        return;
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
        int ran = 0;
        for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
            struct pt_keyval *kv = &self->keys[k];
            unsigned seq = __atomic_load_n(&keys[k].seq, __ATOMIC_ACQUIRE);
            void (*destructor)(void *) = keys[k].destructor;
            if (!kv->value || kv->seq != seq || !(seq & 1))
                continue;
            void *v = kv->value;
            kv->value = NULL; /* before the call, as POSIX says */
            if (destructor) {
                destructor(v);
                ran = 1;
            }
        }
        if (!ran)
            break;
    }
    free(self->keys);
    self->keys = NULL;
}
