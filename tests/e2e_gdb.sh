#!/usr/bin/env bash
# e2e_gdb.sh: `baregc run --gdb` under gdb-multiarch in batch mode, on the gc-demo
# firmware for mps2-an385 (Cortex-M3) and virt-rv32 (RV32): connect, break on a function,
# continue, bt, info registers, read a variable, x/4wx, a watchpoint on a global, stepi,
# monitor gc and monitor heap, detach; the --out files and UART output of that debugged
# run equal an undebugged run's. Then Ctrl-C from GDB and kill, --gdb-break-budget
# (stopped where the collector returned, the trigger path in bt), a client that connects
# to a running firmware, and the options' errors. Every server listens on 127.0.0.1,
# on a port the system picks (--gdb 127.0.0.1:0: baregc says which).
. "$(dirname "$0")/lib.sh"
GDB=$(command -v gdb-multiarch || true)
[ -n "$GDB" ] || skip_all "gdb-multiarch not installed"
WAIT=${GDB_WAIT:-300} # tenths of a second to wait for baregc to say something

# start NAME ARGS...: `baregc run ARGS` in the background (NAME.uart, NAME.err); pid in $BPID
start() {
  local n=$1; shift
  timeout 300 "$BAREGC" run "$@" >"$TMP/$n.uart" 2>"$TMP/$n.err" </dev/null &
  BPID=$!
}
# said NAME REGEX: waits until NAME.err matches (1 if baregc ended first or on timeout)
said() {
  local i=0
  while [ $i -lt "$WAIT" ]; do
    grep -Eq -- "$2" "$TMP/$1.err" 2>/dev/null && return 0
    kill -0 "$BPID" 2>/dev/null || { grep -Eq -- "$2" "$TMP/$1.err"; return; }
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}
port_of() { sed -n 's/.*GDB server listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/$1.err" | head -1; }
# ended NAME: waits for baregc; its status in $RC
ended() { RC=0; wait "$BPID" || RC=$?; }
# gdb_batch NAME ELF: gdb-multiarch -batch on NAME.gdb with :PORT made the server's port
gdb_batch() {
  sed "s/:PORT/:$(port_of "$1")/" "$TMP/$1.gdb" >"$TMP/$1.gdbx"
  timeout 300 "$GDB" -batch -nx -x "$TMP/$1.gdbx" "$2" >"$TMP/$1.out" 2>&1 </dev/null
}
# session NAME ELF ARGS...: baregc run ELF ARGS --gdb 127.0.0.1:0 --gdb-wait, driven by NAME.gdb
session() {
  local n=$1 elf=$2; shift 2
  start "$n" "$elf" "$@" --gdb 127.0.0.1:0 --gdb-wait
  if said "$n" 'waiting for GDB'; then
    gdb_batch "$n" "$elf"
  else
    echo "    baregc did not wait for GDB:"; sed 's/^/    | /' "$TMP/$n.err" | head -20
  fi
  ended
}

for board in mps2-an385 virt-rv32; do
  fw="$FWDIR/gc-demo-$board.elf"
  run_baregc "$TMP/$board.ref" run "$fw" --out "$TMP/$board.ref.d"
  expect_rc "$board: the undebugged run" 0

  if [ "$board" = mps2-an385 ]; then
    regs="r0 r12 sp lr pc xpsr msp psp primask basepri faultmask control"
    more='info registers msp control'
  else
    regs="ra sp gp tp t0 fp a0 a7 s11 t6 pc"
    more='info registers mstatus mcycle mip mtvec'
  fi
  cat >"$TMP/$board.gdb" <<EOF
set pagination off
target remote :PORT
info registers
$more
break gc_collect
continue
bt
print gc_stats.collections
x/4wx &gc_stats
watch gc_stats.collections
continue
delete
stepi
stepi
info registers pc
monitor gc
monitor heap
detach
EOF
  session "$board" "$fw" --out "$TMP/$board.d"
  expect_rc "$board: a run under GDB" 0
  O="$TMP/$board.out"
  expect_grep "$board: stopped before the first instruction (the reset vector / _start)" "$O" \
    '^(Reset_Handler|_start) \(\) at '
  missing=$(for r in $regs; do grep -q "^$r  *0x" "$O" || echo "$r"; done)
  check "$board: info registers: $regs${missing:+ (missing: $missing)}" test -z "$missing"
  expect_grep "$board: the other registers by name ($more)" "$O" \
    '^(msp|mstatus) +0x[0-9a-f]+'
  expect_grep "$board: a breakpoint on a function" "$O" '^Breakpoint 1, gc_collect \(\) at .*gc\.c:[0-9]+'
  expect_grep "$board: bt: the allocation that triggered the collection" "$O" '^#1 +0x[0-9a-f]+ in gc_alloc \(size=.*\)'
  expect_grep "$board: bt: down to main" "$O" '^#[0-9]+ +0x[0-9a-f]+ in main \(\) at .*gc_demo\.c'
  expect_grep "$board: print a variable" "$O" '^\$1 = 0$'
  expect_grep "$board: x/4wx" "$O" '^0x[0-9a-f]+ <gc_stats>:'$'\t''0x00000000'$'\t''0x00007e00'
  expect_grep "$board: a watchpoint on a global: the write seen" "$O" '^New value = 1$'
  check "$board: ... with the old value" grep -q '^Old value = 0$' "$O"
  expect_grep "$board: stepi" "$O" '^pc +0x[0-9a-f]+'
  expect_grep "$board: monitor gc: inside the first pause" "$O" '^in pause #1: began at [0-9.]+ ms, [0-9.]+ us so far, triggered by an allocation$'
  expect_grep "$board: monitor gc: the pauses so far" "$O" '^pauses: 0 so far'
  expect_grep "$board: monitor heap: the adapter's reading" "$O" '^heap \(gcrt\): used [0-9]+ bytes, free [0-9]+ bytes, largest free block [0-9]+ bytes'
  expect_grep "$board: detach" "$O" 'Inferior 1 \(Remote target\) detached'
  expect_grep "$board: the run went on to its end after the detach" "$TMP/$board.err" 'the firmware exited with status 0'
  expect_same "$board: the UART output is the undebugged run's" "$TMP/$board.ref.out" "$TMP/$board.uart"
  check "$board: the --out files are the undebugged run's, byte for byte" diff -r "$TMP/$board.ref.d" "$TMP/$board.d"
done

# ---- Ctrl-C from GDB, then kill: GDB reads commands as they come (not -batch) ----
fw="$FWDIR/bench-mps2-an385.elf"
start int "$fw" --max-time 20s --gdb 127.0.0.1:0 --gdb-wait
if said int 'waiting for GDB'; then
  { echo "set pagination off"; echo "target remote :$(port_of int)"; echo "continue &"; sleep 1
    echo "interrupt"; sleep 1; echo "bt 1"; echo "monitor gc"; echo "kill"; echo "quit"; } |
    timeout 300 "$GDB" -q -nx "$fw" >"$TMP/int.out" 2>&1
fi
ended
expect_grep "Ctrl-C from GDB stops the running firmware" "$TMP/int.out" 'Program received signal SIGINT, Interrupt\.'
expect_grep "... where bt and monitor still work" "$TMP/int.out" 'pauses: [0-9]+ so far'
expect_rc "kill ends the run as interrupted" 130
expect_grep "... and the run says so" "$TMP/int.err" 'GDB killed the run'

# ---- --gdb-break-budget: no GDB yet; the run stops where the first pause over the budget returns ----
fw="$FWDIR/gc-demo-mps2-an385.elf"
echo '{"max_pause_us": 5000}' >"$TMP/budget.json"
start bud "$fw" --gdb 127.0.0.1:0 --gdb-break-budget "$TMP/budget.json" --out "$TMP/bud.d"
printf 'set pagination off\ntarget remote :PORT\nbt\nmonitor gc\ndetach\n' >"$TMP/bud.gdb"
said bud 'waiting for GDB' && gdb_batch bud "$fw"
ended
expect_rc "--gdb-break-budget: the run" 0
expect_grep "--gdb-break-budget: the pause over the budget is named" "$TMP/bud.err" \
  'pause #[0-9]+ lasted [0-9.]+ us, over the budget.s max_pause_us of 5000\.0 us'
expect_grep "--gdb-break-budget: stopped where the collector returned, in its caller" "$TMP/bud.out" '^#0 +gc_alloc \(size=.*\)'
expect_grep "--gdb-break-budget: bt shows the trigger path down to main" "$TMP/bud.out" '^#[0-9]+ +0x[0-9a-f]+ in main \(\)'
N=$(sed -n 's/.*pause #\([0-9]*\) lasted.*/\1/p' "$TMP/bud.err")
expect_grep "--gdb-break-budget: monitor gc: that pause was the last" "$TMP/bud.out" "last [0-9.]+ us \\(#$N\\)"
check "--gdb-break-budget: the --out files are the undebugged run's" diff -r "$TMP/mps2-an385.ref.d" "$TMP/bud.d"

# ---- a client that connects to the running firmware (no --gdb-wait), as to QEMU's -s ----
printf 'set pagination off\ntarget remote :PORT\nbt 1\ndetach\n' >"$TMP/late.gdb"
start late "$FWDIR/bench-mps2-an385.elf" --max-time 5s --gdb 127.0.0.1:0
said late 'GDB server listening' && gdb_batch late "$FWDIR/bench-mps2-an385.elf"
ended
expect_grep "a client that connects stops the running firmware" "$TMP/late.out" '^#0 +(0x[0-9a-f]+ in )?[a-z_]+ \('
expect_rc "... which runs to its end after the detach" 84

# ---- the options' errors ----
run_baregc "$TMP/e1" run "$fw" --gdb-wait
expect_rc "--gdb-wait without --gdb" 64
expect_grep "... says what is missing" "$TMP/e1.err" '--gdb-wait needs --gdb'
run_baregc "$TMP/e2" run "$fw" --gdb localhost:http
expect_rc "--gdb with a port that is not a number" 64
echo '{"p99_pause_us": 5000}' >"$TMP/nomax.json"
run_baregc "$TMP/e3" run "$fw" --gdb 127.0.0.1:0 --gdb-break-budget "$TMP/nomax.json"
expect_rc "--gdb-break-budget with no max_pause_us" 64
start busy "$fw" --gdb 127.0.0.1:0 --gdb-wait
if said busy 'waiting for GDB'; then
  run_baregc "$TMP/e4" run "$fw" --gdb "127.0.0.1:$(port_of busy)"
  expect_rc "a port already in use" 74
  expect_grep "... named" "$TMP/e4.err" 'cannot listen there'
  kill -INT "$BPID"
  ended
  expect_rc "Ctrl-C while waiting for GDB ends the run, interrupted" 130
else
  not_ok "a second server on a port in use"
fi

finish
