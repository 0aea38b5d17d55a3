#!/usr/bin/env python3
# figures.py - draws the three figures of docs/ as SVG, with no library but
# Python's own: address-space.svg (the virtual layout and where it lands in
# RAM), pte.svg (the address split and the entry format with PTE_COW), and
# cow-fault.svg (the path of a write to a COW page, with the GDB commands of
# docs/gdb-tour.md and the frames it showed). `make docs` runs it; the output
# is committed and byte-for-byte the same on every run.
# The numbers come from mm/memlayout.h, mm/pte.h and a real run of the tour.

import os
import sys

# The frames of cowdemo's `assigned` page in the run docs/gdb-tour.md shows:
# shared after fork, and the child's copy after its write.
OLD_FRAME = 0x20A000
NEW_FRAME = 0x221000
OLD, NEW_ = "0x%x" % OLD_FRAME, "0x%x" % NEW_FRAME
PTE_NX = 1 << 63

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"

KERNEL = "#dbe7f5"     # kernel half
KERNEL_EDGE = "#5b7fa8"
USER = "#e2f0da"       # user half
USER_EDGE = "#5f8f4e"
HOLE = "#efefef"
COW = "#f6c667"        # the COW bit and COW pages
COW_EDGE = "#b7862a"
NEW = "#bfe3f0"        # a frame made by a copy
INK = "#222222"
SOFT = "#666666"
GDB = "#6a3d9a"        # GDB commands


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Svg:
    """A list of SVG elements with a few drawing verbs."""

    def __init__(self, width, height, title):
        self.w, self.h = width, height
        self.parts = []
        self.title = title

    def rect(self, x, y, w, h, fill="none", stroke=INK, sw=1.2, rx=0, dash=None):
        extra = ' stroke-dasharray="%s"' % dash if dash else ""
        self.parts.append(
            '<rect x="%g" y="%g" width="%g" height="%g" rx="%g" fill="%s" stroke="%s" '
            'stroke-width="%g"%s/>' % (x, y, w, h, rx, fill, stroke, sw, extra))

    def text(self, x, y, s, size=13, anchor="start", weight="normal", fill=INK, mono=False,
             italic=False):
        style = ' font-style="italic"' if italic else ""
        if mono:
            style += ' xml:space="preserve"'  # keep the column alignment of commands
        self.parts.append(
            '<text x="%g" y="%g" font-family="%s" font-size="%g" text-anchor="%s" '
            'font-weight="%s" fill="%s"%s>%s</text>' % (
                x, y, MONO if mono else FONT, size, anchor, weight, fill, style, escape(s)))

    def vtext(self, x, y, s, size=12, fill=INK, weight="normal"):
        """Text read bottom to top, centred on (x, y)."""
        self.parts.append(
            '<text x="%g" y="%g" font-family="%s" font-size="%g" text-anchor="middle" '
            'font-weight="%s" fill="%s" transform="rotate(-90 %g %g)">%s</text>' % (
                x, y, FONT, size, weight, fill, x, y, escape(s)))

    def lines(self, x, y, rows, size=13, gap=None, **kw):
        gap = gap or size * 1.35
        for i, r in enumerate(rows):
            self.text(x, y + i * gap, r, size=size, **kw)

    def line(self, x1, y1, x2, y2, stroke=INK, sw=1.3, arrow=False, dash=None):
        extra = ' marker-end="url(#arrow)"' if arrow else ""
        if dash:
            extra += ' stroke-dasharray="%s"' % dash
        self.parts.append('<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-width="%g"%s/>'
                          % (x1, y1, x2, y2, stroke, sw, extra))

    def path(self, d, stroke=INK, sw=1.3, arrow=False, fill="none", dash=None):
        extra = ' marker-end="url(#arrow)"' if arrow else ""
        if dash:
            extra += ' stroke-dasharray="%s"' % dash
        self.parts.append('<path d="%s" fill="%s" stroke="%s" stroke-width="%g"%s/>'
                          % (d, fill, stroke, sw, extra))

    def polygon(self, points, fill, stroke=INK, sw=1.2):
        pts = " ".join("%g,%g" % p for p in points)
        self.parts.append('<polygon points="%s" fill="%s" stroke="%s" stroke-width="%g"/>'
                          % (pts, fill, stroke, sw))

    def box(self, x, y, w, h, rows, fill="white", stroke=INK, size=13, bold_first=False,
            mono_rest=False, rx=6):
        """A rounded box with centred lines of text."""
        self.rect(x, y, w, h, fill=fill, stroke=stroke, rx=rx)
        gap = size * 1.35
        top = y + h / 2 - (len(rows) - 1) * gap / 2 + size * 0.35
        for i, r in enumerate(rows):
            self.text(x + w / 2, top + i * gap, r, size=size, anchor="middle",
                      weight="bold" if bold_first and i == 0 else "normal",
                      mono=mono_rest and i > 0)

    def render(self):
        head = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">'
            % (self.w, self.h, self.w, self.h),
            "<title>%s</title>" % escape(self.title),
            "<defs>",
            '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            'fill="%s"/></marker>' % INK,
            '<pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="8" height="8" fill="%s"/>'
            '<line x1="0" y1="0" x2="0" y2="8" stroke="#cccccc" stroke-width="3"/></pattern>'
            % HOLE,
            "</defs>",
            '<rect width="100%" height="100%" fill="white"/>',
        ]
        return "\n".join(head + self.parts + ["</svg>", ""])


