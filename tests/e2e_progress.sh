#!/usr/bin/env bash
# e2e_progress.sh: the progress line of a long run. Under a pseudo-terminal (script(1))
# `baregc run` and `baregc check` rewrite one line in place (simulated time, MIPS, GC
# pauses) and clear it before the summary; nothing of it with stderr to a file or with
# --quiet; around the firmware's console on the same terminal; and the recording is the
# same with the line as without. BAREGC_PROGRESS_DELAY_MS=0 shows it from the first
# check, so nothing here depends on how fast the machine is.
. "$(dirname "$0")/lib.sh"

command -v script >/dev/null 2>&1 || skip_all "script (util-linux) not installed"
FW="$FWDIR/bench-mps2-an385.elf"
RUN=(run "$FW" --board mps2-an385 --max-cycles 30000000)
export BAREGC_PROGRESS_DELAY_MS=0

# on_tty NAME COMMAND: COMMAND (a shell line) with stdin, stdout and stderr on a new
# terminal; what the terminal showed in $TMP/NAME.tty, the exit status in $RC.
on_tty() {
  RC=0
  timeout 300 script -qfec "$2" "$TMP/$1.tty" </dev/null >/dev/null 2>&1 || RC=$?
}
PROGRESS='[0-9]+\.[0-9]{3} s simulated, [0-9.]+ MIPS, [0-9]+ GC pauses?'

on_tty run "'$BAREGC' ${RUN[*]} --out '$TMP/tty.dir' >/dev/null"
expect_rc "run on a terminal" 84
expect_grep "run on a terminal shows the progress line" "$TMP/run.tty" "$PROGRESS"
check "the line is rewritten in place (carriage return, erase to the end)" \
  grep -Eq $'\r''baregc: '"$PROGRESS"$'\e''\[K' "$TMP/run.tty"
check "the line is rewritten as the run goes on (more than one drawing)" \
  test "$(grep -Eo "$PROGRESS" "$TMP/run.tty" | sort -u | wc -l)" -gt 1
# The last drawing is erased, and the summary starts on a clean line.
check "the line is cleared before the summary" \
  grep -Eq $'\r\e''\[Kbaregc: stopped: --max-cycles' "$TMP/run.tty"
expect_grep "the summary follows" "$TMP/run.tty" "on mps2-an385 .* MIPS"

run_baregc "$TMP/file" "${RUN[@]}" --out "$TMP/file.dir"
expect_rc "run with stderr to a file" 84
check "no progress with stderr to a file" bash -c "! grep -Eq '$PROGRESS|\[K' '$TMP/file.err'"
for f in events.bin record.json summary.json trace.json gctrace.log cpu.pb.gz heap.pb.gz gc-pauses.pb.gz; do
  expect_same "$f is the same with the progress line as without" "$TMP/tty.dir/$f" "$TMP/file.dir/$f"
done
# The same on RV32, with its UART and timer interrupts.
RV=(run "$FWDIR/gc-demo-virt-rv32.elf" --board virt-rv32)
on_tty rv "'$BAREGC' ${RV[*]} --out '$TMP/rv-tty.dir' >/dev/null"
expect_grep "RV32 run on a terminal shows the progress line" "$TMP/rv.tty" "$PROGRESS"
run_baregc "$TMP/rv" "${RV[@]}" --out "$TMP/rv-file.dir"
for f in events.bin record.json; do
  expect_same "RV32: $f is the same with the progress line as without" "$TMP/rv-tty.dir/$f" "$TMP/rv-file.dir/$f"
done

on_tty quiet "'$BAREGC' ${RUN[*]} --quiet >/dev/null"
expect_rc "run --quiet on a terminal" 84
check "no progress with --quiet" bash -c "! grep -Eq 'simulated,|MIPS' '$TMP/quiet.tty'"

# The firmware's console (UART) and its semihosting stderr on the same terminal: the
# line is drawn only where the firmware's output stands at the start of a line and
# taken away before its next byte, so every line the firmware writes reaches the
# terminal whole.
DEMO=(run "$FWDIR/gc-demo-mps2-an385.elf" --board mps2-an385)
on_tty shared "'$BAREGC' ${DEMO[*]}"
expect_rc "run with the console on the terminal" 0
expect_grep "progress when the console shares the terminal" "$TMP/shared.tty" "$PROGRESS"
run_baregc "$TMP/demo" "${DEMO[@]}"
# What the terminal showed without the line's drawings and erasures, the terminal's
# carriage returns, script(1)'s own lines and baregc's messages: the console's bytes.
sed -E $'s/\rbaregc: [^\e]*\e\\[K//g; s/\r\e\\[K//g; s/\r//g' "$TMP/shared.tty" |
  grep -Ev '^(Script (started|done) |baregc: |GC: )' >"$TMP/shared.uart"
grep -v '^baregc: ' "$TMP/demo.err" | grep -v '^GC: ' | sort >"$TMP/demo.err.lines"
sort "$TMP/demo.out" - <"$TMP/demo.err.lines" >"$TMP/demo.lines"
grep -v '^$' "$TMP/shared.uart" | sort >"$TMP/shared.lines"
expect_same "the firmware's lines all reach the terminal" "$TMP/demo.lines" "$TMP/shared.lines"
# Each drawing starts where a line starts (or replaces the last drawing) and is erased
# before anything else is written.
cat >"$TMP/drawings.py" <<'EOF'
import re, sys
t = open(sys.argv[1], "rb").read()
draw = re.compile(rb"\rbaregc: [0-9.]+ s simulated[^\x1b]*\x1b\[K")
clear = b"\r\x1b[K"
ends = set()
for m in draw.finditer(t):
    ends.add(m.end())
    before = m.start()
    while t[:before].endswith(clear):
        before -= len(clear)
    if not (t[:before].endswith(b"\n") or before in ends):
        sys.exit("drawn in the middle of a line at byte %d" % m.start())
    after = t[m.end():]
    if after and not (after.startswith(clear) or draw.match(after)):
        sys.exit("not erased before byte %d" % m.end())
sys.exit(0 if ends else "never drawn")
EOF
check "each drawing at the start of a line, erased before the firmware writes" \
  python3 "$TMP/drawings.py" "$TMP/shared.tty"

on_tty uartout "'$BAREGC' ${RUN[*]} --uart-out '$TMP/uart.txt'"
expect_grep "progress when the console goes to --uart-out" "$TMP/uartout.tty" "$PROGRESS"

printf '{"max_pause_us": 1000000}\n' >"$TMP/budget.json"
on_tty check "'$BAREGC' check '$FW' --board mps2-an385 --max-cycles 30000000 --budget '$TMP/budget.json' >/dev/null"
expect_grep "check on a terminal shows the progress line" "$TMP/check.tty" "$PROGRESS"
finish
