#!/usr/bin/env bash
# e2e_tui.sh: `baregc tui` driven in tmux (send-keys, capture-pane): the live view of the
# example firmware shows the run's pause count and statistics in 80x24 without garbage,
# keys pause / step / resume / quit, the terminal is restored, --out files match `run`'s,
# it resizes, NO_COLOR turns colours off, --from replays with a moving cursor, and the
# allocation sites are named while the run goes on as the replay names them.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux not installed"
if "$BAREGC" tui --from /nonexistent 2>&1 | grep -q "built without ncurses"; then
  skip_all "baregc built without ncurses"
fi

FW="$FWDIR/gc-demo-mps2-an385.elf"
WAIT=${TUI_WAIT:-120}   # seconds: generous, for sanitizer builds on slow machines

# A private tmux server (its own socket, no user configuration).
T() { tmux -S "$TMP/tmux.sock" -f /dev/null "$@"; }
trap 'T kill-server >/dev/null 2>&1; rm -rf "$TMP"' EXIT

# start NAME COMMAND: a detached 80x24 session running COMMAND, then a marker line.
start() {
  T new-session -d -x 80 -y 24 -s "$1" \
    "env TERM=screen LC_ALL=C $2; echo \$? >'$TMP/$1.rc'; echo TUI-EXITED; sleep 600"
}
screen_of() { T capture-pane -p -t "$1"; }
# wait_for NAME REGEX: polls the screen until REGEX shows (1 on timeout; the screen is in $TMP/NAME.scr)
wait_for() {
  local i=0
  while [ $i -lt $((WAIT * 10)) ]; do
    screen_of "$1" >"$TMP/$1.scr" 2>/dev/null
    grep -Eq -- "$2" "$TMP/$1.scr" && return 0
    grep -q '^TUI-EXITED' "$TMP/$1.scr" && break   # the program ended
    sleep 0.1
    i=$((i + 1))
  done
  echo "    timed out waiting for /$2/; the screen:"; sed 's/^/    | /' "$TMP/$1.scr"
  return 1
}
# clean SCREENFILE COLS: no line wider than COLS, no escape or other control characters
clean() {
  LC_ALL=C awk -v w="$2" 'length($0) > w { bad = 1 } END { exit bad }' "$1" &&
    ! LC_ALL=C grep -q '[[:cntrl:]]' "$1"
}

# The reference: the same firmware under `baregc run`.
run_baregc "$TMP/ref" run "$FW" --out "$TMP/ref.d"
expect_rc "run (reference)" 0
N=$(grep -c '^gc ' "$TMP/ref.d/gctrace.log")
CPU=$(sed -n 's/.* = \([0-9.]*\)% of .*/\1/p' "$TMP/ref.err")
MAX=$(sed -n 's/.*; max \([0-9.]*\) us,.*/\1/p' "$TMP/ref.err")
check "reference run: $N collections, GC CPU $CPU %, max pause $MAX us" test "$N" -gt 0 -a -n "$CPU" -a -n "$MAX"
MAXMS=$(awk -v u="$MAX" 'BEGIN { printf "%.2f ms", u / 1000 }')

