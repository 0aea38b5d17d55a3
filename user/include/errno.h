/*
 * errno.h - cowos user library: errno and the error numbers.
 * The numbers are the kernel's own list (kernel/errno.h, Linux's values),
 * included by relative path so the two can never drift apart; a few more
 * names that portable programs expect follow with their Linux values.
 * errno is a plain global int: cowos processes have one thread.
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
extern int errno;

#endif
