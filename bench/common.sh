#!/bin/bash
# common.sh: what run.sh and instructions.sh share (sourced): the default images, the
# allocator's label, ratios.

# The images measured when none is named: the store-heavy GC workloads and the
# bytecode interpreter (firmware/README.md), in the build directory.
# shellcheck disable=SC2034 # used by the scripts that source this file
BENCH_IMAGES=(firmware/bench-mps2-an385.elf firmware/bench-interp-mps2-an385.elf)

# bench_check_images SCRIPT ELF...: exits 2 at the first ELF that is not there.
bench_check_images() {
    local script=$1 elf
    shift
    for elf in "$@"; do
        if [ ! -f "$elf" ]; then
            echo "$script: $elf not found (build it with: make $elf, or pass an ELF as the argument)" >&2
            exit 2
        fi
    done
}

# bench_alloc_label: the allocator baregc links, from BAREGC_MALLOC (configure's
# MALLOC_LIBS: "-lmimalloc", or empty for glibc's; make bench sets it).
bench_alloc_label() {
    local a
    if [ -z "${BAREGC_MALLOC+set}" ]; then
        echo "baregc's allocator"
        return
    fi
    a=$(printf '%s' "$BAREGC_MALLOC" | sed 's/^ *-l//; s/ *$//')
    echo "${a:-glibc}"
}

# bench_ratio DECIMALS A B: A / B, or n/a when either is n/a or B is 0.
bench_ratio() {
    if [ "$2" = n/a ] || [ "$3" = n/a ]; then echo n/a; return; fi
    awk -v d="$1" -v a="$2" -v b="$3" 'BEGIN { if (b > 0) printf "%.*f\n", d, a / b; else print "n/a" }'
}

# verdict RATIO LIMIT: "(met)" when RATIO <= LIMIT, "(not met)", or "(not measured)".
verdict() {
    if [ "$1" = n/a ]; then echo "(not measured)"; return; fi
    awk -v r="$1" -v l="$2" 'BEGIN { print (r <= l) ? "(met)" : "(not met)" }'
}
