/*
 * errno.h - cowos user library: errno and the error numbers.
 * The numbers are the kernel's own list (kernel/errno.h, Linux's values),
 * included by relative path so the two can never drift apart; a few more
 * names that portable programs expect follow with their Linux values.
 * errno is per thread (a thread-local int in user/lib/errno.c): the macro
 * names the calling thread's, as glibc's does.
 */
#ifndef _COWOS_ERRNO_H
#define _COWOS_ERRNO_H

#include "../../kernel/errno.h"

#ifndef EXDEV
#define EXDEV 18
#endif
#ifndef ENODEV
#define ENODEV 19
#endif
#ifndef ETXTBSY
#define ETXTBSY 26
#endif
#ifndef EROFS
#define EROFS 30
#endif
#ifndef EMLINK
#define EMLINK 31
#endif
#ifndef EDOM
#define EDOM 33
#endif
#ifndef EDEADLK
#define EDEADLK 35
#endif
#ifndef EDEADLOCK
#define EDEADLOCK EDEADLK
#endif
#ifndef ENOTEMPTY
#define ENOTEMPTY 39
#endif
#ifndef ELOOP
#define ELOOP 40
#endif
#ifndef EOVERFLOW
#define EOVERFLOW 75
#endif
#ifndef EILSEQ
#define EILSEQ 84
#endif
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 95
#endif
#ifndef ENOTSUP
#define ENOTSUP EOPNOTSUPP
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT 110
#endif
#ifndef EWOULDBLOCK
#define EWOULDBLOCK EAGAIN
#endif

/* Set by a failing library call; never cleared by a successful one. */
int *__errno_location(void) __attribute__((__const__));
#define errno (*__errno_location())

#endif
