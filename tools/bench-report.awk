# bench-report.awk - turns bench/results.csv (and bench/exec.csv) into the
# terminal tables and the PASS/MISS lines of make bench's targets (measured,
# never asserted).
# Input: the CSVs that tools/bench.sh writes, each a header line, then rows:
# results.csv one per system, mode and resident size (rows from an older
# forkbench may lack the last columns: those cells show "-"); exec.csv,
# told apart by its data_mib column, one per system, mode and size of the
# program started. Plain POSIX awk (mawk is Debian's default).
# With -v markdown=1: only the tables, as the Markdown README.md shows
# (make readme-bench puts them there).

BEGIN { FS = "," }

FNR == 1 {
    isexec = $0 ~ /(^|,)data_mib(,|$)/
    for (i = 1; i <= NF; i++)
        if (isexec)
            ecol[$i] = i
        else
            col[$i] = i
    next
}

# exec against program size: ev[system/mode, data MiB, column]
isexec {
    key = $1 "/" $2
    size = $(ecol["data_mib"])
    eseen[key] = 1
    for (i = 1; i <= NF; i++)
        ev[key, size, i] = $i
    if (!(size in have_esize)) {
        have_esize[size] = 1
        esizes[++nesizes] = size + 0
    }
    next
}

{
    key = $1 "/" $2
    if (!(key in seen)) {
        seen[key] = 1
        keys[++nkeys] = key
    }
    for (i = 1; i <= NF; i++)
        v[key, $(col["size_mib"]), i] = $i
    if (!($(col["size_mib"]) in have_size)) {
        have_size[$(col["size_mib"])] = 1
        sizes[++nsizes] = $(col["size_mib"]) + 0
    }
}

# 1234567 -> "1,234,567"; words such as n/a pass through; nothing -> "-".
function commas(x,    s, neg, frac, out) {
    if (x == "")
        return "-"
    if (x !~ /^-?[0-9]+(\.[0-9]+)?$/)
        return x
    s = x
    neg = s ~ /^-/
    sub(/^-/, "", s)
    frac = ""
    if (index(s, ".")) {
        frac = substr(s, index(s, "."))
        s = substr(s, 1, index(s, ".") - 1)
    }
    out = ""
    while (length(s) > 3) {
        out = "," substr(s, length(s) - 2) out
        s = substr(s, 1, length(s) - 3)
    }
    return (neg ? "-" : "") s out frac
}

function num(x) { return x ~ /^-?[0-9]+(\.[0-9]+)?$/ }

function label(key) {
    if (key == "cowos/cow") return "cowos cow"
    if (key == "cowos/page") return "cowos page"
    if (key == "cowos/copy") return "cowos copy"
    if (key == "linux/cow") return "Linux"
    return key
}

function get(key, size, name) { return (name in col) ? v[key, size, col[name]] : "" }

function has(key, size) { return (key, size, 1) in v }

function eget(key, size, name) { return (name in ecol) ? ev[key, size, ecol[name]] : "" }

function ehas(key, size) { return (key, size, 1) in ev }

# a / b as "1.23x", or "-" when either is missing
function ratio(a, b) { return num(a) && num(b) && b > 0 ? sprintf("%.2fx", a / b) : "-" }

function verdict(ok, text) { printf "  %s  %s\n", ok ? "PASS" : "MISS", text }

