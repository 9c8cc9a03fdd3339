#!/usr/bin/env bash
# e2e_idle.sh: firmware that sleeps 10 simulated seconds in WFI is fast-forwarded:
# it reaches 10 s of simulated time while executing only a few thousand instructions
# (a count, not a clock: the proof that sleeping costs no host time).
. "$(dirname "$0")/lib.sh"
for fw in t-idle-mps2-an385 t-idle-sifive_e; do
  run_baregc "$TMP/$fw" run "$FWDIR/$fw.elf"
  expect_rc "$fw" 0
  expect_grep "$fw: slept" "$TMP/$fw.out" "slept 100 ticks"
  secs=$(sed -n 's/.* after \([0-9.]*\) s of simulated time.*/\1/p' "$TMP/$fw.err")
  insns=$(sed -n 's/.* cycles, \([0-9]*\) instructions).*/\1/p' "$TMP/$fw.err")
  check "$fw: at least 10 s simulated (got ${secs:-?} s)" awk -v s="${secs:-0}" 'BEGIN { exit !(s >= 10.0 && s < 10.5) }'
  check "$fw: under 200000 instructions (got ${insns:-?})" test "${insns:-999999999}" -lt 200000
done
finish
