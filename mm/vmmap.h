/*
 * vmmap.h - showing a process's user mappings to user space (/bin/vmmap).
 */
#ifndef MM_VMMAP_H
#define MM_VMMAP_H

/* vmmap(pid, buf, max): fill up to max struct cowos_vmentry for the mapped
 * user pages of pid (0 = the caller), in address order. Returns how many
 * pages are mapped (possibly more than max), -ESRCH, -EINVAL or -EFAULT. */
long sys_vmmap(long pid, long ubuf, long max);
/* vmareas(pid, buf, max): fill up to max struct cowos_vmarea for the areas of
 * pid (0 = the caller), in address order, with their page counts. Returns how
 * many areas there are (possibly more than max), -ESRCH, -EINVAL or -EFAULT. */
long sys_vmareas(long pid, long ubuf, long max);

#endif
