#!/usr/bin/env bash
# e2e_determinism.sh: two runs of the same image give byte-identical output, the
# recording's files included.
. "$(dirname "$0")/lib.sh"
for fw in gc-demo-mps2-an385 gc-demo-sifive_e t-irq-mps2-an385; do
  for i in 1 2; do
    run_baregc "$TMP/$fw.$i" run "$FWDIR/$fw.elf" --uart-out "$TMP/$fw.$i.uart"
    # the summary's host-speed figures are the only host-dependent text: drop them
    sed 's/; host .*//' "$TMP/$fw.$i.err" >"$TMP/$fw.$i.sum"
  done
  expect_same "$fw: UART output identical" "$TMP/$fw.1.uart" "$TMP/$fw.2.uart"
  expect_same "$fw: stdout identical" "$TMP/$fw.1.out" "$TMP/$fw.2.out"
  expect_same "$fw: summary (cycles, instructions) identical" "$TMP/$fw.1.sum" "$TMP/$fw.2.sum"
  check "$fw: UART output not empty" test -s "$TMP/$fw.1.uart"
done
for fw in gc-demo-mps2-an385 gc-demo-virt-rv32 events-demo-mps2-an385; do
  run_baregc "$TMP/$fw.r1" run "$FWDIR/$fw.elf" --quiet --out "$TMP/$fw.out1"
  run_baregc "$TMP/$fw.r2" run "$FWDIR/$fw.elf" --quiet --out "$TMP/$fw.out2"
  for f in heap.pb.gz gc-pauses.pb.gz cpu.pb.gz trace.json gctrace.log summary.json record.json events.bin; do
    expect_same "$fw: $f identical from run to run" "$TMP/$fw.out1/$f" "$TMP/$fw.out2/$f"
  done
  check "$fw: events.bin not empty" test -s "$TMP/$fw.out1/events.bin"
done
finish
