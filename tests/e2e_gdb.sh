#!/usr/bin/env bash
# e2e_gdb.sh: `baregc run --gdb` under gdb-multiarch in batch mode. On the gc-demo firmware
# for mps2-an385 (Cortex-M3) and virt-rv32 (RV32): the target description's registers,
# a hardware breakpoint, a breakpoint on a function, continue, bt, memory read and written
# (and put back), a watchpoint on a global, stepi, monitor gc and monitor heap, detach;
# in a second run nexti, next, step, finish, tbreak, rwatch and awatch; the --out files
# (and UART output) of those debugged runs equal an undebugged run's. Then an
# interrupt from GDB (its Ctrl-C) and kill, --gdb-break-budget (stopped where the first
# pause over the budget returned, the trigger path in bt), a client that connects to a
# firmware waiting for UART input, a fault seen in GDB, no progress line on a terminal,
# and the options' errors. Every server listens on 127.0.0.1, on a port the system picks
# (--gdb 127.0.0.1:0: baregc says which), so tests run side by side never meet.
. "$(dirname "$0")/lib.sh"
GDB=$(command -v gdb-multiarch || true)
[ -n "$GDB" ] || skip_all "gdb-multiarch not installed (tools/deps.sh installs it)"
WAIT=${GDB_WAIT:-600} # tenths of a second to wait for baregc to say something

