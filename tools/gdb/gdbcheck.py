# gdbcheck.py - the scripted GDB sessions behind `make gdbcheck` (and make test):
# they follow docs/gdb-tour.md against a live cowos, one boot per part:
# GDBCHECK_PART=cowdemo (sections 1-7, /bin/cowdemo) or shared (section 8,
# /bin/sharefork: a MAP_SHARED and a MAP_PRIVATE page across one fork).
#
# Owns the checks and their "ok N gdb_..." lines; tools/gdbcheck.sh starts
# QEMU, runs GDB with this file and turns a crash or timeout into a failure.
# Every GDB command the tour shows must be run here (the last check compares),
# so a tour whose commands stop working fails make test instead of rotting.
# Settings come from the environment: GDBCHECK_PORT, GDBCHECK_FIRST (number
# of the first check), GDBCHECK_TOUR (the tour), GDBCHECK_SERIAL (QEMU's
# serial log), GDBCHECK_PART, GDBCHECK_RAN (a file where each part adds the
# commands it ran; the shared part, the last, checks the tour against them
# all). Every command and its output go to stdout: the transcript.

import os
import re

import gdb

import cowos_kmem as km

PORT = os.environ.get("GDBCHECK_PORT", "1234")
FIRST = int(os.environ.get("GDBCHECK_FIRST", "1"))
PART = os.environ.get("GDBCHECK_PART", "cowdemo")
RAN = os.environ.get("GDBCHECK_RAN", "")
# Where (gdb) commands are shown to students: the tour, and README's section.
TOUR = os.environ.get("GDBCHECK_TOUR", "docs/gdb-tour.md")
README = os.environ.get("GDBCHECK_README", "README.md")
README_SECTION = "## Debugging with GDB"


# Commands that let the target run: GDB prints where it stopped straight to
# its stdout, which to_string cannot catch, so they are run as if typed.
RESUMING = ("continue", "finish", "stepi", "nexti", "step", "next", "until", "advance")


class CheckFailed(Exception):
    pass


def normalize(command):
    """A command as compared with the docs: single spaces, any port."""
    return re.sub(r"localhost:\d+", "localhost:PORT", " ".join(command.split()))


class Session:
    """Runs GDB commands, keeps a transcript and the set of commands run."""

    def __init__(self):
        self.ran = set()
        self.number = FIRST
        self.passed = 0
        self.failed = 0
        self.notes = []

    def run(self, command):
        """Run one command as a student would type it; return its output.
        A GDB error fails the current check with the command named."""
        self.ran.add(normalize(command))
        gdb.write("(gdb) %s\n" % command)
        try:
            if command.split()[0] in RESUMING:
                gdb.execute(command, True)  # prints where it stopped, as typed
                return ""
            text = gdb.execute(command, to_string=True)
        except gdb.error as e:
            gdb.write("%s\n" % e)  # as GDB itself prints an error
            raise CheckFailed("'%s' failed: %s" % (command, e))
        gdb.write(text)
        return text

    def expect(self, cond, what):
        if not cond:
            raise CheckFailed(what)

    def note(self, text):
        self.notes.append(text)

    def check(self, name, body):
        """Run one check; print ok/not ok with its number."""
        self.notes = []
        gdb.write("==== %s\n" % name)
        try:
            body(self)
            ok, why = True, ""
        except CheckFailed as e:
            ok, why = False, str(e)
        except gdb.GdbError as e:  # raised by our own commands
            ok, why = False, "GDB command error: %s" % e
        except gdb.error as e:
            ok, why = False, "GDB error: %s" % e
        if not ok:
            for n in self.notes:
                print("# %s" % n)
            print("# %s" % why)
            self.failed += 1
        else:
            self.passed += 1
        print("%s %d %s" % ("ok" if ok else "not ok", self.number, name))
        self.number += 1
        return ok


def stopped_in(s, output, function):
    """After a continue: are we in function? (A breakpoint on a function's
    first line may land in code inlined there, clang's proc_current in
    sys_fork: then the function is the frame the inlined ones sit in.)"""
    frame = gdb.selected_frame()
    while frame.name() != function and frame.type() == gdb.INLINE_FRAME and frame.older():
        frame = frame.older()
    s.expect(frame.name() == function,
             "expected to stop in %s, stopped in %s at 0x%x" % (function, frame.name(), frame.pc()))


def frames(n):
    """The innermost n stack frames."""
    out, f = [], gdb.newest_frame()
    while f is not None and len(out) < n:
        out.append(f)
        f = f.older()
    return out


