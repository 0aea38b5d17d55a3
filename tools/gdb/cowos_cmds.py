# cowos_cmds.py - the GDB commands a student uses to watch fork and COW:
# ptwalk, vmmap (areas, then pages), ps, pframe, cow-stats and user-symbols.
#
# Owns the commands' arguments and printed text; all reading of kernel state
# is in cowos_kmem.py. Nothing here changes the target. Every command works
# whenever the target is stopped after kmain has set up the direct map.

import os

import gdb

import cowos_kmem as km


def out(text=""):
    gdb.write(text + "\n")


def argv(arg):
    try:
        return gdb.string_to_argv(arg)
    except Exception as e:  # unbalanced quotes
        raise gdb.GdbError(str(e))


def parse_pid(word):
    try:
        return int(word, 0)
    except ValueError:
        raise gdb.GdbError("'%s' is not a pid" % word)


def kernel_reads(invoke):
    """Wrap a command's invoke: memory the kernel has not set up yet (before
    kmain, paging off) becomes one clear error instead of a Python trace."""

    def wrapper(self, arg, from_tty):
        try:
            return invoke(self, arg, from_tty)
        except gdb.MemoryError as e:
            raise gdb.GdbError("%s: %s (the kernel's tables are readable from kmain on)" % (
                self.name, e))

    return wrapper


def what_a_write_does(pte, refs):
    """One phrase on what the next user write to this page will do."""
    if not pte & km.PTE_U:
        return "kernel page: no user access"
    if pte & km.PTE_W:
        return "writable: a write goes straight to this frame"
    if pte & km.PTE_COW:
        if refs is not None and refs > 1:
            return "COW, shared: a write faults and cow_fault copies the page"
        return "COW, last user: a write faults and cow_fault makes it writable (no copy)"
    return "read-only: a write is a protection fault (SIGSEGV)"