# start NAME ARGS...: `baregc run ARGS` in the background (NAME.uart, NAME.err, stdin
# from $STDIN or /dev/null); its pid in $BPID
start() {
  local n=$1; shift
  timeout 300 "$BAREGC" run "$@" >"$TMP/$n.uart" 2>"$TMP/$n.err" <"${STDIN:-/dev/null}" &
  BPID=$!
}
# said NAME REGEX [FILE]: waits until FILE (NAME.err) matches (1 if baregc ended first or
# on timeout)
said() {
  local f=${3:-$TMP/$1.err} i=0
  while [ $i -lt "$WAIT" ]; do
    grep -Eq -- "$2" "$f" 2>/dev/null && return 0
    kill -0 "$BPID" 2>/dev/null || { grep -Eq -- "$2" "$f"; return; }
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}
port_of() { sed -n 's/.*GDB server listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/$1.err" | head -1; }
# ended: waits for baregc; its status in $RC
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
# missing_regs FILE NAMES...: the names `info registers` did not list in FILE, on stdout
missing_regs() {
  local f=$1 r; shift
  for r in "$@"; do grep -q "^$r  *0x" "$f" || echo "$r"; done
}

for board in mps2-an385 virt-rv32; do
  fw="$FWDIR/gc-demo-$board.elf"
  run_baregc "$TMP/$board.ref" run "$fw" --out "$TMP/$board.ref.d"
  expect_rc "$board: the undebugged run" 0

  if [ "$board" = mps2-an385 ]; then
    regs="r0 r12 sp lr pc xpsr"
    more="msp psp primask basepri faultmask control"
  else
    regs="ra sp gp tp t0 fp a0 a7 s11 t6 pc"
    more="mstatus misa mie mtvec mepc mcause mip mcycle minstret"
  fi
  cat >"$TMP/$board.gdb" <<EOF
set pagination off
target remote :PORT
info registers
info registers $more
hbreak gc_init
continue
info breakpoints
delete
break gc_collect
continue
bt
printf "collections=%d\n", gc_stats.collections
x/4wx &gc_stats
set var gc_stats.collections = 0x5a5a
x/1wx &gc_stats.collections
set var gc_stats.collections = 0
printf "put back=%d\n", gc_stats.collections
watch gc_stats.collections
continue
delete
set \$before = \$pc
stepi
printf "stepped=%d\n", \$pc != \$before
stepi
monitor gc
monitor heap
detach
EOF
  session "$board" "$fw" --out "$TMP/$board.d"
  expect_rc "$board: a run under GDB" 0
  O="$TMP/$board.out"
  expect_grep "$board: stopped before the first instruction (the reset vector / _start)" "$O" \
    '^(Reset_Handler|_start) \(\) at '
  # shellcheck disable=SC2086 # a list of names
  missing=$(missing_regs "$O" $regs)
  check "$board: info registers: $regs${missing:+ (missing: $missing)}" test -z "$missing"
  # shellcheck disable=SC2086 # a list of names
  missing=$(missing_regs "$O" $more)
  check "$board: the target description's other registers: $more${missing:+ (missing: $missing)}" test -z "$missing"
  expect_grep "$board: a hardware breakpoint" "$O" '^Hardware assisted breakpoint 1 at 0x[0-9a-f]+: file .*gc\.c, line [0-9]+'
  expect_grep "$board: ... stops there" "$O" '^Breakpoint 1, gc_init \(start=0x[0-9a-f]+, end=0x[0-9a-f]+\) at .*gc\.c:[0-9]+'
  expect_grep "$board: ... as a hardware one" "$O" '^1 +hw breakpoint +keep y +0x[0-9a-f]+ in gc_init at '
  expect_grep "$board: a breakpoint on a function" "$O" '^Breakpoint 2, gc_collect \(\) at .*gc\.c:[0-9]+'
  expect_grep "$board: bt: the allocation that triggered the collection" "$O" '^#1 +0x[0-9a-f]+ in gc_alloc \(size=.*\)'
  expect_grep "$board: bt: down to main" "$O" '^#[0-9]+ +0x[0-9a-f]+ in main \(\) at .*gc_demo\.c'
  expect_grep "$board: a variable read" "$O" '^collections=0$'
  expect_grep "$board: x/4wx" "$O" '^0x[0-9a-f]+ <gc_stats>:'$'\t''0x00000000'$'\t''0x00007e00'
  expect_grep "$board: memory written (set var), read back (x)" "$O" '^0x[0-9a-f]+ <gc_stats>:'$'\t''0x00005a5a$'
  expect_grep "$board: ... and put back" "$O" '^put back=0$'
  expect_grep "$board: a watchpoint on a global: the write seen" "$O" '^New value = 1$'
  check "$board: ... with the old value" grep -q '^Old value = 0$' "$O"
  expect_grep "$board: stepi moves the pc" "$O" '^stepped=1$'
  expect_grep "$board: monitor gc: inside the first pause" "$O" '^in pause #1: began at [0-9.]+ ms, [0-9.]+ us so far, triggered by an allocation$'
  expect_grep "$board: monitor gc: the pauses so far" "$O" '^pauses: 0 so far'
  expect_grep "$board: monitor heap: the adapter's reading" "$O" '^heap \(gcrt\): used [0-9]+ bytes, free [0-9]+ bytes, largest free block [0-9]+ bytes'
  expect_grep "$board: detach" "$O" 'Inferior 1 \(Remote target\) detached'
  expect_grep "$board: the run went on to its end after the detach" "$TMP/$board.err" 'the firmware exited with status 0'
  expect_same "$board: the UART output is the undebugged run's" "$TMP/$board.ref.out" "$TMP/$board.uart"
  check "$board: the --out files are the undebugged run's, byte for byte" diff -r "$TMP/$board.ref.d" "$TMP/$board.d"

  # the other ways to move and stop: nexti, next, step, finish, tbreak, rwatch, awatch
  cat >"$TMP/$board-more.gdb" <<'EOF'
set pagination off
target remote :PORT
break gc_collect
continue
delete
nexti
set $before = $pc
next
printf "next moved=%d\n", $pc != $before
set $before = $pc
step
printf "step moved=%d\n", $pc != $before
finish
tbreak gc_alloc
continue
rwatch gc_stats.collections
continue
delete
awatch gc_stats.collections
continue
continue
delete
info breakpoints
detach
EOF
  session "$board-more" "$fw" --out "$TMP/$board-more.d"
  expect_rc "$board: a second run under GDB" 0
  O="$TMP/$board-more.out"
  expect_grep "$board: next" "$O" '^next moved=1$'
  expect_grep "$board: step" "$O" '^step moved=1$'
  expect_grep "$board: finish: back in the allocation that called the collector" "$O" '^gc_alloc \(size=.*\) at .*gc\.c:[0-9]+$'
  expect_grep "$board: tbreak" "$O" '^Temporary breakpoint 2, gc_alloc \(size=.*\) at '
  expect_grep "$board: rwatch: the next collection reads the count" "$O" '^Hardware read watchpoint 3: gc_stats\.collections$'
  check "$board: ... whose value is 1" grep -q '^Value = 1$' "$O"
  expect_grep "$board: awatch: the write" "$O" '^New value = 2$'
  check "$board: awatch: and a read after it" grep -q '^Value = 2$' "$O"
  expect_grep "$board: no breakpoint left after delete" "$O" '^No breakpoints or watchpoints\.$'
  check "$board: the --out files are the undebugged run's here too" diff -r "$TMP/$board.ref.d" "$TMP/$board-more.d"
done

# ---- an interrupt from GDB (what its Ctrl-C sends), then kill. The interrupt is posted
# before `continue` and runs once GDB waits for the running target: no race. ----
fw="$FWDIR/bench-mps2-an385.elf"
if "$GDB" -batch -nx -ex 'python print("python-ok")' 2>/dev/null | grep -q python-ok; then
  cat >"$TMP/int.gdb" <<'EOF'
set pagination off
target remote :PORT
python gdb.post_event(lambda: gdb.execute("interrupt"))
continue
bt 1
monitor gc
kill
EOF
  session int "$fw"
  expect_grep "an interrupt stops the running firmware" "$TMP/int.out" '^Program received signal SIGINT, Interrupt\.'
  expect_grep "... where bt works" "$TMP/int.out" '^#0 +(0x[0-9a-f]+ in )?[a-z_]+ \('
  expect_grep "... and monitor gc" "$TMP/int.out" '^pauses: [0-9]+ so far'
  expect_grep "kill" "$TMP/int.out" 'Inferior 1 \(Remote target\) killed'
  expect_rc "... ends the run as interrupted" 130
  expect_grep "... and the run says so" "$TMP/int.err" 'GDB killed the run'
else
  skip "an interrupt from GDB (this gdb-multiarch has no Python to post it)"
fi

# ---- --gdb-break-budget: no GDB yet; the run stops where the first pause over the budget
# returns, and waits for one ----
fw="$FWDIR/gc-demo-mps2-an385.elf"
echo '{"max_pause_us": 5000}' >"$TMP/budget.json"
first=$(awk '/^gc [0-9]+ @/ { split($5, a, "+"); if (a[1] + 0 > 5000) { print $2; exit } }' \
  "$TMP/mps2-an385.ref.d/gctrace.log")
start bud "$fw" --gdb 127.0.0.1:0 --gdb-break-budget "$TMP/budget.json" --out "$TMP/bud.d"
printf 'set pagination off\ntarget remote :PORT\nbt\nmonitor gc\ndetach\n' >"$TMP/bud.gdb"
said bud 'waiting for GDB' && gdb_batch bud "$fw"
ended
expect_rc "--gdb-break-budget: the run" 0
expect_grep "--gdb-break-budget: the first pause over the budget (#${first:-?} in the undebugged gctrace) is named" \
  "$TMP/bud.err" "pause #${first:-?} lasted [0-9.]+ us, over the budget.s max_pause_us of 5000\\.0 us"
expect_grep "--gdb-break-budget: stopped where the collector returned, in its caller" "$TMP/bud.out" '^#0 +gc_alloc \(size=.*\)'
expect_grep "--gdb-break-budget: bt shows the trigger path down to main" "$TMP/bud.out" '^#[0-9]+ +0x[0-9a-f]+ in main \(\)'
expect_grep "--gdb-break-budget: monitor gc: that pause was the last" "$TMP/bud.out" "last [0-9.]+ us \\(#${first:-?}\\)"
expect_grep "--gdb-break-budget: monitor gc: not in a pause any more" "$TMP/bud.out" '^not in a pause$'
check "--gdb-break-budget: the --out files are the undebugged run's" diff -r "$TMP/mps2-an385.ref.d" "$TMP/bud.d"

# ---- a client that connects to the running firmware (no --gdb-wait, as to QEMU's -s):
# the REPL firmware, waiting for a line on the UART (polling on mps2-an385, asleep in WFI
# on virt-rv32); after the detach the line comes and the firmware answers and exits ----
for board in mps2-an385 virt-rv32; do
  fw="$FWDIR/t-repl-$board.elf"
  printf 'hello\nquit\n' >"$TMP/lines"
  run_baregc "$TMP/late-$board.ref" run "$fw" --uart-in "$TMP/lines"
  rm -f "$TMP/in"
  mkfifo "$TMP/in"
  STDIN="$TMP/in" start late "$fw" --gdb 127.0.0.1:0
  exec 3>"$TMP/in"
  printf 'set pagination off\ntarget remote :PORT\nbt\ndetach\n' >"$TMP/late.gdb"
  : >"$TMP/late.out"
  said late 'GDB server listening' && said late '^> $' "$TMP/late.uart" && gdb_batch late "$fw"
  cat "$TMP/lines" >&3
  exec 3>&-
  ended
  expect_grep "$board: a client that connects stops the firmware waiting for input" "$TMP/late.out" \
    '^#[0-9]+ +0x[0-9a-f]+ in read_byte \(\) at .*t_repl\.c'
  expect_rc "$board: ... which runs to its end after the detach" 0
  expect_same "$board: ... with the UART output of a run without GDB" "$TMP/late-$board.ref.out" "$TMP/late.uart"
done

# ---- a fault: GDB sees it as a signal, at the faulting instruction; then the run ends ----
fw="$FWDIR/t-fault-unmapped-write.elf"
printf 'set pagination off\ntarget remote :PORT\ncontinue\nbt\ncontinue\n' >"$TMP/fault.gdb"
session fault "$fw"
expect_rc "a fault under GDB ends the run as without it" 80
expect_grep "... GDB gets SIGSEGV" "$TMP/fault.out" '^Program received signal SIGSEGV'
expect_grep "... at the faulting store in main" "$TMP/fault.out" '^#0 +0x[0-9a-f]+ in main \(\) at .*t_fault\.c:[0-9]+'
expect_grep "... and then the end of the run" "$TMP/fault.out" '^Program terminated with signal SIGSEGV'

# ---- no progress line under --gdb, even on a terminal (script(1)) with no delay ----
if command -v script >/dev/null 2>&1; then
  RC=0
  BAREGC_PROGRESS_DELAY_MS=0 timeout 300 script -qfec "'$BAREGC' run '$FWDIR/bench-mps2-an385.elf' \
    --max-cycles 30000000 --gdb 127.0.0.1:0 >/dev/null" "$TMP/tty" </dev/null >/dev/null 2>&1 || RC=$?
  expect_rc "--gdb on a terminal, with no client: the run" 84
  expect_grep "... says where it listens" "$TMP/tty" 'GDB server listening on 127\.0\.0\.1:[0-9]+'
  check "... and draws no progress line" bash -c "! grep -Eq 's simulated, [0-9.]+ MIPS' '$TMP/tty'"
else
  skip "--gdb on a terminal (script(1) not installed)"
fi

# ---- the options' errors ----
fw="$FWDIR/gc-demo-mps2-an385.elf"
run_baregc "$TMP/e1" run "$fw" --gdb-wait
expect_rc "--gdb-wait without --gdb" 64
expect_grep "... says what is missing" "$TMP/e1.err" '--gdb-wait needs --gdb'
for bad in localhost:http 70000 127.0.0.1: '[::1]'; do
  run_baregc "$TMP/e2" run "$fw" --gdb "$bad"
  expect_rc "--gdb $bad: not [HOST:]PORT" 64
  expect_grep "... says what it expected" "$TMP/e2.err" "^baregc: error: --gdb: expected \\[HOST:\\]PORT .*got '"
done
run_baregc "$TMP/e3" run "$fw" --gdb 192.0.2.1:1234
expect_rc "--gdb on an address that is not this machine's" 74
expect_grep "... named" "$TMP/e3.err" '^baregc: error: --gdb 192\.0\.2\.1:1234: cannot listen there: '
echo '{"p99_pause_us": 5000}' >"$TMP/nomax.json"
run_baregc "$TMP/e4" run "$fw" --gdb 127.0.0.1:0 --gdb-break-budget "$TMP/nomax.json"
expect_rc "--gdb-break-budget with no max_pause_us" 64
expect_grep "... says so" "$TMP/e4.err" 'sets no max_pause_us'
run_baregc "$TMP/e5" run "$fw" --gdb 127.0.0.1:0 --gdb-break-budget "$TMP/absent.json"
expect_rc "--gdb-break-budget with a file that is not there" 66
expect_grep "... named" "$TMP/e5.err" '^baregc: error: --gdb-break-budget: .*absent\.json'
start busy "$fw" --gdb 127.0.0.1:0 --gdb-wait
if said busy 'waiting for GDB'; then
  run_baregc "$TMP/e6" run "$fw" --gdb "127.0.0.1:$(port_of busy)"
  expect_rc "a port already in use" 74
  expect_grep "... named" "$TMP/e6.err" 'cannot listen there'
  kill -INT "$BPID"
  ended
  expect_rc "Ctrl-C while waiting for GDB ends the run, interrupted" 130
else
  not_ok "a second server on a port in use"
fi

finish
