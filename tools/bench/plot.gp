# Durable appends against concurrent writers, from log_bench's appends.dat (a header row
# "writers own_<system>... hot_<system>...", then one row per writer count; "?" for a case not run).
# gnuplot -e "data='appends.dat'; output='perf-appends.png'" tools/bench/plot.gp
set terminal pngcairo size 1100,480 font "DejaVu Sans,10"
set output output
set datafile missing "?"
stats data using 1 nooutput
n = (STATS_columns - 1) / 2
set key top left
set logscale xy
set xtics (1, 8, 64)
set xrange [0.8:80]
set grid
set xlabel "concurrent writers"
set ylabel "durable appends per second (one event each)"
set multiplot layout 1,2 title "Event log: durable appends (acknowledged = fsynced), 2 cores"
set title "each writer its own stream (expected version exact)"
plot for [i=2:n+1] data using 1:i with linespoints lw 2 pt 7 title columnhead(i)[5:]
set title "all writers on 4 hot streams (expected version any)"
plot for [i=n+2:2*n+1] data using 1:i with linespoints lw 2 pt 7 title columnhead(i)[5:]
unset multiplot
