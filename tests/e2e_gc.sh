#!/usr/bin/env bash
# e2e_gc.sh: `baregc run --out` on the example firmware: the recorded pauses agree with
# the collector's own counters and cycle-counter measurements on every board; the pprof
# profiles open in `go tool pprof` with the expected functions and totals; the generic
# JSON profile adapter sees what the built-in one sees; the outputs are deterministic.
. "$(dirname "$0")/lib.sh"

# Cycles between the hook points (function entry / return) and the firmware's own
# cycle-counter reads inside gc_collect: prologue, spills and epilogue (docs/formats.md).
BOUND=120

have_go=0
if command -v go >/dev/null 2>&1; then
  have_go=1
  export HOME="$TMP" GOCACHE="$TMP/gocache" GOFLAGS=-mod=mod GOTOOLCHAIN=local
fi

# pprof_total FILE SAMPLE_INDEX: the total of that sample type, as `go tool pprof -top` says.
pprof_total() {
  go tool pprof -top -sample_index="$2" "$1" 2>/dev/null |
    sed -n 's/.*% of \([0-9.]*\)[a-zA-Z]* total.*/\1/p' | head -n 1
}

gc_run() { # NAME CLOCK_HZ [options...]
  local name=$1 hz=$2; shift 2
  run_baregc "$TMP/$name" run "$FWDIR/$name.elf" --out "$TMP/$name.d" "$@"
  expect_rc "$name --out" 0
  if python3 "$SRCDIR/tests/gc_check.py" "$name" "$TMP/$name.err" "$TMP/$name.d" "$hz" "$BOUND" >"$TMP/$name.chk"; then
    :
  fi
  relay_tap "$TMP/$name.chk"
  if [ $have_go = 1 ] && [ -f "$TMP/$name.d/expect.txt" ]; then
    local objects pauses
    objects=$(sed -n 's/^objects //p' "$TMP/$name.d/expect.txt")
    pauses=$(sed -n 's/^pauses //p' "$TMP/$name.d/expect.txt")
    check "$name: go tool pprof: heap profile total alloc_objects = the collector's count ($objects)" \
      test "$(pprof_total "$TMP/$name.d/heap.pb.gz" alloc_objects)" = "$objects"
    check "$name: go tool pprof: gc-pauses profile total = recorded pauses ($pauses)" \
      test "$(pprof_total "$TMP/$name.d/gc-pauses.pb.gz" pauses)" = "$pauses"
    go tool pprof -traces "$TMP/$name.d/heap.pb.gz" >"$TMP/$name.traces" 2>&1
    expect_grep "$name: go tool pprof -traces: allocation stacks name gc_alloc's callers and main" \
      "$TMP/$name.traces" "wl_[a-z_]+"
    expect_grep "$name: ... with source lines from DWARF" "$TMP/$name.traces" "main"
    # The files are absolute (the unit's compilation directory joined with DWARF's name):
    # -list reads the source from anywhere, without -source_path.
    (cd / && go tool pprof -list '^wl_hash_map$' "$TMP/$name.d/heap.pb.gz") >"$TMP/$name.list" 2>&1
    expect_grep "$name: go tool pprof -list shows the source lines without -source_path" "$TMP/$name.list" \
      'Map \*m = xalloc\(sizeof \*m'
    go tool pprof -top "$TMP/$name.d/cpu.pb.gz" >"$TMP/$name.cpu" 2>&1
    expect_grep "$name: go tool pprof: the CPU profile includes the collector's functions" \
      "$TMP/$name.cpu" "gc_(mark|sweep|collect|scan)"
  fi
}

gc_run gc-demo-mps2-an385 25000000
gc_run gc-demo-sifive_e 16000000
gc_run gc-demo-virt-rv32 10000000
gc_run gc-demo-microbit 16000000
gc_run gc-demo-incremental-mps2-an385 25000000

# The explicit event channel (ITM on Cortex-M, the trace port on RV32): the events
# adapter is chosen by itself and sees what the firmware says it reported.
for ev in events-demo-mps2-an385 events-demo-virt-rv32; do
  run_baregc "$TMP/$ev" run "$FWDIR/$ev.elf" --out "$TMP/$ev.d"
  expect_rc "$ev" 0
  expect_grep "$ev: the events adapter is detected" "$TMP/$ev.err" "GC runtime: events"
  want=$(sed -n 's/^events: \([0-9]*\) pauses.*/\1/p' "$TMP/$ev.out")
  got=$(grep -c '^gc ' "$TMP/$ev.d/gctrace.log" || true)
  check "$ev: recorded pauses = the firmware's count ($want)" test -n "$want" -a "$got" = "$want"
  allocs=$(sed -n 's/.* \([0-9]*\) allocations.*/\1/p' "$TMP/$ev.out")
  if [ $have_go = 1 ]; then
    # main's own allocations (the timer interrupt's allocations are on their own stack;
    # -noinlines: those of the functions inlined into main are main's)
    check "$ev: heap profile counts every allocation main reported ($allocs)" \
      test "$(go tool pprof -top -noinlines -sample_index=alloc_objects "$TMP/$ev.d/heap.pb.gz" 2>/dev/null |
        awk '$NF == "main" { print $1 }')" = "$allocs"
  fi
done

# Interrupt latency: gcrt built with GC_ATOMIC masks interrupts while it collects, so
# the 1 kHz SysTick waits for each pause; the plain build does not hold any back.
run_baregc "$TMP/atomic" run "$FWDIR/gc-demo-atomic-mps2-an385.elf" --out "$TMP/atomic.d"
expect_rc "gc-demo-atomic" 0
check "atomic: SysTick entries held back by pauses appear on the timeline" \
  test "$(grep -c '"held_back_by_pause"' "$TMP/atomic.d/trace.json")" -gt 10
