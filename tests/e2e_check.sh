#!/usr/bin/env bash
# e2e_check.sh: `baregc check` on the example firmware: budgets just inside and just
# outside the measured values flip the exit status (0/1); bad budgets and bad runs exit
# 2 naming the problem; the JUnit XML has the shape CI tools read; --from DIR (its
# record.json and events.bin, nothing else) prints the live run's table and writes its
# JUnit XML byte for byte, and refuses a directory without record.json; --baseline flags
# the regressed build and passes an identical run; two checks print identical tables.
. "$(dirname "$0")/lib.sh"

FW="$FWDIR/gc-demo-mps2-an385.elf"
FW_REGRESS="$FWDIR/gc-demo-regress-mps2-an385.elf"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

# The recorded run the budgets are made from (and the baseline).
run_baregc "$TMP/base" run "$FW" --quiet --out "$TMP/base.d" --uart-out /dev/null
expect_rc "record the demo" 0

# budget.py NAME JSON-EXPR: writes $TMP/NAME.json from summary.json (s) with python3.
mkbudget() {
  python3 - "$TMP/base.d/summary.json" "$TMP/$1.json" "$2" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
p, h = s["pauses"], s["heap"]
m = {int(c["window_us"]): c["mmu"] for c in s["mmu_curve"]}
lo = lambda v: max(v - 0.001, 0.0)
hi = lambda v: min(v + 0.001, 1.0)
json.dump(eval(sys.argv[3]), open(sys.argv[2], "w"), indent=1)
EOF
}

# Inside: every key 1 us / 1 byte / 0.001 on the good side of the measured value.
mkbudget inside '{"max_pause_us": p["max_us"] + 1, "p99_pause_us": p["p99_us"] + 1,
  "p999_pause_us": p["p99_9_us"] + 1, "mean_pause_us": p["mean_us"] + 1,
  "mmu": [{"window_us": 10000, "min": lo(m[10000])}, {"window_us": 100000, "min": lo(m[100000])}],
  "gc_cpu_fraction_max": hi(s["gc_cpu_fraction"]), "peak_heap_bytes_max": h["peak_bytes"] + 1,
  "min_sram_headroom_bytes": s["sram"]["min_headroom_bytes"] - 1,
  "max_fragmentation": hi(h["worst_fragmentation"]), "max_alloc_failures": s["alloc_failures"],
  "min_pauses": p["count"]}'
# Outside: the same with the longest pause 1 us beyond its limit.
mkbudget outside '{"max_pause_us": p["max_us"] - 1, "p99_pause_us": p["p99_us"] + 1,
  "mmu": [{"window_us": 10000, "min": lo(m[10000])}], "min_pauses": p["count"]}'

# -- live runs
run_baregc "$TMP/in" check "$FW" --budget "$TMP/inside.json" --junit "$TMP/in.xml" --quiet
expect_rc "live: every item 1 unit inside its limit" 0
check "live: 12 items, all PASS" test "$(grep -c ' PASS$' "$TMP/in.out")" = 12
expect_grep "live: the table names the worst pause with its time and trigger stack" "$TMP/in.out" \
  '^worst pause: #[0-9]+ at [0-9]+\.[0-9]{6} ms, [0-9.]+ us, trigger (alloc|explicit)$'
expect_grep "live: ... symbolized (gc_alloc's caller, with its source line)" "$TMP/in.out" \
  '^    wl_[a-z_]+ \(workloads\.c:[0-9]+\)$'
run_baregc "$TMP/out" check "$FW" --budget "$TMP/outside.json" --junit "$TMP/out.xml" --quiet
expect_rc "live: the longest pause 1 us over its limit" 1
expect_grep "live: max_pause_us FAIL with a margin of -1 us" "$TMP/out.out" '^  max_pause_us .* -1\.000 us  FAIL$'
check "live: the other items still PASS" test "$(grep -c ' PASS$' "$TMP/out.out")" = 3

