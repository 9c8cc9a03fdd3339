#!/usr/bin/env bash
# e2e_outputs.sh: outputs whatever the places and the bytes: a device given as an output
# is written through and never replaced (/dev/full, /dev/null, a FIFO), a symbolic link
# stays a link; every write error (the UART's output, stdout, each --out file) is said
# and exits 74, and an --out set that could not be written whole says so (INCOMPLETE)
# with summary.json still there; the firmware's exit status is kept whole in
# summary.json and can never read as one of baregc's own; check --junit writes its file
# for a run that faulted; names that are not UTF-8 come out as valid UTF-8, the JUnit
# XML well-formed.
. "$(dirname "$0")/lib.sh"

DEMO="$FWDIR/gc-demo-mps2-an385.elf"
FAULT="$FWDIR/t-fault-hardfault.elf"
BUDGET="$SRCDIR/examples/budget.json"

run_baregc "$TMP/rec" run "$DEMO" --quiet --out "$TMP/rec.d"
expect_rc "a recorded run" 0

# is_char PATH: PATH is still a character device
is_char() { [ -c "$1" ] && [ ! -L "$1" ]; }

# The devices written to: as root, nodes of our own (null and full, made here), so that
# a baregc that replaced a device would replace only those; else the system's, which
# only root could replace.
NUL=/dev/null FULL=/dev/full
if [ "$(id -u)" = 0 ]; then
  NUL= FULL=
  mknod -m 666 "$TMP/null" c 1 3 2>/dev/null && NUL=$TMP/null
  mknod -m 666 "$TMP/full" c 1 7 2>/dev/null && FULL=$TMP/full
fi

# ---- a device is written through ----
if [ -n "$NUL" ]; then
  run_baregc "$TMP/null" report "$TMP/rec.d" -o "$NUL"
  expect_rc "report -o $NUL" 0
  check "report -o $NUL: still the device" is_char "$NUL"
else
  skip "report -o a null device: cannot make one here"
fi
if [ -n "$FULL" ] && [ -c "$FULL" ] && [ -w "$FULL" ]; then
  run_baregc "$TMP/rfull" report "$TMP/rec.d" -o "$FULL"
  expect_rc "report -o $FULL" 74
  check "report -o $FULL: $FULL is still the device" is_char "$FULL"
  expect_grep "report -o $FULL: says so" "$TMP/rfull.err" "$FULL: cannot write: No space left on device"
  run_baregc "$TMP/pfull" view --from "$TMP/rec.d" --png "$FULL"
  expect_rc "view --png $FULL" 74
  check "view --png $FULL: $FULL is still the device" is_char "$FULL"
  run_baregc "$TMP/dfull" view --from "$TMP/rec.d" --dump-map "$FULL"
  expect_rc "view --dump-map $FULL" 74
  run_baregc "$TMP/jfull" check --from "$TMP/rec.d" --budget "$BUDGET" --junit "$FULL"
  expect_rc "check --junit $FULL" 2
  check "check --junit $FULL: $FULL is still the device" is_char "$FULL"
  # write errors on the streams
  run_baregc "$TMP/ufull" run "$DEMO" --quiet --uart-out "$FULL"
  expect_rc "--uart-out $FULL" 74
  expect_grep "--uart-out $FULL: says so" "$TMP/ufull.err" \
    "cannot write the console UART's output to $FULL: No space left on device"
  RC=0
  timeout 120 "$BAREGC" run "$DEMO" --quiet >"$FULL" 2>"$TMP/sfull.err" </dev/null || RC=$?
  expect_rc "run >$FULL (the UART on stdout)" 74
  expect_grep "run >$FULL: says so" "$TMP/sfull.err" "standard output: No space left on device"
  RC=0
  "$BAREGC" info "$DEMO" >"$FULL" 2>"$TMP/ifull.err" || RC=$?
  expect_rc "info >$FULL" 74
  RC=0
  "$BAREGC" check --from "$TMP/rec.d" --budget "$BUDGET" >"$FULL" 2>"$TMP/cfull.err" || RC=$?
  expect_rc "check >$FULL" 2
  # a full disk under one --out file: trace.json is $FULL behind a link
  mkdir -p "$TMP/part.d"
  ln -s "$FULL" "$TMP/part.d/trace.json"
  run_baregc "$TMP/part" run "$DEMO" --quiet --out "$TMP/part.d"
  expect_rc "--out with trace.json on a full device" 74
  expect_grep "--out, trace.json full: says which file" "$TMP/part.err" "trace.json: cannot write: No space left on device"
  check "--out, trace.json full: summary.json is there and parses" \
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/part.d/summary.json"
  check "--out, trace.json full: the other files are there" \
    sh -c "cd '$TMP/part.d' && test -s gctrace.log -a -s heap.pb.gz -a -s cpu.pb.gz -a -s record.json -a -s events.bin"
  expect_grep "--out, trace.json full: INCOMPLETE names trace.json" "$TMP/part.d/INCOMPLETE" "trace.json"
  rm "$TMP/part.d/trace.json"
  run_baregc "$TMP/part2" run "$DEMO" --quiet --out "$TMP/part.d"
  expect_rc "--out again, with room" 0
  check "--out again: the set is complete (INCOMPLETE gone)" test ! -e "$TMP/part.d/INCOMPLETE"
