#!/usr/bin/env bash
# e2e_diff.sh: comparing recorded runs. `baregc diff A B` on the demo and its regressed
# build (half the heap: more pauses, the same allocations): the figures are each run's
# summary.json figures, more pauses is worse, the collection triggers that grew are named
# with their inline chains; a run cut short against the whole run: the allocation sites
# that grew; a run against itself: nothing changed. `baregc report B --baseline A`: the
# baseline section with the same table and both runs' histograms and MMU curves. The
# pprof profiles of two runs compared by `go tool pprof -diff_base`. Bad input.
. "$(dirname "$0")/lib.sh"

FW="$FWDIR/gc-demo-mps2-an385.elf"
FW_REGRESS="$FWDIR/gc-demo-regress-mps2-an385.elf"
run_baregc "$TMP/a" run "$FW" --out "$TMP/A" --quiet
expect_rc "run A (the demo)" 0
run_baregc "$TMP/b" run "$FW_REGRESS" --out "$TMP/B" --quiet
expect_rc "run B (the regressed build)" 0
run_baregc "$TMP/h" run "$FW" --out "$TMP/H" --quiet --max-time 300ms
expect_rc "run H (the demo cut short)" 84

# -- diff A B
run_baregc "$TMP/ab" diff "$TMP/A" "$TMP/B"
expect_rc "diff A B" 0
D="$TMP/ab.out"
na=$(grep -c '^gc ' "$TMP/A/gctrace.log")
nb=$(grep -c '^gc ' "$TMP/B/gctrace.log")
check "the regressed build collects more often ($na -> $nb)" test "$nb" -gt "$na"
expect_grep "diff names both runs" "$D" '^A .*/A: gc-demo-mps2-an385\.elf on mps2-an385 \(cortex-m3, 25\.000 MHz\), gcrt,'
expect_grep "diff names both runs (B)" "$D" '^B .*/B: gc-demo-regress-mps2-an385\.elf on mps2-an385'
expect_grep "more pauses: A, B, the difference, the change, higher is worse, B is worse" "$D" \
  "^  pauses +$na +$nb +\\+$((nb - na)) +\\+[0-9.]+% +higher +worse\$"
expect_grep "the GC CPU fraction grew: worse" "$D" '^  GC CPU fraction +0\.[0-9]{6} +0\.[0-9]{6} +\+0\.[0-9]{6} +\+[0-9.]+% +higher +worse$'
expect_grep "a smaller heap peaks lower: better" "$D" '^  peak heap +[0-9]+ B +[0-9]+ B +-[0-9]+ B +-[0-9.]+% +higher +better$'
expect_grep "MMU: lower is worse" "$D" '^  MMU 100 ms +0\.[0-9]{6} +0\.[0-9]{6} +-0\.[0-9]{6} +-[0-9.]+% +lower +worse$'
expect_grep "the same allocations" "$D" '^  allocations +([0-9]+) +\1 +0 +0\.00% +higher +same$'
expect_grep "the run's length changed, neither better nor worse" "$D" '^  simulated time .* +- +changed$'
expect_grep "a verdict line" "$D" '^B is worse than A in [1-9][0-9]* figures, better in [0-9]+$'
expect_grep "no allocation site grew (the same workload)" "$D" '^none of the [0-9]+ allocation sites grew$'
expect_grep "the collection triggers that grew" "$D" \
  "^[1-9][0-9]* of the [0-9]+ collection triggers \\(the collector's caller ← its caller\\) grew"
expect_grep "... tree_make's allocations trigger more collections, named with the inline chain" "$D" \
  '^ +[0-9.]+ us +[0-9.]+ us +\+[0-9.]+% +[0-9]+ +[0-9]+  gc_alloc \(gc\.c:[0-9]+\) ← xalloc \(workloads\.c:[0-9]+\) \[inlined\] ← tree_make \(workloads\.c:[0-9]+\)$'

# The figures are the runs' own (summary.json's), in the units the table shows.
python3 - "$D" "$TMP/A/summary.json" "$TMP/B/summary.json" >"$TMP/figs.txt" 2>&1 <<'EOF'
import json, re, sys
diff, sa, sb = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
rows = {}
for line in open(diff):
    m = re.match(r"^  (\S.*?)  +(\S+(?: \S+)?) +(\S+(?: \S+)?) +(\S+(?: \S+)?) +(\S+) +(\S+) +(\S+)$", line)
    if m:
        rows[m.group(1)] = m.groups()[1:]