# Stack headroom (the image's stack limit) and MMU windows that are not in
# summary.json: exact in a live run, and from record.json with --from.
mkbudget odd '{"min_stack_headroom_bytes": 1, "mmu": [{"window_us": 1500, "min": 0}, {"window_us": 30000, "min": 0}]}'
run_baregc "$TMP/odd" check "$FW" --budget "$TMP/odd.json" --quiet
expect_rc "live: stack headroom and MMU at 1.5 ms and 30 ms" 0
expect_grep "live: stack headroom measured" "$TMP/odd.out" '^  min_stack_headroom_bytes +[0-9]+ B .* PASS$'
expect_grep "live: MMU at 30 ms measured" "$TMP/odd.out" '^  mmu_30000us +0\.[0-9]{6} .* PASS$'
run_baregc "$TMP/fodd" check --from "$TMP/base.d" --budget "$TMP/odd.json"
expect_rc "--from: stack headroom and MMU at 1.5 ms and 30 ms" 0
expect_same "--from: the live run's table (stack headroom, MMU at 1.5 ms and 30 ms)" "$TMP/odd.out" "$TMP/fodd.out"
# The recorded run without record.json (the other files all there), and with nothing
# but record.json and events.bin.
mkdir -p "$TMP/norec.d" "$TMP/reconly.d"
cp "$TMP/base.d"/* "$TMP/norec.d/" && rm "$TMP/norec.d/record.json"
cp "$TMP/base.d/record.json" "$TMP/base.d/events.bin" "$TMP/reconly.d/"

# -- determinism: two checks, identical tables and JUnit files
run_baregc "$TMP/in2" check "$FW" --budget "$TMP/inside.json" --junit "$TMP/in2.xml" --quiet
expect_same "two checks print identical tables" "$TMP/in.out" "$TMP/in2.out"
expect_same "... and write identical JUnit XML" "$TMP/in.xml" "$TMP/in2.xml"

# -- --from DIR: the live run's table and JUnit XML, byte for byte
run_baregc "$TMP/fin" check --from "$TMP/base.d" --budget "$TMP/inside.json" --junit "$TMP/fin.xml"
expect_rc "--from: inside" 0
expect_same "--from: the live run's table (inside)" "$TMP/in.out" "$TMP/fin.out"
expect_same "--from: the live run's JUnit XML (inside)" "$TMP/in.xml" "$TMP/fin.xml"
run_baregc "$TMP/fout" check --from "$TMP/base.d" --budget "$TMP/outside.json" --junit "$TMP/fout.xml"
expect_rc "--from: outside" 1
expect_same "--from: the live run's table (outside)" "$TMP/out.out" "$TMP/fout.out"
expect_same "--from: the live run's JUnit XML (outside)" "$TMP/out.xml" "$TMP/fout.xml"
# record.json and events.bin are all it reads: without summary.json, trace.json and
# the rest, the same table and JUnit XML.
run_baregc "$TMP/ronly" check --from "$TMP/reconly.d" --budget "$TMP/outside.json" --junit "$TMP/ronly.xml"
expect_rc "--from a directory of only record.json and events.bin" 1
expect_same "... the live run's table" "$TMP/out.out" "$TMP/ronly.out"
expect_same "... the live run's JUnit XML" "$TMP/out.xml" "$TMP/ronly.xml"

# Every key on its own flips the exit status, just inside -> 0, just outside -> 1.
flip() { # NAME INSIDE-EXPR OUTSIDE-EXPR
  mkbudget "k-in" "$2"
  mkbudget "k-out" "$3"
  run_baregc "$TMP/k-in" check --from "$TMP/base.d" --budget "$TMP/k-in.json"
  local a=$RC
  run_baregc "$TMP/k-out" check --from "$TMP/base.d" --budget "$TMP/k-out.json"
  if [ "$a" = 0 ] && [ "$RC" = 1 ] && grep -q "^  $1 .*FAIL$" "$TMP/k-out.out"; then
    ok "$1: just inside exits 0, just outside exits 1"
  else
    not_ok "$1: just inside exits $a, just outside exits $RC (wanted 0, 1)"
    sed 's/^/    /' "$TMP/k-out.out" "$TMP/k-out.err" | head -20
  fi
}
flip max_pause_us '{"max_pause_us": p["max_us"] + 1}' '{"max_pause_us": p["max_us"] - 1}'
flip p99_pause_us '{"p99_pause_us": p["p99_us"] + 1}' '{"p99_pause_us": p["p99_us"] - 1}'
flip p999_pause_us '{"p999_pause_us": p["p99_9_us"] + 1}' '{"p999_pause_us": p["p99_9_us"] - 1}'
flip mean_pause_us '{"mean_pause_us": p["mean_us"] + 1}' '{"mean_pause_us": p["mean_us"] - 1}'
flip mmu_10000us '{"mmu": [{"window_us": 10000, "min": lo(m[10000])}]}' \
  '{"mmu": [{"window_us": 10000, "min": hi(m[10000])}]}'
flip mmu_100000us '{"mmu": [{"window_us": 100000, "min": lo(m[100000])}]}' \
  '{"mmu": [{"window_us": 100000, "min": hi(m[100000])}]}'
flip gc_cpu_fraction_max '{"gc_cpu_fraction_max": hi(s["gc_cpu_fraction"])}' \
  '{"gc_cpu_fraction_max": lo(s["gc_cpu_fraction"])}'
flip peak_heap_bytes_max '{"peak_heap_bytes_max": h["peak_bytes"]}' '{"peak_heap_bytes_max": h["peak_bytes"] - 1}'
flip min_sram_headroom_bytes '{"min_sram_headroom_bytes": s["sram"]["min_headroom_bytes"]}' \
  '{"min_sram_headroom_bytes": s["sram"]["min_headroom_bytes"] + 1}'
flip max_fragmentation '{"max_fragmentation": hi(h["worst_fragmentation"])}' \
  '{"max_fragmentation": lo(h["worst_fragmentation"])}'
flip min_pauses '{"min_pauses": p["count"]}' '{"min_pauses": p["count"] + 1}'
# No allocation fails in the demo: 0 allowed passes; the outside case cannot be made
# from a count of 0, so only the inside one is checked.
mkbudget "af" '{"max_alloc_failures": 0}'
run_baregc "$TMP/af" check --from "$TMP/base.d" --budget "$TMP/af.json"
expect_rc "max_alloc_failures 0" 0

# -- JUnit XML as CI tools read it
junit_check() { # FILE WANT_TESTS WANT_FAILURES
  python3 - "$@" <<'EOF'
import sys, xml.etree.ElementTree as ET
f, tests, fails = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
root = ET.parse(f).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 1 and suites[0].get("name") == "baregc"
s = suites[0]
cases = s.findall("testcase")
failed = [c for c in cases if c.find("failure") is not None]
assert int(s.get("tests")) == len(cases) == tests, (s.get("tests"), len(cases))
assert int(s.get("failures")) == len(failed) == fails, (s.get("failures"), len(failed))
assert int(root.get("tests")) == tests and int(root.get("failures")) == fails
assert int(s.get("errors")) == 0
for c in cases:
    assert c.get("classname") in ("baregc.budget", "baregc.baseline") and c.get("name"), c.attrib
    # every case carries its values: properties, and as text when it passed
    props = {p.get("name"): p.get("value") for p in c.findall("properties/property")}
    assert "limit" in props or "baseline" in props, (c.get("name"), props)
    float(props.get("measured", "0"))
    assert (c.find("failure") is None) == (c.find("system-out") is not None), c.get("name")
    if c.find("system-out") is not None:
        assert c.find("system-out").text.startswith(("measured ", "baseline ")), c.find("system-out").text
for c in failed:
    fl = c.find("failure")
    assert fl.get("message") and fl.text, fl.attrib
    # the worst pause with the pause items' failures, and only with them
    pause_item = c.get("name").endswith("_pause_us")
    assert ("worst pause" in fl.text) == pause_item, (c.get("name"), fl.text)
EOF
}
check "JUnit (all pass): testsuites/testsuite/testcase, counts consistent" junit_check "$TMP/in.xml" 12 0
check "JUnit (one failure): a <failure> with message and the worst pause" junit_check "$TMP/out.xml" 4 1
check "JUnit: the failing testcase is max_pause_us" \
  python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert [c.get("name") for c in r.iter("testcase") if c.find("failure") is not None] == ["max_pause_us"]' "$TMP/out.xml"

# -- bad budgets and bad runs: exit 2, the key named
bad_budget() { # DESCRIPTION JSON REGEX
  printf '%s\n' "$2" >"$TMP/bad.json"
  run_baregc "$TMP/bad" check --from "$TMP/base.d" --budget "$TMP/bad.json"
  expect_rc "$1" 2
  expect_grep "$1: the message names it" "$TMP/bad.err" "$3"
}
bad_budget "a string for a number" '{"max_pause_us": "9ms"}' 'bad\.json: max_pause_us: expected a number'
bad_budget "an unknown key" '{"max_pause_us": 1, "max_pause": 2}' 'max_pause: unknown key'
bad_budget "an MMU item without min" '{"mmu": [{"window_us": 1000}]}' 'mmu\[0\]: min missing'
bad_budget "a fraction above 1" '{"gc_cpu_fraction_max": 20}' 'gc_cpu_fraction_max: expected a fraction'
bad_budget "not JSON" '{"max_pause_us": 1' 'not valid JSON'
bad_budget "a trailing comma" "$(printf '{\n  "max_pause_us": 100,\n}')" 'bad\.json: not valid JSON at line 3, column 2$'
run_baregc "$TMP/norec" check --from "$TMP/norec.d" --budget "$TMP/inside.json"
expect_rc "--from a directory with summary.json and trace.json but no record.json" 2
expect_grep "... refused, record.json named" "$TMP/norec.err" 'norec\.d/record\.json: not found'
check "... and no table" test ! -s "$TMP/norec.out"
run_baregc "$TMP/nobase" check --from "$TMP/base.d" --budget "$TMP/inside.json" --baseline "$TMP/norec.d"
expect_rc "--baseline a directory without record.json" 2
expect_grep "... refused, record.json named" "$TMP/nobase.err" '^baregc check: --baseline: .*norec\.d/record\.json: not found'
run_baregc "$TMP/nob" check --from "$TMP/base.d" --budget "$TMP/no-such-budget.json"
expect_rc "a missing budget file" 2
run_baregc "$TMP/nodir" check --from "$TMP/no-such-dir" --budget "$TMP/inside.json"
expect_rc "--from a directory that does not exist" 2
expect_grep "... named" "$TMP/nodir.err" 'no-such-dir/record\.json: not found'
run_baregc "$TMP/fault" check "$FWDIR/t-fault-hardfault.elf" --budget "$TMP/inside.json" --quiet
expect_rc "a firmware that faults" 2
expect_grep "... says why" "$TMP/fault.err" 'cannot check this run: the firmware stopped'
run_baregc "$TMP/noelf" check "$TMP/no-such.elf" --budget "$TMP/inside.json" --quiet
expect_rc "a firmware image that cannot be loaded" 2
run_baregc "$TMP/usage" check --budget "$TMP/inside.json"
expect_rc "no firmware and no --from" 2
run_baregc "$TMP/usage2" check --from "$TMP/base.d" "$FW" --budget "$TMP/inside.json"
expect_rc "--from with a firmware image" 2
run_baregc "$TMP/help" check --help
expect_rc "--help" 0
expect_grep "--help documents the exit statuses" "$TMP/help.out" '^  2  bad command line'

# -- baseline: the regressed build (half the heap: the collector runs twice as often)
mkbudget loose '{"max_pause_us": 20000, "gc_cpu_fraction_max": 0.5, "max_fragmentation": 0.95,
  "mmu": [{"window_us": 100000, "min": 0.3}]}'
run_baregc "$TMP/same" check "$FW" --budget "$TMP/loose.json" --baseline "$TMP/base.d" --quiet \
  --junit "$TMP/same.xml"
expect_rc "--baseline: an identical run passes" 0
expect_grep "--baseline: deltas printed" "$TMP/same.out" '^  gc_cpu_fraction_max .* unchanged +ok$'
check "JUnit with a baseline: budget and baseline testcases" junit_check "$TMP/same.xml" 8 0
run_baregc "$TMP/fsame" check --from "$TMP/base.d" --budget "$TMP/loose.json" --baseline "$TMP/base.d" \
  --junit "$TMP/fsame.xml"
expect_same "--baseline: --from gives the live run's table" "$TMP/same.out" "$TMP/fsame.out"
expect_same "--baseline: --from gives the live run's JUnit XML" "$TMP/same.xml" "$TMP/fsame.xml"
run_baregc "$TMP/reg" check "$FW_REGRESS" --budget "$TMP/loose.json" --baseline "$TMP/base.d" --quiet \
  --junit "$TMP/reg.xml" --out "$TMP/reg.d"
expect_rc "--baseline: the regressed build fails" 1
check "--baseline: ... while every item is inside the budget" test "$(grep -c ' PASS$' "$TMP/reg.out")" = 4
expect_grep "--baseline: the GC CPU fraction regressed" "$TMP/reg.out" \
  '^  gc_cpu_fraction_max .* [0-9.]+% worse +REGRESSED$'
expect_grep "--baseline: the verdict line counts the regressions" "$TMP/reg.out" \
  '^FAIL: 0 of 4 items beyond budget, [1-9][0-9]* regressed against the baseline$'
check "JUnit: the regression is a failing baregc.baseline testcase" \
  python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert "gc_cpu_fraction_max" in [c.get("name") for c in r.iter("testcase") if c.get("classname") == "baregc.baseline" and c.find("failure") is not None]' "$TMP/reg.xml"
check "JUnit: the regressions carry their values, the worst pause only on pause items" \
  junit_check "$TMP/reg.xml" 8 "$(grep -c '<failure ' "$TMP/reg.xml")"
# The very run that check recorded (--out), checked again from its directory.
run_baregc "$TMP/freg" check --from "$TMP/reg.d" --budget "$TMP/loose.json" --baseline "$TMP/base.d" \
  --junit "$TMP/freg.xml"
expect_rc "--from the regressed run check recorded" 1
expect_same "... the live check's table" "$TMP/reg.out" "$TMP/freg.out"
expect_same "... the live check's JUnit XML" "$TMP/reg.xml" "$TMP/freg.xml"
run_baregc "$TMP/tol" check "$FW_REGRESS" --budget "$TMP/loose.json" --baseline "$TMP/base.d" \
  --tolerance 60 --quiet
expect_rc "--baseline --tolerance 60: the same change is tolerated" 0
run_baregc "$TMP/tolbad" check "$FW" --budget "$TMP/loose.json" --tolerance 5
expect_rc "--tolerance without --baseline" 2

# -- the shipped example budget: the demo is within it, the regressed build is not
run_baregc "$TMP/ex" check "$FW" --budget "$SRCDIR/examples/budget.json" --quiet
expect_rc "examples/budget.json: the demo passes" 0
run_baregc "$TMP/exr" check "$FW_REGRESS" --budget "$SRCDIR/examples/budget.json" --quiet
expect_rc "examples/budget.json: the regressed build fails" 1
finish