else
  skip "a full device: none here, or not writable"
fi

# ---- a FIFO is written through (its reader gets the page), a link stays a link ----
mkfifo "$TMP/page.fifo"
timeout 120 cat "$TMP/page.fifo" >"$TMP/page.html" & # (a baregc that replaced the FIFO leaves it waiting)
CAT=$!
run_baregc "$TMP/fifo" report "$TMP/rec.d" -o "$TMP/page.fifo"
wait "$CAT"
expect_rc "report -o FIFO" 0
check "report -o FIFO: still a FIFO" test -p "$TMP/page.fifo"
expect_grep "report -o FIFO: the reader got the page" "$TMP/page.html" "</html>"
ln -s real.html "$TMP/link.html"
run_baregc "$TMP/link" report "$TMP/rec.d" -o "$TMP/link.html"
expect_rc "report -o LINK" 0
check "report -o LINK: the link is still a link" test -L "$TMP/link.html"
expect_grep "report -o LINK: its target has the page" "$TMP/real.html" "</html>"
ln -s real.png "$TMP/link.png"
run_baregc "$TMP/plink" view --from "$TMP/rec.d" --png "$TMP/link.png"
expect_rc "view --png LINK" 0
check "view --png LINK: the link is still a link, its target a PNG" \
  sh -c "test -L '$TMP/link.png' && head -c 4 '$TMP/real.png' | od -An -c | grep -q 'P   N   G'"
run_baregc "$TMP/dir" report "$TMP/rec.d" -o "$TMP"
expect_rc "report -o DIRECTORY" 74

# ---- the firmware's exit status, whole ----
# A Cortex-M image of 6 instructions: SYS_EXIT_EXTENDED (semihosting) with STATUS.
mkexit() {
  python3 - "$1" "$2" <<'EOF'
import struct, sys
status = int(sys.argv[2], 0) & 0xffffffff
# vectors (SP, reset), movs r0,#0x20; adr r1,block; bkpt 0xab; b .; block: ApplicationExit, status
code = struct.pack('<II', 0x20001000, 0x09) + bytes.fromhex('2020' '01a1' 'abbe' 'fee7') + \
    struct.pack('<II', 0x20026, status)
eh = struct.pack('<4sBBBB8sHHIIIIIHHHHHH', b'\x7fELF', 1, 1, 1, 0, b'\0' * 8, 2, 40, 1, 0x09, 52, 0,
                 0x05000200, 52, 32, 1, 40, 0, 0)
ph = struct.pack('<IIIIIIII', 1, 84, 0, 0, len(code), len(code), 5, 4)
open(sys.argv[1], 'wb').write(eh + ph + code)
EOF
}
# status: exit code wanted, summary.json's exit_code
for s in 0:0:0 3:3:3 63:63:63 64:79:64 84:79:84 130:79:130 256:79:256 -1:79:-1 2147483647:79:2147483647; do
  IFS=: read -r st want code <<<"$s"
  mkexit "$TMP/exit$st.elf" "$st"
  run_baregc "$TMP/exit$st" run "$TMP/exit$st.elf" --board mps2-an385 --out "$TMP/exit$st.d"
  expect_rc "firmware status $st" "$want"
  check "firmware status $st: summary.json and record.json say $code" python3 - "$TMP/exit$st.d" "$code" <<'EOF'
