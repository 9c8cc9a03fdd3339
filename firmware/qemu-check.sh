#!/usr/bin/env bash
# qemu-check.sh: run every image that tests/expected/firmware.tsv marks "qemu = yes"
# under QEMU (tests/qemu_run.sh) and compare its exit status and UART output (and, for
# t-semihost-*, its semihosting stdout/stderr) with the expectations. A developer tool
# for checking the firmware itself; prints "ok"/"not ok" lines, exits 0 when all pass,
# 77 (skip) without QEMU.
# Usage: firmware/qemu-check.sh [FWDIR [SRCDIR]]  (defaults: ./firmware and this tree)
set -u
FWDIR=${1:-${FWDIR:-firmware}}
SRCDIR=${2:-${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}}
EXP=$SRCDIR/tests/expected
RUN=$SRCDIR/tests/qemu_run.sh

if ! command -v "${QEMU_ARM:-qemu-system-arm}" >/dev/null ||
    ! command -v "${QEMU_RISCV32:-qemu-system-riscv32}" >/dev/null; then
    echo "qemu-check: QEMU not found, skipping"
    exit 77
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fw-qemu-check.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0

while IFS=$'\t' read -r name board want opts qemu uart input; do
    case $name in '#'*|'') continue ;; esac
    [ "$qemu" = yes ] || continue
    inarg=()
    [ "$input" = - ] || inarg=("$EXP/$input")
    rc=0
    "$RUN" "$board" "$FWDIR/$name.elf" "$TMP/uart" "${inarg[@]}" >"$TMP/out" 2>"$TMP/err" || rc=$?
    what="$name on $board"
    [ "$opts" = - ] || what="$what ($opts)"
    problems=""
    [ "$rc" = "$want" ] || problems="$problems exit $rc, wanted $want;"
    cmp -s "$TMP/uart" "$EXP/$uart" || problems="$problems UART differs from $uart;"
    case $name in
        t-semihost-*)
            cmp -s "$TMP/out" "$EXP/t-semihost.stdout" || problems="$problems semihosting stdout differs;"
            cmp -s "$TMP/err" "$EXP/t-semihost.stderr" || problems="$problems semihosting stderr differs;"
            ;;
    esac
    if [ -z "$problems" ]; then
        pass=$((pass + 1))
        echo "ok - $what"
    else
        fail=$((fail + 1))
        echo "not ok - $what:$problems"
        diff "$EXP/$uart" "$TMP/uart" | head -10 | sed 's/^/    /'
    fi
done <"$EXP/firmware.tsv"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
