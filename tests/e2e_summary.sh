#!/usr/bin/env bash
# e2e_summary.sh: a run's memory figures and interrupt names as the summary line,
# summary.json, the report, trace.json and `baregc check` give them:
# - SRAM headroom is the free SRAM between the lowest SP and the highest static data
#   or heap below the stack, wherever the stack sits: with the stack first in RAM,
#   below .data/.bss (gc-demo-stack-first, which names no stack limit: no stack
#   headroom, and why), down to the start of SRAM; with the stack above the statics
#   (gc-demo), down to the statics, the guard gap under the stack limit included;
# - the stack headroom (lowest SP - the image's stack limit) is a figure of its own,
#   negative after a real overflow (t-fault-stack);
# - a run whose SP left SRAM (t-fault-wild-sp) has no such figures: null and why;
# - interrupts are named as the architecture names them.
. "$(dirname "$0")/lib.sh"

# json FILE EXPR: EXPR (Python) of the JSON document d in FILE
json() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# jcheck DESCRIPTION FILE EXPR: passes when EXPR is true
jcheck() { check "$1" test "$(json "$2" "$3")" = True; }

# The end of the highest data object below TOP in SRAM (0x20000000..), from nm.
statics_end_below() {
  "${ARM_CC%gcc}nm" -S "$1" | python3 -c '
import sys
top, end = int(sys.argv[1]), 0
for f in (l.split() for l in sys.stdin):
    if len(f) == 4 and f[2] in "bBdD" and 0x20000000 <= int(f[0], 16) < top:
        end = max(end, int(f[0], 16) + int(f[1], 16))
print(end)' "$2"
}

mkbudget() { printf '%s\n' "$2" >"$TMP/$1.json"; }
mkbudget sram '{"min_sram_headroom_bytes": 0}'
mkbudget stack '{"min_stack_headroom_bytes": 0}'

# ---- the stack below .data/.bss, no stack limit named
n=gc-demo-stack-first-mps2-an385
run_baregc "$TMP/sf" run "$FWDIR/$n.elf" --out "$TMP/sf.d"
expect_rc "$n" 0
expect_grep "$n: the summary line's SRAM headroom is a positive figure" "$TMP/sf.err" \
  'Min SRAM headroom [0-9.]+ K?B\. Stack high-water [0-9]+ B\.'
jcheck "$n: SRAM headroom = lowest SP - the start of SRAM (nothing lies below the stack)" "$TMP/sf.d/summary.json" \
  'd["sram"]["min_headroom_bytes"] == d["stack"]["lowest_sp"] - d["sram"]["base"] > 0'
jcheck "$n: no stack headroom without a stack limit, and the reason" "$TMP/sf.d/summary.json" \
  'd["stack"]["headroom_bytes"] is None and "names no stack limit" in d["stack"]["headroom_reason"]'
run_baregc "$TMP/sfc" check --from "$TMP/sf.d" --budget "$TMP/sram.json"
expect_rc "$n: check min_sram_headroom_bytes 0" 0
run_baregc "$TMP/sfs" check --from "$TMP/sf.d" --budget "$TMP/stack.json" --junit "$TMP/sfs.xml"
expect_rc "$n: check min_stack_headroom_bytes 0 (n/a)" 1
expect_grep "$n: check: the n/a item fails with its reason" "$TMP/sfs.out" \
  '^  min_stack_headroom_bytes +n/a .* FAIL$'
expect_grep "$n: check: ... and says why" "$TMP/sfs.out" '^    \(n/a: the image names no stack limit'
expect_grep "$n: check: ... in the JUnit XML too" "$TMP/sfs.xml" \
  'message="min_stack_headroom_bytes: n/a: the image names no stack limit'

# ---- the stack above the statics, a guard gap, a named limit
n=gc-demo-mps2-an385
run_baregc "$TMP/gd" run "$FWDIR/$n.elf" --out "$TMP/gd.d"
expect_rc "$n" 0
top=$(json "$TMP/gd.d/summary.json" 'd["stack"]["top"]')
floor=$(statics_end_below "$FWDIR/$n.elf" "$top")
jcheck "$n: SRAM headroom = lowest SP - the end of the statics below the stack ($floor)" \
  "$TMP/gd.d/summary.json" "d['sram']['min_headroom_bytes'] == d['stack']['lowest_sp'] - $floor"
