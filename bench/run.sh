#!/bin/bash
# run.sh: times one Cortex-M image three ways (baregc, bare Unicorn, QEMU) and prints the ratios.
#
# Usage (from the build directory): bench/run.sh [FIRMWARE.elf]     (or: make bench)
#   FIRMWARE.elf  default: firmware/bench-mps2-an385.elf in the build directory
# Environment:
#   BENCH_RUNS=N        rounds (every runner once a round, interleaved); the best of each counts (default 3)
#   BAREGC=PATH         default ./baregc
#   BARE_UNICORN=PATH   default ./bench/bare-unicorn
#   QEMU=PATH           default qemu-system-arm
# Host timings vary from run to run and machine to machine: nothing here is a test.
# Times are bash's `time` (wall clock, milliseconds) of each run, start-up included.
set -u

elf=${1:-firmware/bench-mps2-an385.elf}
runs=${BENCH_RUNS:-3}
baregc=${BAREGC:-./baregc}
bare=${BARE_UNICORN:-./bench/bare-unicorn}
qemu=${QEMU:-qemu-system-arm}

case $runs in
'' | *[!0-9]* | 0) echo "run.sh: BENCH_RUNS must be a positive integer" >&2; exit 2 ;;
esac
if [ ! -f "$elf" ]; then
    echo "run.sh: $elf not found (build it with: make $elf, or pass an ELF as the argument)" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

available() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }

# The runners, each a name and a command line. They run interleaved, one round at a
# time (every runner once per round), so that a slow spell of the machine (other
# tenants, frequency changes) falls on all of them alike rather than on one.
names=() cmds=()
add() { names+=("$1"); shift; cmds+=("$(printf '%q ' "$@")"); }
if available "$baregc"; then
    add baregc "$baregc" run "$elf" --board mps2-an385 --quiet --gc-runtime none
    add recq "$baregc" run "$elf" --board mps2-an385 --quiet
    add rec "$baregc" run "$elf" --board mps2-an385 --quiet --out "$tmp/out"
else
    echo "run.sh: $baregc not found: skipping baregc" >&2
fi
if available "$bare"; then
    add bare "$bare" "$elf"
    add bareh "$bare" --block-hook "$elf"
else
    echo "run.sh: $bare not found: skipping bare Unicorn" >&2
fi
if available "$qemu"; then
    add qemu "$qemu" -M mps2-an385 -kernel "$elf" -semihosting-config enable=on,target=native \
        -display none -monitor none -serial null -no-reboot
else
    echo "run.sh: $qemu not found: skipping QEMU" >&2
fi

# time_once CMD: wall-clock seconds of one run, or n/a when it fails.
time_once() {
    local TIMEFORMAT=%3R
    if { time eval "$1" >"$tmp/last.out" 2>"$tmp/last.log"; } 2>"$tmp/last.time"; then
        tail -n 1 "$tmp/last.time"
    else
        echo n/a
    fi
}

declare -A best failed
pairs="" # per round: the --out run over the bare Unicorn run of the same round
for ((round = 0; round < runs; round++)); do
    declare -A this=()
    for k in "${!names[@]}"; do
        n=${names[$k]}
        [ -n "${failed[$n]:-}" ] && continue
        t=$(time_once "${cmds[$k]}")
        if [ "$t" = n/a ]; then
            failed[$n]=1
            best[$n]=n/a
            echo "run.sh: the $n run failed (a non-zero exit status):" >&2
            tail -n 5 "$tmp/last.log" >&2
            continue
        fi
        this[$n]=$t
        if [ -z "${best[$n]:-}" ] || awk -v a="$t" -v b="${best[$n]}" 'BEGIN { exit !(a < b) }'; then
            best[$n]=$t
        fi
    done
    if [ -n "${this[rec]:-}" ] && [ -n "${this[bare]:-}" ]; then
        pairs+="$(awk -v a="${this[rec]}" -v b="${this[bare]}" 'BEGIN { printf "%.4f", a / b }') "
    fi
done
t_baregc=${best[baregc]:-n/a} t_recq=${best[recq]:-n/a} t_rec=${best[rec]:-n/a}
t_bare=${best[bare]:-n/a} t_bareh=${best[bareh]:-n/a} t_qemu=${best[qemu]:-n/a}

ratio() { # a b -> a/b with two decimals, or n/a
    if [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a; return; fi
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "n/a" }'
}

printf 'image: %s\n' "$elf"
printf 'best of %s interleaved rounds, wall-clock seconds\n' "$runs"
secs() { # seconds with three decimals, or n/a
    if [ "$1" = n/a ]; then echo n/a; else awk -v t="$1" 'BEGIN { printf "%.3f\n", t }'; fi
}
printf '  %-34s %s\n' "baregc --gc-runtime none" "$(secs "$t_baregc")" \
    "baregc (recording, no files)" "$(secs "$t_recq")" \
    "baregc --out" "$(secs "$t_rec")" \
    "bare-unicorn" "$(secs "$t_bare")" \
    "bare-unicorn --block-hook (empty)" "$(secs "$t_bareh")" \
    "qemu-system-arm" "$(secs "$t_qemu")"
r_bare=$(ratio "$t_baregc" "$t_bare")
r_rec=$(ratio "$t_rec" "$t_bare")
r_qemu=$(ratio "$t_baregc" "$t_qemu")
printf 'baregc / bare-unicorn:        %s\n' "$r_bare"
printf 'recording / bare-unicorn:     %s   (GC recording, summary only)\n' "$(ratio "$t_recq" "$t_bare")"
printf 'empty block hook / bare:      %s   (the floor of a block-hook design)\n' "$(ratio "$t_bareh" "$t_bare")"
printf 'baregc --out / bare-unicorn:  %s   (full GC recording and all output files)\n' "$r_rec"
printf 'baregc / qemu:                %s\n' "$r_qemu"
if [ -n "$pairs" ]; then
    printf 'baregc --out / bare-unicorn, round by round: %s(median %s)\n' "$pairs" \
        "$(echo $pairs | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
fi
verdict="(not measured)"
if [ "$r_rec" != n/a ]; then
    verdict=$(awk -v r="$r_rec" 'BEGIN { print (r <= 1.15) ? "(met)" : "(not met)" }')
fi
printf 'target: baregc --out <= 1.15x bare Unicorn %s\n' "$verdict"
