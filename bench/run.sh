#!/bin/bash
# run.sh: times Cortex-M images several ways (baregc, bare Unicorn, QEMU) and prints the ratios.
#
# Usage (from the build directory): bench/run.sh [FIRMWARE.elf ...]     (or: make bench)
#   FIRMWARE.elf  default: firmware/bench-mps2-an385.elf and firmware/bench-interp-mps2-an385.elf
#                 in the build directory; each image is measured on its own, in turn
# Environment:
#   BENCH_RUNS=N              rounds (every runner once a round, interleaved); the best of each counts (default 3)
#   BAREGC=PATH               default ./baregc
#   BARE_UNICORN=PATH         default ./bench/bare-unicorn (glibc's malloc)
#   BARE_UNICORN_ALLOC=PATH   default ./bench/bare-unicorn-alloc (linked with baregc's allocator)
#   BAREGC_MALLOC=LIBS        that allocator as configure found it (MALLOC_LIBS: -lmimalloc, or
#                             empty for glibc's), for the labels; make bench sets it
#   QEMU=PATH                 default qemu-system-arm
# Host timings vary from run to run and machine to machine: nothing here is a test.
# Times are bash's `time` (wall clock, milliseconds) of each run, start-up included.
set -u

# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
[ $# -gt 0 ] || set -- "${BENCH_IMAGES[@]}"
runs=${BENCH_RUNS:-3}
baregc=${BAREGC:-./baregc}
bare=${BARE_UNICORN:-./bench/bare-unicorn}
barea=${BARE_UNICORN_ALLOC:-./bench/bare-unicorn-alloc}
alloc=$(bench_alloc_label)
qemu=${QEMU:-qemu-system-arm}

case $runs in
'' | *[!0-9]* | 0) echo "run.sh: BENCH_RUNS must be a positive integer" >&2; exit 2 ;;
esac
bench_check_images run.sh "$@"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

available() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
for p in "$baregc:baregc" "$bare:bare Unicorn" "$barea:bare Unicorn with baregc's allocator" "$qemu:QEMU"; do
    available "${p%%:*}" || echo "run.sh: ${p%%:*} not found: skipping ${p#*:}" >&2
done

# time_once CMD: wall-clock seconds of one run, or n/a when it fails.
time_once() {
    local TIMEFORMAT=%3R
    if { time eval "$1" >"$tmp/last.out" 2>"$tmp/last.log"; } 2>"$tmp/last.time"; then
        tail -n 1 "$tmp/last.time"
    else
        echo n/a
    fi
}