# ---- 1. the address space ---------------------------------------------------------


def address_space():
    s = Svg(980, 770, "cowos: the virtual address space and physical memory")
    s.text(24, 34, "The virtual address space of every cowos process (not to scale)", size=19,
           weight="bold")
    s.text(24, 56, "mm/memlayout.h. The upper half is the kernel's, the same page tables in "
           "every address space; the lower half is each process's own.", size=13, fill=SOFT)

    x, w = 200, 300
    regions = [
        # (label lines, address of the bottom edge, height, fill, PML4 note)
        (["kernel image: text, rodata, data, bss", "linked at KERNEL_VMA + its load address"],
         "0xffffffff80000000", 62, KERNEL, "PML4 511"),
        (["(unused)"], None, 26, "white", ""),
        (["kernel heap (large kmallocs)"], "0xffffc80000000000", 44, KERNEL, "PML4 400"),
        (["kernel stacks, one per process,", "each with an unmapped guard page"],
         "0xffffc00000000000", 52, KERNEL, "PML4 384"),
        (["direct map: all RAM at", "DIRECT_MAP_BASE + physical address"],
         "0xffff800000000000", 62, KERNEL, "PML4 256+"),
        (["non-canonical hole", "(bits 63-48 must copy bit 47)"], "0x0000800000000000", 64,
         "url(#hatch)", ""),
        (["user stack: top at 0x7ffffffff000,", "grows down (up to 8 MiB)"], None, 50, USER,
         "PML4 255"),
        (["(free)"], None, 44, "white", ""),
        (["heap: brk, grows up"], None, 38, USER, ""),
        (["data + bss: writable, COW after fork"], None, 44, COW, ""),
        (["text + rodata: read-only, shared"], "0x0000000000400000", 44, USER, "PML4 0"),
        (["unmapped: NULL pointers fault"], "0x0000000000000000", 34, "white", ""),
    ]
    y = 100
    s.text(x + w / 2, y - 10, "virtual", size=14, anchor="middle", weight="bold")
    s.text(x - 8, y + 4, "0xffffffffffffffff", size=11, anchor="end", mono=True)
    pos = {}
    for label, addr, h, fill, note in regions:
        edge = KERNEL_EDGE if fill == KERNEL else USER_EDGE if fill in (USER, COW) else SOFT
        s.rect(x, y, w, h, fill=fill, stroke=edge)
        s.lines(x + w / 2, y + h / 2 - (len(label) - 1) * 8 + 5, label, size=12, gap=16,
                anchor="middle")
        if addr:
            s.text(x - 8, y + h + 4, addr, size=11, anchor="end", mono=True)
        if note:
            s.text(x - 8, y + h / 2 + 4, note, size=11, anchor="end", fill=SOFT)
        pos[label[0]] = (y, h)
        y += h
    ybottom = y

    # The two halves, named down the left margin.
    top_k, bot_k = 100, pos["non-canonical hole"][0]
    s.line(40, top_k + 2, 40, bot_k - 2, stroke=KERNEL_EDGE, sw=3)
    s.vtext(30, (top_k + bot_k) / 2, "kernel half: PML4 256-511, shared", fill=KERNEL_EDGE)
    top_u = pos["user stack: top at 0x7ffffffff000,"][0]
    s.line(40, top_u + 2, 40, ybottom - 2, stroke=USER_EDGE, sw=3)
    s.vtext(30, (top_u + ybottom) / 2, "user half: PML4 0-255, own", fill=USER_EDGE)

    # Physical memory on the right.
    px, pw = 760, 180
    py = 160
    s.text(px + pw / 2, py - 10, "physical RAM", size=14, anchor="middle", weight="bold")
    phys = [
        (["free frames and", "frames of processes,", "page tables, heap"], 150, "white"),
        (["refcount[] and free", "stack (mm/pmm.c)"], 46, "#f3e7f7"),
        (["kernel image", "loaded at 1 MiB"], 56, KERNEL),
        (["low memory (BIOS,", "never allocated)"], 44, HOLE),
    ]
    y = py
    ppos = {}
    for label, h, fill in phys:
        s.rect(px, y, pw, h, fill=fill, stroke=SOFT)
        s.lines(px + pw / 2, y + h / 2 - (len(label) - 1) * 7.5 + 5, label, size=12, gap=15,
                anchor="middle")
        ppos[label[0]] = (y, h)
        y += h
    s.text(px - 6, y + 4, "0", size=11, anchor="end", mono=True)
    s.text(px - 6, ppos["low memory (BIOS,"][0] + 4, "0x100000", size=11, anchor="end", mono=True)

    # Arrows: image -> 1 MiB, direct map -> all of RAM, user pages -> frames.
    ky, kh = pos["kernel image: text, rodata, data, bss"]
    iy, ih = ppos["kernel image"]
    s.path("M%g,%g C%g,%g %g,%g %g,%g" % (x + w, ky + kh / 2, 650, ky + kh / 2, 640, iy + ih / 2,
                                          px - 2, iy + ih / 2), stroke=KERNEL_EDGE, arrow=True)
    s.text(530, ky + kh / 2 - 6, "the image", size=11, fill=KERNEL_EDGE)
    dy, dh = pos["direct map: all RAM at"]
    s.path("M%g,%g C%g,%g %g,%g %g,%g" % (x + w, dy + 12, 620, dy + 12, 650, py + 12, px - 2,
                                          py + 12), stroke=KERNEL_EDGE, arrow=True)
    s.path("M%g,%g C%g,%g %g,%g %g,%g" % (x + w, dy + dh - 10, 620, dy + dh - 10, 650, y - 8,
                                          px - 2, y - 8), stroke=KERNEL_EDGE, arrow=True)
    s.lines(530, dy + dh / 2 - 2, ["the direct map:", "all of RAM"], size=11, fill=KERNEL_EDGE,
            gap=14)
    cy, ch = pos["data + bss: writable, COW after fork"]
    fy, fh = ppos["free frames and"]
    s.path("M%g,%g C%g,%g %g,%g %g,%g" % (x + w, cy + ch / 2, 680, cy + ch / 2, 660,
                                          fy + fh - 30, px - 2, fy + fh - 30),
           stroke=COW_EDGE, arrow=True, dash="5,3")
    s.lines(640, cy + ch / 2 + 30, ["4 KiB user pages: after fork,", "parent and child map the",
                                    "same frame until one writes"], size=11, fill=COW_EDGE,
            gap=14)

    s.lines(24, ybottom + 40, [
        "GDB reads physical memory at 0xffff800000000000 + address (the direct map), which "
        "every address space has:",
        "that is how ptwalk, vmmap and pframe read page tables. A user page needs the U bit "
        "at all four levels; the kernel",
        "half has it nowhere, so ring 3 cannot touch the kernel although it is mapped. After "
        "fork, text stays shared read-only;",
        "only pages that were writable become COW.",
    ], size=12, fill=SOFT, gap=17)
    return s