jcheck "$n: stack headroom = lowest SP - the stack limit, less than the SRAM headroom (the guard gap)" \
  "$TMP/gd.d/summary.json" 'd["stack"]["lowest_sp"] - d["stack"]["limit"] == d["stack"]["headroom_bytes"] < d["sram"]["min_headroom_bytes"]'
expect_grep "$n: the summary line gives both" "$TMP/gd.err" \
  'Min SRAM headroom [0-9]+ B\. Stack high-water [0-9]+ B, headroom [0-9]+ B\.'
"$BAREGC" report "$TMP/gd.d" -o "$TMP/gd.html" >/dev/null 2>&1
expect_grep "$n: the report gives the stack headroom" "$TMP/gd.html" '<th>Stack headroom</th><td>[0-9.]+ KB<'

# ---- a real overflow: the stack headroom negative, the SRAM headroom not (the guard gap)
n=t-fault-stack
run_baregc "$TMP/ov" run "$FWDIR/$n.elf" --out "$TMP/ov.d"
expect_rc "$n" 81
jcheck "$n: stack headroom negative, SRAM headroom positive" "$TMP/ov.d/summary.json" \
  'd["stack"]["headroom_bytes"] < 0 < d["sram"]["min_headroom_bytes"]'

# ---- SP out of SRAM: no figure, and why
n=t-fault-wild-sp
run_baregc "$TMP/ws" run "$FWDIR/$n.elf" --out "$TMP/ws.d"
expect_rc "$n" 81
jcheck "$n: no SRAM headroom, stack headroom or high-water mark" "$TMP/ws.d/summary.json" \
  'd["sram"]["min_headroom_bytes"] is None and d["stack"]["headroom_bytes"] is None and d["stack"]["high_water_bytes"] is None'
jcheck "$n: summary.json says why" "$TMP/ws.d/summary.json" \
  '"0x00001000, is not in SRAM" in d["sram"]["min_headroom_reason"] and "fault" in d["stack"]["headroom_reason"]'
"$BAREGC" report "$TMP/ws.d" -o "$TMP/ws.html" >/dev/null 2>&1
expect_grep "$n: the report says n/a and why" "$TMP/ws.html" \
  '<th>Min SRAM headroom</th><td>n/a \(the lowest stack pointer, 0x00001000, is not in SRAM'

# ---- interrupts by their names
expect_grep "gc-demo-mps2-an385: the worst interrupt is SysTick" "$TMP/gd.err" 'Worst interrupt latency [0-9.]+ us \(SysTick\)'
expect_grep "gc-demo-mps2-an385: trace.json names SysTick" "$TMP/gd.d/trace.json" '"name":"SysTick"'
jcheck "gc-demo-mps2-an385: summary.json names it" "$TMP/gd.d/summary.json" \
  '[(q["irq"], q["name"]) for q in d["interrupts"]["per_irq"]] == [(15, "SysTick")]'
run_baregc "$TMP/rv" run "$FWDIR/gc-demo-virt-rv32.elf" --out "$TMP/rv.d"
expect_grep "gc-demo-virt-rv32: the worst interrupt is the machine timer" "$TMP/rv.err" \
  'Worst interrupt latency [0-9.]+ us \(machine timer\)'
run_baregc "$TMP/ti" run "$FWDIR/t-irq-mps2-an385.elf" --out "$TMP/ti.d"
jcheck "t-irq-mps2-an385: NVIC interrupt n is IRQ n (exception 16 + n), PendSV and SysTick by name" \
  "$TMP/ti.d/summary.json" \
  '[q["name"] for q in d["interrupts"]["per_irq"]] == ["PendSV", "SysTick", "IRQ 20", "IRQ 21", "IRQ 22", "IRQ 23"]'
check "t-irq-mps2-an385: trace.json has no exception numbers for names" \
  test "$(grep -c '"name":"IRQ 3[6-9]"' "$TMP/ti.d/trace.json")" = 0
finish
