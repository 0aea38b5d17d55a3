/*
 * brk.c - the program break: the end of the heap that sbrk/malloc grow.
 *
 * The heap is the area "[heap]", [brk_start, page_round_up(brk)): private
 * anonymous memory, so growing it costs no frame until a page is touched
 * (mm/vma.c fills it on demand), and shrinking unmaps and frees what was
 * touched. Growth stops at BRK_LIMIT, a page short of any other area, and
 * at more than all of RAM in one step (Linux's heuristic overcommit); brk then returns the old break, as Linux's brk does.
 */
#include "proc/brk.h"
#include "kernel/errno.h"
#include "mm/memlayout.h"
#include "mm/vma.h"
#include "proc/proc.h"

const char brk_area_name[] = "[heap]";

long sys_brk(long uaddr)
{
    struct proc *p = proc_current();
    vaddr_t want = (vaddr_t)uaddr;
    if (want < proc_group(p)->brk_start || want > BRK_LIMIT)
        return (long)proc_group(p)->brk; /* includes brk(0): just report the break */
    vaddr_t old_top = page_round_up(proc_group(p)->brk), new_top = page_round_up(want);
    if (new_top > old_top) {
        /* As Linux: the new part and one page above it must be free. */
        if (!vma_may_commit(new_top - old_top) ||
            !vma_range_free(p->areas, old_top, new_top + PAGE_SIZE) ||
            vma_map(p->areas, old_top, new_top, VMA_READ | VMA_WRITE, VMA_MAYWRITE, NULL, 0, 0,
                    brk_area_name) < 0)
            return (long)proc_group(p)->brk;
    } else if (new_top < old_top && vma_unmap(p->areas, new_top, old_top) < 0) {
        return (long)proc_group(p)->brk;
    }
    if (new_top > old_top && p->areas->lock_future)
        vma_populate(p->areas, old_top, new_top, true); /* mlockall(MCL_FUTURE) */
    proc_group(p)->brk = want;
    return (long)want;
}