# ---- 2. the address split and the page-table entry -------------------------------


def bit_row(s, x, y, fields, h=46, label_size=12):
    """Draw adjacent fields (width, top text, bottom text, fill); return x positions."""
    xs = []
    for wdt, top, bottom, fill in fields:
        s.rect(x, y, wdt, h, fill=fill, stroke=INK, sw=1)
        s.text(x + wdt / 2, y + 19, top, size=label_size, anchor="middle", weight="bold")
        if bottom:
            s.text(x + wdt / 2, y + 36, bottom, size=10.5, anchor="middle", fill=SOFT)
        xs.append((x, wdt))
        x += wdt
    return xs


def pte_figure():
    s = Svg(1000, 660, "cowos: virtual address split and page-table entry format")
    s.text(24, 34, "A virtual address and a page-table entry (mm/pte.h)", size=19, weight="bold")

    # The address split, with the tour's example.
    s.text(24, 70, "A 48-bit virtual address picks one entry at each of four levels:", size=13)
    fields = [
        (150, "63-48", "sign extension", HOLE),
        (140, "47-39", "PML4 index", "#eef3fa"),
        (140, "38-30", "PDPT index", "#eef3fa"),
        (140, "29-21", "PD index", "#eef3fa"),
        (140, "20-12", "PT index", "#eef3fa"),
        (200, "11-0", "offset in the page", "white"),
    ]
    xs = bit_row(s, 40, 84, fields)
    example = ["0000", "0", "0", "2", "15", "0x000"]
    for (fx, fw), v in zip(xs, example):
        s.text(fx + fw / 2, 150, v, size=13, anchor="middle", mono=True, fill=GDB)
    s.text(40, 174, "&assigned = 0x40f000 in cowdemo (the tour's page):  PML4 0, PDPT 0, PD 2, "
           "PT 15, offset 0  (ptwalk prints these indexes)", size=12, fill=GDB)

    # The entry.
    s.text(24, 220, "Every level's entry has the same shape: 64 bits, flags around the "
           "physical address of the next table or of the 4 KiB frame:", size=13)
    one = 44
    entry = [
        (one, "63", "NX", "white"),
        (92, "62-52", "ignored", HOLE),
        (264, "51-12", "physical address", "#f4f4f4"),
        (one, "11", "AVL", HOLE),
        (one, "10", "AVL", HOLE),
        (one, "9", "COW", COW),
        (one, "8", "G", "white"),
        (one, "7", "PS", "white"),
        (one, "6", "D", "#f9dada"),
        (one, "5", "A", "white"),
        (one, "4", "PCD", "white"),
        (one, "3", "PWT", "white"),
        (one, "2", "U", "white"),
        (one, "1", "W", "white"),
        (one, "0", "P", "white"),
    ]
    ex = bit_row(s, 40, 234, entry)
    cols = [(bits, name, fx, fw) for (fx, fw), (_, bits, name, _) in zip(ex, entry)]
    where = {name: (fx, fw) for bits, name, fx, fw in cols}

    def under(name, rows, color=SOFT, dy=0):
        fx, fw = where[name]
        s.line(fx + fw / 2, 281, fx + fw / 2, 300 + dy, stroke=color, sw=1)
        s.lines(fx + fw / 2, 314 + dy, rows, size=11, anchor="middle", fill=color, gap=14)

    under("COW", ["PTE_COW: software bit,", "the CPU ignores it"], COW_EDGE, 0)
    under("D", ["dirty: set by", "the CPU; never", "software state"], "#a33", 44)
    under("W", ["writable"], SOFT, 0)
    under("U", ["user"], SOFT, 30)
    under("P", ["present"], SOFT, 60)
    under("NX", ["no-execute", "(EFER.NXE)"], SOFT, 0)
    under("physical address", ["frame (leaf) or next table,", "4 KiB aligned"], SOFT, 0)

    # The tour's entries, bit by bit.
    y0 = 432
    s.text(24, y0, "The child's entry for 0x40f000 in the tour (ptwalk's PT line), before and "
           "after its write:", size=13)
    rows = [
        ("after fork: 0x%016x" % (PTE_NX | OLD_FRAME | 0x225), "frame %s, refcount 2: COW, read-only" % OLD,
         {"NX", "COW", "A", "U", "P"}, OLD, COW),
        ("after cow_fault: 0x%016x" % (PTE_NX | NEW_FRAME | 0x027), "a new frame %s, refcount 1: writable" % NEW_,
         {"NX", "A", "U", "W", "P"}, NEW_, NEW),
    ]
    y = y0 + 26
    for title, meaning, ones, frame, color in rows:
        s.text(40, y, title, size=12, mono=True, fill=GDB)
        s.text(330, y, meaning, size=12, fill=SOFT)
        y += 8
        for bits, name, fx, fw in cols:
            if name == "ignored":
                val, fill = "0", HOLE
            elif name == "physical address":
                val, fill = frame, color
            elif name in ones:
                val, fill = "1", COW if name == "COW" else "#d7ecd0"
            else:
                val, fill = "0", "white"
            s.rect(fx, y, fw, 30, fill=fill, stroke=INK, sw=0.8)
            s.text(fx + fw / 2, y + 20, val, size=13, anchor="middle", mono=True)
        y += 62

    s.lines(24, y + 4, [
        "fork (cow_share) clears W and sets COW in both processes' entries and takes one more "
        "reference on the frame;",
        "pages that were not writable (text, rodata) are shared as they are. A write then faults: "
        "present but not writable.",
        "cow_fault sees COW: refcount 2 means copy into a new frame; refcount 1 means just set W "
        "again. An entry with COW never has W.",
    ], size=12, fill=INK, gap=18)
    return s


