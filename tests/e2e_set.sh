#!/usr/bin/env bash
# e2e_set.sh: `--set SYMBOL=VALUE` gives a variable of the image a value before reset.
# The demo's heap size set to 32K in the 64K image runs exactly as the image built with a
# 32K heap (gc-demo-regress: the same code, another initial value) on mps2-an385, whose
# start-up code copies .data from where it is loaded; on virt-rv32 (the image runs where
# it loads) the firmware reports the heap it was given; check and view take it too; each
# refusal (no such symbol, a function, read-only data in code RAM or flash, .bss, a size
# other than 1/2/4/8, a value that does not fit, a malformed item) exits 64 and says why.
. "$(dirname "$0")/lib.sh"

FW="$FWDIR/gc-demo-mps2-an385.elf"

run_baregc "$TMP/set" run "$FW" --set demo_heap_bytes=32K --out "$TMP/set.d"
expect_rc "run --set demo_heap_bytes=32K" 0
expect_grep "says where the value went (the .data copy)" "$TMP/set.err" \
  '^baregc: --set demo_heap_bytes=32K: 4 bytes at 0x20000000, written where the start-up code copies .data from \(0x0000[0-9a-f]{4}\)$'
run_baregc "$TMP/reg" run "$FWDIR/gc-demo-regress-mps2-an385.elf" --out "$TMP/reg.d"
expect_rc "the 32K build" 0
expect_same "UART output as the 32K build's" "$TMP/set.out" "$TMP/reg.out"
grep -v '^baregc' "$TMP/set.err" >"$TMP/set.fw"
grep -v '^baregc' "$TMP/reg.err" >"$TMP/reg.fw"
expect_grep "the firmware saw a 32K heap" "$TMP/set.fw" '^gc-demo: heap 2016 blocks of 16 bytes'
expect_same "the firmware's own pause reports as the 32K build's" "$TMP/set.fw" "$TMP/reg.fw"
for f in summary.json gctrace.log; do
  sed 's/gc-demo-regress-/gc-demo-/' "$TMP/reg.d/$f" >"$TMP/reg.$f"
  expect_same "$f as the 32K build's (but the image's name)" "$TMP/set.d/$f" "$TMP/reg.$f"
done

# The value the image has already changes nothing.
run_baregc "$TMP/dflt" run "$FW" --out "$TMP/dflt.d" --quiet
run_baregc "$TMP/same" run "$FW" --set demo_heap_bytes=65536 --out "$TMP/same.d" --quiet
expect_same "--set to the initial value: the same summary" "$TMP/dflt.d/summary.json" "$TMP/same.d/summary.json"
if grep -q '^baregc: --set' "$TMP/same.err"; then not_ok "--quiet: nothing said about --set"; else ok "--quiet: nothing said about --set"; fi

# An image that runs where it loads: the bytes go to the variable itself.
run_baregc "$TMP/rv" run "$FWDIR/gc-demo-virt-rv32.elf" --set demo_heap_bytes=32K
expect_rc "virt-rv32 --set demo_heap_bytes=32K" 0
expect_grep "virt-rv32: the variable's own address" "$TMP/rv.err" '^baregc: --set demo_heap_bytes=32K: 4 bytes at 0x8[0-9a-f]{7}$'
expect_grep "virt-rv32: the firmware saw a 32K heap" "$TMP/rv.err" '^gc-demo: heap 2016 blocks of 16 bytes'

# check and view.
echo '{"max_pause_us": 8000}' >"$TMP/budget.json"
run_baregc "$TMP/chk64" check "$FW" --budget "$TMP/budget.json" --quiet
expect_rc "check: the 64K heap's longest pause is over 8 ms" 1
run_baregc "$TMP/chk32" check "$FW" --budget "$TMP/budget.json" --set demo_heap_bytes=32K --quiet
expect_rc "check --set demo_heap_bytes=32K: within 8 ms" 0
run_baregc "$TMP/view" view "$FW" --set demo_heap_bytes=24K --quiet --dump-map "$TMP/map.txt"
expect_rc "view --set" 0

# Refusals: exit 64, one line naming the cause.
refuse() { # DESCRIPTION SET REGEX [IMAGE]
  run_baregc "$TMP/bad" run "${4:-$FW}" --set "$2" --quiet
  expect_rc "$1" 64
  expect_grep "$1: says why" "$TMP/bad.err" "$3"
  check "$1: the firmware did not run" test ! -s "$TMP/bad.out"
}
refuse "no such symbol" no_such_thing=1 "--set no_such_thing=1: no symbol no_such_thing in "
refuse "a function" main=1 "--set main=1: main is a function, not a variable"
refuse "read-only data in code RAM" cm_vectors=1 \
  "cm_vectors at 0x00000000 is read-only data \(in a segment that is not writable, memory ssram1\)"
refuse "read-only data in flash" cm_vectors=1 "cm_vectors at 0x00000000 is in flash \(memory flash\)" \
  "$FWDIR/gc-demo-microbit.elf"
refuse "zero-initialised data" gc_threshold=100 "gc_threshold is zero-initialised \(.bss\): the firmware's start-up code clears it"
refuse "a size other than 1, 2, 4, 8" gc_stats=1 "gc_stats is 60 bytes long: --set writes variables of 1, 2, 4 or 8 bytes"
refuse "a value too large" demo_heap_bytes=4G "4294967296 does not fit demo_heap_bytes \(4 bytes: 0 to 4294967295, or down to -2147483648\)"
refuse "a value too small" demo_heap_bytes=-0x80000001 "-2147483649 does not fit demo_heap_bytes"
refuse "not SYMBOL=VALUE" demo_heap_bytes "expected SYMBOL=VALUE, got 'demo_heap_bytes'"
refuse "no value" demo_heap_bytes= "expected SYMBOL=VALUE"
refuse "not a number" demo_heap_bytes=lots "expected an integer or a size like 24K, got 'lots'"
refuse "an empty item" "demo_heap_bytes=1,,gc_threshold=2" "an empty or too long item"
refuse "a symbol twice" "demo_heap_bytes=1,demo_heap_bytes=2" "demo_heap_bytes is given twice"
finish