def val(s):
    v, _, unit = s.partition(" ")
    return float(v) * {"": 1, "us": 1, "s": 1e6, "B": 1}[unit]
bad = []
for name, key, scale in (("pauses", ("pauses", "count"), 1), ("max pause", ("pauses", "max_us"), 1),
                         ("p99 pause", ("pauses", "p99_us"), 1), ("p50 pause", ("pauses", "p50_us"), 1),
                         ("GC CPU fraction", ("gc_cpu_fraction",), 1), ("MMU 10 ms", ("mmu", "10ms"), 1),
                         ("peak heap", ("heap", "peak_bytes"), 1),
                         ("worst fragmentation", ("heap", "worst_fragmentation"), 1)):
    for side, s in ((0, sa), (1, sb)):
        want = s
        for k in key:
            want = want[k]
        got = val(rows[name][side])
        if abs(got - want) > max(1e-6, abs(want) * 1e-6):
            bad.append("%s %s: diff %s, summary.json %s" % (name, "AB"[side], got, want))
print("\n".join(bad) or "%d rows agree" % len(rows))
sys.exit(1 if bad or len(rows) < 20 else 0)
EOF
if [ $? = 0 ]; then ok "diff's figures are summary.json's ($(tail -1 "$TMP/figs.txt"))"
else not_ok "diff's figures are summary.json's"; sed 's/^/    /' "$TMP/figs.txt"; fi

# -- a run against itself, and a run cut short against the whole one
run_baregc "$TMP/aa" diff "$TMP/A" "$TMP/A"
expect_rc "diff A A" 0
expect_grep "A against itself: no change" "$TMP/aa.out" '^B is worse than A in 0 figures, better in 0$'
check "... every figure the same or unknown in both" \
  test "$(grep -cE ' (worse|better|changed)$' "$TMP/aa.out")" = 0
expect_grep "... no site grew" "$TMP/aa.out" '^none of the [0-9]+ collection triggers'
run_baregc "$TMP/ha" diff "$TMP/H" "$TMP/A"
expect_rc "diff H A" 0
expect_grep "the whole run allocates more at its sites" "$TMP/ha.out" \
  '^[1-9][0-9]* of the [0-9]+ allocation sites grew, the largest growth first:$'
expect_grep "... by bytes and objects, named with the inline chain (as the report's top sites)" "$TMP/ha.out" \
  '^ +[0-9]+ B +[0-9]+ B +\+[0-9.]+% +[0-9]+ +[0-9]+  xalloc \(workloads\.c:[0-9]+\) \[inlined\] ← tree_make \(workloads\.c:[0-9]+\)$'
expect_grep "... and sites the short run never reached are new" "$TMP/ha.out" \
  '^ +0 B +[0-9]+ B +new +0 +[0-9]+  xalloc \(workloads\.c:[0-9]+\) \[inlined\] ← str_concat'

# -- report B --baseline A
run_baregc "$TMP/rep" report "$TMP/B" --baseline "$TMP/A" -o "$TMP/b.html"
expect_rc "report B --baseline A" 0
expect_grep "report says where it wrote the page" "$TMP/rep.out" "^baregc report: wrote $TMP/b\\.html\$"
P="$TMP/b.html"
expect_grep "a baseline section" "$P" '<h2 id="baseline">Against the baseline</h2>'
sed -n '/<h2 id="baseline">/,/<h2 id="timeline">/p' "$P" >"$TMP/base-section.html"
expect_grep "... the pause count with its change, worse" "$TMP/base-section.html" \
  "<tr><td>pauses</td><td class=\"n\">$na</td><td class=\"n\">$nb</td><td class=\"n\">\\+$((nb - na))</td><td class=\"n\">\\+[0-9.]+%</td><td>higher</td><td class=\"fail\">worse</td></tr>"
check "... the table has every figure of diff's" \
  test "$(grep -c '^<tr><td>' "$TMP/base-section.html")" -ge "$(grep -cE ' (higher|lower|-) +(worse|better|same|changed|n/a)$' "$D")"
expect_grep "... the collection triggers that grew" "$TMP/base-section.html" \
  '<td>gc_alloc \(gc\.c:[0-9]+\) ← xalloc \(workloads\.c:[0-9]+\) \[inlined\] ← tree_make \(workloads\.c:[0-9]+\)</td>'
