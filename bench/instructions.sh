#!/bin/bash
# instructions.sh: host instructions executed by baregc and by bare Unicorn on the same
# image, counted by valgrind (callgrind), and their ratios. Unlike wall-clock time the
# counts are the same on every run and every machine of one kind, so a change's cost
# shows even where the host is too noisy to time; but they leave out cache misses and
# branch mispredictions, so they are a floor for the time ratio, not the time ratio.
#
# Usage (from the build directory): bench/instructions.sh [FIRMWARE.elf]  (or: make bench-instructions)
# Environment: BAREGC, BARE_UNICORN (paths, as for run.sh). Takes about 10 minutes
# (valgrind runs the image about 50 times slower; the runners go two at a time).
set -u

elf=${1:-firmware/bench-mps2-an385.elf}
baregc=${BAREGC:-./baregc}
bare=${BARE_UNICORN:-./bench/bare-unicorn}
if ! command -v valgrind >/dev/null 2>&1; then
    echo "instructions.sh: valgrind not found (Debian package valgrind)" >&2
    exit 2
fi
for f in "$elf" "$baregc" "$bare"; do
    if [ ! -e "$f" ]; then
        echo "instructions.sh: $f not found" >&2
        exit 2
    fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# count NAME CMD...: runs CMD under callgrind in the background; its count lands in $tmp/NAME.
count() {
    local name=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$tmp/$name.cg" "$@" >/dev/null 2>"$tmp/$name.log"
    sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$tmp/$name.log" | tr -d , >"$tmp/$name"
}

count bare "$bare" "$elf" &
count none "$baregc" run "$elf" --board mps2-an385 --quiet --gc-runtime none &
wait
count recq "$baregc" run "$elf" --board mps2-an385 --quiet &
count rec "$baregc" run "$elf" --board mps2-an385 --quiet --out "$tmp/out" &
wait

get() { local v; v=$(cat "$tmp/$1" 2>/dev/null); echo "${v:-n/a}"; }
ratio() {
    if [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a; return; fi
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a / b }'
}
b=$(get bare)
printf 'image: %s\n' "$elf"
printf 'host instructions (valgrind callgrind), and the ratio to bare Unicorn\n'
printf '  %-34s %15s\n' "bare-unicorn" "$b"
for r in none:"baregc --gc-runtime none" recq:"baregc (recording, no files)" rec:"baregc --out"; do
    n=${r%%:*}
    printf '  %-34s %15s  %s\n' "${r#*:}" "$(get "$n")" "$(ratio "$(get "$n")" "$b")"
done
