#!/bin/bash
# tui_overhead.sh: times `baregc run` against `baregc tui` (in a detached 80x24 tmux, quitting at the end) and prints the ratio.
#
# Usage (from the build directory): bench/tui_overhead.sh [FIRMWARE.elf]
#   FIRMWARE.elf  default: firmware/bench-mps2-an385.elf in the build directory
# Environment:
#   BENCH_RUNS=N   runs of each, the best one counts (default 3)
#   BAREGC=PATH    default ./baregc
# Host timings vary from run to run and machine to machine: nothing here is a test.
# The TUI redraws every 100 ms of host time (less often when a redraw is slow), so
# its cost should stay under 10% of the run.
set -u

elf=${1:-firmware/bench-mps2-an385.elf}
runs=${BENCH_RUNS:-3}
baregc=${BAREGC:-./baregc}

case $runs in
'' | *[!0-9]* | 0) echo "tui_overhead.sh: BENCH_RUNS must be a positive integer" >&2; exit 2 ;;
esac
[ -f "$elf" ] || { echo "tui_overhead.sh: $elf not found (make $elf)" >&2; exit 2; }
command -v tmux >/dev/null 2>&1 || { echo "tui_overhead.sh: tmux is needed" >&2; exit 2; }
baregc=$(cd "$(dirname "$baregc")" && pwd)/$(basename "$baregc")
elf=$(cd "$(dirname "$elf")" && pwd)/$(basename "$elf")

tmp=$(mktemp -d)
T() { tmux -S "$tmp/sock" -f /dev/null "$@"; }
trap 'T kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT

now() { date +%s.%N; }

time_run() {
    local t0 t1
    t0=$(now)
    "$baregc" run "$elf" --quiet >/dev/null 2>&1 </dev/null || { echo n/a; return; }
    t1=$(now)
    echo "$t1 - $t0" | bc -l
}

# The whole tui process, from start to its exit, measured inside the tmux pane.
time_tui() {
    rm -f "$tmp/t"
    T new-session -d -x 80 -y 24 -s b \
        "t0=\$(date +%s.%N); env TERM=screen '$baregc' tui '$elf' --quiet --exit-at-end 2>/dev/null; \
         t1=\$(date +%s.%N); echo \"\$t1 - \$t0\" | bc -l >'$tmp/t.tmp'; mv '$tmp/t.tmp' '$tmp/t'"
    while [ ! -f "$tmp/t" ]; do sleep 0.2; done
    cat "$tmp/t"
}

best() { sort -g | head -n 1; }

echo "firmware: $elf"
r=$(for i in $(seq "$runs"); do time_run; done | best)
t=$(for i in $(seq "$runs"); do time_tui; done | best)
printf 'baregc run: %.3f s   baregc tui: %.3f s   (best of %d)\n' "$r" "$t" "$runs"
printf 'tui / run = %.3f  (overhead %.1f%%)\n' "$(echo "$t / $r" | bc -l)" "$(echo "($t / $r - 1) * 100" | bc -l)"
