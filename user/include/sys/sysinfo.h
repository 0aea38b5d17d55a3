/*
 * sys/sysinfo.h - cowos user library: glibc's CPU counts (the CPUs
 * online; every CPU there is, is online here).
 */
#ifndef _COWOS_SYS_SYSINFO_H
#define _COWOS_SYS_SYSINFO_H

int get_nprocs(void);
int get_nprocs_conf(void);

#endif
