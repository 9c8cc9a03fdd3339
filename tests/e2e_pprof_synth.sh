#!/usr/bin/env bash
# e2e_pprof_synth.sh: the real client reads our profiles: tests/pprof_synth writes the
# three pprof profiles of a synthetic recording (over a test ELF with symbols and DWARF
# lines) and `go tool pprof -raw/-top/-traces` must show its functions, lines and
# totals. Skipped when go is not on PATH.
. "$(dirname "$0")/lib.sh"
if ! command -v go >/dev/null 2>&1; then
  skip_all "go not found"
fi
SYNTH=${PPROF_SYNTH:-./tests/pprof_synth}
# CI may have no writable home: keep go's caches in the test's own directory.
export HOME="$TMP/home" GOCACHE="$TMP/gocache" GOPATH="$TMP/gopath"
mkdir -p "$HOME"
unset PPROF_TMPDIR PPROF_BINARY_PATH

out="$TMP/out"
mkdir -p "$out"
check "pprof_synth writes the files" "$SYNTH" "$out"

# pprof TEST FILE ARGS...: go tool pprof ARGS FILE into $TMP/TEST.txt
pprof() {
  local t=$1 f=$2; shift 2
  if ! go tool pprof "$@" "$out/$f" >"$TMP/$t.txt" 2>"$TMP/$t.err"; then
    not_ok "$t: go tool pprof $* $f failed"; sed 's/^/    /' "$TMP/$t.err" | head -20
  fi
}

pprof heap-raw heap.pb.gz -raw
expect_grep "heap -raw: sample types" "$TMP/heap-raw.txt" 'alloc_objects/count alloc_space/bytes\[dflt\] inuse_objects/count inuse_space/bytes'
expect_grep "heap -raw: make_node counts" "$TMP/heap-raw.txt" '^ +10 +240 +6 +144: '
expect_grep "heap -raw: make_string counts" "$TMP/heap-raw.txt" '^ +5 +500 +5 +500: '
expect_grep "heap -raw: call line of a return address (0x15 -> t.c:10)" "$TMP/heap-raw.txt" '0x15 M=1 main [^ ]*t\.c:10 s=10'
expect_grep "heap -raw: call line of a return address (0x1b -> t.c:12)" "$TMP/heap-raw.txt" '0x1b M=1 main [^ ]*t\.c:12 s=10'
expect_grep "heap -raw: symbolized mapping" "$TMP/heap-raw.txt" '\[FN\]\[FL\]\[LN\]'

pprof heap-alloc heap.pb.gz -top -sample_index=alloc_space
expect_grep "heap alloc_space total 740B" "$TMP/heap-alloc.txt" 'accounting for 740B, 100% of 740B total'
expect_grep "heap alloc_space: make_string 500B" "$TMP/heap-alloc.txt" '^ +500B .* make_string$'
expect_grep "heap alloc_space: make_node 240B" "$TMP/heap-alloc.txt" '^ +240B .* make_node$'
pprof heap-inuse heap.pb.gz -top -sample_index=inuse_space
expect_grep "heap inuse_space total 644B" "$TMP/heap-inuse.txt" 'of 644B total'
pprof heap-objs heap.pb.gz -top -sample_index=alloc_objects
expect_grep "heap alloc_objects total 15" "$TMP/heap-objs.txt" 'of 15 total'

pprof pauses-top gc-pauses.pb.gz -top
expect_grep "gc pauses: 250us in gc_collect" "$TMP/pauses-top.txt" '^ +250us +100% .* gc_collect$'
expect_grep "gc pauses: main on the path" "$TMP/pauses-top.txt" '250us +100% +main$'
pprof pauses-raw gc-pauses.pb.gz -raw
expect_grep "gc pauses: 4 collections, 250000 ns" "$TMP/pauses-raw.txt" '^ +4 +250000: '
expect_grep "gc pauses: trigger label" "$TMP/pauses-raw.txt" 'trigger:\[alloc\]'

