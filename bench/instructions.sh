#!/bin/bash
# instructions.sh: host instructions executed by baregc, by bare Unicorn (linked with
# baregc's allocator and with glibc's) and by qemu-system-arm on the same images,
# counted by valgrind (callgrind), their ratios, and the block hook's share of baregc's.
# Unlike wall-clock time the counts are the same on every run and every machine of one
# kind (QEMU's within a few per mille: it runs threads and timers), so a change's cost
# shows even where the host is too noisy to time; but they leave out cache misses and
# branch mispredictions, so they are a floor for the time ratio, not the time ratio.
#
# Usage (from the build directory): bench/instructions.sh [FIRMWARE.elf ...]  (or: make bench-instructions)
#   FIRMWARE.elf  default: the two images run.sh measures (bench/common.sh)
# Environment: BAREGC, BARE_UNICORN, BARE_UNICORN_ALLOC, BAREGC_MALLOC, QEMU (as for
# run.sh); BENCH_CG_DIR=DIR keeps the callgrind files there (IMAGE.RUNNER.cg), for
# callgrind_annotate or kcachegrind. Every runner runs the whole image (bare Unicorn
# cannot stop earlier at the same point). About 15 minutes an image on two cores
# (valgrind runs an image about 50 times slower; the runners go two at a time).
set -u

# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
[ $# -gt 0 ] || set -- "${BENCH_IMAGES[@]}"
baregc=${BAREGC:-./baregc}
bare=${BARE_UNICORN:-./bench/bare-unicorn}
barea=${BARE_UNICORN_ALLOC:-./bench/bare-unicorn-alloc}
alloc=$(bench_alloc_label)
qemu=${QEMU:-qemu-system-arm}
for tool in valgrind callgrind_annotate; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "instructions.sh: $tool not found (Debian package valgrind)" >&2
        exit 2
    fi
done
bench_check_images instructions.sh "$@"
for f in "$baregc" "$bare" "$barea"; do
    if [ ! -e "$f" ]; then
        echo "instructions.sh: $f not found" >&2
        exit 2
    fi
done
have_qemu=1
command -v "$qemu" >/dev/null 2>&1 || have_qemu=0
[ "$have_qemu" = 1 ] || echo "instructions.sh: $qemu not found: skipping QEMU" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# count NAME CMD...: runs CMD under callgrind; its count lands in $tmp/NAME, its
# profile in $tmp/NAME.cg.
count() {
    local name=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$tmp/$name.cg" "$@" >/dev/null 2>"$tmp/$name.log"
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$tmp/$name.log" | tr -d , >"$tmp/$name"
}

get() { local v; v=$(cat "$tmp/$1" 2>/dev/null); echo "${v:-n/a}"; }

# fn_cost NAME FUNCTION [--inclusive=yes]: FUNCTION's cost in NAME's profile (0 when
# absent): its line in the list of functions (which names the binary in brackets),
# not a call to it that the annotated source shows.
fn_cost() {
    callgrind_annotate ${3:+"$3"} "$tmp/$1.cg" 2>/dev/null |
        awk -v f="$2" '$0 ~ ":" f " \\[" { gsub(",", "", $1); if ($1 + 0 > m) m = $1 + 0 } END { printf "%.0f\n", m }'
}

# hook_share NAME: the block hook's share of NAME's instructions. Unicorn calls
# hook_block (cpu/cpu.c) for every block; it jumps to hook_block_other for a block
# that moves SP, is entered by a call or return or has accesses to check
# (hook_block_align), and each jumps to block_full for what it does not decide;
# callgrind counts those jumps as calls: hook_block's inclusive cost is the whole hook
# (with the entry hooks that block_full runs).
hook_share() {
    local total incl self full
    total=$(get "$1")
    [ "$total" = n/a ] && { echo n/a; return; }
    incl=$(fn_cost "$1" hook_block --inclusive=yes)
    self=$(($(fn_cost "$1" hook_block) + $(fn_cost "$1" hook_block_other) + $(fn_cost "$1" hook_block_align)))
    full=$(fn_cost "$1" block_full --inclusive=yes)
    awk -v t="$total" -v i="$incl" -v s="$self" -v f="$full" 'BEGIN {
        printf "%.3f G = %.1f %% (the hook itself %.1f %%, block_full with what it calls %.1f %%)\n",
            i / 1e9, 100 * i / t, 100 * s / t, 100 * f / t }'
}

# measure ELF: every runner on ELF, two at a time, then the table.
measure() {
    local elf=$1 n
    rm -f "$tmp"/*
    count barea "$barea" "$elf" &
    count bare "$bare" "$elf" &
    wait
    count none "$baregc" run "$elf" --board mps2-an385 --quiet --gc-runtime none &
    count rec "$baregc" run "$elf" --board mps2-an385 --quiet --out "$tmp/out" &
    wait
    count recq "$baregc" run "$elf" --board mps2-an385 --quiet &
    count hook "$barea" --block-hook "$elf" &
    wait
    if [ "$have_qemu" = 1 ]; then
        count qemu "$qemu" -M mps2-an385 -kernel "$elf" -semihosting-config enable=on,target=native \
            -display none -monitor none -serial null -no-reboot &
    fi
    wait
    rm -rf "$tmp/out"

    local a b q
    a=$(get barea) b=$(get bare) q=$(get qemu)
    printf 'image: %s\n' "$elf"
    printf 'host instructions (valgrind callgrind) and ratios: to bare Unicorn with %s, with glibc malloc, to QEMU\n' "$alloc"
    printf '  %-34s %15s\n' "bare-unicorn-alloc ($alloc)" "$a" "bare-unicorn (glibc malloc)" "$b" \
        "qemu-system-arm" "$q"
    for r in none:"baregc --gc-runtime none" recq:"baregc (recording, no files)" rec:"baregc --out"; do
        n=${r%%:*}
        printf '  %-34s %15s  %s  %s  %s\n' "${r#*:}" "$(get "$n")" "$(bench_ratio 3 "$(get "$n")" "$a")" \
            "$(bench_ratio 3 "$(get "$n")" "$b")" "$(bench_ratio 2 "$(get "$n")" "$q")"
    done
    printf 'bare-unicorn-alloc / bare-unicorn: %s   (the allocator alone)\n' "$(bench_ratio 3 "$a" "$b")"
    printf 'bare-unicorn-alloc --block-hook:   %s   %s   (an empty block hook: the floor of a block-hook design)\n' \
        "$(get hook)" "$(bench_ratio 3 "$(get hook)" "$a")"
    printf 'target: baregc --out <= 1.10x bare Unicorn with the same allocator %s\n' \
        "$(verdict "$(bench_ratio 3 "$(get rec)" "$a")" 1.10)"
    printf 'block hook (hook_block, inclusive):\n'
    printf '  baregc --gc-runtime none: %s\n' "$(hook_share none)"
    printf '  baregc --out:             %s\n' "$(hook_share rec)"
    if [ -n "${BENCH_CG_DIR:-}" ]; then
        mkdir -p "$BENCH_CG_DIR"
        for f in "$tmp"/*.cg; do
            cp "$f" "$BENCH_CG_DIR/$(basename "$elf" .elf).$(basename "$f")"
        done
    fi
}

first=1
for elf in "$@"; do
    [ "$first" = 1 ] || echo
    first=0
    measure "$elf"
done