check "atomic: summary.json names the worst offender pause for SysTick (exception 15)" python3 -c '
import json, sys
q = [q for q in json.load(open(sys.argv[1]))["interrupts"]["per_irq"] if q["irq"] == 15][0]
sys.exit(not (q["worst_pause"] and q["worst_pause_delay_us"] > 1000 and q["max_us"] >= q["worst_pause_delay_us"]))
' "$TMP/atomic.d/summary.json"
expect_grep "atomic: gctrace.log says which pauses held interrupts back" "$TMP/atomic.d/gctrace.log" "irqs held back"
check "plain gcrt: no interrupt held back" test "$(grep -c '"held_back_by_pause"' "$TMP/gc-demo-mps2-an385.d/trace.json")" = 0

# Determinism: the same image and inputs give byte-identical files.
run_baregc "$TMP/again" run "$FWDIR/gc-demo-mps2-an385.elf" --out "$TMP/again.d"
for f in heap.pb.gz gc-pauses.pb.gz cpu.pb.gz trace.json gctrace.log summary.json events.bin record.json; do
  expect_same "determinism: $f identical across runs" "$TMP/gc-demo-mps2-an385.d/$f" "$TMP/again.d/$f"
done

# SP is followed through the blocks' known moves without reading it (cpu.c); with
# BAREGC_CHECK_SP=1 it is also read back after every such block and a difference stops
# the run: every demo must run to its end and record exactly what it records without.
for name in gc-demo-mps2-an385 gc-demo-sifive_e gc-demo-virt-rv32 gc-demo-microbit gc-demo-incremental-mps2-an385; do
  BAREGC_CHECK_SP=1 run_baregc "$TMP/spchk-$name" run "$FWDIR/$name.elf" --out "$TMP/spchk-$name.d"
  expect_rc "$name: SP read back after every block that moves it: no difference" 0
  for f in summary.json events.bin record.json; do
    expect_same "$name: ... and the same $f" "$TMP/$name.d/$f" "$TMP/spchk-$name.d/$f"
  done
done

# The generic adapter, from a JSON profile, sees the same pauses.
run_baregc "$TMP/prof" run "$FWDIR/gc-demo-mps2-an385.elf" --gc-profile "$SRCDIR/firmware/profiles/gcrt.json" \
  --out "$TMP/prof.d"
expect_rc "--gc-profile gcrt.json" 0
n_builtin=$(grep -c '^gc ' "$TMP/gc-demo-mps2-an385.d/gctrace.log" || true)
n_profile=$(grep -c '^gc ' "$TMP/prof.d/gctrace.log" || true)
check "--gc-profile: as many pauses as the built-in adapter ($n_builtin)" test "$n_profile" = "$n_builtin" -a "$n_profile" -gt 0
expect_grep "--gc-profile: the profile's name is the runtime" "$TMP/prof.d/summary.json" "gcrt-by-profile"

# A profile naming a missing symbol, and malformed profiles: exit 68, the problem named.
printf '{"name": "x", "pause": {"function": "no_such_collector"}}\n' >"$TMP/missing.json"
run_baregc "$TMP/missing" run "$FWDIR/gc-demo-mps2-an385.elf" --gc-profile "$TMP/missing.json"
expect_rc "--gc-profile with a missing symbol" 68
expect_grep "... names the symbol" "$TMP/missing.err" "no_such_collector"
printf '{"name": "x", "pause": {"function": "gc_collect"}, "colour": 1}\n' >"$TMP/unknown.json"
run_baregc "$TMP/unknown" run "$FWDIR/gc-demo-mps2-an385.elf" --gc-profile "$TMP/unknown.json"
expect_rc "--gc-profile with an unknown key" 68
expect_grep "... names the key" "$TMP/unknown.err" '"colour": unknown key'
printf '{"name": "x", "pause": {"function": "gc_collect"}, "alloc": {"function": "gc_alloc", "size_arg": "r0"}}\n' \
  >"$TMP/type.json"
run_baregc "$TMP/type" run "$FWDIR/gc-demo-mps2-an385.elf" --gc-profile "$TMP/type.json"
expect_rc "--gc-profile with a wrong type" 68
expect_grep "... names the key" "$TMP/type.err" "alloc.size_arg"
printf '{\n  "name": "x",\n  "pause": {"function": "gc_collect"},\n}\n' >"$TMP/broken.json"
run_baregc "$TMP/broken" run "$FWDIR/gc-demo-mps2-an385.elf" --gc-profile "$TMP/broken.json"
expect_rc "--gc-profile that is not JSON" 68
expect_grep "... names the line and column (a trailing comma)" "$TMP/broken.err" \
  'broken\.json: not valid JSON at line 4, column 2$'

# info lists the detected runtime and every hook it resolved.
run_baregc "$TMP/info" info "$FWDIR/gc-demo-mps2-an385.elf"
expect_grep "info: the detected runtime" "$TMP/info.out" "^GC runtime: +gcrt \(detected"
expect_grep "info: a resolved hook with its address" "$TMP/info.out" "pause +gc_collect +0x[0-9a-f]{8}"
expect_grep "info: phases" "$TMP/info.out" "phase sweep +gc_sweep_phase"

# Ctrl-C: the files are still written, marked partial.
"$BAREGC" run "$FWDIR/t-fault-runaway.elf" --quiet --out "$TMP/int.d" >/dev/null 2>&1 &
pid=$!
sleep 2
kill -INT $pid
wait $pid
RC=$?
expect_rc "SIGINT during a run" 130
expect_grep "interrupted run: summary.json says partial" "$TMP/int.d/summary.json" '"partial":[[:space:]]*true'
finish
