#!/bin/sh
# grade.sh - the autograder behind `make grade [LAB=NAME]` (tools/grade.mk).
# Usage: sh tools/grade.sh BUILD_DIR [LAB]
# 1. Draws a fresh secret from /dev/urandom and boots the test kernel with
#    "test seal=SECRET", then once per MODE:TEST check of the chosen labs with
#    "fork=MODE utest=TEST" (that test alone, in another fork mode). The kernel prints the verdicts it saw and its own
#    counters as "seal SECRET ..." lines only after user space has ended
#    (tests/seal.h); no user program ever sees SECRET, so none can forge one.
# 2. Scores each lab of docs/labs/points.txt: a test earns its points when
#    its sealed verdict is "ok" and the log has no "not ok N NAME" line (the
#    runner's leak check); a counter check when the sealed counter holds.
#    Every sealed verdict no lab names is in the group "other", 1 point each.
# 3. Prints the scores (LAB: its tests one by one with the failures' own
#    diagnostics; the other labs one line each), writes BUILD_DIR/grade.json
#    and BUILD_DIR/grade.txt ("LAB SCORE MAX" lines, "other" too).
# Exit status: 0 only at full marks (of LAB, or of everything without LAB);
# 1 when marks are missing; 2 when the run itself failed (no sealed block).
set -u
b="${1:?usage: grade.sh BUILD_DIR [LAB]}"
lab="${2:-}"
points=docs/labs/points.txt
make="${MAKE:-make}"

labs=$(awk '!/^#/ && NF >= 3 { if (!seen[$1]++) print $1 }' "$points")
if [ -n "$lab" ] && ! printf '%s\n' $labs | grep -qx "$lab"; then
    echo "grade: no lab \"$lab\"; the labs are: $(echo $labs)"
    exit 2
fi
chosen=${lab:-$labs}

secret=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
[ ${#secret} = 32 ] || { echo "grade: cannot read /dev/urandom"; exit 2; }

# boot NAME EXTRA_WORDS: build the test image with the secret and boot it;
# the serial log goes to $b/grade-NAME.log.
boot() {
    echo "grade: booting the test kernel (\"test seal=... $2\"); log in $b/grade-$1.log"
    # shellcheck disable=SC2086
    $make -s B="$b" KTEST= UTEST= FORK= CMDLINE="seal=$secret $2" "$b/cowos-test.iso" >"$b/grade-$1.make" 2>&1 ||
        { cat "$b/grade-$1.make"; echo "grade: the build failed"; exit 2; }
    cp "$b/cowos-test.iso" "$b/grade-$1.iso"
    sh tools/test.sh "$b/grade-$1.iso" "$b/grade-$1.log" >/dev/null 2>&1
    rm -f "$b/grade-$1.iso"
    if ! grep -q "^seal $secret end " "$b/grade-$1.log"; then
        echo "grade: the $1 boot printed no sealed results (a panic, a hang or a crash?); its last lines:"
        tail -n 15 "$b/grade-$1.log" | sed 's/^/    /'
        exit 2
    fi
    # The secret is shown nowhere but in the sealed block.
    if grep -v "^seal $secret " "$b/grade-$1.log" | grep -q "$secret"; then
        echo "grade: the secret appeared outside the sealed block of $b/grade-$1.log"
        exit 2
    fi
}

# The main boot, then one boot per MODE:TEST check of the chosen labs
# (named MODE-TEST: "fork=MODE utest=TEST", that test alone).
boots="main $(for l in $chosen; do
    awk -v l="$l" '$1 == l && $3 ~ /^(copy|page):/ { sub(/:/, "-", $3); print $3 }' "$points"
done | sort -u | tr '\n' ' ')"
for bt in $boots; do
    case $bt in
    main) boot main "" ;;
    *) boot "$bt" "fork=${bt%%-*} utest=${bt#*-}" ;;
    esac
done