def current_pid():
    cur = km.current_proc()
    return int(cur["pid"]) if cur is not None else 0


def parse_ptwalk(text):
    """The leaf line of ptwalk's output: (flags set, frame, refcount)."""
    pt = re.search(r"^\s*PT\s+\d+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+(.*)$", text, re.M)
    res = re.search(r"-> physical 0x[0-9a-f]+: frame (0x[0-9a-f]+), refcount (\d+)", text)
    if not pt or not res:
        raise CheckFailed("ptwalk printed no PT line or no frame/refcount line:\n# " +
                          "\n# ".join(text.splitlines()))
    return set(pt.group(1).split()), int(res.group(1), 16), int(res.group(2))


def vmmap_rows(text):
    """vmmap's lines as (first va, last va, pages, flags, refs)."""
    rows = []
    for m in re.finditer(r"^\s+([0-9a-f]+)-([0-9a-f]+)\s+(\d+)\s+\S+\s+(r.. . ... ..)\s+(\d+)\s*$",
                         text, re.M):
        rows.append((int(m.group(1), 16), int(m.group(2), 16), int(m.group(3)), m.group(4),
                     int(m.group(5))))
    return rows


def row_for(rows, va):
    for r in rows:
        if r[0] <= va <= r[1]:
            return r
    raise CheckFailed("vmmap shows no line for 0x%x" % va)


# ---- the checks, in the tour's order -----------------------------------------

state = {}


def boot32_to_kmain(s):
    s.run("target remote localhost:%s" % PORT)
    s.run("boot32")
    out = s.run("continue")
    entry = km.eval_int("(unsigned long)&boot_entry") - 0xFFFFFFFF80000000
    s.expect(km.eval_int("$pc") == entry, "not stopped at boot_entry's physical 0x%x" % entry)
    s.run("x/4i $pc")
    s.run("hbphys boot_long_mode")
    out = s.run("continue")
    lm = km.eval_int("(unsigned long)&boot_long_mode") - 0xFFFFFFFF80000000
    s.expect(km.eval_int("$pc") == lm, "not stopped at boot_long_mode's physical 0x%x" % lm)
    s.run("long64")
    s.run("x/4i $pc")
    s.run("hbreak kmain")
    stopped_in(s, s.run("continue"), "kmain")
    s.run("delete")


def user_main_to_syscall(s):
    out = s.run("user-symbols cowdemo")
    m = re.search(r"main at (0x[0-9a-f]+)", out)
    # gcc puts main first in .text (0x400000); clang puts it later in the text segment
    s.expect(m is not None and 0x400000 <= int(m.group(1), 16) < 0x500000,
             "user-symbols did not find cowdemo's main in its text (from 0x400000)")
    s.run("break main")
    stopped_in(s, s.run("continue"), "main")
    s.expect(gdb.selected_frame().find_sal().symtab.filename.endswith("cowdemo.c"),
             "main is not cowdemo.c's")
    s.expect(current_pid() == 1, "main is not running as pid 1")
    out = s.run("ps")
    s.expect(re.search(r"^\*\s+1\s+-\s+running\s+cowdemo", out, re.M),
             "ps at main: pid 1 should be the running cowdemo")
    s.run("break fork")
    stopped_in(s, s.run("continue"), "fork")
    s.run("x/5i $pc")
    s.run("p/x $cs")
    s.expect(km.eval_int("$cs") & 3 == 3, "in fork(), CS should have RPL 3 (user mode)")
    for _ in range(16):  # the instructions before `syscall` depend on the compiler
        if km.eval_int("$pc") >= 0xFFFF800000000000:
            break
        s.run("stepi")
    s.expect(gdb.selected_frame().name() == "syscall_entry",
             "stepi through `syscall` did not reach syscall_entry")
    s.run("p/x $cs")
    s.expect(km.eval_int("$cs") & 3 == 0, "in syscall_entry, CS should have RPL 0 (kernel)")


