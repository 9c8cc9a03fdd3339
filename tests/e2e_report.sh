#!/usr/bin/env bash
# e2e_report.sh: `baregc report` on a recorded run of the example firmware: the page is
# self-contained (nothing fetched), has every section, is deterministic, reads only
# DIR/record.json, reports bad input; rendered by headless Chromium (Debian's chromium),
# the screenshot is not blank and shows the charts in their colours. Skips the rendering when
# chromium is missing or cannot run here; the non-rendering checks run regardless.
. "$(dirname "$0")/lib.sh"

FW="$FWDIR/gc-demo-mps2-an385.elf"
run_baregc "$TMP/run" run "$FW" --out "$TMP/d" --quiet
expect_rc "run --out" 0
check "run --out writes record.json" test -s "$TMP/d/record.json"

cat >"$TMP/budget.json" <<'JSON'
{"max_pause_us": 8000, "p99_pause_us": 7500, "mmu": [{"window_us": 100000, "min": 0.5}]}
JSON

run_baregc "$TMP/rep" report "$TMP/d"
expect_rc "report DIR" 0
H="$TMP/d/report.html"
check "report.html written by default" test -s "$H"
expect_grep "report DIR: says where it wrote the page" "$TMP/rep.out" "^baregc report: wrote $TMP/d/report\.html\$"

run_baregc "$TMP/repb" report "$TMP/d" --budget "$TMP/budget.json" -o "$TMP/b.html"
expect_rc "report --budget -o" 0
B="$TMP/b.html"
expect_grep "report -o: says where it wrote the page" "$TMP/repb.out" "^baregc report: wrote $TMP/b\.html\$"

# Self-contained: no URL, no external script, stylesheet or font.
for pat in 'http://' 'https://' '<script' '@import' '@font-face' '<link' 'url\(' 'src='; do
  if grep -Eiq -- "$pat" "$B" "$H"; then not_ok "self-contained: '$pat' found"; else ok "self-contained: no '$pat'"; fi
done
for id in facts budget timeline histogram mmu heap sites gctrace; do
  expect_grep "section $id" "$B" "<h2 id=\"$id\">"
done
check "no budget section without --budget" bash -c "! grep -q 'id=\"budget\"' '$H'"
expect_grep "budget verdict (max pause 9.1 ms > 8 ms)" "$B" 'class="fail">FAIL</span>'
expect_grep "budget line on the timeline" "$B" 'budget max_pause_us 8000'
expect_grep "the allocation sites are symbolized, inlined functions included" "$B" \
  '<td>xalloc \(workloads\.c:[0-9]+\) \[inlined\] ← tree_make \(workloads\.c:[0-9]+\)</td>'
# One row a site: xalloc, inlined at every site, and code the compiler duplicated put one
# source position at several addresses; the rows still differ.
sed -n '/<table class="sites">/,/<\/table>/p' "$B" | sed -n 's/.*<td class="n">[0-9]*<\/td><td>\([^<]*\)<\/td>.*/\1/p' \
  >"$TMP/sites.txt"
check "the top sites are listed (at least 8)" test "$(wc -l <"$TMP/sites.txt")" -ge 8
check "no two top sites are named alike" test -z "$(sort "$TMP/sites.txt" | uniq -d)"

# The names record.json gives the callers of its stacks (return addresses, named at their
# call) are the inline chains binutils' addr2line -i gives at the call instruction.
A2L=$(command -v arm-none-eabi-addr2line || true)
if [ -n "$A2L" ]; then
  python3 - "$TMP/d/record.json" "$A2L" "$FW" >"$TMP/a2l.txt" 2>&1 <<'PY'
import json, os, subprocess, sys
rec, a2l, elf = sys.argv[1:4]
d = json.load(open(rec))
callers = sorted({f for st in d["stacks"] for f in st[1:]} |
                 {f for p in d["pauses"] for f in d["stacks"][p["stack"] - 1][:1]})
# addr2line -a: each address, then a name and a file:line per level, innermost first.
out = subprocess.run([a2l, "-a", "-i", "-f", "-e", elf] + ["0x%x" % ((a & ~1) - 1) for a in callers],
                     capture_output=True, text=True, check=True).stdout.split("\n")[:-1]
blocks = []
for l in out:
    if l.startswith("0x") and len(blocks) < len(callers) and (not blocks or len(blocks[-1]) % 2 == 0):
        blocks.append([])
    else:
        blocks[-1].append(l)
bad = inlined = 0
for a, o in zip(callers, blocks):
    want = []
    for fn, where in zip(o[0::2], o[1::2]):
        where = where.split(" (discriminator")[0]
        base, _, line = os.path.basename(where).rpartition(":")
        want.append(fn if line in ("0", "?") else "%s (%s:%s)" % (fn, base, line))
    got = d["symbols"]["0x%08x" % a]
    inlined += len(got) > 1
    if got != want:
        bad += 1
        print("0x%08x: record.json %s, addr2line %s" % (a, got, want))
