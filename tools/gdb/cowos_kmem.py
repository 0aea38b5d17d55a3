# cowos_kmem.py - read cowos's memory-management state from a stopped kernel.
#
# Owns: physical reads through the direct map, PTE decoding, page-table
# walks, frame reference counts (mm/pmm.c's refcount[]), the process table
# (proc/proc.c's table[]) and the COW counters (mm/cow.c's stats).
# Does not own any GDB command (cowos_cmds.py) and never writes to the target.
# The constants below mirror mm/pte.h and mm/memlayout.h; the kernel is built
# with -g (no macros in its debug info), so they are repeated here.

import struct

import gdb

DIRECT_MAP_BASE = 0xFFFF800000000000  # mm/memlayout.h: RAM at this + paddr
USER_TOP = 0x0000800000000000
PAGE_SIZE = 4096
PTE_ADDR_MASK = 0x000FFFFFFFFFF000
FRAME_RESERVED = 0xFFFFFFFF  # mm/pmm.c: a frame the allocator never hands out

PTE_P = 1 << 0
PTE_W = 1 << 1
PTE_U = 1 << 2
PTE_A = 1 << 5
PTE_D = 1 << 6
PTE_PS = 1 << 7
PTE_COW = 1 << 9
PTE_NX = 1 << 63

# Bit number and name of every flag ptwalk decodes, in the order printed.
FLAG_NAMES = [
    (0, "P"), (1, "W"), (2, "U"), (3, "PWT"), (4, "PCD"), (5, "A"), (6, "D"),
    (7, "PS"), (8, "G"), (9, "COW"), (10, "AVL10"), (11, "AVL11"), (63, "NX"),
]

LEVELS = ["PML4", "PDPT", "PD", "PT"]
LEVEL_SHIFT = [39, 30, 21, 12]


class KmemError(gdb.GdbError):
    """A kernel structure could not be read; the message says what to do."""


def decode_flags(pte):
    """'P W U A COW NX': the names of the flag bits set in one entry."""
    return " ".join(name for bit, name in FLAG_NAMES if pte & (1 << bit))


def vmmap_flags(pte):
    """The flag column of /bin/vmmap: 'rw- u COW AD'."""
    return "r%s%s %s %s %s%s" % (
        "w" if pte & PTE_W else "-",
        "-" if pte & PTE_NX else "x",
        "u" if pte & PTE_U else "-",
        "COW" if pte & PTE_COW else "---",
        "A" if pte & PTE_A else "-",
        "D" if pte & PTE_D else "-",
    )


def index_of(va, level):
    return (va >> LEVEL_SHIFT[level]) & 0x1FF


def canonical(va):
    """va with bits 48-63 copied from bit 47, as the CPU requires."""
    va &= 0xFFFFFFFFFFFFFFFF
    if va & (1 << 47):
        return va | 0xFFFF000000000000
    return va & 0x0000FFFFFFFFFFFF


def to_int(value):
    """A gdb.Value (pointer, integer, register) or a Python int as an int."""
    if isinstance(value, int):
        return value
    t = value.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR:
        return int(value.cast(gdb.lookup_type("unsigned long")))
    if t.code in (gdb.TYPE_CODE_ARRAY, gdb.TYPE_CODE_STRUCT):
        return int(value.address.cast(gdb.lookup_type("unsigned long")))
    return int(value) & 0xFFFFFFFFFFFFFFFF


def eval_int(expr):
    """Evaluate a GDB expression (0x40f000, va, &assigned, $cr3) to an int."""
    try:
        return to_int(gdb.parse_and_eval(expr))
    except gdb.error as e:
        raise gdb.GdbError("cannot evaluate '%s': %s" % (expr, e))


# ---- physical memory -------------------------------------------------------


def read_phys(pa, length):
    """length bytes at physical address pa, read through the direct map."""
    try:
        mem = gdb.selected_inferior().read_memory(DIRECT_MAP_BASE + pa, length)
    except gdb.MemoryError:
        raise KmemError(
            "cannot read physical 0x%x through the direct map at 0x%x: the kernel's "
            "page tables are not up yet (stop at kmain or later)" % (pa, DIRECT_MAP_BASE + pa))
    return bytes(mem)


class Tables:
    """Page-table pages read once each during one command (they do not change
    while the target is stopped)."""

    def __init__(self):
        self.cache = {}

    def table(self, pa):
        pa &= PTE_ADDR_MASK
        t = self.cache.get(pa)
        if t is None:
            t = struct.unpack("<512Q", read_phys(pa, PAGE_SIZE))
            self.cache[pa] = t
        return t