import json, sys
d, code = sys.argv[1], int(sys.argv[2])
s = json.load(open(d + '/summary.json'))
r = json.load(open(d + '/record.json'))
sys.exit(0 if s['run']['exit_code'] == code and r['run']['exit_code'] == code else 1)
EOF
done
expect_grep "status 256: the summary says the status and the exit code" "$TMP/exit256.err" \
  "exited with status 256 \(outside 0-63: exit 79\)"

# ---- check --junit: written for a run that faulted ----
run_baregc "$TMP/jf" check "$FAULT" --budget "$BUDGET" --junit "$TMP/fault.xml"
expect_rc "check of a faulting run" 2
check "check --junit of a faulting run: the file is a failing testcase naming the fault" \
  python3 - "$TMP/fault.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]).getroot()
f = t.find('.//testcase/failure')
sys.exit(0 if t.get('failures') == '1' and f is not None and 'undefined instruction' in f.get('message') else 1)
EOF
run_baregc "$TMP/jb" check --from "$TMP/rec.d" --budget "$TMP/missing.json" --junit "$TMP/nobudget.xml"
expect_rc "check with a missing budget" 2
check "check --junit with a missing budget: a failing testcase" \
  python3 -c 'import sys, xml.etree.ElementTree as ET; sys.exit(0 if ET.parse(sys.argv[1]).find(".//failure") is not None else 1)' \
  "$TMP/nobudget.xml"

# ---- names that are not UTF-8 ----
BAD="$TMP/fw-$(printf '\001\377\376')-x.elf"
cp "$DEMO" "$BAD"
sed 's/"gcrt-by-profile"/"prof\\u0001'"$(printf '\377')"'le"/' "$SRCDIR/firmware/profiles/gcrt.json" >"$TMP/bad-profile.json"
run_baregc "$TMP/utf" run "$BAD" --quiet --gc-profile "$TMP/bad-profile.json" --out "$TMP/utf.d"
expect_rc "a run of an image whose path is not UTF-8, a profile whose name is not" 0
check "not UTF-8 in: summary.json, record.json, trace.json, gctrace.log are valid UTF-8 and the JSON parses" \
  python3 - "$TMP/utf.d" <<'EOF'
import json, sys
d = sys.argv[1]
for f in ('summary.json', 'record.json', 'trace.json', 'gctrace.log'):
    text = open(d + '/' + f, 'rb').read().decode('utf-8')
    if f.endswith('.json'):
        json.loads(text)
s = json.load(open(d + '/summary.json'))
sys.exit(0 if '\ufffd' in s['run']['image'] and '\ufffd' in s['run']['runtime'] else 1)
EOF
run_baregc "$TMP/ujunit" check "$BAD" --gc-profile "$TMP/bad-profile.json" --budget "$BUDGET" --junit "$TMP/utf.xml"
check "not UTF-8 in: the JUnit XML is well-formed" \
  python3 -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' "$TMP/utf.xml"
run_baregc "$TMP/uhtml" report "$TMP/utf.d" -o "$TMP/utf.html"
check "not UTF-8 in: the HTML report is valid UTF-8" \
  python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$TMP/utf.html"

finish