def fork_shares_pages(s):
    s.run("break sys_fork")
    s.run("break vma_fork")
    stopped_in(s, s.run("continue"), "sys_fork")
    s.run("bt")
    stopped_in(s, s.run("continue"), "vma_fork")
    out = s.run("ps")
    s.expect(re.search(r"^\*\s+1\s+-\s+running\s+cowdemo", out, re.M), "ps: pid 1 not running")
    s.expect(re.search(r"^\s+2\s+\S+\s+embryo", out, re.M), "ps: no pid 2 embryo")
    assigned = km.eval_int("&assigned")
    state["va"] = assigned
    rows = vmmap_rows(s.run("vmmap 1"))
    r = row_for(rows, assigned)
    s.expect(r[3].startswith("rw-") and "COW" not in r[3] and r[4] == 1,
             "before vma_fork: assigned's page should be rw-, not COW, refs 1: %s" % (r,))
    shared_before = dict(km.cow_stats()).get("fork_pages_shared", 0)
    s.run("finish")
    for pid in (1, 2):
        rows = vmmap_rows(s.run("vmmap %d" % pid))
        r = row_for(rows, assigned)
        s.expect(r[3].startswith("r--") and "COW" in r[3] and r[4] == 2,
                 "after vma_fork: pid %d's page for assigned should be r--, COW, refs 2: %s"
                 % (pid, r,))
        text = row_for(rows, 0x400000)
        s.expect("COW" not in text[3] and text[4] == 3,
                 "pid %d's text should be shared read-only without COW, refs 3 (the page cache, "
                 "parent, child)" % pid)
    stats = dict(km.cow_stats())
    s.expect(stats.get("fork_pages_shared", 0) - shared_before == sum(r[2] for r in rows),
             "cow-stats: fork_pages_shared did not grow by the child's page count")
    s.run("finish")
    out = s.run("ps")
    s.expect(re.search(r"^\s+2\s+1\s+runnable\s+cowdemo", out, re.M),
             "ps: after sys_fork, pid 2 should be a runnable cowdemo child of pid 1")
    out = s.run("cow-stats")
    s.expect(re.search(r"^\s+forks\s+1\b", out, re.M), "cow-stats: forks is not 1")


def cow_fault_copy(s):
    s.expect("va" in state, "the previous check did not get as far as assigned's address")
    s.run("delete")
    s.run("break cow_fault if va == (unsigned long)&assigned")
    stopped_in(s, s.run("continue"), "cow_fault")
    s.expect(current_pid() == 2, "the first fault on assigned should be the child's (pid 2)")
    s.run("bt")
    s.expect([f.name() for f in frames(4)] == ["cow_fault", "fault_resolve_access", "page_fault",
                                               "trap_dispatch"],
             "bt at cow_fault: expected cow_fault <- fault_resolve_access <- page_fault <- "
             "trap_dispatch")
    s.run("ps")
    s.run("p/x va")
    flags, old, refs = parse_ptwalk(s.run("ptwalk va"))
    s.expect("COW" in flags and "W" not in flags and refs == 2,
             "before the copy: PTE should be COW, not W, refcount 2 (got %s, %d)" % (flags, refs))
    flags1, old1, refs1 = parse_ptwalk(s.run("ptwalk &assigned pid 1"))
    s.expect(old1 == old and refs1 == 2, "the parent should map the same frame, refcount 2")
    s.run("set $old = $pt_frame")
    s.expect(km.eval_int("$old") == old, "ptwalk left $pt_frame at 0x%x, not 0x%x" % (
        km.eval_int("$old"), old))
    s.run("finish")
    flags, new, refs = parse_ptwalk(s.run("ptwalk &assigned"))
    s.expect(new != old, "the child's frame did not change (0x%x)" % new)
    out = s.run("p assigned.value")
    s.expect(out.strip().endswith("= 1"), "the child's copy should still hold 1 (the store "
             "runs again after the return to user mode)")
    s.expect("W" in flags and "COW" not in flags and refs == 1,
             "after the copy: PTE should be W, not COW, refcount 1 (got %s, %d)" % (flags, refs))
    out = s.run("pframe $old")
    s.expect(re.search(r"frame 0x%x: refcount 1\b" % old, out), "pframe: old frame not at refs 1")
    s.expect(re.search(r"mapped by pid 1 \(cowdemo\) at 0x%x\s+r-- u COW" % state["va"], out) and
             "mapped by pid 2" not in out, "pframe: old frame should be mapped by pid 1 only")
    state["old"] = old


