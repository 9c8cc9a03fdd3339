#!/usr/bin/env bash
# e2e_faults.sh: each fault firmware stops with a report naming what happened, the
# address, PC, function and source line, the simulated time, the backtrace, and its exit
# code.
. "$(dirname "$0")/lib.sh"

# fault NAME EXIT REPORT_REGEX [baregc options...]; the source location is read off the
# "pc" line, or the line named by $LOC (a jump into nowhere has no source: its caller,
# "lr", does); the function is any with an offset, or $FN.
fault() {
  local name=$1 want=$2 re=$3; shift 3
  local elf="$FWDIR/$name.elf"
  run_baregc "$TMP/$name" run "$elf" --quiet "$@"
  expect_rc "$name" "$want"
  expect_grep "$name: report says what happened" "$TMP/$name.err" "$re"
  expect_grep "$name: report names the PC, function and source line" "$TMP/$name.err" \
    "${LOC:-pc} +0x[0-9a-f]{8} +${FN:-[A-Za-z_][A-Za-z0-9_]*\+0x[0-9a-f]+} \([^:]+\.[cS]:[0-9]+\)"
  expect_grep "$name: report gives the simulated time" "$TMP/$name.err" "time .* simulated \([0-9]+ cycles"
  expect_grep "$name: the firmware got as far as its first UART line" "$TMP/$name.out" "^start"
}

fault t-fault-unmapped-read 80 "unmapped access: 4-byte read at 0x30000000"
fault t-fault-unmapped-write 80 "unmapped access: .*write at 0x3"
LOC=lr fault t-fault-unmapped-fetch 80 "unmapped access: .*instruction fetch at 0x30000000"
# The same inside the address range the board's devices share one mapping for
# (0x40000000..0xE000F000 on mps2-an385), where no device is.
fault t-fault-hole-read 80 "unmapped access: 4-byte read at 0x60000000 outside every memory"
fault t-fault-hole-write 80 "unmapped access: 4-byte write at 0x60000000 outside every memory"
LOC=lr fault t-fault-hole-fetch 80 "unmapped access: .*instruction fetch at 0x60000000"
fault t-fault-flash-write 80 "flash write: .*write to flash .* at 0x00001000"
fault t-fault-sram-limit 80 "beyond SRAM: .* at 0x2000[89a-f][0-9a-f]{3} is beyond the 16384 bytes" --sram 16K
# A frame that would cross the limit stops the run before the block that pushes it runs:
# the PC is that block's, the recursing function's entry.
FN=recurse fault t-fault-stack 81 "stack overflow: this block would take the stack pointer to 0x[0-9a-f]+, below the stack limit"
# SP loaded with an address far below SRAM: read back at the next block, below the limit.
fault t-fault-wild-sp 81 "stack overflow: stack pointer 0x00001000 is below the stack limit"
fault t-fault-badinsn 83 "undefined instruction"
# The cycle limit is no fault: the report says which limit the user gave was reached.
fault t-fault-runaway 84 "^baregc: stopped: --max-cycles 2000000 reached$" --max-cycles 2000000
check "t-fault-runaway: a limit reached is not called a guest fault" \
  test "$(grep -c 'guest fault' "$TMP/t-fault-runaway.err")" = 0
fault t-fault-deadlock 85 "deadlock: the core sleeps"
fault t-fault-unmapped-read-rv 80 "unmapped access: .*read at 0x"
FN=recurse fault t-fault-stack-rv 81 "stack overflow: this block would take the stack pointer"
# A semihosting call's write where the firmware's own store would fault gets that fault,
# at the call (the bkpt / ebreak in sh_call).
FN=sh_call fault t-semihost-fault-lm3s6965evb 80 "flash write: 8-byte write to flash .*\(a semihosting call's write\)"
FN='sh_call\+0x4' fault t-semihost-fault-sifive_e 80 "flash write: 8-byte write to flash .*\(a semihosting call's write\)"
FN='sh_call\+0x4' fault t-semihost-fault-virt-rv32 80 "unmapped access: 8-byte write at 0x30000000 .*\(a semihosting call's write\)"

# The backtrace: the shadow call stack, innermost first, each frame named at its call.
expect_grep "t-fault-stack: the backtrace lists the recursion" "$TMP/t-fault-stack.err" \
  '^    #1  0x[0-9a-f]{8}  recurse \(t_fault\.c:[0-9]+\)$'
expect_grep "t-fault-stack: ... down to main" "$TMP/t-fault-stack.err" '^    #[0-9]+ +0x[0-9a-f]{8}  main \(t_fault\.c:[0-9]+\)$'
# gc-demo stopped inside a collection (the longest pause, at 25.79 M cycles): the frame
# that allocated names xalloc, inlined into the function that holds the call, a line each.
run_baregc "$TMP/gcbt" run "$FWDIR/gc-demo-mps2-an385.elf" --quiet --max-cycles 25900000
expect_rc "gc-demo stopped in a collection" 84
expect_grep "backtrace: the collector's caller" "$TMP/gcbt.err" '^    #[0-9]+ +0x[0-9a-f]{8}  gc_alloc \(gc\.c:[0-9]+\)$'
check "backtrace: xalloc inlined into the allocating function, a level a line" \
  grep -Eq '^    #[0-9]+ +0x[0-9a-f]{8}  xalloc \(workloads\.c:[0-9]+\) \[inlined\]$' "$TMP/gcbt.err"
expect_grep "backtrace: ... the outermost level not marked" "$TMP/gcbt.err" '^ {20}wl_[a-z_]+ \(workloads\.c:[0-9]+\)$'

# --keep-going: the fault goes to the firmware's HardFault handler, which reports and exits 9.
run_baregc "$TMP/hf" run "$FWDIR/t-fault-hardfault.elf" --quiet --keep-going
expect_rc "t-fault-hardfault --keep-going" 9
expect_grep "HardFault handler ran" "$TMP/hf.out" "hardfault handler"
# without it, the same firmware stops at the fault
run_baregc "$TMP/hf2" run "$FWDIR/t-fault-hardfault.elf" --quiet
check "t-fault-hardfault without --keep-going stops with a fault code" test "$RC" -ge 80 -a "$RC" -le 83

# An LDRD from an address that is not word aligned: a UsageFault (UNALIGNED), escalated
# to HardFault (exit 82), reported at the LDRD (t_board.c's last check).
run_baregc "$TMP/ua" run "$FWDIR/t-board-mps2-an385.elf" --quiet
expect_rc "unaligned LDRD" 82
expect_grep "unaligned LDRD: report says what happened" "$TMP/ua.err" \
  "hard fault: HardFault: escalated UsageFault \(UNALIGNED\): 8-byte LDRD at 0x[0-9a-f]{7}[26ae] is not word-aligned"
expect_grep "unaligned LDRD: report names the instruction" "$TMP/ua.err" "pc +0x[0-9a-f]{8} +ldrd_at \(t_board\.c:[0-9]+\)"

# --max-time converts to cycles at the board clock
run_baregc "$TMP/mt" run "$FWDIR/t-fault-runaway.elf" --max-time 10ms
expect_rc "--max-time" 84
expect_grep "--max-time stops at 10 ms (250000 cycles at 25 MHz)" "$TMP/mt.err" "\(25[0-9]{4} cycles"
expect_grep "--max-time: the report names the limit as given" "$TMP/mt.err" \
  "^baregc: stopped: --max-time 10 ms reached \(250000 cycles\)$"
finish
