#!/usr/bin/env bash
# e2e_hostile.sh: firmware that misbehaves on purpose (firmware/tests/t_hostile.c, and
# the t-fault-* / t-semihost-fault-* images that overflow the stack or hand semihosting
# a bad pointer) ends with its documented exit code, without a host crash or a hang,
# and leaves whole --out files: every JSON parses, and the recording loads in
# `baregc report` and `baregc check --from`.
. "$(dirname "$0")/lib.sh"

# hostile NAME EXIT [baregc run options...]: run with --out, then check the files
hostile() {
  local name=$1 want=$2; shift 2
  run_baregc "$TMP/$name" run "$FWDIR/$name.elf" --quiet --out "$TMP/$name.d" --uart-out "$TMP/$name.uart" "$@"
  expect_rc "$name" "$want"
  check "$name: no sanitizer or assertion report" bash -c "! grep -Eq 'runtime error|AddressSanitizer|Assertion' '$TMP/$name.err'"
  expect_grep "$name: the firmware got as far as its first UART line" "$TMP/$name.uart" "^start"
  local f
  for f in summary.json record.json trace.json; do
    check "$name: $f is whole JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/$name.d/$f"
  done
  run_baregc "$TMP/$name.report" report "$TMP/$name.d" -o "$TMP/$name.html"
  expect_rc "$name: baregc report loads the recording" 0
  run_baregc "$TMP/$name.check" check --from "$TMP/$name.d" --budget "$SRCDIR/examples/budget.json"
  if [ "$want" -ge 80 ] && [ "$want" -le 83 ]; then # a faulted run loads, and is not checked
    expect_rc "$name: baregc check --from loads it, a faulted run" 2
    expect_grep "$name: ... and says why it is not checked" "$TMP/$name.check.err" \
      "cannot check this run: the firmware stopped: .*\(exit status $want\)"
  else
    check "$name: baregc check --from loads and checks it (exit 0 or 1: $RC)" test "$RC" -le 1
  fi
}

# Jumps into RAM full of pseudo-random words: the first of them is no instruction.
hostile t-hostile-garbage-mps2-an385 83
expect_grep "garbage (ARM): an undefined instruction in RAM" "$TMP/t-hostile-garbage-mps2-an385.err" \
  "undefined instruction: .* at 0x2000"
hostile t-hostile-garbage-virt-rv32 83
# The stack overflows (unbounded recursion), or SP is loaded with a wild value.
hostile t-fault-stack 81
hostile t-fault-wild-sp 81
hostile t-fault-stack-rv 81 --board sifive_e
# Interrupts masked with the tick pending, spinning: only the limit ends it.
for b in mps2-an385 virt-rv32; do
  hostile t-hostile-spin-masked-$b 84 --max-time 20ms
  expect_grep "spin-masked ($b): ended by --max-time" "$TMP/t-hostile-spin-masked-$b.err" \
    "^baregc: stopped: --max-time 20 ms reached"
done
# A tick interrupt every cycle or two: the handler never catches up, the limit ends it.
for b in mps2-an385 virt-rv32; do
  hostile t-hostile-storm-$b 84 --max-cycles 300000
  expect_grep "storm ($b): ended by --max-cycles" "$TMP/t-hostile-storm-$b.err" \
    "^baregc: stopped: --max-cycles 300000 reached"
done
# gcrt's heap description corrupted: 2^24 blocks over the RAM, a table nowhere, a block
# count beyond any heap. The walk reads what it can, says once that it cannot, goes on.
for b in mps2-an385 virt-rv32; do
  hostile t-hostile-heap-$b 0
  expect_grep "heap ($b): the firmware ran to its end" "$TMP/t-hostile-heap-$b.uart" "^heap corrupted$"
  expect_grep "heap ($b): the lost heap is said once" "$TMP/t-hostile-heap-$b.err" \
    "^baregc: warning: GC heap: at [0-9]+ cycles the gcrt heap's description no longer reads as a heap"
  check "heap ($b): ... only once" test "$(grep -c 'GC heap:' "$TMP/t-hostile-heap-$b.err")" = 1
done
# The map of 2^24 blocks (collection 2) as text: a pass over the map, written under a
# temporary name and renamed (a file already there is replaced, not rewritten in place).
d="$TMP/t-hostile-heap-mps2-an385"
echo old >"$d.map"
ino=$(stat -c %i "$d.map")
run_baregc "$d.view" view --from "$d.d" --at 2 --dump-map "$d.map"
expect_rc "view --dump-map of a 2^24-block map" 0
read -r _ lo hi < <(grep '^range ' "$d.map")
read -r _ cb < <(grep '^cell_bytes ' "$d.map")
check "--dump-map: a cell line for every cell of the grid" \
  test "$(grep -c '^cell ' "$d.map")" = $(((hi - lo + cb - 1) / cb))
expect_grep "--dump-map: the claimed blocks are drawn (free)" "$d.map" "^cell 0x2[0-9a-f]{7} free "
check "--dump-map: the file was replaced whole (a new inode)" test "$(stat -c %i "$d.map")" != "$ino"
check "--dump-map: no temporary file left" test ! -e "$d.map.tmp"
# 2 MiB on the UART: every byte arrives, the run ends normally.
for b in mps2-an385 virt-rv32; do
  hostile t-hostile-flood-$b 0
  check "flood ($b): 2 MiB of lines and the last line" \
    test "$(wc -c <"$TMP/t-hostile-flood-$b.uart")" = $((6 + 2 * 1024 * 1024 + 8))
  expect_grep "flood ($b): ... the last line" "$TMP/t-hostile-flood-$b.uart" "^flooded$"
done
# Semihosting with pointers into nothing: each call fails or stops where memory ends.
for b in mps2-an385 virt-rv32; do
  hostile t-hostile-semihost-$b 0
  expect_grep "semihost ($b): what each call returned" "$TMP/t-hostile-semihost-$b.uart" \
    "^write0 nowhere 0, open nowhere -1, write 4 GiB: 4294901744 left, write0 off the end 0$"
  check "semihost ($b): the 4 GiB write stopped at 64 KiB" test "$(wc -c <"$TMP/t-hostile-semihost-$b.out")" = 65536
done
hostile t-semihost-fault-lm3s6965evb 80 --board lm3s6965evb
hostile t-semihost-fault-virt-rv32 80
finish