# Score everything in one awk pass over the points and the logs.
awk -v secret="$secret" -v chosen=" $chosen " -v detail="$lab" -v json="$b/grade.json" \
    -v txt="$b/grade.txt" -v boots="$boots" -v dir="$b" '
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, " ", s); return "\"" s "\"" }
function readlog(bt,    f, line, w, n, i, name, prev) {
    f = dir "/grade-" bt ".log"
    n = 0
    while ((getline line < f) > 0) {
        split(line, w, " ")
        if (w[1] == "seal" && w[2] == secret) {
            if (w[3] == "ok" || w[3] == "fail") {
                sealed[bt, w[4]] = (w[3] == "ok")
                order[bt, ++nsealed[bt]] = w[4]
            } else if (w[3] == "count")
                count[bt, w[4]] = w[5] + 0
            continue
        }
        if (line ~ /^#/) { diag[bt, ++n] = line; continue }
        if (match(line, /^(not )?ok [0-9]+ /)) {
            name = substr(line, RLENGTH + 1)
            if (line ~ /^not ok/) {
                notok[bt, name] = 1
                why[bt, name] = ""
                for (i = (n > 6 ? n - 5 : 1); i <= n; i++) why[bt, name] = why[bt, name] "\n    " diag[bt, i]
            }
            n = 0
        }
    }
    close(f)
}
BEGIN {
    nb = split(boots, bl, " ")
    for (i = 1; i <= nb; i++) readlog(bl[i])
    while ((getline line < "docs/labs/points.txt") > 0) {
        if (line ~ /^#/ || split(line, w, " ") < 3) continue
        l = w[1]; pts = w[2] + 0; spec = w[3]
        msg = ""
        for (i = 4; i in w; i++) msg = msg (msg == "" ? "" : " ") w[i]
        bt = "main"; shown = spec
        if (spec ~ /^(copy|page):/) { bt = spec; sub(/:/, "-", bt); spec = substr(spec, index(spec, ":") + 1) }
        nt[l]++; tspec[l, nt[l]] = shown; tpts[l, nt[l]] = pts
        if (!(l in lmax)) lorder[++nl] = l
        lmax[l] += pts
        ok = 0; reason = ""
        if (spec ~ /^count:/) {
            c = substr(spec, 7)
            if (match(c, /[=>]/)) { cname = substr(c, 1, RSTART - 1); op = substr(c, RSTART, 1); want = substr(c, RSTART + 1) + 0 }
            have = ((bt, cname) in count) ? count[bt, cname] : -1
            ok = have >= 0 && (op == "=" ? have == want : have > want)
            if (!ok) {
                m = msg; gsub(/%d/, have, m)
                reason = "\n    # " (m != "" ? m : "counter " cname " is " have "; expected " op want)
            }
        } else {
            claimed[bt, spec] = 1
            if (!((bt, spec) in sealed)) reason = (" " boots " " ~ " " bt " ") ? "\n    # the kernel reported no verdict for it: it did not run" ((bt, spec) in why ? "; the runner said:" why[bt, spec] : "") : "\n    # not run: its boot (" bt ") is made by `make grade LAB=" l "` or `make grade LAB=`"
            else {
                ok = sealed[bt, spec] && !((bt, spec) in notok)
                if (!ok) reason = why[bt, spec]
                if (!ok && reason == "") reason = "\n    # the kernel saw it fail (exit status not 0)"
            }
        }
        tok[l, nt[l]] = ok; twhy[l, nt[l]] = reason
        lscore[l] += ok ? pts : 0
    }
    # Every sealed verdict of the main boot that no lab claims: "other", 1 point each.
    lorder[++nl] = "other"
    for (i = 1; i <= nsealed["main"]; i++) {
        name = order["main", i]
        if (("main", name) in claimed) continue
        nt["other"]++; tspec["other", nt["other"]] = name; tpts["other", nt["other"]] = 1
        ok = sealed["main", name] && !(("main", name) in notok)
        tok["other", nt["other"]] = ok
        twhy["other", nt["other"]] = ok ? "" : why["main", name]
        lmax["other"]++; lscore["other"] += ok
    }
    total = 0; max = 0; full = 1
    printf "" > txt
    printf "{\n  \"lab\": %s,\n  \"sealed\": true,\n  \"labs\": [\n", jstr(detail == "" ? "all" : detail) > json
    for (k = 1; k <= nl; k++) {
        l = lorder[k]
        show = (detail == "" || detail == l)
        if (show) printf "== %s ==\n", l
        printf "    {\"lab\": %s, \"score\": %d, \"max\": %d, \"tests\": [", jstr(l), lscore[l], lmax[l] >> json
        for (i = 1; i <= nt[l]; i++) {
            if (show && (l != "other" || !tok[l, i] || detail == "other")) {
                name = tspec[l, i]
                dots = substr("........................................................................", 1, 60 - length(name))
                printf "%s %s %s (%d/%d)%s\n", name, dots, tok[l, i] ? "OK" : "FAIL", tok[l, i] ? tpts[l, i] : 0, tpts[l, i], tok[l, i] ? "" : twhy[l, i]
            }
            printf "%s{\"name\": %s, \"points\": %d, \"max\": %d, \"passed\": %s}", (i > 1 ? ", " : ""), jstr(tspec[l, i]), tok[l, i] ? tpts[l, i] : 0, tpts[l, i], tok[l, i] ? "true" : "false" >> json
        }
        printf "]}%s\n", k < nl ? "," : "" >> json
        printf "%s %d %d\n", l, lscore[l], lmax[l] >> txt
        if (show && l == "other" && detail == "") printf "(%d tests in no lab; only failures are listed)\n", nt[l]
        printf "Score %s: %d/%d\n", l, lscore[l], lmax[l]
        total += lscore[l]; max += lmax[l]
        if ((detail == "" || detail == l) && lscore[l] != lmax[l]) full = 0
    }
    printf "  ],\n  \"score\": %d,\n  \"max\": %d\n}\n", total, max >> json
    printf "Total: %d/%d\n", total, max
    exit full ? 0 : 1
}' </dev/null
status=$?
echo "grade: results in $b/grade.json"
exit $status
