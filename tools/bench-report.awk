# bench-report.awk - turns bench/results.csv into the terminal table and the
# PASS/MISS lines of make bench's targets (measured, never asserted).
# Input: the CSV that tools/bench.sh writes (header line, then one row per
# system, mode and size). Plain POSIX awk (mawk is Debian's default).
# With -v markdown=1: only the table, as the Markdown rows README.md shows
# (make readme-bench puts them there).

BEGIN { FS = "," }

NR == 1 {
    for (i = 1; i <= NF; i++)
        col[$i] = i
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

# 1234567 -> "1,234,567"; words such as n/a pass through.
function commas(x,    s, neg, int_part, frac, out) {
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

function label(key) {
    if (key == "cowos/cow") return "cowos COW"
    if (key == "cowos/copy") return "cowos copy"
    if (key == "linux/cow") return "Linux"
    return key
}

function get(key, size, name) { return v[key, size, col[name]] }

function has(key, size) { return (key, size, 1) in v }

function verdict(ok, text) { printf "  %s  %s\n", ok ? "PASS" : "MISS", text }

END {
    # sizes ascending, series in a fixed order
    for (i = 2; i <= nsizes; i++)
        for (j = i; j > 1 && sizes[j - 1] > sizes[j]; j--) {
            t = sizes[j]; sizes[j] = sizes[j - 1]; sizes[j - 1] = t
        }
    norder = split("cowos/cow cowos/copy linux/cow", order, " ")
    if (markdown) {
        print "| resident | system | fork returns | fork+exit+waitpid | write per page | frames copied | other frames | PT pages (min) | COW faults | cycles per COW fault | cycles per 4 KiB copy |"
        print "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        for (s = 1; s <= nsizes; s++)
            for (o = 1; o <= norder; o++) {
                k = order[o]
                size = sizes[s]
                if (!has(k, size))
                    continue
                pt = get(k, size, "fork_pt_pages")
                ptcell = pt == "n/a" ? "n/a" : pt " (" get(k, size, "pt_pages_min") ")"
                printf "| %s MiB | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", size, label(k),
                    commas(get(k, size, "fork_cycles")), commas(get(k, size, "fork_wait_cycles")),
                    commas(get(k, size, "write_cycles_per_page")), commas(get(k, size, "fork_frames_copied")),
                    get(k, size, "fork_other_frames"), ptcell, commas(get(k, size, "cow_faults")),
                    commas(get(k, size, "fault_cycles_per_fault")), commas(get(k, size, "copy_cycles_per_copy"))
            }
        exit 0
    }

    print "What fork() costs, by resident size. cowos: guest cycles under QEMU -icount shift=0"
    print "(one per guest instruction; each rep iteration counts once), the same on every run."
    print "Linux: this machine's TSC ticks. Cycles: median of several forks; write: best run."
    print ""
    fmt = "%9s  %-10s %12s %12s %9s %8s %7s %10s %8s %10s %10s\n"
    printf fmt, "resident", "system", "fork", "fork+exit", "write", "frames", "other", "PT pages", "COW", "cycles per", "cycles per"
    printf fmt, "", "", "returns", "+waitpid", "per page", "copied", "frames", "(minimum)", "faults", "COW fault", "4 KiB copy"
    printf fmt, "---------", "----------", "----------", "----------", "--------", "------", "------", "---------", "------", "----------", "----------"
    for (s = 1; s <= nsizes; s++) {
        size = sizes[s]
        for (o = 1; o <= norder; o++) {
            k = order[o]
            if (!has(k, size))
                continue
            pt = get(k, size, "fork_pt_pages")
            ptmin = get(k, size, "pt_pages_min")
            ptcell = pt == "n/a" ? "n/a" : pt " (" ptmin ")"
            printf fmt, size " MiB", label(k), commas(get(k, size, "fork_cycles")),
                commas(get(k, size, "fork_wait_cycles")), commas(get(k, size, "write_cycles_per_page")),
                commas(get(k, size, "fork_frames_copied")), get(k, size, "fork_other_frames"), ptcell,
                commas(get(k, size, "cow_faults")), commas(get(k, size, "fault_cycles_per_fault")),
                commas(get(k, size, "copy_cycles_per_copy"))
        }
    }
    print ""
    print "frames copied: data pages fork=copy copied (fork_pages_copied). other frames: what the fork"
    print "took beyond page tables and copied pages (free frames gone, less COW copies since)."
    print "PT pages: page-table pages the fork allocated (fork_pt_pages); the minimum is 1 PML4, plus"
    print "one PDPT per 512 GiB, one PD per 1 GiB and one PT per 2 MiB holding a mapped page."
    print ""

    print "Targets (measured, then claimed; not asserted by any test):"
    if (!("cowos/cow" in seen)) {
        print "  (no cowos results yet: make bench)"
        exit 0
    }
    # 1. copy-on-write fork copies no data, at any size
    ok = 1; other = ""; list = ""; same = 1
    for (s = 1; s <= nsizes; s++) {
        size = sizes[s]
        if (!has("cowos/cow", size)) continue
        if (get("cowos/cow", size, "fork_frames_copied") != 0) ok = 0
        o = get("cowos/cow", size, "fork_other_frames")
        if (other != "" && o != other) same = 0
        other = o
        list = list (list == "" ? "" : ", ") size
    }
    verdict(ok && same, "COW fork allocates no data frames: 0 copied at " list " MiB; besides page tables it takes " (same ? "the same " other " frames at every size" : "a number of frames that grows with size"))

    # 2. page tables: within a small constant of the minimum
    slack = 2
    ok = 1
    for (o = 1; o <= 2; o++) {
        k = order[o]
        if (!(k in seen)) continue
        list = ""
        for (s = 1; s <= nsizes; s++) {
            size = sizes[s]
            if (!has(k, size)) continue
            d = get(k, size, "fork_pt_pages") - get(k, size, "pt_pages_min")
            if (d < 0 || d > slack) ok = 0
            list = list " " get(k, size, "fork_pt_pages") "/" get(k, size, "pt_pages_min")
        }
        lists[k] = list
    }
    verdict(ok, "page-table pages within " slack " of the minimum (allocated/minimum): COW" lists["cowos/cow"] "; copy" lists["cowos/copy"])

    # 3. eager copy is at least 20 times the cost of COW at 64 MiB
    if (has("cowos/cow", 64) && has("cowos/copy", 64)) {
        c = get("cowos/cow", 64, "fork_cycles"); e = get("cowos/copy", 64, "fork_cycles")
        verdict(e >= 20 * c, sprintf("eager-copy fork >= 20x COW fork at 64 MiB: %s / %s = %.1fx", commas(e), commas(c), e / c))
    } else
        verdict(0, "eager-copy fork >= 20x COW fork at 64 MiB: 64 MiB not measured in both modes")

    # 4. one COW fault per page written, exactly
    ok = 1; list = ""
    for (s = 1; s <= nsizes; s++) {
        size = sizes[s]
        if (!has("cowos/cow", size)) continue
        f = get("cowos/cow", size, "cow_faults"); p = get("cowos/cow", size, "pages")
        if (f != p) ok = 0
        list = list " " f "/" p
    }
    verdict(ok, "COW faults = pages written, exactly (faults/pages):" list)

    # 5. kernel cost of a COW fault against the bare 4 KiB copy inside it
    ok = 1; list = ""; worst = 0
    for (s = 1; s <= nsizes; s++) {
        size = sizes[s]
        if (!has("cowos/cow", size)) continue
        f = get("cowos/cow", size, "fault_cycles_per_fault"); c = get("cowos/cow", size, "copy_cycles_per_copy")
        if (c == "n/a" || c <= 0 || f == "n/a") { ok = 0; continue }
        r = f / c
        if (r >= 3) ok = 0
        if (r > worst) { worst = r; wf = f; wc = c }
    }
    verdict(ok, sprintf("kernel cycles per COW fault < 3x the bare 4 KiB copy: %s / %s = %.1fx (worst size)", commas(wf), commas(wc), worst))
    print ""
}