# ---- live: to the end ----
start live "'$BAREGC' tui '$FW' --out '$TMP/live.d' 2>'$TMP/live.err'"
if wait_for live 'state: finished'; then
  ok "live: the run reaches 'finished'"
  S="$TMP/live.scr"
  expect_grep "live: the pause count is the run's ($N)" "$S" "collections +$N\$"
  expect_grep "live: GC CPU fraction as in the run's summary ($CPU %)" "$S" "GC CPU +$CPU %"
  expect_grep "live: max pause ($MAXMS)" "$S" "max pause +$MAXMS"
  expect_grep "live: p99 and MMU shown" "$S" "MMU 10 ms +0\.[0-9]{3}"
  expect_grep "live: the last collection is selected" "$S" "GC #$N/$N "
  expect_grep "live: the UART console shows the firmware's output" "$S" "gc-demo: done"
  expect_grep "live: the header names image, board and core" "$S" "gc-demo-mps2-an385.elf +mps2-an385 cortex-m3"
  check "live: 80x24 without garbage (24 lines, none over 80 columns, no control characters)" \
    test "$(wc -l <"$S")" -eq 24
  check "live: no line over 80 columns, no escape sequences" clean "$S" 80
  # resize: larger, then back to 80x24
  T resize-window -t live -x 120 -y 40
  if wait_for live 'state: finished' && [ "$(wc -l <"$TMP/live.scr")" -eq 40 ]; then
    check "resize to 120x40: redrawn, clean" clean "$TMP/live.scr" 120
    expect_grep "resize to 120x40: still the same count" "$TMP/live.scr" "collections +$N\$"
  else
    not_ok "resize to 120x40"
  fi
  T resize-window -t live -x 80 -y 24
  sleep 0.5
  wait_for live 'state: finished' >/dev/null
  check "resize back to 80x24: clean" clean "$TMP/live.scr" 80
  # q quits; the terminal is given back (alternate screen off, the view gone)
  T send-keys -t live q
  if wait_for live '^TUI-EXITED'; then
    check "q: the process ended with status 0" test "$(cat "$TMP/live.rc")" = 0
    check "q: the terminal is restored (no alternate screen, no view left)" \
      sh -c "[ \"\$(tmux -S '$TMP/tmux.sock' -f /dev/null display -p -t live '#{alternate_on}')\" = 0 ] &&
             ! grep -q 'collections' '$TMP/live.scr'"
  else
    not_ok "q: the process did not end"
  fi
  expect_same "live --out: gctrace.log is the one of baregc run" "$TMP/ref.d/gctrace.log" "$TMP/live.d/gctrace.log"
  expect_grep "live: the run summary is printed after the screen is given back" "$TMP/live.err" "GC: $N pauses"
else
  not_ok "live: the run did not reach 'finished'"
fi

# ---- keys: start paused, n steps one collection at a time, space resumes / pauses ----
start keys "'$BAREGC' tui '$FW' --start-paused 2>'$TMP/keys.err'"
if wait_for keys 'state: paused'; then
  expect_grep "start paused: nothing ran yet" "$TMP/keys.scr" "collections +0\$"
  T send-keys -t keys n
  wait_for keys 'collections +1$' >/dev/null
  expect_grep "n: paused at the end of the first collection" "$TMP/keys.scr" "state: paused"
  expect_grep "n: ... and the view says so" "$TMP/keys.scr" "paused after collection #1"
  T send-keys -t keys n
  wait_for keys 'collections +2$' >/dev/null
  expect_grep "n again: the second collection" "$TMP/keys.scr" "state: paused"
  # while running, the sites are named at their calls as record.json (and --from) names
  # them: tree_make calls the allocator (xalloc, inlined there), not wl_binary_trees
  expect_grep "live sites: tree_make, where xalloc was inlined, allocates" "$TMP/keys.scr" "  tree_make +[0-9]"
  check "live sites: not its caller (wl_binary_trees)" sh -c "! grep -q 'wl_binary_trees' '$TMP/keys.scr'"
  sim1=$(sed -n 's/^sim \([0-9.]* [mu]*s\).*/\1/p' "$TMP/keys.scr")
  sleep 1
  screen_of keys >"$TMP/keys.scr2"
  sim2=$(sed -n 's/^sim \([0-9.]* [mu]*s\).*/\1/p' "$TMP/keys.scr2")
  check "paused: simulated time stands still ($sim1)" test -n "$sim1" -a "$sim1" = "$sim2"
  T send-keys -t keys ' '
  if wait_for keys 'state: (running|finished)'; then ok "space: resumes (state running / finished)"; else not_ok "space: resume"; fi
  T send-keys -t keys ' '
  if wait_for keys 'state: (paused|finished)'; then ok "space again: pauses (or the run already ended)"; else not_ok "space: pause"; fi
  T send-keys -t keys q
  if wait_for keys '^TUI-EXITED'; then
    rc=$(cat "$TMP/keys.rc")
    check "q while paused / running: ends (interrupted, 130; 0 if the run had ended): $rc" \
      sh -c "[ '$rc' = 130 ] || [ '$rc' = 0 ]"
  else
    not_ok "q: the process did not end"
  fi
