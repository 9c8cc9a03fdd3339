#!/bin/bash
# run.sh: times one Cortex-M image three ways (baregc, bare Unicorn, QEMU) and prints the ratios.
#
# Usage (from the build directory): bench/run.sh [FIRMWARE.elf]     (or: make bench)
#   FIRMWARE.elf  default: firmware/bench-mps2-an385.elf in the build directory
# Environment:
#   BENCH_RUNS=N        runs per runner, the best one counts (default 3)
#   BAREGC=PATH         default ./baregc
#   BARE_UNICORN=PATH   default ./bench/bare-unicorn
#   QEMU=PATH           default qemu-system-arm
#   BENCH_NO_HYPERFINE=1  time with bash's `time` even if hyperfine is installed
# Host timings vary from run to run and machine to machine: nothing here is a test.
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

use_hyperfine=0
if [ -z "${BENCH_NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null 2>&1; then
    use_hyperfine=1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best NAME CMD...: prints the best wall-clock time in seconds of $runs runs,
# or "n/a" when the command fails (its output is kept in $tmp/NAME.log).
best() {
    local name=$1
    shift
    if [ $use_hyperfine = 1 ]; then
        if hyperfine -N --style none --runs "$runs" --export-json "$tmp/$name.json" \
            "$(printf '%q ' "$@")" >"$tmp/$name.log" 2>&1; then
            sed -n 's/^ *"min": *\([0-9.eE+-]*\),*$/\1/p' "$tmp/$name.json" | head -n 1
            return
        fi
        echo n/a
        return
    fi
    local b="" t i
    for ((i = 0; i < runs; i++)); do
        local TIMEFORMAT=%R
        if ! { time "$@" >"$tmp/$name.out" 2>"$tmp/$name.log"; } 2>"$tmp/$name.time"; then
            echo n/a
            return
        fi
        t=$(tail -n 1 "$tmp/$name.time")
        if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN { exit !(a < b) }'; then
            b=$t
        fi
    done
    echo "$b"
}

available() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }

t_baregc=n/a t_recq=n/a t_rec=n/a t_bare=n/a t_bareh=n/a t_qemu=n/a
if available "$baregc"; then
    t_baregc=$(best baregc "$baregc" run "$elf" --board mps2-an385 --quiet --gc-runtime none)
    t_recq=$(best recq "$baregc" run "$elf" --board mps2-an385 --quiet)
    t_rec=$(best rec "$baregc" run "$elf" --board mps2-an385 --quiet --out "$tmp/out")
else
    echo "run.sh: $baregc not found: skipping baregc" >&2
fi
if available "$bare"; then
    t_bare=$(best bare "$bare" "$elf")
    t_bareh=$(best bareh "$bare" --block-hook "$elf")
else
    echo "run.sh: $bare not found: skipping bare Unicorn" >&2
fi
if available "$qemu"; then
    t_qemu=$(best qemu "$qemu" -M mps2-an385 -kernel "$elf" -semihosting-config enable=on,target=native \
        -display none -monitor none -serial null -no-reboot)
else
    echo "run.sh: $qemu not found: skipping QEMU" >&2
fi
for r in baregc recq rec bare bareh qemu; do
    v=t_$r
    if [ "${!v}" = n/a ] && [ -e "$tmp/$r.log" ]; then
        echo "run.sh: the $r run failed (a non-zero exit status):" >&2
        tail -n 5 "$tmp/$r.log" >&2
    fi
done

ratio() { # a b -> a/b with two decimals, or n/a
    if [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a; return; fi
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "n/a" }'
}

how=$([ $use_hyperfine = 1 ] && echo hyperfine || echo "bash time")
printf 'image: %s\n' "$elf"
printf 'best of %s runs (%s), wall-clock seconds\n' "$runs" "$how"
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
verdict="(not measured)"
if [ "$r_rec" != n/a ]; then
    verdict=$(awk -v r="$r_rec" 'BEGIN { print (r <= 1.15) ? "(met)" : "(not met)" }')
fi
printf 'target: baregc --out <= 1.15x bare Unicorn %s\n' "$verdict"