def cow_fault_reuse(s):
    stopped_in(s, s.run("continue"), "cow_fault")
    before = dict(km.cow_stats())
    s.expect(current_pid() == 1, "the second fault on assigned should be the parent's (pid 1)")
    flags, frame, refs = parse_ptwalk(s.run("ptwalk va"))
    s.expect(frame == state["old"] and "COW" in flags and refs == 1,
             "the parent should still map the old frame, COW, refcount 1")
    s.run("finish")
    flags, frame, refs = parse_ptwalk(s.run("ptwalk &assigned"))
    s.expect(frame == state["old"] and "W" in flags and "COW" not in flags and refs == 1,
             "after the reuse: same frame, W, not COW, refcount 1")
    after = dict(km.cow_stats())
    out = s.run("cow-stats")
    s.expect(after["reuses"] == before["reuses"] + 1 and after["copies"] == before["copies"],
             "cow-stats: the parent's fault should be one reuse and no copy")
    s.expect(re.search(r"reuses\s+%d\b" % after["reuses"], out), "cow-stats printed other numbers")


def demo_unperturbed(s, program):
    """With the breakpoints gone, program (pid 1) ends and says its counts held."""
    s.run("delete")
    try:
        s.run("continue")
    except CheckFailed:
        pass  # QEMU exits when pid 1 ends, closing the connection
    serial = os.environ.get("GDBCHECK_SERIAL", "")
    text = open(serial, errors="replace").read() if serial and os.path.exists(serial) else ""
    s.expect("%s: every count as expected" % program in text,
             "%s did not report 'every count as expected' on the serial console (%s)"
             % (program, serial))


def cowdemo_unperturbed(s):
    demo_unperturbed(s, "cowdemo")


# ---- section 8: /bin/sharefork, MAP_SHARED against MAP_PRIVATE ---------------

def shared_to_kmain(s):
    """What `make gdb` does: connect, hardware breakpoint on kmain, continue."""
    s.run("target remote localhost:%s" % PORT)
    s.run("hbreak kmain")
    stopped_in(s, s.run("continue"), "kmain")
    s.run("delete")


def walk_in(s, expr, pid):
    """ptwalk EXPR pid PID: (flags, frame, refcount)."""
    return parse_ptwalk(s.run("ptwalk %s pid %d" % (expr, pid)))


def shared_fork_same_frame(s):
    out = s.run("user-symbols sharefork")
    s.expect("main at" in out, "user-symbols found no main in sharefork")
    s.run("break vma_fork")
    stopped_in(s, s.run("continue"), "vma_fork")
    s.expect(current_pid() == 1, "vma_fork should run for pid 1's fork")
    flags, frame, refs = parse_ptwalk(s.run("ptwalk shared_page"))
    s.expect("W" in flags and "COW" not in flags and refs == 2,
             "before the fork: the shared page should be W, not COW, refcount 2 (the parent's "
             "table and the memory object), got %s, %d" % (sorted(flags), refs))
    s.run("finish")
    out = s.run("vmmap 2")
    s.expect(re.search(r"^[0-9a-f]+-[0-9a-f]+ rw-s .*shm refs", out, re.M),
             "vmmap 2: the child should have the shared area (rw-s, a shm object)")
    s.expect(re.search(r"^[0-9a-f]+-[0-9a-f]+ rw-p .*anon", out, re.M),
             "vmmap 2: the child should have the private anonymous area (rw-p)")
    shared = {}
    for pid in (1, 2):
        shared[pid] = walk_in(s, "shared_page", pid)
        flags, f, refs = shared[pid]
        s.expect("W" in flags and "COW" not in flags and refs == 3,
                 "after the fork: pid %d's shared page should be W, not COW, refcount 3 (two "
                 "tables and the object), got %s, %d" % (pid, sorted(flags), refs))
    s.expect(shared[1][1] == shared[2][1] == frame,
             "the shared page should be the same frame in both processes as before the fork")
    out = s.run("pframe $pt_frame")
    s.expect(re.search(r"refcount 3\b", out) and "mapped by pid 1 (sharefork)" in out and
             "mapped by pid 2 " in out and re.search(r"refcount 3 but 2 mappings", out),
             "pframe: the shared frame should have refcount 3, mapped by pids 1 and 2, one "
             "reference outside page tables")
    private = {}
    for pid in (1, 2):
        private[pid] = walk_in(s, "private_page", pid)
        flags, f, refs = private[pid]
        s.expect("COW" in flags and "W" not in flags and refs == 2,
                 "after the fork: pid %d's private page should be COW, not W, refcount 2, "
                 "got %s, %d" % (pid, sorted(flags), refs))
    s.expect(private[1][1] == private[2][1], "the private page should be one frame in both")
    state["shared_frame"] = frame
    state["private_frame"] = private[1][1]


