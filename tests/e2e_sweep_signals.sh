#!/usr/bin/env bash
# e2e_sweep_signals.sh: a sweep stops as a whole. Ctrl-C (SIGINT to the sweep's process
# group, as a terminal sends it) or SIGTERM (to the sweep alone) stops it at the first
# signal: the runs under way stop and write their files (marked partial), no run starts
# after, sweep.csv and sweep.html are written with the rows (the others "not run") and the
# exit status is 130 / 143; if the sweep is killed outright its runs still stop (Linux).
# An interrupted shard is partial, and --merge refuses it.
. "$(dirname "$0")/lib.sh"

FW="$FWDIR/t-fault-runaway.elf" # never ends

# wait_for FILE...: until each file exists and is not empty (the run started)
wait_for() {
  local f i
  for f in "$@"; do
    for i in $(seq 300); do
      [ -s "$f" ] && break
      sleep 0.1
    done
  done
}

# wait_gone PATTERN: until no process has PATTERN in its command line; 0 if none is left
wait_gone() {
  local i
  for i in $(seq 300); do
    pgrep -f "$1" >/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# The matrix: 4 runs, 2 at a time.
MATRIX=(--sram 64K,128K,256K,512K -j 2)

# Ctrl-C: the terminal signals the foreground process group (set -m: the background job
# leads its own, as an interactive shell's job would).
set -m
"$BAREGC" sweep "$FW" "${MATRIX[@]}" -o "$TMP/int.d" >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
set +m
wait_for "$TMP/int.d/sram-64K/uart.txt" "$TMP/int.d/sram-128K/uart.txt"
kill -INT -- -"$pid"
wait "$pid"
RC=$?
expect_rc "Ctrl-C: the sweep stops at once" 130
check "... its runs are gone" wait_gone "$TMP/int.d/"
CSV="$TMP/int.d/sweep.csv"
check "... sweep.csv written: a row per run" test "$(wc -l <"$CSV")" = 5
expect_grep "... the runs under way: interrupted, exit 130" "$CSV" '^--sram 64K,64K,65536,,,sram-64K,130,interrupted,'
expect_grep "... both" "$CSV" '^--sram 128K,128K,131072,,,sram-128K,130,interrupted,'
expect_grep "... the others: not run" "$CSV" '^--sram 256K,256K,262144,,,sram-256K,,not run,,,,,,,,,$'
check "... no run started after" test ! -e "$TMP/int.d/sram-256K/summary.json" -a ! -e "$TMP/int.d/sram-512K/summary.json"
expect_grep "... the runs wrote their files, marked partial" "$TMP/int.d/sram-64K/summary.json" '"partial":[[:space:]]*true'
expect_grep "... sweep.html says partial" "$TMP/int.d/sweep.html" 'Partial: the sweep was interrupted; 2 of 4 runs were started'
expect_grep "... the shard file too" "$TMP/int.d/sweep-1-of-1.json" '"partial":[[:space:]]*true'
expect_grep "... and stderr" "$TMP/int.err" '^baregc sweep: stopped by SIGINT: 2 of 4 runs started'

# SIGTERM to the sweep alone.
"$BAREGC" sweep "$FW" "${MATRIX[@]}" -o "$TMP/term.d" >/dev/null 2>"$TMP/term.err" &
pid=$!
wait_for "$TMP/term.d/sram-64K/uart.txt"
kill -TERM "$pid"
wait "$pid"
RC=$?
expect_rc "SIGTERM: the sweep stops" 143
check "... its runs are gone" wait_gone "$TMP/term.d/"
expect_grep "... the run under way stopped cleanly" "$TMP/term.d/sram-64K/summary.json" '"partial":[[:space:]]*true'
expect_grep "... its row" "$TMP/term.d/sweep.csv" '^--sram 64K,.*,130,interrupted,'

# Killed outright: its runs stop all the same (and write their files).
if [ "$(uname -s)" = Linux ]; then
  "$BAREGC" sweep "$FW" "${MATRIX[@]}" -o "$TMP/kill.d" >/dev/null 2>&1 &
  pid=$!
  wait_for "$TMP/kill.d/sram-64K/uart.txt"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  check "SIGKILL: the runs stop" wait_gone "$TMP/kill.d/"
  expect_grep "... and write their files" "$TMP/kill.d/sram-64K/summary.json" '"partial":[[:space:]]*true'
else
  skip "the runs of a killed sweep stop: Linux only"
fi

# An interrupted shard, and --merge.
"$BAREGC" sweep "$FW" "${MATRIX[@]}" --shard 1/2 -o "$TMP/s1.d" >/dev/null 2>&1 &
pid=$!
wait_for "$TMP/s1.d/sram-64K/uart.txt"
kill -INT "$pid"
wait "$pid"
RC=$?
expect_rc "an interrupted shard" 130
expect_grep "... its file says partial" "$TMP/s1.d/sweep-1-of-2.json" '"partial":[[:space:]]*true'
run_baregc "$TMP/m" sweep --merge "$TMP/s1.d"
expect_rc "--merge refuses it" 66
finish