class Ptwalk(gdb.Command):
    """Walk the four page-table levels for one virtual address.

Usage: ptwalk VA [CR3]
       ptwalk VA pid PID
VA and CR3 are GDB expressions (0x40f000, va, &assigned, $rsp); put an
expression with spaces in quotes. CR3 defaults to the CPU's ($cr3), which in
a fault or system call is the address space of the process that entered the
kernel. For each level: the index taken from VA, the physical address of the
entry, its value, what it points at and its flags (P W U PWT PCD A D PS G COW
NX); for the last level the frame and its reference count (mm/pmm.c).
Afterwards $pt_pte, $pt_frame and $pt_refcount hold the last entry, its frame
and the count (-1: not a managed frame), e.g. for `set $old = $pt_frame`."""

    def __init__(self):
        self.name = "ptwalk"
        super().__init__("ptwalk", gdb.COMMAND_USER, gdb.COMPLETE_EXPRESSION)

    @kernel_reads
    def invoke(self, arg, from_tty):
        words = argv(arg)
        if len(words) == 3 and words[1] == "pid":
            p = km.find_proc(parse_pid(words[2]))
            if p.cr3 is None:
                raise gdb.GdbError("pid %d has no address space (it has exited)" % p.pid)
            cr3, whose = p.cr3, "pid %d %s" % (p.pid, p.name)
        elif len(words) == 2:
            cr3 = km.eval_int(words[1]) & km.PTE_ADDR_MASK
            whose = km.owner_of(cr3)
        elif len(words) == 1:
            cr3 = km.cr3_now()
            whose = km.owner_of(cr3)
        else:
            raise gdb.GdbError("usage: ptwalk VA [CR3 | pid PID]")
        va = km.eval_int(words[0])
        if km.canonical(va) != va:
            raise gdb.GdbError("0x%x is not canonical (bits 63-48 must copy bit 47)" % va)

        steps = km.walk(cr3, va)
        out("ptwalk 0x%x, CR3 0x%x (%s)" % (va, cr3, whose))
        out("  %-5s %5s  %-18s  %-18s  %-12s %s" % (
            "level", "index", "entry at (phys)", "entry", "points to", "flags"))
        for s in steps:
            pte = s["pte"]
            target = "0x%x" % s["next"] if pte & km.PTE_P else "-"
            out("  %-5s %5d  0x%-16x  0x%016x  %-12s %s" % (
                km.LEVELS[s["level"]], s["index"], s["entry_pa"], pte, target,
                km.decode_flags(pte) if pte & km.PTE_P else "not present"))
        last = steps[-1]
        if not last["pte"] & km.PTE_P:
            out("  -> not mapped: the %s entry is not present" % km.LEVELS[last["level"]])
            return
        size = {1: 1 << 30, 2: 1 << 21}.get(last["level"], km.PAGE_SIZE) if last["huge"] \
            else km.PAGE_SIZE
        frame = last["next"] & ~(size - 1)
        pa = frame + (va & (size - 1))
        refs = km.refcount(frame)
        gdb.set_convenience_variable("pt_pte", last["pte"])
        gdb.set_convenience_variable("pt_frame", frame)
        gdb.set_convenience_variable("pt_refcount", -1 if refs is None else refs)
        refs_text = "not managed by the frame allocator" if refs is None else "refcount %d" % refs
        kind = "%d KiB page" % (size // 1024) if size != km.PAGE_SIZE else "frame"
        out("  -> physical 0x%x: %s 0x%x, %s" % (pa, kind, frame, refs_text))
        out("     %s" % what_a_write_does(last["pte"], refs))


def print_map(pages, per_page):
    """Print (va, pte, entry address) pages the way /bin/vmmap does: runs of
    pages whose addresses and frames both follow on, with equal flags and
    counts, on one line (one line per page with per_page), then the totals."""
    out("    virtual address range      pages  frame(s)             flags        refs")
    rows = [(va, pte & km.PTE_ADDR_MASK, km.vmmap_flags(pte), km.refcount(pte & km.PTE_ADDR_MASK),
             pte) for va, pte, _ in pages]
    shared = sum(1 for r in rows if r[3] is not None and r[3] > 1)
    cow = sum(1 for r in rows if r[4] & km.PTE_COW)
    lines = 0
    i = 0
    while i < len(rows):
        j = i + 1
        while (not per_page and j < len(rows) and rows[j][0] == rows[j - 1][0] + km.PAGE_SIZE
               and rows[j][1] == rows[j - 1][1] + km.PAGE_SIZE and rows[j][2] == rows[i][2]
               and rows[j][3] == rows[i][3]):
            j += 1
        va, frame, flags, refs, _ = rows[i]
        frames = "%x" % frame if j - i == 1 else "%x-%x" % (frame, rows[j - 1][1] + km.PAGE_SIZE - 1)
        out("    %12x-%-12x %6d  %-19s  %s  %4s" % (
            va, rows[j - 1][0] + km.PAGE_SIZE - 1, j - i, frames, flags,
            "?" if refs is None else refs))
        lines += 1
        i = j
    out("    %d pages (%d KiB) in %d lines; %d on a frame shared with another mapping "
        "(refs > 1); %d marked COW" % (len(rows), 4 * len(rows), lines, shared, cow))


def print_areas(p, pages):
    """Print p's areas (struct vma_set) as /bin/vmmap does, with page counts
    from pages (va, pte, entry address), and what backs each area."""
    zero = km.zero_frame()
    out("%-25s %-4s %-8s %6s %5s %5s %5s %5s %5s  %-14s %s" % (
        "range", "perm", "offset", "pages", "rss", "shr", "priv", "cow", "zero", "object", "name"))
    for a in km.areas(p):
        perms = "".join(c if a["prot"] & bit else "-" for c, bit in (
            ("r", km.VMA_READ), ("w", km.VMA_WRITE), ("x", km.VMA_EXEC)))
        perms += "s" if a["flags"] & km.VMA_SHARED else "p"
        rss = shr = cow = zp = 0
        for va, pte, _ in pages:
            if a["start"] <= va < a["end"]:
                frame = pte & km.PTE_ADDR_MASK
                refs = km.refcount(frame)
                rss += 1
                shr += refs is not None and refs > 1
                cow += (pte & km.PTE_COW) != 0
                zp += frame == zero
        o = a["obj"]
        if o is None:
            obj = "anon"
        else:
            obj = "%s refs %d" % ("file" if o["file"] else "shm", o["refs"])
        offset = a["offset"] if o is not None and o["file"] else 0
        extra = " (dontfork)" if a["flags"] & km.VMA_DONTFORK else (
            " (wipeonfork)" if a["flags"] & km.VMA_WIPEONFORK else "")
        out("%012x-%012x %s %08x %6d %5d %5d %5d %5d %5d  %-14s %s%s" % (
            a["start"], a["end"], perms, offset, (a["end"] - a["start"]) // km.PAGE_SIZE, rss, shr,
            rss - shr, cow, zp, obj, a["name"], extra))


class Vmmap(gdb.Command):
    """The memory areas and mapped user pages of a process, as /bin/vmmap and
/bin/vmmap -p print them.

Usage: vmmap [-p] [PID]
PID defaults to the current process (of the CPU GDB has selected). First its areas, from
its struct vma_set (mm/vma.h): range, perms (rwx, p private or s shared),
file offset, pages, and per area the resident (rss), shared (refs > 1),
private, COW and zero-frame pages, what backs it (anon: private anonymous
memory; file/shm refs N: a page-cache or shared-memory object and the areas
pointing at it) and its name. Then its pages: each line is a run of
pages whose virtual addresses and frames both follow on, with the same flags
and reference count; -p prints one line per page. Flags: r (always), w
writable, x executable (- = NX), u user, COW copy-on-write, A accessed,
D dirty. refs: how many page tables map the frame (mm/pmm.c)."""

    def __init__(self):
        self.name = "vmmap"
        super().__init__("vmmap", gdb.COMMAND_USER)

    @kernel_reads
    def invoke(self, arg, from_tty):
        words = argv(arg)
        per_page = "-p" in words
        words = [w for w in words if w != "-p"]
        if len(words) > 1:
            raise gdb.GdbError("usage: vmmap [-p] [PID]")
        if words:
            p = km.find_proc(parse_pid(words[0]))
        else:
            cur = km.current_proc()
            if cur is None:
                raise gdb.GdbError("no current process (scheduler or boot): give a pid, see ps")
            p = km.Proc(cur)
        if p.cr3 is None:
            out("Mapped user pages of pid %d (%s): none, it has exited (%s)" % (
                p.pid, p.name, p.state))
            return
        pages = list(km.user_leaves(p.cr3))
        out("Memory areas of pid %d (%s):" % (p.pid, p.name or "no name yet"))
        print_areas(p, pages)
        out("Mapped user pages of pid %d (%s), CR3 0x%x:" % (p.pid, p.name or "no name yet", p.cr3))
        print_map(pages, per_page)


class Ps(gdb.Command):
    """The process table (proc/proc.c's table[]): every slot in use.

Usage: ps
Columns: pid, parent's pid, state, name, CR3 (the physical address of its
PML4, vs->pml4), user pages mapped, the CPU it runs on (or last ran on; -
if it never ran). '*' marks the current process of the CPU GDB has
selected (info threads: one thread per virtual CPU), the process whose
system call or fault that CPU is running now."""

    def __init__(self):
        self.name = "ps"
        super().__init__("ps", gdb.COMMAND_USER)

    @kernel_reads
    def invoke(self, arg, from_tty):
        if argv(arg):
            raise gdb.GdbError("usage: ps")
        cur = km.current_proc()
        cur_addr = km.to_int(cur.address) if cur is not None else None
        tables = km.Tables()
        out("   PID  PPID  STATE      NAME              CR3        PAGES  CPU")
        for p in km.processes():
            if p.cr3 is None:
                cr3, pages = "-", "-"
            else:
                cr3 = "0x%x" % p.cr3
                pages = str(sum(1 for _ in km.user_leaves(p.cr3, tables)))
            out("%s %5d %5s  %-9s  %-16s  %-10s %5s  %3s" % (
                "*" if p.address == cur_addr else " ", p.pid, p.ppid or "-", p.state,
                p.name, cr3, pages, "-" if p.cpu is None else p.cpu))
        if cur is None:
            out("(no current process: this CPU is in its scheduler or still booting)")


class Pframe(gdb.Command):
    """A physical frame's reference count and every page table that maps it.

Usage: pframe PADDR
PADDR is a GDB expression (0x1b4000, old, $frame); it is rounded down to its
frame. Scans the user half of every live process's page tables for leaf
entries pointing at the frame, and notes a frame that is itself one of their
page-table pages. (Named pframe because GDB's own `frame` selects stack frames.)"""

    def __init__(self):
        self.name = "pframe"
        super().__init__("pframe", gdb.COMMAND_USER, gdb.COMPLETE_EXPRESSION)

    @kernel_reads
    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise gdb.GdbError("usage: pframe PADDR")
        pa = km.eval_int(arg)
        frame = pa & km.PTE_ADDR_MASK
        refs = km.refcount(frame)
        if refs is None:
            out("frame 0x%x: not managed by the frame allocator (reserved, or not RAM)" % frame)
        else:
            out("frame 0x%x: refcount %d%s" % (frame, refs, " (free)" if refs == 0 else ""))
        tables = km.Tables()
        maps, live = 0, 0
        for p in km.processes():
            if p.cr3 is None:
                continue
            live += 1
            for level, table_pa, first, span in km.user_tables(p.cr3, tables):
                if table_pa == frame:
                    out("  page-table page: the %s of pid %d (%s) for %x-%x" % (
                        level, p.pid, p.name, first, first + span - 1))
            for va, pte, entry_pa in km.user_leaves(p.cr3, tables):
                if pte & km.PTE_ADDR_MASK == frame:
                    maps += 1
                    out("  mapped by pid %d (%s) at 0x%x  %s  (PT entry at 0x%x)" % (
                        p.pid, p.name, va, km.vmmap_flags(pte), entry_pa))
        out("  %d user mapping%s in %d live address space%s" % (
            maps, "" if maps == 1 else "s", live, "" if live == 1 else "s"))
        if refs is not None and refs != maps and maps:
            out("  note: refcount %d but %d mapping%s: other references are held outside "
                "user page tables" % (refs, maps, "" if maps == 1 else "s"))


# What each counter of mm/cow.c's stats means; unknown fields print bare.
STAT_TEXT = {
    "forks": "fork() calls",
    "fork_pages_shared": "pages fork shared copy-on-write",
    "fork_pages_copied": "pages fork copied at once (fork=copy)",
    "fork_pt_pages": "page-table pages built for children",
    "faults": "COW faults resolved",
    "copies": "of them copied the page (frame still shared)",
    "reuses": "of them reused the frame (last user: no copy)",
    "fault_cycles": "TSC cycles in those page faults",
    "copy_cycles": "TSC cycles in the 4 KiB copies",
}


class CowStats(gdb.Command):
    """The kernel's copy-on-write counters (mm/cow.c's stats) and free frames.

Usage: cow-stats
The same numbers /bin/memstat gets from the memstat system call."""

    def __init__(self):
        self.name = "cow-stats"
        super().__init__("cow-stats", gdb.COMMAND_USER)

    @kernel_reads
    def invoke(self, arg, from_tty):
        if argv(arg):
            raise gdb.GdbError("usage: cow-stats")
        out("COW counters (mm/cow.c stats):")
        for name, value in km.cow_stats():
            out("  %-18s %12d  %s" % (name, value, STAT_TEXT.get(name, "")))
        total, free = km.frame_counts()
        mode = int(km.static_var("mode", "proc/fork.c"))  # enum fork_mode
        trace = bool(int(km.static_var("trace", "mm/cow.c")))
        out("frames: %d managed, %d free; fork mode: %s; cowtrace: %s" % (
            total, free, {0: "copy-on-write, whole tables shared (fork=cow)",
                          1: "copy-on-write page by page (fork=page)",
                          2: "copy (fork=copy)"}.get(mode, str(mode)),
            "on" if trace else "off"))


def gdb_path(path):
    """path quoted as GDB's file commands read it (spaces, quotes, backslashes)."""
    return '"%s"' % path.replace("\\", "\\\\").replace('"', '\\"')


def build_dir():
    """The build directory: where the loaded kernel.elf is (build/ by default)."""
    for objfile in gdb.objfiles():
        if objfile.filename and os.path.basename(objfile.filename) == "kernel.elf":
            return os.path.dirname(objfile.filename)
    return "build"


class UserSymbols(gdb.Command):
    """Load the symbols of a user program next to the kernel's.

Usage: user-symbols NAME      NAME in build/user/bin or build/user/tests
       user-symbols /bin/NAME  the same, by its path in the initrd
       user-symbols PATH       an ELF file
       user-symbols            list the programs; say which one is loaded
       user-symbols off        unload it
Programs are linked at 0x400000 and every process maps its own there, so one
program's symbols are loaded at a time (loading another replaces them).
Breakpoints are on virtual addresses: with QEMU (TCG) `break main` stops in
any process whose code reaches that address. If other programs run too, add
a condition: break main if $_streq(cpu0.current->name, "cowdemo")."""

    loaded = None

    def __init__(self):
        self.name = "user-symbols"
        super().__init__("user-symbols", gdb.COMMAND_USER, gdb.COMPLETE_FILENAME)

    def programs(self):
        found = []
        for sub in ("bin", "tests"):
            d = os.path.join(build_dir(), "user", sub)
            if os.path.isdir(d):
                for name in sorted(os.listdir(d)):
                    path = os.path.join(d, name)
                    if "." not in name and os.path.isfile(path) and os.access(path, os.X_OK):
                        found.append((sub, name))
        return found

    def resolve(self, word):
        b = build_dir()
        candidates = []
        if word.startswith("/bin/") or word.startswith("/tests/"):
            sub, name = word[1:].split("/", 1)
            candidates.append(os.path.join(b, "user", sub, name))
        elif "/" not in word:
            candidates += [os.path.join(b, "user", "bin", word),
                           os.path.join(b, "user", "tests", word)]
        candidates.append(word)
        for c in candidates:
            if os.path.isfile(c):
                return c
        raise gdb.GdbError("user-symbols: no program '%s' (looked for %s; run make first)" % (
            word, ", ".join(os.path.relpath(c) for c in candidates)))

    def unload(self):
        if UserSymbols.loaded:
            gdb.execute("remove-symbol-file %s" % gdb_path(UserSymbols.loaded), to_string=True)
            UserSymbols.loaded = None

    @kernel_reads
    def invoke(self, arg, from_tty):
        words = argv(arg)
        if not words:
            names = [("/%s/%s" % p) for p in self.programs()]
            out("user-symbols: loaded: %s" % (
                os.path.relpath(UserSymbols.loaded) if UserSymbols.loaded else "none"))
            out("programs: %s" % (" ".join(names) if names else "(none built in %s)" % build_dir()))
            return
        if len(words) != 1:
            raise gdb.GdbError("usage: user-symbols [NAME | /bin/NAME | PATH | off]")
        if words[0] == "off":
            self.unload()
            out("user-symbols: none loaded")
            return
        path = self.resolve(words[0])
        self.unload()
        gdb.execute("add-symbol-file %s" % gdb_path(path), to_string=True)
        UserSymbols.loaded = path
        where = ""
        try:
            main = gdb.lookup_global_symbol("main")
            if main is not None and main.symtab.objfile.filename.endswith(os.path.basename(path)):
                where = ", main at 0x%x" % km.to_int(main.value().address)
        except (gdb.error, AttributeError):
            pass
        out("user-symbols: %s%s (the kernel's symbols stay loaded)" % (
            os.path.relpath(path), where))


def register():
    Ptwalk()
    Vmmap()
    Ps()
    Pframe()
    CowStats()
    UserSymbols()