else
  not_ok "--start-paused: no paused state shown"
fi

# ---- g: run until the first pause over the budget (8 ms: the first such collection
# according to the reference gctrace) ----
echo '{"max_pause_us": 8000}' >"$TMP/budget.json"
K=$(awk '/^gc / { split($5, t, "+"); if (t[1] + t[2] + t[3] > 8000) { print $2; exit } }' "$TMP/ref.d/gctrace.log")
start budget "'$BAREGC' tui '$FW' --start-paused --budget '$TMP/budget.json' 2>/dev/null"
if [ -n "$K" ] && wait_for budget 'state: paused'; then
  expect_grep "--budget: the budget is shown" "$TMP/budget.scr" "budget 8\.00 ms"
  T send-keys -t budget g
  if wait_for budget "paused after collection #$K:"; then
    ok "g: paused after collection #$K, the first over 8 ms"
    expect_grep "g: the selected collection is over budget" "$TMP/budget.scr" "GC #$K/$K .*OVER BUDGET"
  else
    not_ok "g: did not pause at collection #$K"
  fi
  T send-keys -t budget q
else
  not_ok "--budget: no over-budget collection in the reference ($K) or no view"
fi

# ---- replay ----
start replay "NO_COLOR=1 '$BAREGC' tui --from '$TMP/ref.d' 2>'$TMP/replay.err'"
if wait_for replay 'state: replay'; then
  S="$TMP/replay.scr"
  expect_grep "replay: the same pause count ($N)" "$S" "collections +$N\$"
  expect_grep "replay: the same GC CPU fraction" "$S" "GC CPU +$CPU %"
  expect_grep "replay: the cursor starts on the last collection" "$S" "GC #$N/$N "
  check "replay: 80x24 without garbage" clean "$S" 80
  T capture-pane -e -p -t replay >"$TMP/replay.esc"
  check "replay: NO_COLOR: no colours" sh -c "! grep -Eq \$'\\033\\\\[([0-9;]*;)?3[0-7](;[0-9;]*)?m' '$TMP/replay.esc'"
  T send-keys -t replay Left Left
  if wait_for replay "GC #$((N - 2))/$N\\*"; then
    ok "replay: two steps left select collection $((N - 2))"
  else
    not_ok "replay: the cursor did not move"
  fi
  T send-keys -t replay Home
  wait_for replay "GC #1/$N\\*" >/dev/null && ok "replay: Home selects the first collection" ||
    not_ok "replay: Home"
  T send-keys -t replay q
  if wait_for replay '^TUI-EXITED'; then
    check "replay: q exits with status 0" test "$(cat "$TMP/replay.rc")" = 0
  else
    not_ok "replay: q did not end it"
  fi
else
  not_ok "replay: no view"
fi

# colours are used when allowed (the same replay without NO_COLOR)
start colour "'$BAREGC' tui --from '$TMP/ref.d' 2>/dev/null"
if wait_for colour 'state: replay'; then
  T capture-pane -e -p -t colour >"$TMP/colour.esc"
  expect_grep "colours without NO_COLOR" "$TMP/colour.esc" $'\033\\[([0-9;]*;)?3[0-7](;[0-9;]*)?m'
  T send-keys -t colour q
fi

# not a terminal: a clear error, no curses mess
RC=0; "$BAREGC" tui "$FW" </dev/null >"$TMP/nt.out" 2>"$TMP/nt.err" || RC=$?
check "no terminal: refused with a message (exit 64)" test "$RC" = 64
expect_grep "no terminal: the message says why" "$TMP/nt.err" "needs a terminal"

finish
