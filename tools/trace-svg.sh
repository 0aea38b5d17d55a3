#!/bin/sh
# trace-svg.sh - a COWTRACE run drawn as an SVG timeline, for a lecture slide
# (make trace-svg; README "Labs and grading").
# Usage: sh tools/trace-svg.sh LOG > OUT.svg     draw the "cow: ..." lines of LOG
#        sh tools/trace-svg.sh check LOG SVG     the SVG parses (xmllint) and
#                                                names every fault of LOG
# The trace lines are the kernel's (mm/cow.c, trace_fault):
#   cow: pid P va V frame OLD -> NEW refs R -> S (copied|reused)
# One row per page of a process (pid and virtual page), in the order they
# first fault; time runs left to right, one column per fault. A row is a bar
# coloured by the frame the page maps (the same frame, the same colour, in
# every row that maps it): dashed while the frame is shared (its count above
# 1), solid once it is the process's own. Each fault is a dot (orange: a
# copy, green: the frame reused) with the counts, e.g. "2 -> 1", and a
# <title> holding its trace line, so the check can find every one.
set -eu

# The trace lines of a log, "cow: " and carriage returns removed.
faults() { sed -n 's/\r$//; s/^.*cow: \(pid [0-9]* va 0x[0-9a-f]* frame .*\)$/\1/p' "$1"; }

if [ "${1:-}" = check ]; then
    log="${2:?usage: trace-svg.sh check LOG SVG}"
    svg="${3:?usage: trace-svg.sh check LOG SVG}"
    command -v xmllint >/dev/null 2>&1 || sh tools/deps.sh xmllint:libxml2-utils
    xmllint --noout "$svg" || { echo "trace-svg: $svg does not parse as XML"; exit 1; }
    n=$(faults "$log" | wc -l)
    [ "$n" -gt 0 ] || { echo "trace-svg: no cow: lines in $log (was COWTRACE=1 on?)"; exit 1; }
    k=0
    faults "$log" | { while IFS= read -r line; do
        k=$((k + 1))
        want="<title>fault $k: $(printf '%s' "$line" | sed 's/>/\&gt;/g')</title>"
        grep -qF "$want" "$svg" || { echo "trace-svg: fault $k is not in $svg: $line"; exit 1; }
    done; }
    echo "trace-svg: $svg parses and names all $n faults of $log"
    exit 0
fi

log="${1:?usage: trace-svg.sh LOG > OUT.svg}"
faults "$log" | awk -v src="$log" '
function hexval(s,    i, v, c) {
    v = 0; s = tolower(s); sub(/^0x/, "", s)
    for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
    return v
}
function colour(frame) { return "hsl(" (int(hexval(frame) / 4096) * 67) % 360 ", 65%, 72%)" }
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
function bar(r, x0, x1, frame, refs,    y, dash) {
    y = TOP + (r - 1) * ROWH
    dash = refs > 1 ? " stroke-dasharray=\"5 3\"" : ""
    printf "  <rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#444\"%s/>\n", x0, y + 8, x1 - x0, ROWH - 16, colour(frame), dash
    printf "  <text x=\"%d\" y=\"%d\" font-size=\"10\">%s%s</text>\n", x0 + 6, y + ROWH / 2 + 4, frame, (refs > 1 ? " (shared)" : " (own)")
}
{
    n++
    line[n] = $0
    pid[n] = $2; va[n] = $4; old[n] = $6; new[n] = $8; r0[n] = $10; r1[n] = $12
    kind[n] = ($13 == "(reused)") ? "reused" : "copied"
    key = pid[n] " " va[n]
    if (!(key in row)) { row[key] = ++nrows; rowkey[nrows] = key }
    rowof[n] = row[key]
}
END {
    LEFT = 250; COLW = 120; TOP = 70; ROWH = 44
    W = LEFT + COLW * (n + 1) + 20; H = TOP + ROWH * nrows + 60
    printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"monospace\">\n", W, H, W, H
    printf "  <title>Copy-on-write faults of %s: %d faults, %d pages</title>\n", esc(src), n, nrows
    printf "  <rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H
    printf "  <text x=\"10\" y=\"22\" font-size=\"15\">Copy-on-write faults, in order (%d): one row per page of a process; bar colour = frame</text>\n", n
    printf "  <text x=\"10\" y=\"42\" font-size=\"11\">dashed: frame shared (count above 1); solid: the process'"'"'s own. Orange dot: copied; green dot: reused (count was 1).</text>\n"
    for (r = 1; r <= nrows; r++) {
        split(rowkey[r], kv, " ")
        printf "  <text x=\"10\" y=\"%d\" font-size=\"12\">pid %s va %s</text>\n", TOP + (r - 1) * ROWH + ROWH / 2 + 4, kv[1], kv[2]
        x = LEFT; frame = ""; refs = 0
        for (k = 1; k <= n; k++) {
            if (rowof[k] != r) continue
            xk = LEFT + COLW * k - COLW / 2
            bar(r, x, xk, old[k], r0[k])
            x = xk; frame = new[k]; refs = r1[k]
        }
        bar(r, x, W - 20, frame, refs)
    }
    for (k = 1; k <= n; k++) {
        xk = LEFT + COLW * k - COLW / 2
        y = TOP + (rowof[k] - 1) * ROWH + ROWH / 2
        printf "  <g id=\"fault-%d\" class=\"fault %s\">\n", k, kind[k]
        printf "    <title>fault %d: %s</title>\n", k, esc(line[k])
        printf "    <line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#bbb\"/>\n", xk, TOP - 6, xk, TOP + ROWH * nrows
        printf "    <text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">#%d pid %s</text>\n", xk, TOP - 8, k, pid[k]
        printf "    <circle cx=\"%d\" cy=\"%d\" r=\"7\" fill=\"%s\" stroke=\"black\"/>\n", xk, y, kind[k] == "copied" ? "orange" : "limegreen"
        printf "    <text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s %s -&gt; %s</text>\n", xk, y + ROWH / 2 - 1, kind[k] == "copied" ? "copy" : "reuse", r0[k], r1[k]
        printf "  </g>\n"
    }
    printf "  <text x=\"10\" y=\"%d\" font-size=\"11\">%s</text>\n", H - 20, "From the kernel'"'"'s cowtrace lines (make trace-svg); frames are physical addresses."
    printf "</svg>\n"
    if (n == 0) exit 1
}' || { echo "trace-svg: no cow: lines in $log (was COWTRACE=1 on?)" >&2; exit 1; }
