#!/bin/sh
# handout.sh - `make handout LAB=NAME DEST=DIR`: a student's tree for one lab.
# Copies the files git tracks (no objects, no history, nothing untracked)
# into DIR, then in every C, header and assembly file:
#   /* LAB-BEGIN NAME: what to write */     a region of lab NAME; in NAME's
#   ...the solution...                      handout its lines are removed, the
#   /* LAB-STUB                             BEGIN line becomes "TODO (lab NAME):
#    * code of the stub                     what to write", and the stub's lines
#    * LAB-END NAME */                      (if any) are put in uncommented;
#   /* LAB-END NAME */                      (a region without a stub)
# Markers of the other labs are deleted and their solutions kept. Adds the
# lab's text as DIR/LAB.md and DIR/.lab (so `make grade` there grades NAME).
# Refuses: an unknown lab, a DEST that exists and is not empty, a region
# left open, and any marker or solution comment left in the result.
set -eu
lab="${1:-}"
dest="${2:-}"
die() { echo "handout: $*" >&2; exit 1; }
[ -n "$lab" ] && [ -n "$dest" ] || die "usage: make handout LAB=NAME DEST=DIR (labs: $(ls docs/labs | sed -n 's/\.md$//p' | grep -vx README | tr '\n' ' '))"
[ -f "docs/labs/$lab.md" ] || die "no lab \"$lab\" (no docs/labs/$lab.md)"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
    die "make handout needs the solution tree (a git checkout); this looks like a handout"
git grep -q "LAB-BEGIN $lab:" -- '*.c' '*.h' '*.S' || die "lab \"$lab\" has no regions in the sources"
if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
    die "$dest exists and is not empty"
fi
mkdir -p "$dest"

# Tracked files as they are in the working tree (a lab being written shows).
git ls-files -z | xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\n" "$f"; done' sh |
    while IFS= read -r f; do
        mkdir -p "$dest/$(dirname "$f")"
        cp -p "$f" "$dest/$f"
    done

# Cut the regions out of the sources.
git grep -l 'LAB-\(BEGIN\|END\|STUB\)' -- '*.c' '*.h' '*.S' | while IFS= read -r f; do
    awk -v lab="$lab" -v file="$f" '
    function fail(m) { printf "handout: %s:%d: %s\n", file, NR, m > "/dev/stderr"; bad = 1; exit 1 }
    /\/\* LAB-BEGIN [a-z0-9_]+: / {
        if (state != "") fail("LAB-BEGIN inside a region opened at line " opened)
        name = $0; sub(/.*LAB-BEGIN /, "", name); sub(/:.*/, "", name)
        opened = NR; state = "solution"
        if (name == lab) {
            hint = $0; sub(/.*LAB-BEGIN [a-z0-9_]+: */, "", hint); sub(/ *\*\/ *$/, "", hint)
            indent = $0; sub(/\/\*.*/, "", indent)
            print indent "/* TODO (lab " lab "): " hint " */"
        }
        next
    }
    /\/\* LAB-STUB *$/ {
        if (state != "solution") fail("LAB-STUB outside a region")
        state = "stub"; next
    }
    /LAB-END [a-z0-9_]+ \*\/ *$/ {
        if (state == "") fail("LAB-END without LAB-BEGIN")
        e = $0; sub(/.*LAB-END /, "", e); sub(/ .*/, "", e)
        if (e != name) fail("LAB-END " e " closes the region of " name)
        state = ""; next
    }
    /LAB-(BEGIN|STUB|END)/ { fail("a malformed LAB marker") }
    state == "stub" {
        if (name != lab) next
        line = $0
        if (!match(line, /^ *\* ?/)) fail("a stub line must start with \" * \"")
        lead = line; sub(/\*.*/, "", lead)
        code = substr(line, RLENGTH + 1)
        sub(/^ /, "", lead)
        print (code == "" ? "" : lead code)
        next
    }
    state == "solution" { if (name != lab) print; next }
    { print }
    END { if (!bad && state != "") { printf "handout: %s: the region opened at line %d is never closed\n", file, opened > "/dev/stderr"; exit 1 } }
    ' "$f" >"$dest/$f" || die "cannot cut the regions of $f"
done

cp "docs/labs/$lab.md" "$dest/LAB.md"
echo "$lab" >"$dest/.lab"
if grep -rlE 'LAB-(BEGIN|STUB|END)' "$dest" --include='*.c' --include='*.h' --include='*.S' >/dev/null; then
    die "markers are left in $dest: $(grep -rlE 'LAB-(BEGIN|STUB|END)' "$dest" --include='*.c' --include='*.h' --include='*.S' | tr '\n' ' ')"
fi
echo "handout: lab $lab written to $dest ($(git grep -c "LAB-BEGIN $lab:" -- '*.c' '*.h' '*.S' | awk -F: '{ n += $NF } END { print n }') regions to write); read $dest/LAB.md, then: make -C $dest grade"
