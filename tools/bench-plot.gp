# bench-plot.gp - draws make bench's plots from bench/results.csv, log-log,
# one line per system and fork mode:
#   plot='fork'  (default) cycles for fork() to return, against resident size
#   plot='spawn' cycles to start /bin/true and wait for it: fork+exec (solid)
#                and posix_spawn (dashed), against the parent's resident size
# Called by tools/bench.sh: gnuplot -e "csv='...'; png='...'; series='...'[; plot='spawn']",
# where series lists the SYSTEM/MODE pairs present (cowos/cow cowos/page
# cowos/copy linux/cow).

if (!exists("plot")) plot = 'fork'
set terminal pngcairo size 960,640 font "sans,11"
set output png
set datafile separator ","
if (plot eq 'spawn') {
    set title "Starting /bin/true from a big parent: fork+exec+waitpid (solid), posix_spawn+waitpid (dashed)" font "sans,13" noenhanced
    set xlabel "resident memory of the parent (MiB, log scale)"
} else {
    set title "fork(): cycles until it returns in the parent" font "sans,13"
    set xlabel "resident memory of the forking process (MiB, log scale)"
}
set ylabel "cycles (log scale)"
set logscale x 4
set logscale y 10
set xtics 4
set format y "10^{%L}"
set grid xtics ytics lc rgb "#cccccc"
set key top left Left reverse box opaque
set offsets graph 0.04, graph 0.04, graph 0.04, 0

name(s) = s eq "cowos/cow" ? "cowos fork=cow: shared page tables (guest instructions, -icount)" : \
          s eq "cowos/page" ? "cowos fork=page: per-page copy-on-write (guest instructions)" : \
          s eq "cowos/copy" ? "cowos fork=copy: eager copy (guest instructions)" : \
          s eq "linux/cow" ? "Linux on the build host (TSC ticks)" : s
colour(s) = s eq "cowos/cow" ? 0x1b9e77 : s eq "cowos/page" ? 0xe7298a : \
            s eq "cowos/copy" ? 0xd95f02 : 0x7570b3
# CSV columns: 1 system, 2 mode, 3 size_mib, 5 fork_cycles, 17 fork_exec_wait_cycles,
# 19 spawn_wait_cycles (see forkbench.c).
pick(s, c) = (strcol(1) . "/" . strcol(2)) eq s ? column(c) : NaN

if (plot eq 'spawn') {
    plot for [s in series] csv skip 1 using 3:(pick(s, 17)) \
         with linespoints lw 2 pt 7 ps 1.2 lc rgb colour(s) title name(s), \
         for [s in series] csv skip 1 using 3:(pick(s, 19)) \
         with linespoints lw 2 dt 2 pt 6 ps 1.2 lc rgb colour(s) notitle
} else {
    plot for [s in series] csv skip 1 using 3:(pick(s, 5)) \
         with linespoints lw 2 pt 7 ps 1.2 lc rgb colour(s) title name(s)
}
