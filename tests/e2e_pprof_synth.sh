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
finish
