#!/usr/bin/env bash
# e2e_validate.sh: what a run cannot use is refused before anything runs, with the
# reason and the documented exit code, by `baregc boards FILE` as by `baregc run`:
# board files (too many memories and devices for Unicorn, a register window past
# 4 GiB, overlapping or duplicate device bases, a memory off a 4 KiB boundary, an IRQ
# the interrupt controller does not have), GC profiles (keys given twice, trailing
# garbage, a NUL inside a name) and --uart-in naming a directory.
. "$(dirname "$0")/lib.sh"
ELF="$FWDIR/gc-demo-mps2-an385.elf"

# board NAME PYTHON-EDIT REASON: mps2-an385 edited by PYTHON-EDIT (on b); refused by
# both commands with exit 67 and REASON on stderr
board() {
  local name=$1 edit=$2 reason=$3
  "$BAREGC" boards mps2-an385 | python3 -c "import json, sys
b = json.load(sys.stdin)
$edit
json.dump(b, open(sys.argv[1], 'w'))" "$TMP/$name.json"
  run_baregc "$TMP/$name.boards" boards "$TMP/$name.json"
  expect_rc "boards FILE: $name" 67
  expect_grep "boards FILE: $name: the reason" "$TMP/$name.boards.err" "$reason"
  run_baregc "$TMP/$name.run" run "$ELF" --board "$TMP/$name.json" --max-cycles 1000
  expect_rc "run --board: $name" 67
  expect_grep "run --board: $name: the reason" "$TMP/$name.run.err" "$reason"
}

board many "b['memories'] += [{'name': 'm%d' % i, 'base': hex(0x30000000 + i * 0x2000), 'size': '4K',
  'kind': 'sram'} for i in range(2000)]" \
  "memories, unimplemented, devices: [0-9]+ in all, more than the 256 a board may have"
board past-4g "b['devices'].append({'type': 'cmsdk-uart', 'name': 'ux', 'base': '0xFFFFFFFF'})" \
  "devices\[[0-9]+\] \(ux\)\.base: 0xffffffff: the 4096-byte register window of a cmsdk-uart runs past the 4 GiB"
board same-base "b['devices'].append({'type': 'cmsdk-timer', 'name': 'tx', 'base': '0x40004000'})" \
  "devices\[[0-9]+\] \(tx, 0x40004000\.\.0x40004fff\) overlaps devices\[0\] \(uart0, 0x40004000\.\.0x40004fff\)"
board overlap "b['devices'].append({'type': 'systick', 'name': 'st2', 'base': '0x40004ff8'})" \
  "devices\[[0-9]+\] \(st2, 0x40004ff8\.\.0x40005007\) overlaps devices\[0\] \(uart0"
board in-scs "b['devices'].append({'type': 'dwt', 'name': 'd2', 'base': '0xE000E400'})" \
  "overlaps the core's exception model \(nvic, 0xe000e000\.\.0xe000efff\)"
board unaligned "b['memories'].append({'name': 'x', 'base': '0x30000800', 'size': '4K', 'kind': 'sram'})" \
  "memories\[[0-9]+\]\.base: 0x30000800 is not on a 4 KiB boundary"
board bad-irq "b['devices'].append({'type': 'cmsdk-uart', 'name': 'u9', 'base': '0x40010000', 'irq': [300, 301]})" \
  "device u9: IRQ 300 is not an input of the interrupt controller nvic"
# The largest board a run may have builds and runs (Unicorn aborted at about 1020).
"$BAREGC" boards mps2-an385 | python3 -c "import json, sys
b = json.load(sys.stdin)
room = 256 - len(b['memories']) - len(b.get('unimplemented', [])) - len(b['devices'])
b['memories'] += [{'name': 'm%d' % i, 'base': hex(0x30000000 + i * 0x2000), 'size': '4K', 'kind': 'sram'}
                  for i in range(room)]
json.dump(b, open(sys.argv[1], 'w'))" "$TMP/max.json"
run_baregc "$TMP/max.boards" boards "$TMP/max.json"
expect_rc "boards FILE: 256 memories and devices" 0
run_baregc "$TMP/max.run" run "$ELF" --board "$TMP/max.json" --max-cycles 100000 --quiet
expect_rc "run --board: 256 memories and devices" 84

# profile NAME TEXT REASON: refused by run and info with exit 68 and REASON
profile() {
  printf '%b' "$2" >"$TMP/$1.prof"
  run_baregc "$TMP/$1.prun" run "$ELF" --gc-profile "$TMP/$1.prof" --max-cycles 1000
  expect_rc "run --gc-profile: $1" 68
  expect_grep "run --gc-profile: $1: the reason" "$TMP/$1.prun.err" "$3"
  run_baregc "$TMP/$1.pinfo" info "$ELF" --gc-profile "$TMP/$1.prof"
  expect_rc "info --gc-profile: $1" 68
}
profile dup-key '{"name": "x", "pause": {"function": "gc_collect"}, "pause": {"function": "gc_alloc"}}\n' \
  '"pause": key given twice'
profile dup-inner '{"name": "x", "pause": {"function": "gc_collect", "function": "gc_alloc"}}\n' \
  'pause\."function": key given twice'
profile trailing '{"name": "x", "pause": {"function": "gc_collect"}}\n}garbage\n' \
  'not valid JSON at line 2, column 1 near .\}garbage.'
profile nul '{"name": "x",\n "pause": {"function": "gc_collect\\u0000_or_not"}}\n' \
  'line 2, column 35: a NUL character \(\\u0000\) in a string'
printf '{"name": "x", "pause": {"function": "gc_collect"}}\n' >"$TMP/good.prof"
run_baregc "$TMP/good" info "$ELF" --gc-profile "$TMP/good.prof"
expect_rc "info --gc-profile: a sound profile" 0

# --uart-in naming a directory: a missing input (66), said before anything runs.
mkdir -p "$TMP/adir"
run_baregc "$TMP/uartdir" run "$FWDIR/t-uart-echo-mps2-an385.elf" --uart-in "$TMP/adir" --out "$TMP/uartdir.d"
expect_rc "--uart-in DIR" 66
expect_grep "--uart-in DIR: the reason" "$TMP/uartdir.err" "--uart-in .*adir: a directory"
check "--uart-in DIR: nothing recorded" test ! -e "$TMP/uartdir.d/summary.json"
finish