# The cells of one row of table t (1 fork, 2 writes after fork, 3 starting a
# program), separated by SUBSEP; "" when this table has nothing for the row.
function cells(t, k, size,    pt, sh, f, c, fe, sp) {
    if (t == 1) {
        pt = get(k, size, "fork_pt_pages")
        sh = get(k, size, "fork_tables_shared")
        return commas(get(k, size, "fork_cycles")) SUBSEP commas(get(k, size, "fork_wait_cycles")) SUBSEP \
            commas(get(k, size, "fork_frames_copied")) SUBSEP commas(get(k, size, "fork_other_frames")) SUBSEP \
            (pt == "n/a" ? "n/a" : pt " (" get(k, size, "pt_pages_min") ")") SUBSEP commas(sh)
    }
    if (t == 2) {
        f = get(k, size, "fault_cycles_per_fault"); c = get(k, size, "copy_cycles_per_copy")
        return commas(get(k, size, "write_cycles_per_page")) SUBSEP commas(get(k, size, "cow_faults")) SUBSEP \
            commas(f) SUBSEP commas(c) SUBSEP (num(f) && num(c) ? commas(f - c) : "n/a") SUBSEP \
            commas(get(k, size, "one_write_tables_copied"))
    }
    fe = get(k, size, "fork_exec_wait_cycles"); sp = get(k, size, "spawn_wait_cycles")
    return commas(fe) SUBSEP commas(get(k, size, "vfork_exec_wait_cycles")) SUBSEP commas(sp) SUBSEP \
        (num(fe) && num(sp) && sp > 0 ? sprintf("%.1fx", fe / sp) : "-")
}

function table(t,    s, o, k, size, n, c, h, i, line) {
    if (markdown) {
        print "| resident | system | " heads[t] " |"
        line = "|---:|---|"
        for (i = 1; i <= ncols[t]; i++)
            line = line "---:|"
        print line
    } else {
        printf "%9s  %-10s", "resident", "system"
        n = split(heads[t], c, " [|] ")
        for (i = 1; i <= n; i++)
            printf " %" length(c[i]) "s", c[i]
        printf "\n"
    }
    for (s = 1; s <= nsizes; s++)
        for (o = 1; o <= norder; o++) {
            k = order[o]
            size = sizes[s]
            if (!has(k, size))
                continue
            n = split(cells(t, k, size), c, SUBSEP)
            if (markdown) {
                line = "| " size " MiB | " label(k) " |"
                for (i = 1; i <= n; i++)
                    line = line " " c[i] " |"
                print line
            } else {
                printf "%9s  %-10s", size " MiB", label(k)
                split(heads[t], h, " [|] ")
                for (i = 1; i <= n; i++)
                    printf " %" length(h[i]) "s", c[i]
                printf "\n"
            }
        }
}

# The table of exec against program size: a row per data size and system.
function etable(    h, hh, n, c, s, o, k, size, i, line, t0, s0) {
    h = "fork+exec+waitpid | vs. none | posix_spawn+waitpid | vs. none | pages read | fork+exec+waitpid, all data read | pages read, all data read"
    n = split(h, c, " [|] ")
    if (markdown) {
        print "| data | system | " h " |"
        line = "|---:|---|"
        for (i = 1; i <= n; i++)
            line = line "---:|"
        print line
    } else {
        printf "%7s  %-10s", "data", "system"
        for (i = 1; i <= n; i++)
            printf " %" length(c[i]) "s", c[i]
        printf "\n"
    }
    for (s = 1; s <= nesizes; s++)
        for (o = 1; o <= norder; o++) {
            k = order[o]
            size = esizes[s]
            if (!ehas(k, size))
                continue
            t0 = eget(k, 0, "exec_wait_cycles"); s0 = eget(k, 0, "spawn_wait_cycles")
            n = split(commas(eget(k, size, "exec_wait_cycles")) SUBSEP ratio(eget(k, size, "exec_wait_cycles"), t0) SUBSEP \
                commas(eget(k, size, "spawn_wait_cycles")) SUBSEP ratio(eget(k, size, "spawn_wait_cycles"), s0) SUBSEP \
                commas(eget(k, size, "exec_pages_read")) SUBSEP commas(eget(k, size, "touch_exec_wait_cycles")) SUBSEP \
                commas(eget(k, size, "touch_pages_read")), c, SUBSEP)
            if (markdown) {
                line = "| " size " MiB | " label(k) " |"
                for (i = 1; i <= n; i++)
                    line = line " " c[i] " |"
                print line
            } else {
                printf "%7s  %-10s", size " MiB", label(k)
                split(h, hh, " [|] ")
                for (i = 1; i <= n; i++)
                    printf " %" length(hh[i]) "s", c[i]
                printf "\n"
            }
        }
}

