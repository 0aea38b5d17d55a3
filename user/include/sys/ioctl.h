/*
 * sys/ioctl.h - cowos user library: the console's ioctls (Linux's numbers).
 * TIOCSCTTY makes the console the controlling terminal of the caller's
 * session (a session leader's; EPERM otherwise or if another session has
 * it); TIOCGPGRP/TIOCSPGRP are tcgetpgrp/tcsetpgrp; TCGETS is what isatty
 * asks. Anything else, or another descriptor, is ENOTTY.
 */
#ifndef _COWOS_SYS_IOCTL_H
#define _COWOS_SYS_IOCTL_H

#define TCGETS 0x5401
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410

/* 0, or -1 with errno (EBADF, ENOTTY, EPERM, EINVAL, EFAULT, EIO). */
int ioctl(int fd, unsigned long request, ...);

#endif