print("%d callers, %d with inlined functions, %d differ" % (len(callers), inlined, bad))
sys.exit(1 if bad or not inlined else 0)
PY
  if [ $? = 0 ]; then ok "record.json's frame names are addr2line -i's ($(tail -1 "$TMP/a2l.txt"))"
  else not_ok "record.json's frame names are addr2line -i's"; sed 's/^/    /' "$TMP/a2l.txt" | tail -20; fi
else
  skip "arm-none-eabi-addr2line not installed: frame names not compared"
fi
expect_grep "gctrace lines" "$B" 'gc 45 @[0-9.]+s [0-9]+%:'
check "45 pause bars on the timeline" test "$(grep -c '<title>pause [0-9]* at' "$B")" = 45

# Deterministic, and only record.json and events.bin are needed.
mkdir -p "$TMP/only"
cp "$TMP/d/record.json" "$TMP/d/events.bin" "$TMP/only/"
run_baregc "$TMP/rep2" report "$TMP/only" -o "$TMP/h2.html"
expect_rc "report from record.json and events.bin alone" 0
expect_same "deterministic: same page from the same recording" "$H" "$TMP/h2.html"

# Bad input.
run_baregc "$TMP/bad1" report "$TMP/nonexistent"
expect_rc "missing DIR" 66
expect_grep "missing DIR: names record.json" "$TMP/bad1.err" 'nonexistent/record\.json'
mkdir -p "$TMP/broken"
head -c 2000 "$TMP/d/record.json" >"$TMP/broken/record.json"
run_baregc "$TMP/bad2" report "$TMP/broken"
expect_rc "truncated record.json" 66
expect_grep "truncated record.json: says so" "$TMP/bad2.err" 'record\.json: not valid JSON'
mkdir -p "$TMP/noev"
cp "$TMP/d/record.json" "$TMP/noev/"
run_baregc "$TMP/bad5" report "$TMP/noev"
expect_rc "record.json without its events.bin" 66
expect_grep "missing events.bin: says so" "$TMP/bad5.err" 'noev/events\.bin'
mkdir -p "$TMP/mixed"
cp "$TMP/d/record.json" "$TMP/mixed/"
run_baregc "$TMP/other" run "$FWDIR/gc-demo-sifive_e.elf" --quiet --out "$TMP/other.d"
cp "$TMP/other.d/events.bin" "$TMP/mixed/"
run_baregc "$TMP/bad6" report "$TMP/mixed"
expect_rc "events.bin of another run" 66
expect_grep "events.bin of another run: says so" "$TMP/bad6.err" 'is not the one written with it'
run_baregc "$TMP/bad3" report
expect_rc "no DIR" 64
run_baregc "$TMP/bad4" report "$TMP/d" --budget "$TMP/nonexistent.json"
expect_rc "missing budget" 66

# Rendering with headless Chromium.
CHROMIUM=""
for c in chromium chromium-browser; do
  if command -v "$c" >/dev/null 2>&1; then CHROMIUM=$c; break; fi
done
if [ -z "$CHROMIUM" ]; then
  skip "chromium not installed (tools/deps.sh installs it): the page was not rendered"
  finish; exit
fi
PNG="$TMP/shot.png"
timeout 120 "$CHROMIUM" --headless --disable-gpu --no-sandbox --hide-scrollbars --user-data-dir="$TMP/chrome" \
  --screenshot="$PNG" --window-size=1200,3000 "file://$B" >"$TMP/chrome.log" 2>&1 </dev/null || true
if [ ! -s "$PNG" ]; then
  tail -5 "$TMP/chrome.log" | sed 's/^/# /'
  skip "$CHROMIUM could not render here (see above): the page was not rendered"
  finish; exit
fi
# A tiny PNG reader (zlib, the five filters) counting pixels of the chart colours.
python3 - "$PNG" >"$TMP/pixels" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, w = 8, b'', 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
        assert depth == 8 and ctype in (2, 6) and interlace == 0, 'unsupported PNG'
        bpp = 3 if ctype == 2 else 4
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
counts, colours = {}, set()
want = {(0x1f, 0x77, 0xb4): 'pause', (0x17, 0xbe, 0xcf): 'hist', (0x2c, 0xa0, 0x2c): 'mmu', (0xff, 0x7f, 0x0e): 'heap'}
i = 0
for y in range(h):
    f = raw[i]; i += 1
    line = bytearray(raw[i:i + stride]); i += stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        px = (line[x], line[x + 1], line[x + 2])
        colours.add(px)
        if px in want:
            counts[want[px]] = counts.get(want[px], 0) + 1
    prev = line
print('colours', len(colours))
for k in ('pause', 'hist', 'mmu', 'heap'):
    print(k, counts.get(k, 0))
PY
sed 's/^/    /' "$TMP/pixels"
px() { awk -v k="$1" '$1 == k { print $2 }' "$TMP/pixels"; }
check "screenshot is not blank (many colours)" test "$(px colours)" -gt 50
check "screenshot shows the pause bars" test "$(px pause)" -gt 2000
check "screenshot shows the histogram bars" test "$(px hist)" -gt 2000
check "screenshot shows the MMU curve" test "$(px mmu)" -gt 200
check "screenshot shows the heap curve" test "$(px heap)" -gt 200
finish