def shared_child_write(s):
    s.expect("shared_frame" in state and "private_frame" in state,
             "the previous check did not get as far as both pages' frames")
    s.run("delete")
    s.run("break cow_fault if va == (unsigned long)private_page")
    stopped_in(s, s.run("continue"), "cow_fault")
    s.expect(current_pid() == 2, "the first write to the private page should be the child's")
    out = s.run("p *shared_page")
    s.expect(out.strip().endswith("= 2"),
             "the child's write to the shared page (before the private one) should be there "
             "without a fault: *shared_page == 2")
    flags, frame, refs = parse_ptwalk(s.run("ptwalk shared_page"))
    s.expect(frame == state["shared_frame"] and "W" in flags and refs == 3,
             "the child's shared page after its write: the same frame, W, refcount 3")
    s.run("finish")
    flags, frame, refs = parse_ptwalk(s.run("ptwalk private_page"))
    s.expect(frame != state["private_frame"] and "W" in flags and "COW" not in flags and
             refs == 1, "after the COW fault: the child's private page is a new frame, W, refs 1")
    flags, frame, refs = walk_in(s, "private_page", 1)
    s.expect(frame == state["private_frame"] and "COW" in flags and refs == 1,
             "the parent keeps the old private frame, still COW, now refcount 1")


def sharefork_unperturbed(s):
    demo_unperturbed(s, "sharefork")


def shown_commands(path, section=None):
    """The (gdb) command lines of a Markdown file (of one of its ## sections),
    without trailing "  # comments"."""
    lines = open(path).read().splitlines()
    if section:
        start = lines.index(section) + 1
        end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        lines = lines[start:end]
    found = []
    for l in lines:
        m = re.match(r"^\s*\(gdb\) (.+)$", l)
        if m:
            found.append(normalize(re.sub(r"\s{2,}#.*$", "", m.group(1))))
    return found


def tour_commands_run(s):
    ran = set(s.ran)
    if RAN and os.path.exists(RAN):
        ran |= set(l for l in open(RAN).read().splitlines() if l)
    try:
        shown = shown_commands(TOUR)
        in_readme = shown_commands(README, README_SECTION)
    except (OSError, ValueError) as e:
        raise CheckFailed("cannot read the tour or README's %s: %s" % (README_SECTION, e))
    s.expect(shown, "%s shows no (gdb) commands" % TOUR)
    s.expect(in_readme, "README.md's %s shows no (gdb) commands" % README_SECTION)
    for where, cmds in ((TOUR, shown), ("README.md", in_readme)):
        missing = sorted(set(c for c in cmds if c not in ran))
        s.expect(not missing, "%s shows %d command(s) this check never ran: %s%s" % (
            where, len(missing), "; ".join(missing[:6]), "; ..." if len(missing) > 6 else ""))


PARTS = {
    "cowdemo": [
        ("gdb_boot32_to_kmain", boot32_to_kmain),
        ("gdb_user_main_to_syscall", user_main_to_syscall),
        ("gdb_fork_shares_pages", fork_shares_pages),
        ("gdb_cow_fault_copy", cow_fault_copy),
        ("gdb_cow_fault_reuse", cow_fault_reuse),
        ("gdb_cowdemo_unperturbed", cowdemo_unperturbed),
    ],
    "shared": [
        ("gdb_shared_to_kmain", shared_to_kmain),
        ("gdb_shared_fork_same_frame", shared_fork_same_frame),
        ("gdb_shared_child_write", shared_child_write),
        ("gdb_sharefork_unperturbed", sharefork_unperturbed),
        ("gdb_tour_commands_run", tour_commands_run),
    ],
}
# The checks after which the target is gone on purpose (pid 1 ended).
ENDINGS = (cowdemo_unperturbed, sharefork_unperturbed)


def main():
    s = Session()
    gdb.execute("set confirm off")
    gdb.execute("set pagination off")
    connected = True
    for name, body in PARTS[PART]:
        if not connected and body is not tour_commands_run:
            print("# skipped: an earlier check lost the target")
            print("not ok %d %s" % (s.number, name))
            s.number += 1
            s.failed += 1
            continue
        s.check(name, body)
        try:
            connected = gdb.selected_inferior().pid != 0
        except gdb.error:
            connected = False
        if body in ENDINGS:
            connected = True  # nothing later needs the target
    if RAN:
        with open(RAN, "a") as f:
            f.write("".join(c + "\n" for c in sorted(s.ran)))
    print("gdbcheck: %d passed, %d failed" % (s.passed, s.failed))


main()