# ---- 3. the path of a COW fault ---------------------------------------------------


def cow_fault_figure():
    s = Svg(1000, 870, "cowos: the path of a write to a copy-on-write page")
    s.text(24, 34, "A write to a copy-on-write page, from the CPU to the copy", size=19,
           weight="bold")
    s.text(24, 56, "Left: the code path. Purple: what to type in GDB there "
           "(docs/gdb-tour.md). Right: the frames the tour saw.", size=13, fill=SOFT)

    bx, bw = 40, 380
    cx = bx + bw / 2

    def step(y, h, rows, fill="white", stroke=INK):
        s.box(bx, y, bw, h, rows, fill=fill, stroke=stroke, size=12.5, bold_first=True)
        return y + h

    def down(y1, y2, label=None):
        s.line(cx, y1, cx, y2 - 1, arrow=True)
        if label:
            s.text(cx + 8, (y1 + y2) / 2 + 4, label, size=11, fill=SOFT)

    def gdb_note(y, rows):
        s.lines(bx + bw + 18, y, rows, size=11.5, mono=True, fill=GDB, gap=15)

    y = 80
    e = step(y, 44, ["user: assigned = 42", "a store to 0x40f000 (cowdemo's child)"], USER,
             USER_EDGE)
    gdb_note(y + 18, ["user-symbols cowdemo", "p &assigned"])
    down(e, e + 22)
    y = e + 22
    e = step(y, 58, ["CPU: the PTE has P=1, W=0", "page fault, vector 14; CR2 = 0x40f000;",
                     "error code: present | write | user"])
    down(e, e + 22)
    y = e + 22
    e = step(y, 44, ["trap entry (kernel/trapentry.S)", "trap_dispatch (kernel/trap.c)"])
    down(e, e + 22)
    y = e + 22
    e = step(y, 44, ["page_fault (mm/fault.c)", "from ring 3? read CR2, decode the error"])
    down(e, e + 22)
    y = e + 22
    fr_y = y
    e = step(y, 44, ["fault_resolve (mm/fault.c)", "present, user page, write, not writable"])
    # The kernel's own writes come in here too.
    s.box(bx + bw + 18, fr_y - 2, 200, 48, ["copy to user (mm/uaccess.c):", "read(), waitpid()"],
          fill="white", stroke=SOFT, size=11.5)
    s.line(bx + bw + 18, fr_y + 22, bx + bw + 1, fr_y + 22, arrow=True, stroke=SOFT)

    # Diamond: COW?
    dy = e + 22
    down(e, dy)
    dh, dw = 56, 170
    s.polygon([(cx, dy), (cx + dw / 2, dy + dh / 2), (cx, dy + dh), (cx - dw / 2, dy + dh / 2)],
              fill="#fff8e6", stroke=COW_EDGE)
    s.text(cx, dy + dh / 2 + 5, "PTE_COW set?", size=12.5, anchor="middle", weight="bold")
    s.line(cx + dw / 2, dy + dh / 2, bx + bw + 30, dy + dh / 2, arrow=True)
    s.text(cx + dw / 2 + 8, dy + dh / 2 - 6, "no", size=11, fill=SOFT)
    s.box(bx + bw + 32, dy + 6, 200, 44, ["SIGSEGV", "proc_kill_fault: one line, exit"],
          fill="#f9dada", stroke="#a33", size=11.5, bold_first=True)
    y = dy + dh + 24
    down(dy + dh, y, "yes")
    cf_y = y
    e = step(y, 44, ["cow_fault(vs, va) (mm/cow.c)", "refs = refcount of the frame"], COW,
             COW_EDGE)
    gdb_note(cf_y + 6, ["break cow_fault if va == (unsigned long)&assigned",
                        "ptwalk va              -> COW, frame %s, refcount 2" % OLD,
                        "ptwalk &assigned pid 1 -> the parent: the same frame",
                        "set $old = $pt_frame"])
    # Diamond: refs == 1?
    dy = e + 22
    down(e, dy)
    s.polygon([(cx, dy), (cx + dw / 2, dy + dh / 2), (cx, dy + dh), (cx - dw / 2, dy + dh / 2)],
              fill="#fff8e6", stroke=COW_EDGE)
    s.text(cx, dy + dh / 2 + 5, "refs == 1 ?", size=12.5, anchor="middle", weight="bold")
    # two branches
    ly = dy + dh + 26
    lw = 178
    s.path("M%g,%g H%g V%g" % (cx - dw / 2, dy + dh / 2, bx + lw / 2, ly - 1), arrow=True)
    s.text(cx - dw / 2 - 30, dy + dh / 2 - 6, "yes", size=11, fill=SOFT)
    s.path("M%g,%g H%g V%g" % (cx + dw / 2, dy + dh / 2, bx + bw - lw / 2, ly - 1), arrow=True)
    s.text(cx + dw / 2 + 8, dy + dh / 2 - 6, "no", size=11, fill=SOFT)
    s.box(bx, ly, lw, 74, ["reuse: no copy", "last user of the frame:", "pte_mkwrite",
                           "(stats.reuses++)"], fill="#d7ecd0", stroke=USER_EDGE, size=11.5,
          bold_first=True)
    s.box(bx + bw - lw, ly, lw, 74, ["copy", "new frame, memcpy 4 KiB,", "map the new frame W,",
                                     "pmm_decref(old)"], fill=NEW, stroke=KERNEL_EDGE, size=11.5,
          bold_first=True)
    jy = ly + 74 + 28
    s.path("M%g,%g V%g H%g" % (bx + lw / 2, ly + 74, jy - 14, cx), arrow=False)
    s.path("M%g,%g V%g H%g" % (bx + bw - lw / 2, ly + 74, jy - 14, cx), arrow=False)
    s.line(cx, jy - 14, cx, jy - 1, arrow=True)
    e = step(jy, 44, ["vmm_invalidate: invlpg 0x40f000", "drop the stale read-only TLB entry"])
    gdb_note(jy + 4, ["finish",
                      "ptwalk &assigned -> W, frame %s, refcount 1" % NEW_,
                      "pframe $old      -> refcount 1, pid 1 only"])
    down(e, e + 22)
    y = e + 22
    step(y, 44, ["return to user (iretq)", "the store runs again and succeeds"], USER, USER_EDGE)

    # Right column: the frames.
    rx = 690
    s.text(rx, 92, "The frames of 0x40f000", size=14, weight="bold")

    def frames_panel(y, title, rows_):
        s.text(rx, y, title, size=12.5, weight="bold")
        yy = y + 10
        for who, frame, fill, refs, flags in rows_:
            s.box(rx, yy, 84, 30, [who], fill="white", stroke=SOFT, size=11.5)
            s.line(rx + 84, yy + 15, rx + 128, yy + 15, arrow=True)
            s.box(rx + 130, yy, 150, 30, ["%s  refs %s" % (frame, refs)], fill=fill,
                  stroke=SOFT, size=11.5)
            s.text(rx + 88, yy + 11, flags, size=9.5, fill=SOFT, mono=True)
            yy += 38
        return yy

    y = frames_panel(126, "1. after fork", [
        ("parent", OLD, COW, 2, "COW"), ("child", OLD, COW, 2, "COW")])
    y = frames_panel(y + 22, "2. the child writes: copy", [
        ("parent", OLD, COW, 1, "COW"), ("child", NEW_, NEW, 1, "W")])
    y = frames_panel(y + 22, "3. the parent writes: reuse", [
        ("parent", OLD, "#d7ecd0", 1, "W")])
    s.lines(rx, y + 10, ["(the child has exited by then)", "", "One fault resolves each write.",
                        "The copy took the child off the", "old frame: its count went 2 -> 1,",
                        "so the parent's fault reuses it."],
            size=11.5, fill=SOFT, gap=15)
    return s


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else here
    for name, fn in (("address-space.svg", address_space), ("pte.svg", pte_figure),
                     ("cow-fault.svg", cow_fault_figure)):
        path = os.path.join(out, name)
        with open(path, "w", newline="\n") as f:
            f.write(fn().render())
        print("figures: wrote %s" % os.path.relpath(path))


if __name__ == "__main__":
    main()
