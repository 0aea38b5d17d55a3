# bench-plot.gp - draws bench/fork-cycles.png: cycles for fork() to return
# against resident size, log-log, one line per system in bench/results.csv.
# Called by tools/bench.sh: gnuplot -e "csv='...'; png='...'; series='...'",
# where series lists the SYSTEM/MODE pairs present (cowos/cow cowos/copy linux/cow).

set terminal pngcairo size 960,640 font "sans,11"
set output png
set datafile separator ","
set title "fork(): cycles until it returns in the parent" font "sans,13"
set xlabel "resident memory of the forking process (MiB, log scale)"
set ylabel "cycles (log scale)"
set logscale x 4
set logscale y 10
set xtics 4
set format y "10^{%L}"
set grid xtics ytics lc rgb "#cccccc"
set key top left Left reverse box opaque
set offsets graph 0.04, graph 0.04, graph 0.04, 0

name(s) = s eq "cowos/cow" ? "cowos, copy-on-write (guest instructions, -icount)" : \
          s eq "cowos/copy" ? "cowos, fork=copy (guest instructions, -icount)" : \
          s eq "linux/cow" ? "Linux on the build host (TSC ticks)" : s
colour(s) = s eq "cowos/cow" ? 0x1b9e77 : s eq "cowos/copy" ? 0xd95f02 : 0x7570b3
# CSV columns: 1 system, 2 mode, 3 size_mib, 5 fork_cycles (see forkbench.c).
pick(s) = (strcol(1) . "/" . strcol(2)) eq s ? $5 : NaN

plot for [s in series] csv skip 1 using 3:(pick(s)) \
     with linespoints lw 2 pt 7 ps 1.2 lc rgb colour(s) title name(s)