ratio() { bench_ratio 2 "$@"; }
secs() { # seconds with three decimals, or n/a
    if [ "$1" = n/a ]; then echo n/a; else awk -v t="$1" 'BEGIN { printf "%.3f\n", t }'; fi
}
median() { # the median of its arguments, two decimals
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_image ELF: every runner on ELF, BENCH_RUNS interleaved rounds, then the table.
bench_image() {
    local elf=$1
    # The runners, each a name and a command line. They run interleaved, one round at a
    # time (every runner once per round), so that a slow spell of the machine (other
    # tenants, frequency changes) falls on all of them alike rather than on one.
    local names=() cmds=()
    add() { names+=("$1"); shift; cmds+=("$(printf '%q ' "$@")"); }
    if available "$baregc"; then
        add baregc "$baregc" run "$elf" --board mps2-an385 --quiet --gc-runtime none
        add recq "$baregc" run "$elf" --board mps2-an385 --quiet
        add rec "$baregc" run "$elf" --board mps2-an385 --quiet --out "$tmp/out"
    fi
    if available "$barea"; then
        add barea "$barea" "$elf"
        add bareh "$barea" --block-hook "$elf"
    fi
    available "$bare" && add bare "$bare" "$elf"
    if available "$qemu"; then
        add qemu "$qemu" -M mps2-an385 -kernel "$elf" -semihosting-config enable=on,target=native \
            -display none -monitor none -serial null -no-reboot
    fi

    local -A best=() failed=() this=()
    local pairs=() # per round: the --out run over the same-allocator bare Unicorn run of that round
    local round k n t
    for ((round = 0; round < runs; round++)); do
        this=()
        for k in "${!names[@]}"; do
            n=${names[$k]}
            [ -n "${failed[$n]:-}" ] && continue
            t=$(time_once "${cmds[$k]}")
            if [ "$t" = n/a ]; then
                failed[$n]=1
                best[$n]=n/a
                echo "run.sh: the $n run on $elf failed (a non-zero exit status):" >&2
                tail -n 5 "$tmp/last.log" >&2
                continue
            fi
            this[$n]=$t
            if [ -z "${best[$n]:-}" ] || awk -v a="$t" -v b="${best[$n]}" 'BEGIN { exit !(a < b) }'; then
                best[$n]=$t
            fi
        done
        if [ -n "${this[rec]:-}" ] && [ -n "${this[barea]:-}" ]; then
            pairs+=("$(awk -v a="${this[rec]}" -v b="${this[barea]}" 'BEGIN { printf "%.2f", a / b }')")
        fi
    done
    local t_baregc=${best[baregc]:-n/a} t_recq=${best[recq]:-n/a} t_rec=${best[rec]:-n/a}
    local t_barea=${best[barea]:-n/a} t_bareh=${best[bareh]:-n/a} t_bare=${best[bare]:-n/a}
    local t_qemu=${best[qemu]:-n/a}

    printf 'image: %s\n' "$elf"
    printf 'best of %s interleaved rounds, wall-clock seconds\n' "$runs"
    printf '  %-40s %s\n' "baregc --gc-runtime none" "$(secs "$t_baregc")" \
        "baregc (recording, no files)" "$(secs "$t_recq")" \
        "baregc --out" "$(secs "$t_rec")" \
        "bare-unicorn-alloc ($alloc)" "$(secs "$t_barea")" \
        "bare-unicorn-alloc --block-hook (empty)" "$(secs "$t_bareh")" \
        "bare-unicorn (glibc malloc)" "$(secs "$t_bare")" \
        "qemu-system-arm" "$(secs "$t_qemu")"
    local r_rec
    r_rec=$(ratio "$t_rec" "$t_barea")
    printf 'against bare Unicorn with the same allocator (%s):\n' "$alloc"
    printf '  baregc --gc-runtime none:       %s   (the simulator, no GC recording)\n' "$(ratio "$t_baregc" "$t_barea")"
    printf '  baregc, recording:              %s   (GC recording, summary only)\n' "$(ratio "$t_recq" "$t_barea")"
    printf '  baregc --out:                   %s   (full GC recording and all output files)\n' "$r_rec"
    printf '  empty block hook:               %s   (the floor of a block-hook design)\n' "$(ratio "$t_bareh" "$t_barea")"
    printf 'baregc --out / bare-unicorn (glibc malloc):  %s\n' "$(ratio "$t_rec" "$t_bare")"
    printf 'bare-unicorn-alloc / bare-unicorn:           %s   (the allocator alone)\n' "$(ratio "$t_barea" "$t_bare")"
    printf 'baregc --out / qemu-system-arm:              %s\n' "$(ratio "$t_rec" "$t_qemu")"
    if [ ${#pairs[@]} -gt 0 ]; then
        printf 'baregc --out / bare-unicorn-alloc, round by round: %s (median %s)\n' "${pairs[*]}" \
            "$(median "${pairs[@]}")"
    fi
    printf 'target: baregc --out <= 1.15x bare Unicorn with the same allocator %s\n' "$(verdict "$r_rec" 1.15)"
    printf 'target: baregc --out <= 1.0x bare Unicorn with glibc malloc %s\n' \
        "$(verdict "$(ratio "$t_rec" "$t_bare")" 1.0)"
}

first=1
for elf in "$@"; do
    [ "$first" = 1 ] || echo
    first=0
    bench_image "$elf"
done
