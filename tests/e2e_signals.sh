#!/usr/bin/env bash
# e2e_signals.sh: the signals that ask a process to stop end a run with its recording:
# SIGINT (once, or twice as `timeout -s INT` sends it), SIGTERM, SIGHUP and SIGPIPE (the
# reader of the UART went away) each stop a run that has started, every --out file is
# written, parses and is marked partial, and the exit status is 128 + the signal's
# number; tui gives the terminal back and view closes its window on each.
. "$(dirname "$0")/lib.sh"

RUNAWAY="$FWDIR/t-fault-runaway.elf" # prints "start", then loops until --max-cycles
DEMO="$FWDIR/gc-demo-mps2-an385.elf"
FOREVER=1000000000000000             # cycles: far more than any test waits for
WAIT=${SIGNALS_WAIT:-120}            # seconds: generous, for sanitizer builds
FILES="summary.json gctrace.log heap.pb.gz gc-pauses.pb.gz cpu.pb.gz trace.json events.bin record.json"
PIDS=""
trap 'for p in $PIDS; do kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# wait_for FILE REGEX: until FILE holds a line matching REGEX (1 after $WAIT seconds)
wait_for() {
  local i=0
  while [ $i -lt $((WAIT * 10)) ]; do
    grep -Eq -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

# end_of PID: waits for the background process PID to end, its status in $RC; one
# that goes on after $WAIT seconds (the signal did not stop it) is killed: RC=timeout.
end_of() {
  local i=0
  while kill -0 "$1" 2>/dev/null && [ $i -lt $((WAIT * 10)) ]; do
    sleep 0.1
    i=$((i + 1))
  done
  if kill -0 "$1" 2>/dev/null; then
    kill -9 "$1"
    wait "$1" 2>/dev/null
    RC=timeout
    return
  fi
  RC=0
  wait "$1" || RC=$?
}

# wait_gone FILE: until FILE is not there (1 after $WAIT seconds)
wait_gone() {
  local i=0
  while [ -e "$1" ] && [ $i -lt $((WAIT * 10)) ]; do
    sleep 0.1
    i=$((i + 1))
  done
  [ ! -e "$1" ]
}

# expect_set WHAT DIR PARTIAL: every --out file is there, none is left marked incomplete,
# the JSON files parse and the gzip files are whole, and "partial" is PARTIAL
# (true / false) in summary.json and record.json.
expect_set() {
  local missing="" f
  for f in $FILES; do [ -s "$2/$f" ] || missing="$missing $f"; done
  check "$1: every --out file written${missing:+ (missing:$missing)}" test -z "$missing"
  check "$1: the set is complete (no $2/INCOMPLETE)" test ! -e "$2/INCOMPLETE"
  check "$1: the JSON files parse, the profiles are whole gzip, partial is $3" python3 - "$2" "$3" <<'EOF'
import gzip, json, sys
d, want = sys.argv[1], sys.argv[2] == 'true'
s = json.load(open(d + '/summary.json'))
r = json.load(open(d + '/record.json'))
json.load(open(d + '/trace.json'))
for p in ('heap.pb.gz', 'gc-pauses.pb.gz', 'cpu.pb.gz'):
    gzip.open(d + '/' + p).read()
sys.exit(0 if s.get('partial', False) == want and r['run'].get('partial', False) == want else 1)
EOF
}

# start_run NAME [OPTIONS]: `baregc run` of the runaway firmware in the background (pid
# in $PID), its UART through a FIFO into NAME.uart; returns once "start" came out.
start_run() {
  local n=$1; shift
  mkfifo "$TMP/$n.fifo"
  cat "$TMP/$n.fifo" >"$TMP/$n.uart" &
  "$BAREGC" run "$RUNAWAY" --max-cycles $FOREVER --out "$TMP/$n.d" --uart-out "$TMP/$n.fifo" "$@" \
    2>"$TMP/$n.err" </dev/null &
  PID=$!
  PIDS="$PIDS $PID"
  wait_for "$TMP/$n.uart" '^start'
}

# ---- SIGINT, SIGTERM, SIGHUP: once, while the run goes on ----
for s in INT:130 TERM:143 HUP:129; do
  sig=${s%:*}
  want=${s#*:}
  if start_run "$sig"; then
    kill -"$sig" "$PID"
    end_of "$PID"
    expect_rc "SIG$sig during the run" "$want"
    expect_set "SIG$sig" "$TMP/$sig.d" true
    expect_grep "SIG$sig: the run summary names the signal" "$TMP/$sig.err" "stopped: interrupted \(SIG$sig\)"
    expect_grep "SIG$sig: the timeline has the stop" "$TMP/$sig.d/trace.json" "SIG$sig: the run was interrupted"
  else
    not_ok "SIG$sig: the run did not start"
  fi
done

# ---- a second SIGINT while the files are written (as `timeout -s INT` sends two) ----
# trace.json is a FIFO: the files before it are written, then baregc waits for a reader
# there (a device or FIFO is written through); the second SIGINT comes then.
mkdir -p "$TMP/int2.d"
mkfifo "$TMP/int2.d/trace.json"
if start_run int2; then
  kill -INT "$PID"
  if wait_for "$TMP/int2.err" "stopped: interrupted \(SIGINT\)" && wait_for "$TMP/int2.d/INCOMPLETE" "writing"; then
    kill -INT "$PID"
    cat "$TMP/int2.d/trace.json" >"$TMP/int2.trace.json"
    end_of "$PID"
    expect_rc "two SIGINTs" 130
    check "two SIGINTs: trace.json went through its FIFO whole" python3 -c \
      'import json, sys; json.load(open(sys.argv[1]))' "$TMP/int2.trace.json"
    rm -f "$TMP/int2.d/trace.json"
    cp "$TMP/int2.trace.json" "$TMP/int2.d/trace.json"
    expect_set "two SIGINTs" "$TMP/int2.d" true
  else
    not_ok "two SIGINTs: the files were not being written"
  fi
else
  not_ok "two SIGINTs: the run did not start"
fi

# ---- SIGPIPE: the UART's reader has gone (stdout a pipe nobody reads any more) ----
mkfifo "$TMP/pipe.fifo"
exec 3<>"$TMP/pipe.fifo" 4>"$TMP/pipe.fifo" # a writer; then the only reader goes away
exec 3<&-
RC=0
timeout 120 "$BAREGC" run "$DEMO" --out "$TMP/pipe.d" >&4 2>"$TMP/pipe.err" </dev/null || RC=$?
exec 4>&-
expect_rc "SIGPIPE (stdout's reader gone)" 141
expect_set "SIGPIPE" "$TMP/pipe.d" true
expect_grep "SIGPIPE: the run summary names the signal" "$TMP/pipe.err" "stopped: interrupted \(SIGPIPE\)"
check "SIGPIPE: no error about standard output (the reader went away)" \
  sh -c "! grep -q 'cannot write' '$TMP/pipe.err'"
# As a user does it: the files whatever the moment the reader leaves.
RC=0
timeout 120 "$BAREGC" run "$DEMO" --out "$TMP/head.d" 2>"$TMP/head.err" </dev/null | head -1 >"$TMP/head.out"
RC=${PIPESTATUS[0]}
check "run | head -1: exit 0 or 141 (got $RC)" test "$RC" = 0 -o "$RC" = 141
expect_set "run | head -1" "$TMP/head.d" "$([ "$RC" = 141 ] && echo true || echo false)"

# ---- view --png: the map of what was recorded, the files, 128 + N ----
mkfifo "$TMP/png.fifo"
cat "$TMP/png.fifo" >"$TMP/png.uart" &
"$BAREGC" view "$RUNAWAY" --max-cycles $FOREVER --png "$TMP/png.png" --out "$TMP/png.d" --uart-out "$TMP/png.fifo" \
  2>"$TMP/png.err" </dev/null &
PID=$!
PIDS="$PIDS $PID"
if wait_for "$TMP/png.uart" '^start'; then
  kill -TERM "$PID"
  end_of "$PID"
  expect_rc "view --png, SIGTERM" 143
  expect_set "view --png, SIGTERM" "$TMP/png.d" true
  check "view --png, SIGTERM: the PNG is written" sh -c "head -c 8 '$TMP/png.png' | od -An -tx1 | grep -q '89 50 4e 47'"
else
  not_ok "view --png: the run did not start"
fi

# ---- tui in tmux: SIGTERM and SIGHUP give the terminal back, with the files ----
if ! command -v tmux >/dev/null 2>&1; then
  skip "tui: tmux not installed"
elif "$BAREGC" tui --from /nonexistent 2>&1 | grep -q "built without ncurses"; then
  skip "tui: baregc built without ncurses"
else
  T() { tmux -S "$TMP/tmux.sock" -f /dev/null "$@"; }
  trap 'T kill-server >/dev/null 2>&1; for p in $PIDS; do kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
  for s in TERM:143 HUP:129 INT:130; do
    sig=${s%:*}
    want=${s#*:}
    n=tui$sig
    mkfifo "$TMP/$n.fifo"
    cat "$TMP/$n.fifo" >"$TMP/$n.uart" &
    T new-session -d -x 80 -y 24 -s "$n" \
      "env TERM=screen LC_ALL=C sh -c 'echo \$\$ >$TMP/$n.pid; exec $BAREGC tui $RUNAWAY --max-cycles $FOREVER \
--out $TMP/$n.d --uart-out $TMP/$n.fifo 2>$TMP/$n.err'; echo \$? >$TMP/$n.rc; echo TUI-EXITED; sleep 600"
    if wait_for "$TMP/$n.uart" '^start' && wait_for "$TMP/$n.pid" '^[0-9]+$'; then
      kill -"$sig" "$(cat "$TMP/$n.pid")"
      if wait_for "$TMP/$n.rc" '^[0-9]+$'; then
        check "tui, SIG$sig: exit $want (got $(cat "$TMP/$n.rc"))" test "$(cat "$TMP/$n.rc")" = "$want"
        check "tui, SIG$sig: the terminal is given back (no alternate screen)" \
          test "$(T display -p -t "$n" '#{alternate_on}')" = 0
        expect_set "tui, SIG$sig" "$TMP/$n.d" true
      else
        not_ok "tui, SIG$sig: the process did not end"
      fi
    else
      not_ok "tui, SIG$sig: the run did not start"
    fi
  done
fi

# ---- view's window under Xvfb: a signal closes it (after the run, replaying) ----
if ! command -v xvfb-run >/dev/null 2>&1; then
  skip "view window: no xvfb-run"
elif timeout 60 "$BAREGC" view "$RUNAWAY" --max-cycles 1 --exit-at-end --quiet 2>&1 </dev/null |
  grep -q "built without SDL2"; then
  skip "view window: built without SDL2"
else
  # as e2e_view.sh: software rendering, and libdbus (which SDL starts) leaks on exit
  printf 'leak:libdbus-1.so\n' >"$TMP/lsan.supp"
  SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0 \
    LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$TMP/lsan.supp" \
    timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" \
    sh -c "echo \$\$ >'$TMP/win.pid'; exec '$BAREGC' view '$DEMO' --out '$TMP/win.d' >/dev/null 2>'$TMP/win.err'" &
  WPID=$!
  PIDS="$PIDS $WPID"
  # the files are written when the run ends, before the window replays it
  if wait_for "$TMP/win.pid" '^[0-9]+$' && wait_for "$TMP/win.d/record.json" '"format"' &&
    wait_gone "$TMP/win.d/INCOMPLETE"; then
    kill -TERM "$(cat "$TMP/win.pid")"
    end_of "$WPID"
    expect_rc "view window, SIGTERM while replaying: the window closes" 143
    expect_set "view window" "$TMP/win.d" false
  else
    not_ok "view window: the run did not end"
  fi
fi

finish