def walk(cr3, va, tables=None):
    """The four (or fewer) steps of translating va under cr3: a list of dicts
    with level, index, entry_pa (where the entry sits), pte, and next (the
    table or frame it points at). Stops at a non-present entry or a huge page."""
    tables = tables or Tables()
    steps = []
    table_pa = cr3 & PTE_ADDR_MASK
    for level in range(4):
        i = index_of(va, level)
        pte = tables.table(table_pa)[i]
        step = {"level": level, "index": i, "entry_pa": table_pa + 8 * i, "pte": pte,
                "next": pte & PTE_ADDR_MASK, "huge": False}
        steps.append(step)
        if not pte & PTE_P:
            break
        if level in (1, 2) and pte & PTE_PS:
            step["huge"] = True
            break
        table_pa = pte & PTE_ADDR_MASK
    return steps


def user_leaves(cr3, tables=None):
    """Every present 4 KiB user page under cr3, in address order, as
    (va, pte, entry_pa). Only PML4 slots 0-255 (the private user half)."""
    tables = tables or Tables()
    pml4 = tables.table(cr3)
    for i4 in range(256):
        if not pml4[i4] & PTE_P:
            continue
        pdpt = tables.table(pml4[i4])
        for i3 in range(512):
            if not pdpt[i3] & PTE_P or pdpt[i3] & PTE_PS:
                continue
            pd = tables.table(pdpt[i3])
            for i2 in range(512):
                if not pd[i2] & PTE_P or pd[i2] & PTE_PS:
                    continue
                pt_pa = pd[i2] & PTE_ADDR_MASK
                pt = tables.table(pt_pa)
                for i1 in range(512):
                    if pt[i1] & PTE_P:
                        va = (i4 << 39) | (i3 << 30) | (i2 << 21) | (i1 << 12)
                        yield va, pt[i1], pt_pa + 8 * i1


def user_tables(cr3, tables=None):
    """The page-table pages of cr3's user half (the PML4 itself included), as
    (level name, table pa, first va it covers, bytes it covers)."""
    tables = tables or Tables()
    cr3 &= PTE_ADDR_MASK
    yield "PML4", cr3, 0, USER_TOP
    pml4 = tables.table(cr3)
    for i4 in range(256):
        if not pml4[i4] & PTE_P:
            continue
        pdpt_pa = pml4[i4] & PTE_ADDR_MASK
        yield "PDPT", pdpt_pa, i4 << 39, 1 << 39
        pdpt = tables.table(pdpt_pa)
        for i3 in range(512):
            if not pdpt[i3] & PTE_P or pdpt[i3] & PTE_PS:
                continue
            pd_pa = pdpt[i3] & PTE_ADDR_MASK
            yield "PD", pd_pa, (i4 << 39) | (i3 << 30), 1 << 30
            pd = tables.table(pd_pa)
            for i2 in range(512):
                if pd[i2] & PTE_P and not pd[i2] & PTE_PS:
                    yield ("PT", pd[i2] & PTE_ADDR_MASK,
                           (i4 << 39) | (i3 << 30) | (i2 << 21), 1 << 21)


# ---- kernel variables --------------------------------------------------------


_symbols = {}  # (name, source) -> gdb.Symbol; emptied when symbol files change


def _forget_symbols(event=None):
    _symbols.clear()


gdb.events.new_objfile.connect(_forget_symbols)
if hasattr(gdb.events, "free_objfile"):
    gdb.events.free_objfile.connect(_forget_symbols)


def static_var(name, source):
    """The file-static variable name defined in source (e.g. 'mm/pmm.c')."""
    sym = _symbols.get((name, source))
    if sym is None:
        for candidate in gdb.lookup_static_symbols(name):
            if candidate.symtab is not None and candidate.symtab.filename.endswith(source):
                sym = _symbols[(name, source)] = candidate
                break
    if sym is not None:
        return sym.value()
    try:  # a global, or debug info that names files differently
        return gdb.parse_and_eval("'%s'::%s" % (source.split("/")[-1], name))
    except gdb.error:
        raise KmemError("no variable '%s' in %s: is build/kernel.elf loaded?" % (name, source))


def refcount(pa):
    """The reference count of the frame holding pa: an int, or None when the
    allocator does not manage that frame (reserved, or beyond RAM)."""
    counts = to_int(static_var("refcount", "mm/pmm.c"))
    limit = int(static_var("frame_limit", "mm/pmm.c"))
    frame = pa >> 12
    if counts == 0 or frame >= limit:
        return None
    mem = gdb.selected_inferior().read_memory(counts + 4 * frame, 4)
    n = struct.unpack("<I", bytes(mem))[0]
    return None if n == FRAME_RESERVED else n


