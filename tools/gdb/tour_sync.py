#!/usr/bin/env python3
# tour_sync.py - refresh the GDB output shown in docs/gdb-tour.md from the
# transcripts of a `make gdbcheck` run (build/gdbcheck.log, then
# build/gdbcheck-shared.log: one per session, read as one in that order).
#
# Owns only the fenced ``` blocks of the tour that hold (gdb) commands: each
# is replaced by the same commands and the output they gave in the
# transcript, taken in order. Prose is left alone: the numbers it quotes
# (frames, counts) and OLD_FRAME/NEW_FRAME in docs/figures/figures.py must
# be checked by hand afterwards. Plain Python, run outside GDB:
#     python3 tools/gdb/tour_sync.py build/gdbcheck.log build/gdbcheck-shared.log \
#         docs/gdb-tour.md

import re
import sys

# Lines of the transcript that belong to the check, not to GDB's output.
NOT_OUTPUT = re.compile(r"^(==== |ok \d+ |not ok \d+ |# |gdbcheck: )")


def commands_of(block):
    return [l[len("(gdb) "):] for l in block if l.startswith("(gdb) ")]


def transcript_steps(lines):
    """[(command, [output lines])] in the order the check ran them."""
    steps = []
    for line in lines:
        if line.startswith("(gdb) "):
            steps.append((line[len("(gdb) "):], []))
        elif steps and not NOT_OUTPUT.match(line):
            steps[-1][1].append(line)
    return steps


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: tour_sync.py TRANSCRIPT... TOUR")
    steps = []
    for path in sys.argv[1:-1]:  # a session's opening chatter belongs to no command
        steps += transcript_steps(open(path).read().splitlines())
    tour = sys.argv[-1]
    doc = open(tour).read().splitlines()
    out, i, cursor, changed = [], 0, 0, 0
    while i < len(doc):
        if doc[i].startswith("```"):
            end = doc.index("```", i + 1)
            block = doc[i + 1:end]
            wanted = commands_of(block)
            if wanted:
                # The first place from the cursor where these commands run in a row.
                for start in range(cursor, len(steps) - len(wanted) + 1):
                    if [c for c, _ in steps[start:start + len(wanted)]] == wanted:
                        break
                else:
                    sys.exit("tour_sync: commands %s are not in the transcript in this order"
                             % wanted)
                new = []
                for command, output in steps[start:start + len(wanted)]:
                    new.append("(gdb) " + command)
                    new += output
                cursor = start + len(wanted)
                changed += new != block
                block = new
            out += [doc[i]] + block + ["```"]
            i = end + 1
        else:
            out.append(doc[i])
            i += 1
    open(tour, "w").write("\n".join(out) + "\n")
    print("tour_sync: %d block(s) updated in %s" % (changed, tour))


if __name__ == "__main__":
    main()