pprof cpu-top cpu.pb.gz -top
expect_grep "cpu: 10ms in total" "$TMP/cpu-top.txt" 'Total samples = 10ms'
expect_grep "cpu: gc_mark 7ms flat" "$TMP/cpu-top.txt" '^ +7ms .* gc_mark$'
expect_grep "cpu: make_node 2ms flat, 9ms cum" "$TMP/cpu-top.txt" '^ +2ms .* 9ms .* make_node$'
pprof cpu-traces cpu.pb.gz -traces
expect_grep "cpu -traces: a full stack" "$TMP/cpu-traces.txt" 'gc_collect'

# A real image with inlined functions: gc-demo's xalloc (workloads.c) is inlined into its
# callers. Each Location of its heap profile holds a Line per function inlined there,
# innermost first, as binutils' addr2line -i names them at the call (the frames are
# return addresses).
FW="$FWDIR/gc-demo-mps2-an385.elf"
A2L=$(command -v arm-none-eabi-addr2line || true)
if [ -f "$FW" ] && [ -x "${BAREGC:-}" ] && [ -n "$A2L" ]; then
  if "$BAREGC" run "$FW" --quiet --out "$TMP/gc" </dev/null >"$TMP/gc.out" 2>&1; then
    ok "gc-demo run --out"
  else
    not_ok "gc-demo run --out"; sed 's/^/    /' "$TMP/gc.out" | head -20
  fi
  out="$TMP/gc"
  pprof gc-traces heap.pb.gz -traces
  expect_grep "gc-demo heap -traces: xalloc inlined into the allocating functions" "$TMP/gc-traces.txt" \
    '^ +[0-9.]+[kM]?B +xalloc \(inline\)$'
  pprof gc-top heap.pb.gz -top
  expect_grep "gc-demo heap -top: every byte allocated in xalloc (inlined)" "$TMP/gc-top.txt" \
    '^ +[0-9.]+kB +100% +100% .* xalloc \(inline\)$'
  expect_grep "gc-demo heap -top: str_new, inlined, on the path" "$TMP/gc-top.txt" ' str_new \(inline\)$'
  pprof gc-raw heap.pb.gz -raw
  expect_grep "gc-demo heap -raw: the mapping has inline frames" "$TMP/gc-raw.txt" '\[FN\]\[FL\]\[LN\]\[IN\]'
  if python3 - "$TMP/gc-raw.txt" "$A2L" "$FW" >"$TMP/gc-a2l.txt" 2>&1 <<'PY'
import os, re, subprocess, sys
raw, a2l, elf = sys.argv[1:4]
locs, cur = {}, None
section = False
for l in open(raw):
    if l.startswith("Locations"):
        section = True
        continue
    if section and not l.startswith(" "):
        break
    m = re.match(r" +\d+: (0x[0-9a-f]+) M=\d+ (\S+) (\S+):(\d+) s=\d+", l)
    if m:
        cur = int(m.group(1), 16)
        locs[cur] = [(m.group(2), os.path.basename(m.group(3)), m.group(4))]
        continue
    m = re.match(r" +(\S+) (\S+):(\d+) s=\d+", l)
    if m and cur is not None:
        locs[cur].append((m.group(1), os.path.basename(m.group(2)), m.group(3)))
bad = inlined = 0
for a, got in sorted(locs.items()):
    o = subprocess.run([a2l, "-i", "-f", "-e", elf, "0x%x" % ((a & ~1) - 1)],
                       capture_output=True, text=True, check=True).stdout.split("\n")[:-1]
    want = [(fn, os.path.basename(w.split(" (discriminator")[0]).rpartition(":")[0],
             w.split(" (discriminator")[0].rpartition(":")[2]) for fn, w in zip(o[0::2], o[1::2])]
    inlined += len(got) > 1 and got[0][0] == "xalloc"
    if got != want:
        bad += 1
        print("0x%x: pprof %s, addr2line %s" % (a, got, want))
print("%d locations, %d with xalloc inlined, %d differ" % (len(locs), inlined, bad))
sys.exit(1 if bad or not inlined or not locs else 0)
PY
  then ok "gc-demo heap -raw: each location's lines are addr2line -i's ($(tail -1 "$TMP/gc-a2l.txt"))"
  else not_ok "gc-demo heap -raw: each location's lines are addr2line -i's"; sed 's/^/    /' "$TMP/gc-a2l.txt" | tail -20; fi
else
  skip "gc-demo, baregc or arm-none-eabi-addr2line missing: inline frames not checked on a real image"
fi
finish
