#!/usr/bin/env bash
# e2e_view.sh: `baregc view` on the demo firmware: the headless PNG export at collection 3
# and a screenshot of the live window under Xvfb show, at every cell's pixels, the colour
# of what --dump-map says is there (static data, stack, high-water mark, free, allocated
# and freed heap blocks); the heap sits where the firmware says it put it, and its
# allocated blocks add up to the heap in use that gctrace.log reports. Replay (--from)
# draws the same PNG. Skips the window after the PNG checks when the window cannot be
# tested (built without SDL2, or no xvfb-run).
. "$(dirname "$0")/lib.sh"

ELF=$FWDIR/gc-demo-mps2-an385.elf

# check_png LABEL PNG DUMP [UART_LOG GCTRACE]: prints ok / not ok lines.
check_png() {
  python3 - "$@" <<'EOF'
import struct, sys, zlib, re
label, png, dump = sys.argv[1:4]
uart = sys.argv[4] if len(sys.argv) > 4 else None
gctrace = sys.argv[5] if len(sys.argv) > 5 else None
def ok(c, msg): print(("ok - " if c else "not ok - ") + label + ": " + msg)

data = open(png, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    ok(False, "PNG signature"); sys.exit(0)
pos, idat, w, h, crc_ok = 8, b"", 0, 0, True
while pos < len(data):
    n, = struct.unpack(">I", data[pos:pos + 4]); t = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]
    crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
    crc_ok &= zlib.crc32(t + body) & 0xffffffff == crc
    if t == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        ok(depth == 8 and ctype == 6, "8-bit RGBA")
    elif t == b"IDAT": idat += body
    elif t == b"IEND": break
    pos += 12 + n
ok(crc_ok, "chunk CRCs")
raw = zlib.decompress(idat)
stride = w * 4 + 1
ok(len(raw) == stride * h and all(raw[y * stride] == 0 for y in range(h)), "decoded %dx%d" % (w, h))
def px(x, y):
    o = y * stride + 1 + x * 4
    return "%02x%02x%02x" % (raw[o], raw[o + 1], raw[o + 2])

colour, cells, mark, info = {}, [], None, {}
for line in open(dump):
    f = line.split()
    if not f or f[0] == "#": continue
    if f[0] == "colour": colour[f[1]] = f[2]
    elif f[0] == "cell": cells.append((int(f[1], 16), f[2], *map(int, f[3:7])))
    elif f[0] == "stack-mark": mark = (int(f[1], 16), *map(int, f[2:6]))
    else: info[f[0]] = f[1:]
ok([w, h] == [int(v) for v in info["size"]], "image size as the dump says")
kinds = {}
bad = []
for addr, kind, x, y, cw, ch in cells:
    kinds[kind] = kinds.get(kind, 0) + 1
    if px(x + cw // 2, y + ch // 2) != colour.get(kind):
        bad.append("0x%08x %s: %s" % (addr, kind, px(x + cw // 2, y + ch // 2)))
ok(not bad, "every cell's centre has its kind's colour (%d cells%s)" % (len(cells), "; " + ", ".join(bad[:5]) if bad else ""))
for k in ("static", "stack", "stack-used", "free", "allocated", "freed"):
    ok(kinds.get(k, 0) > 0, "cells of kind %s: %d" % (k, kinds.get(k, 0)))
ok(len(set(colour[k] for k in ("static", "stack", "stack-used", "free", "allocated", "freed", "stack-mark"))) == 7,
   "the kinds have distinct colours")
ok(mark is not None and px(mark[1], mark[2] + mark[4] // 2) == colour["stack-mark"], "stack high-water mark line")
cb = int(info["cell_bytes"][0])
alloc = kinds.get("allocated", 0) * cb
ok(alloc == int(info["heap_after"][0]), "allocated cells x %d B = heap in use after the collection (%d B)" % (cb, alloc))
if uart:
    m = re.search(r"heap (\d+) blocks of (\d+) bytes at 0x([0-9a-f]+)", open(uart).read())
    ok(m is not None, "firmware reports its heap")
    if m:
        n, bs, base = int(m.group(1)), int(m.group(2)), int(m.group(3), 16)
        heap = {a: k for a, k, *_ in cells if base <= a < base + n * bs}
        ok(cb == bs and len(heap) == n and all(k in ("free", "allocated", "freed", "marked") for k in heap.values()),
           "the %d heap blocks at 0x%08x are heap cells" % (n, base))
        ok(all(k not in ("free", "allocated", "freed") for a, k, *_ in cells if not base <= a < base + n * bs),
           "no heap cells outside the heap")
if gctrace:
    at = int(info["collection"][0])
    for line in open(gctrace):
        m = re.match(r"gc %d @.*?, ([\d.]+)->([\d.]+)->" % at, line)
        if m:
            ok(abs(alloc / 1024 - float(m.group(2))) <= 0.051, "gctrace gc %d: %s KB after, map %.2f KB" % (at, m.group(2), alloc / 1024))
            break
    else:
        ok(False, "gctrace has gc %d" % at)
EOF
}

# report LINES_FILE: counts the checker's lines
report() {
  while IFS= read -r line; do
    case $line in
      ok\ -\ *) ok "${line#ok - }" ;;
      *) not_ok "${line#not ok - }" ;;
    esac
  done <"$1"
}

# -- headless PNG at collection 3
run_baregc "$TMP/png" view "$ELF" --png "$TMP/map3.png" --at 3 --dump-map "$TMP/map3.txt" --out "$TMP/run"
expect_rc "view --png --at 3" 0
cat "$TMP/png.out" "$TMP/png.err" >"$TMP/png.log"
check_png png "$TMP/map3.png" "$TMP/map3.txt" "$TMP/png.log" "$TMP/run/gctrace.log" >"$TMP/png.chk" 2>&1
report "$TMP/png.chk"

# check_png_text PNG GCTRACE: the export carries text (the window's is TrueType): names
# beside the legend's swatches, and a status line read back with the font's own glyphs
# (ui/bitfont.c) that names the collection and the run's number of collections.
check_png_text() {
  python3 - "$1" "$2" "$SRCDIR/ui/bitfont.c" <<'EOF'
import re, struct, sys, zlib
png, gctrace, font_c = sys.argv[1:4]
def ok(c, msg): print(("ok - " if c else "not ok - ") + "png text: " + msg)
data = open(png, "rb").read()
pos, idat = 8, b""
while pos < len(data):
    n, = struct.unpack(">I", data[pos:pos + 4]); t = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]
    if t == b"IHDR": w, h = struct.unpack(">II", body[:8])
    elif t == b"IDAT": idat += body
    pos += 12 + n
raw = zlib.decompress(idat); stride = w * 4 + 1
def px(x, y):
    o = y * stride + 1 + x * 4
    return "%02x%02x%02x" % (raw[o], raw[o + 1], raw[o + 2])
rows = re.findall(r"\{((?:0x[0-9a-f]{2}, ){7}0x[0-9a-f]{2})\}", open(font_c).read())
glyphs = {tuple(int(v, 16) for v in r.split(", ")): chr(0x20 + i) for i, r in enumerate(rows)}
ok(len(rows) == 95, "the font has 95 glyphs")
def read(x, y, s, colour):
    out = ""
    while x + 5 * s <= w and y + 8 * s <= h:
        g = tuple(sum(16 >> c for c in range(5) if px(x + c * s, y + r * s) == colour) for r in range(8))
        if g not in glyphs: break
        out += glyphs[g]; x += 6 * s
    return out.rstrip()
status = max((read(8, y, s, "ffffff") for s in (2, 1) for y in range(h - 60, h - 8 * s)), key=len)
n = sum(1 for l in open(gctrace) if l.startswith("gc "))
ok(re.match(r"collection 3 of %d at [0-9.]+ ms: pause [0-9.]+ ms, heap [0-9.]+ KiB -> [0-9.]+ KiB$" % n, status),
   "the status line names collection 3 of the %d in gctrace.log ('%s')" % (n, status))
labels = sum(px(x, y) == "dddddd" for y in range(h // 2) for x in range(w * 3 // 4, w))
ok(labels > 500, "legend names beside the swatches (%d label pixels)" % labels)
EOF
}
check_png_text "$TMP/map3.png" "$TMP/run/gctrace.log" >"$TMP/pngtext.chk" 2>&1
report "$TMP/pngtext.chk"

# -- deterministic: the same export again is byte-identical
run_baregc "$TMP/png2" view "$ELF" --png "$TMP/map3b.png" --at 3 --quiet
expect_rc "view --png again" 0
expect_same "PNG export is deterministic" "$TMP/map3.png" "$TMP/map3b.png"

# -- replay from the recording
if [ -f "$TMP/run/record.json" ]; then
  run_baregc "$TMP/from" view --from "$TMP/run" --png "$TMP/map3c.png" --at 3
  expect_rc "view --from --png" 0
  expect_same "replay draws the same map" "$TMP/map3.png" "$TMP/map3c.png"
else
  echo "ok - # SKIP replay: the run wrote no record.json"
fi

# -- SDL2 is loaded by the window alone: not by the headless export, not by run
for cmd in "view $ELF --png $TMP/ld.png --at 3 --quiet" "run $ELF --quiet --max-cycles 1000"; do
  rm -f "$TMP"/ld.*
  # shellcheck disable=SC2086
  LD_DEBUG=files LD_DEBUG_OUTPUT="$TMP/ld" run_baregc "$TMP/ld-run" $cmd
  if cat "$TMP"/ld.* 2>/dev/null | grep -q "file=libSDL2"; then
    not_ok "${cmd%% *} loads no SDL2 library"
  else
    ok "${cmd%% *} loads no SDL2 library"
  fi
done

# -- errors
run_baregc "$TMP/bad-at" view "$ELF" --png "$TMP/x.png" --at 999 --quiet
expect_rc "--at beyond the last collection" 64
run_baregc "$TMP/bad-png" view "$ELF" --png "$TMP/no/such/dir/x.png" --quiet
expect_rc "unwritable --png" 74
run_baregc "$TMP/bad-from" view --from "$TMP/no-such-dir" --png "$TMP/x.png"
expect_rc "--from a missing directory" 66

# -- the live window under Xvfb, screenshot at the end
no_window=""
if ! command -v xvfb-run >/dev/null 2>&1; then
  no_window="no xvfb-run"
else
  run_baregc "$TMP/probe" view "$ELF" --max-cycles 1 --exit-at-end --quiet
  grep -q "built without SDL2" "$TMP/probe.err" && no_window="built without SDL2"
fi
if [ -z "$no_window" ]; then
  # Software rendering keeps Mesa's GL drivers (which ASan cannot see after they are
  # unloaded) out of the process; libdbus, which SDL starts, leaks a buffer on exit.
  printf 'leak:libdbus-1.so\n' >"$TMP/lsan.supp"
  RC=0
  rm -f "$TMP"/ld.*
  LD_DEBUG=files LD_DEBUG_OUTPUT="$TMP/ld" SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0 \
    LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$TMP/lsan.supp" \
    timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" "$BAREGC" view "$ELF" --at 3 \
    --screenshot "$TMP/shot.png" --dump-map "$TMP/shot.txt" --exit-at-end \
    >"$TMP/win.out" 2>"$TMP/win.err" </dev/null || RC=$?
  expect_rc "live window under Xvfb" 0
  check "the window loads SDL2 and SDL2_ttf" grep -q "file=libSDL2_ttf" $(ls "$TMP"/ld.* 2>/dev/null || echo /dev/null)
  [ "$RC" = 0 ] || sed 's/^/    /' "$TMP/win.err" | grep -v "^    gc-" | head -20
  if [ -f "$TMP/shot.png" ]; then
    cat "$TMP/win.out" "$TMP/win.err" >"$TMP/win.log"
    check_png window "$TMP/shot.png" "$TMP/shot.txt" "$TMP/win.log" >"$TMP/win.chk" 2>&1
    report "$TMP/win.chk"
  else
    not_ok "window screenshot written"
  fi
fi

if [ -n "$no_window" ]; then
  skip "the window: $no_window"
fi
finish