expect_grep "... both pause histograms" "$TMP/base-section.html" '<title>A [0-9.]+[mu]s\.\.[0-9.]+[mu]s: [0-9]+</title>'
expect_grep "... (B's bars)" "$TMP/base-section.html" '<title>B [0-9.]+[mu]s\.\.[0-9.]+[mu]s: [0-9]+</title>'
check "... both MMU curves" test "$(grep -c '<polyline' "$TMP/base-section.html")" = 2
run_baregc "$TMP/rep2" report "$TMP/B" --baseline "$TMP/A" -o "$TMP/b2.html"
expect_same "report --baseline is deterministic" "$P" "$TMP/b2.html"
run_baregc "$TMP/rep3" report "$TMP/B" -o "$TMP/b3.html"
check "no baseline section without --baseline" bash -c "! grep -q 'id=\"baseline\"' '$TMP/b3.html'"

# -- pprof: the profiles of two runs compare with -diff_base
if command -v go >/dev/null 2>&1; then
  export HOME="$TMP" GOCACHE="$TMP/gocache" GOTOOLCHAIN=local
  go tool pprof -top -sample_index=pauses -diff_base "$TMP/A/gc-pauses.pb.gz" "$TMP/B/gc-pauses.pb.gz" \
    >"$TMP/pp1.txt" 2>"$TMP/pp1.err"
  expect_grep "pprof -diff_base: the pause profiles differ by the extra pauses" "$TMP/pp1.txt" \
    "^Showing nodes accounting for $((nb - na)), "
  expect_grep "... at the trigger that grew" "$TMP/pp1.txt" ' tree_make( \(inline\))?$'
  go tool pprof -top -sample_index=alloc_objects -diff_base "$TMP/H/heap.pb.gz" "$TMP/A/heap.pb.gz" \
    >"$TMP/pp2.txt" 2>"$TMP/pp2.err"
  ha=$(go tool pprof -top -sample_index=alloc_objects "$TMP/H/heap.pb.gz" 2>/dev/null |
    sed -n 's/.* of \([0-9]*\) total.*/\1/p')
  aa=$(go tool pprof -top -sample_index=alloc_objects "$TMP/A/heap.pb.gz" 2>/dev/null |
    sed -n 's/.* of \([0-9]*\) total.*/\1/p')
  expect_grep "pprof -diff_base: the heap profiles differ by the extra allocations ($ha -> $aa)" "$TMP/pp2.txt" \
    "^Showing nodes accounting for $((aa - ha)), "
  go tool pprof -top -diff_base "$TMP/A/heap.pb.gz" "$TMP/B/heap.pb.gz" >"$TMP/pp3.txt" 2>"$TMP/pp3.err"
  expect_grep "pprof -diff_base: the regressed build allocates the same" "$TMP/pp3.txt" \
    '^Showing nodes accounting for 0, 0% of '
else
  skip "go not installed: pprof -diff_base not tried"
fi

# -- bad input
run_baregc "$TMP/bad1" diff "$TMP/A"
expect_rc "diff with one run" 64
run_baregc "$TMP/bad2" diff "$TMP/A" "$TMP/nonexistent"
expect_rc "diff with a missing run" 66
expect_grep "... names what it looked for" "$TMP/bad2.err" 'nonexistent/record\.json: not found'
run_baregc "$TMP/bad3" diff --colour "$TMP/A" "$TMP/B"
expect_rc "diff with an unknown option" 64
run_baregc "$TMP/bad4" diff "$TMP/A" "$TMP/B" "$TMP/H"
expect_rc "diff with three runs" 64
mkdir -p "$TMP/broken"
head -c 1000 "$TMP/A/record.json" >"$TMP/broken/record.json"
cp "$TMP/A/events.bin" "$TMP/broken/"
run_baregc "$TMP/bad5" diff "$TMP/broken" "$TMP/A"
expect_rc "diff with a truncated record.json" 66
run_baregc "$TMP/bad6" report "$TMP/B" --baseline "$TMP/nonexistent"
expect_rc "report --baseline with a missing run" 66
expect_grep "... says it is the baseline" "$TMP/bad6.err" '^baregc report: --baseline: .*nonexistent/record\.json'
run_baregc "$TMP/help" diff --help
expect_rc "diff --help" 0
expect_grep "--help documents the exit statuses" "$TMP/help.out" 'Exit status: 0 compared'
finish
