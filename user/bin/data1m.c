/*
 * data1m.c - /bin/bigdata with a 1 MiB initialised array instead of 16:
 * make bench starts /bin/true, data1m, data4m and bigdata to show that exec
 * costs the same whatever a program's size until its pages are touched.
 * Same arguments as bigdata (idle, touch, wait).
 */
#define BIGDATA_MIB 1
#include "bigdata.c"