# The biggest measured size of key not above max (0 when none).
function upto(key, max,    s, best) {
    best = 0
    for (s = 1; s <= nsizes; s++)
        if (sizes[s] <= max && has(key, sizes[s]))
            best = sizes[s]
    return best
}

END {
    # sizes ascending, series in a fixed order
    for (i = 2; i <= nsizes; i++)
        for (j = i; j > 1 && sizes[j - 1] > sizes[j]; j--) {
            t = sizes[j]; sizes[j] = sizes[j - 1]; sizes[j - 1] = t
        }
    for (i = 2; i <= nesizes; i++)
        for (j = i; j > 1 && esizes[j - 1] > esizes[j]; j--) {
            t = esizes[j]; esizes[j] = esizes[j - 1]; esizes[j - 1] = t
        }
    norder = split("cowos/cow cowos/page cowos/copy linux/cow", order, " ")
    heads[1] = "fork returns | fork+exit+waitpid | frames copied | other frames | PT pages (min) | tables shared"
    heads[2] = "write per page | COW faults | cycles per COW fault | cycles per 4 KiB copy | fault beyond the copy | tables copied by 1 write"
    heads[3] = "fork+exec+waitpid | vfork+exec+waitpid | posix_spawn+waitpid | fork / posix_spawn"
    ncols[1] = 6; ncols[2] = 6; ncols[3] = 4

    if (markdown) {
        print "**fork()**"
        print ""
        table(1)
        print ""
        print "**Writing after fork: the child writes every page (and, apart, one page)**"
        print ""
        table(2)
        print ""
        print "**Starting /bin/true and waiting for it**"
        print ""
        table(3)
        if (nesizes) {
            print ""
            print "**Starting a program against its size: /bin/true, and 1, 4 and 16 MiB of initialised data**"
            print ""
            etable()
        }
        exit 0
    }

    print "What fork() costs, by resident size, in each fork mode: cow (shared page tables, the"
    print "default), page (per-page COW), copy (fork=copy). cowos: guest cycles under QEMU -icount"
    print "shift=0 (one per guest instruction; each rep iteration counts once), the same on every"
    print "run. Linux: this machine's TSC ticks. Cycles: median of several runs; write: best run."
    print ""
    print "fork()"
    table(1)
    print ""
    print "frames copied: data pages fork=copy copied (fork_pages_copied). other frames: what the fork"
    print "took beyond page tables and copied pages (free frames gone, less COW and table copies since)."
    print "PT pages: page-table pages the fork allocated (fork_pt_pages); the minimum is 1 PML4, plus"
    print "one PDPT per 512 GiB, one PD per 1 GiB and one PT per 2 MiB holding a mapped page. tables"
    print "shared: last-level tables the fork shared whole instead (fork_tables_shared)."
    print ""
    print "Writing after fork"
    table(2)
    print ""
    print "write per page: a child writes one byte in every page; cycles per page. COW faults it took;"
    print "the kernel's cycles per COW fault (table copies included) and per 4 KiB copy inside it; the"
    print "difference. tables copied by 1 write: tables_copied from before a fork until its child has"
    print "written one page (both processes' stack writes included)."
    print ""
    print "Starting /bin/true and waiting for it"
    table(3)
    print ""
    print "From a parent of each size: fork + execv, vfork + execv, posix_spawn (built on vfork),"
    print "each then waitpid; median. The last column: how many times posix_spawn's cost fork's is."
    print ""
    if (nesizes) {
        print "Starting a program against its size"
        etable()
        print ""
        print "From the parent after the runs above (its region freed): /bin/true (no data), data1m, data4m"
        print "and bigdata (1, 4, 16 MiB of initialised data, the same code), left untouched, started by"
        print "fork + execv or posix_spawn, each then waitpid; median. vs. none: over /bin/true. Then with"
        print "all their data read (argument touch). pages read: page-cache fills during one run (pages"
        print "read in from the file)."
        print ""
    }

    print "Targets (measured, then claimed; not asserted by any test):"
    if (!("cowos/cow" in seen)) {
        print "  (no cowos results for fork=cow yet: make bench)"
        exit 0
    }
    # 1. copy-on-write fork copies no data, at any size
    for (o = 1; o <= 2; o++) {
        k = order[o]
        if (!(k in seen)) continue
        ok = 1; other = ""; list = ""; same = 1
        for (s = 1; s <= nsizes; s++) {
            size = sizes[s]
            if (!has(k, size)) continue
            if (get(k, size, "fork_frames_copied") != 0) ok = 0
            f = get(k, size, "fork_other_frames")
            if (other != "" && f != other) same = 0
            other = f
            list = list (list == "" ? "" : ", ") size
        }
        verdict(ok && same, "fork=" substr(k, 7) " allocates no data frames: 0 copied at " list " MiB; besides page tables it takes " (same ? "the same " other " frames at every size" : "a number of frames that grows with size"))
    }

    # 2. page tables: allocated + shared within a small constant of the minimum
    slack = 2
    ok = 1; text = ""
    for (o = 1; o <= 3; o++) {
        k = order[o]
        if (!(k in seen)) continue
        list = ""
        for (s = 1; s <= nsizes; s++) {
            size = sizes[s]
            if (!has(k, size)) continue
            sh = get(k, size, "fork_tables_shared") + 0
            d = get(k, size, "fork_pt_pages") + sh - get(k, size, "pt_pages_min")
            if (d < 0 || d > slack) ok = 0
            list = list " " get(k, size, "fork_pt_pages") (sh ? "+" sh : "") "/" get(k, size, "pt_pages_min")
        }
        text = text (text == "" ? "" : ";") " " substr(k, 7) list
    }
    verdict(ok, "page tables allocated (+ shared) within " slack " of the minimum (allocated+shared/minimum):" text)

    # 3. fork in nearly constant time: 64 MiB within 2x of 1 MiB (shared tables)
    if (has("cowos/cow", 1) && has("cowos/cow", 64)) {
        a = get("cowos/cow", 1, "fork_cycles"); b = get("cowos/cow", 64, "fork_cycles")
        extra = ""
        if (has("cowos/page", 1) && has("cowos/page", 64))
            extra = sprintf(" (fork=page: %.1fx)", get("cowos/page", 64, "fork_cycles") / get("cowos/page", 1, "fork_cycles"))
        verdict(b <= 2 * a, sprintf("fork at 64 MiB within 2x of fork at 1 MiB (fork=cow): %s / %s = %.2fx%s", commas(b), commas(a), b / a, extra))
    } else
        verdict(0, "fork at 64 MiB within 2x of fork at 1 MiB (fork=cow): 1 and 64 MiB not both measured")

    # 4. the eager copy is at least 100 times the shared-table fork at 64 MiB
    if (has("cowos/cow", 64) && has("cowos/copy", 64)) {
        c = get("cowos/cow", 64, "fork_cycles"); e = get("cowos/copy", 64, "fork_cycles")
        extra = has("cowos/page", 64) ? sprintf(" (per-page COW: %.1fx)", e / get("cowos/page", 64, "fork_cycles")) : ""
        verdict(e >= 100 * c, sprintf("eager-copy fork >= 100x the shared-table fork at 64 MiB: %s / %s = %.1fx%s", commas(e), commas(c), e / c, extra))
    } else
        verdict(0, "eager-copy fork >= 100x the shared-table fork at 64 MiB: 64 MiB not measured in both modes")

    # 5. one write after fork copies at most 2 page tables
    if (has("cowos/cow", 64)) {
        w = get("cowos/cow", 64, "one_write_tables_copied")
        verdict(num(w) && w <= 2, "a child writing one page after fork of 64 MiB costs at most 2 table copies (tables_copied): " commas(w))
    } else
        verdict(0, "a child writing one page after fork of 64 MiB costs at most 2 table copies: 64 MiB not measured")

    # 6. one COW fault per page written, exactly
    for (o = 1; o <= 2; o++) {
        k = order[o]
        if (!(k in seen)) continue
        ok = 1; list = ""
        for (s = 1; s <= nsizes; s++) {
            size = sizes[s]
            if (!has(k, size)) continue
            f = get(k, size, "cow_faults"); p = get(k, size, "pages")
            if (f != p) ok = 0
            list = list " " f "/" p
        }
        verdict(ok, "fork=" substr(k, 7) ": COW faults = pages written, exactly (faults/pages):" list)
    }

    # 7. what a COW fault costs beyond its 4 KiB copy (worst size), per COW mode
    for (o = 1; o <= 2; o++) {
        k = order[o]
        if (!(k in seen)) continue
        ok = 1; worst = -1; wf = wc = ws = "?"
        for (s = 1; s <= nsizes; s++) {
            size = sizes[s]
            if (!has(k, size)) continue
            f = get(k, size, "fault_cycles_per_fault"); c = get(k, size, "copy_cycles_per_copy")
            if (!num(f) || !num(c)) { ok = 0; continue }
            if (f - c > 200) ok = 0
            if (f - c > worst) { worst = f - c; wf = f; wc = c; ws = size }
        }
        verdict(ok, sprintf("fork=%s: COW fault beyond the 4 KiB copy <= 200 instructions: %s - %s = %s (worst size, %s MiB)", substr(k, 7), commas(wf), commas(wc), commas(worst), ws))
    }

    # 8. the fork in the road: starting a program from a big parent
    for (o = 1; o <= 3; o++) {
        k = order[o]
        big = upto(k, 1e9)
        if (!has(k, 1) || big <= 1 || !num(get(k, 1, "spawn_wait_cycles"))) continue
        ok = 1; text = ""
        n = split("vfork_exec_wait_cycles spawn_wait_cycles", names, " ")
        for (i = 1; i <= n; i++) {
            a = get(k, 1, names[i]); b = get(k, big, names[i])
            if (b > 1.1 * a) ok = 0
            text = text sprintf("%s %.2fx, ", i == 1 ? "vfork+exec" : "posix_spawn", b / a)
        }
        a = get(k, 1, "fork_exec_wait_cycles"); b = get(k, big, "fork_exec_wait_cycles")
        verdict(ok, sprintf("fork=%s: vfork+exec and posix_spawn do not grow with the parent (within 1.1x from 1 to %d MiB): %sfork+exec %.2fx", substr(k, 7), big, text, b / a))
    }

    # 9. exec costs the same whatever the program's size, until its pages are touched
    for (o = 1; o <= 3; o++) {
        k = order[o]
        if (!(k in eseen)) continue
        if (!ehas(k, 0) || !ehas(k, 16)) {
            verdict(0, "fork=" substr(k, 7) ": starting the 16 MiB program within 1.5x of /bin/true: 0 and 16 MiB not both measured")
            continue
        }
        fa = eget(k, 0, "exec_wait_cycles"); fb = eget(k, 16, "exec_wait_cycles")
        sa = eget(k, 0, "spawn_wait_cycles"); sb = eget(k, 16, "spawn_wait_cycles")
        ta = eget(k, 16, "touch_exec_wait_cycles")
        verdict(fb <= 1.5 * fa && sb <= 1.5 * sa, sprintf("fork=%s: starting the 16 MiB program (untouched) within 1.5x of /bin/true: fork+exec %.2fx, posix_spawn %.2fx (reading all its data: fork+exec %.1fx, %s pages read)", substr(k, 7), fb / fa, sb / sa, ta / fa, commas(eget(k, 16, "touch_pages_read"))))
    }
    print ""
}