def frame_counts():
    """(frames managed, frames free) from mm/pmm.c."""
    return int(static_var("total_frames", "mm/pmm.c")), int(static_var("free_top", "mm/pmm.c"))


def cr3_now():
    """The CR3 the CPU is using, as QEMU reports it (PCID bits dropped)."""
    if not eval_int("(unsigned long)$cr0") & (1 << 31):
        raise KmemError("paging is off (CR0.PG = 0): no page tables to walk yet")
    return eval_int("(unsigned long)$cr3") & PTE_ADDR_MASK


def selected_cpu():
    """The struct cpu of the virtual CPU GDB has selected: QEMU gives each
    virtual CPU a thread (info threads), numbered from 1 in the kernel's
    CPU order (kernel/smp.c's cpus[]); cpu0 before the others start."""
    try:
        n = gdb.selected_thread().num - 1
        if 0 <= n < to_int(static_var("online_count", "kernel/smp.c")):
            return static_var("cpus", "kernel/smp.c")[n].dereference()
    except (gdb.error, AttributeError):
        pass
    return gdb.parse_and_eval("cpu0")


def current_proc():
    """The selected CPU's current process as a gdb.Value, or None (in that
    CPU's scheduler, or at boot)."""
    cur = selected_cpu()["current"]
    return cur.dereference() if to_int(cur) else None


class Proc:
    """What the commands need of one struct proc."""

    def __init__(self, p):
        self.value = p
        self.pid = int(p["pid"])
        self.state = str(p["state"]).replace("PROC_", "").lower()
        name = p["name"]
        n = name.type.strip_typedefs().range()[1] + 1
        raw = bytes(int(name[i]) & 0xFF for i in range(n))
        self.name = raw.split(b"\0")[0].decode("ascii", "replace")
        parent = p["parent"]
        self.ppid = int(parent.dereference()["pid"]) if to_int(parent) else 0
        vs = p["vs"]
        self.cr3 = to_int(vs.dereference()["pml4"]) if to_int(vs) else None
        self.address = to_int(p.address)
        self.cpu = int(p["cpu"]) if bool(p["has_run"]) else None  # runs on, or last ran on


def processes():
    """Every slot of proc.c's table that is not UNUSED, in table order."""
    table = static_var("table", "proc/proc.c")
    low, high = table.type.strip_typedefs().range()
    out = []
    for i in range(low, high + 1):
        p = table[i]
        if str(p["state"]) != "PROC_UNUSED":
            out.append(Proc(p))
    return out


def find_proc(pid):
    for p in processes():
        if p.pid == pid:
            return p
    raise KmemError("no process with pid %d (see ps)" % pid)


def owner_of(cr3):
    """'pid 2 cowdemo', 'kernel' or 'no process' for a page-table root."""
    cr3 &= PTE_ADDR_MASK
    for p in processes():
        if p.cr3 == cr3:
            return "pid %d %s" % (p.pid, p.name)
    kspace = static_var("kernel_space", "mm/vmm.c")
    if to_int(kspace["pml4"]) == cr3:
        return "the kernel's own tables"
    return "no live process"


def cow_stats():
    """mm/cow.c's stats as an ordered list of (field, value)."""
    stats = static_var("stats", "mm/cow.c")
    return [(f.name, int(stats[f.name])) for f in stats.type.strip_typedefs().fields()]


# ---- memory areas (mm/vma.h) --------------------------------------------------

VMA_READ, VMA_WRITE, VMA_EXEC = 0x1, 0x2, 0x4
VMA_SHARED, VMA_GROWSDOWN, VMA_DONTFORK, VMA_WIPEONFORK = 0x10, 0x20, 0x40, 0x80


def zero_frame():
    """The shared zero frame's physical address (mm/vma.c)."""
    return to_int(static_var("zero_frame", "mm/vma.c"))


def areas(p):
    """The areas of a Proc (its struct vma_set), in address order, as dicts:
    start, end, prot, flags, offset, name, and obj: None for private
    anonymous memory, else a dict with refs, file (bool) and resident."""
    set_ptr = p.value["areas"]
    if not to_int(set_ptr):
        return []
    s = set_ptr.dereference()
    result = []
    for i in range(int(s["count"])):
        a = s["areas"][i].dereference()
        name = a["name"]
        obj = None
        if to_int(a["obj"]):
            o = a["obj"].dereference()
            obj = {"refs": int(o["refs"]), "file": to_int(o["file"]) != 0,
                   "resident": int(o["resident"])}
        result.append({"start": to_int(a["start"]), "end": to_int(a["end"]),
                       "prot": int(a["prot"]), "flags": int(a["flags"]),
                       "offset": to_int(a["offset"]), "obj": obj,
                       "name": name.string() if to_int(name) else ""})
    return result
