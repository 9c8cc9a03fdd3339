#!/usr/bin/env bash
# e2e_sweep.sh: `baregc sweep` of the example firmware over SRAM sizes and clocks: the
# CSV rows come in matrix order whatever finishes first and equal the summary.json of
# individual `baregc run --sram X --clock Y --out` runs, in fixed precision; a too-small
# SRAM shows as out of memory (a fault) and makes the exit status 1; the budget column;
# the HTML page; the heap size swept with --set; a sweep directory re-used (its stale
# runs removed) and a directory that is not a sweep's refused; bad command lines.
. "$(dirname "$0")/lib.sh"

FW="$FWDIR/gc-demo-mps2-an385.elf"
cat >"$TMP/budget.json" <<'JSON'
{"max_pause_us": 8000}
JSON

run_baregc "$TMP/sw" sweep "$FW" --sram 48K,96K --clock 25MHz,50MHz --budget "$TMP/budget.json" -j 4 -o "$TMP/sw.d"
expect_rc "sweep with a run that faults" 1
expect_grep "says how many runs did not end well" "$TMP/sw.err" '^baregc sweep: 3 of 4 runs faulted, did not end well or failed the budget'
CSV="$TMP/sw.d/sweep.csv"
check "sweep.csv written" test -s "$CSV"
check "sweep.html written" test -s "$TMP/sw.d/sweep.html"
expect_grep "progress on stderr" "$TMP/sw.err" '^\[4/4\] --sram [0-9]+K --clock [0-9]+MHz: '
expect_grep "progress names the fault" "$TMP/sw.err" '--sram 48K --clock 25MHz: fault \(exit 80\)'
check "5 lines (header + 4 runs)" test "$(wc -l <"$CSV")" = 5

# Individual runs with the same parameters.
for s in 48K 96K; do
  for c in 25MHz 50MHz; do
    run_baregc "$TMP/one-$s-$c" run "$FW" --sram "$s" --clock "$c" --out "$TMP/one-$s-$c.d" --quiet
    echo "$s $c $RC" >>"$TMP/individual"
  done
done

python3 - "$CSV" "$TMP" >"$TMP/cmp" 2>&1 <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
tmp = sys.argv[2]
indiv = {}
for line in open(tmp + '/individual'):
    s, c, rc = line.split()
    indiv[(s, c)] = int(rc)
order = [(s, c) for s in ('48K', '96K') for c in ('25MHz', '50MHz')]
bad = 0
def check(ok, what):
    global bad
    print(('ok - ' if ok else 'not ok - ') + what)
    bad += not ok
check([(r['sram'], r['clock']) for r in rows] == order, 'rows in matrix order (SRAM outer, clock inner)')
for r in rows:
    key = (r['sram'], r['clock'])
    j = json.load(open('%s/one-%s-%s.d/summary.json' % (tmp, key[0], key[1])))
    # (value, decimals): the CSV's fixed precision
    want = {
        'exit_status': (j['run']['exit_code'], 0), 'exit_reason': (j['run']['exit_reason'], None),
        'pauses': (j['pauses']['count'], 0), 'max_pause_us': (j['pauses']['max_us'], 3),
        'p99_us': (j['pauses']['p99_us'], 3), 'gc_cpu_fraction': (j['gc_cpu_fraction'], 6),
        'peak_heap_bytes': (j['heap']['peak_bytes'], 0),
        'min_headroom_bytes': (j['sram']['min_headroom_bytes'], 0), 'alloc_failures': (j['alloc_failures'], 0),
    }
    for k, (v, dec) in want.items():
        got = r[k]
        if dec is None:
            same = got == v
        elif v is None:
            same = got == ''
        else:
            same = got == '%.*f' % (dec, v)
        check(same, '%s %s: %s = %s (individual run: %s)' % (key[0], key[1], k, got, v))
    oom = indiv[key] in (80, 81, 82, 83) or j['alloc_failures'] > 0
    check(r['out_of_memory'] == ('yes' if oom else 'no'), '%s %s: out_of_memory %s' % (key[0], key[1], r['out_of_memory']))
    passes = not oom and indiv[key] == 0 and j['pauses']['max_us'] <= 8000
    check(r['budget'] == ('PASS' if passes else 'FAIL'), '%s %s: budget %s' % (key[0], key[1], r['budget']))
check(rows[0]['out_of_memory'] == 'yes' and rows[0]['exit_status'] == '80', '48K is too small: a fault, out of memory')
check(rows[2]['out_of_memory'] == 'no' and rows[2]['exit_status'] == '0', '96K is enough')
check(rows[3]['budget'] == 'PASS' and rows[2]['budget'] == 'FAIL', '96K passes the 8 ms budget at 50 MHz, not at 25 MHz')
sys.exit(1 if bad else 0)
PY
if [ $? -eq 0 ]; then ok "CSV equals the individual runs"; else not_ok "CSV equals the individual runs"; fi
sed 's/^/    /' "$TMP/cmp"

HTML="$TMP/sw.d/sweep.html"
for pat in 'http://' 'https://' '<script' '@import' '<link'; do
  if grep -Eiq -- "$pat" "$HTML"; then not_ok "sweep.html self-contained: '$pat' found"; else ok "sweep.html: no '$pat'"; fi
done
expect_grep "sweep.html: the chart" "$HTML" '<svg width='
check "sweep.html: a table row per run" test "$(grep -c '^<tr><td>--sram' "$HTML")" = 4
expect_grep "sweep.html: out-of-memory marked on the chart" "$HTML" 'out of memory / fault</title>'

# Deterministic: one job at a time gives the same files.
run_baregc "$TMP/sw1" sweep "$FW" --sram 48K,96K --clock 25MHz,50MHz --budget "$TMP/budget.json" -j 1 -o "$TMP/sw1.d"
expect_rc "sweep -j 1" 1
expect_same "same CSV with -j 1 and -j 4" "$CSV" "$TMP/sw1.d/sweep.csv"
expect_same "same HTML with -j 1 and -j 4" "$HTML" "$TMP/sw1.d/sweep.html"

# The heap size swept: a variable of the image (--set), not the SRAM of the board.
run_baregc "$TMP/heap" sweep "$FW" --set demo_heap_bytes=24K,32K,64K -o "$TMP/heap.d"
expect_rc "sweep --set demo_heap_bytes=24K,32K,64K" 0
run_baregc "$TMP/reg" run "$FWDIR/gc-demo-regress-mps2-an385.elf" --out "$TMP/reg.d" --quiet
python3 - "$TMP/heap.d/sweep.csv" "$TMP/reg.d/summary.json" >"$TMP/heapcmp" 2>&1 <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
reg = json.load(open(sys.argv[2]))
bad = 0
def check(ok, what):
    global bad
    print(('ok - ' if ok else 'not ok - ') + what)
    bad += not ok
check([r['set:demo_heap_bytes'] for r in rows] == ['24K', '32K', '64K'], 'a row per value, in order')
check([r['set:demo_heap_bytes:value'] for r in rows] == ['24576', '32768', '65536'], 'the values as numbers')
check([r['dir'] for r in rows] == ['demo_heap_bytes-24K', 'demo_heap_bytes-32K', 'demo_heap_bytes-64K'], 'run directories')
pauses = [int(r['pauses']) for r in rows]
maxp = [float(r['max_pause_us']) for r in rows]
peak = [int(r['peak_heap_bytes']) for r in rows]
check(pauses[0] > pauses[1] > pauses[2], 'a larger heap, fewer collections: %s' % pauses)
check(maxp[0] < maxp[1] < maxp[2], 'a larger heap, longer pauses: %s' % maxp)
check(peak[0] < peak[1] < peak[2], 'a larger heap, a higher peak: %s' % peak)
r = rows[1]
check(r['pauses'] == '%d' % reg['pauses']['count'] and r['max_pause_us'] == '%.3f' % reg['pauses']['max_us']
      and r['peak_heap_bytes'] == '%d' % reg['heap']['peak_bytes'], '32K: as the image built with a 32K heap')
sys.exit(1 if bad else 0)
PY
relay_tap "$TMP/heapcmp"
expect_grep "sweep.html: the chart against the variable" "$TMP/heap.d/sweep.html" 'Pauses against demo_heap_bytes</h2>'

# A sweep directory used again: the runs it no longer has are removed.
run_baregc "$TMP/again" sweep "$FW" --set demo_heap_bytes=32K -o "$TMP/heap.d"
expect_rc "one run into the same directory" 0
expect_grep "one run: '1 run', not '1 runs'" "$TMP/again.err" '^baregc sweep: 1 run: '
check "the earlier sweep's other runs are gone" test ! -e "$TMP/heap.d/demo_heap_bytes-24K" -a ! -e "$TMP/heap.d/demo_heap_bytes-64K"
check "... this one's is there" test -s "$TMP/heap.d/demo_heap_bytes-32K/summary.json"
check "... and its row alone" test "$(wc -l <"$TMP/heap.d/sweep.csv")" = 2
mkdir -p "$TMP/mine"
echo keep >"$TMP/mine/notes.txt"
run_baregc "$TMP/mine" sweep "$FW" --sram 96K -o "$TMP/mine"
expect_rc "a directory that is not a sweep's is refused" 64
expect_grep "... saying so" "$TMP/mine.err" "is not empty and holds no sweep"
check "... and left as it was" test "$(ls "$TMP/mine")" = notes.txt

# Every run faults: exit 1.
run_baregc "$TMP/allf" sweep "$FWDIR/t-fault-unmapped-read.elf" --sram 64K,128K -o "$TMP/allf.d"
expect_rc "every run faults" 1
# A run ended by --max-cycles is not a failure (as in check).
run_baregc "$TMP/lim" sweep "$FWDIR/t-fault-runaway.elf" --sram 64K --max-cycles 100000 -o "$TMP/lim.d"
expect_rc "a run that reaches --max-cycles" 0

# Bad command lines.
run_baregc "$TMP/b1" sweep "$FW"
expect_rc "nothing to sweep" 64
run_baregc "$TMP/b2" sweep "$FW" --sram 16K,lots
expect_rc "bad size" 64
expect_grep "bad size named" "$TMP/b2.err" "'lots' is not a size"
run_baregc "$TMP/b3" sweep "$FW" --sram 16K,16K
expect_rc "size listed twice" 64
for list in 16K,,32K 16K, ,16K ''; do
  run_baregc "$TMP/b6" sweep "$FW" --sram "$list"
  expect_rc "an empty item in --sram '$list'" 64
done
run_baregc "$TMP/b7" sweep "$FW" --set demo_heap_bytes=16K,,24K
expect_rc "an empty item in --set" 64
run_baregc "$TMP/b8" sweep "$FW" --set no_such_variable=1,2 -o "$TMP/b8.d"
expect_rc "--set of no symbol, before any run" 64
check "... nothing written" test ! -e "$TMP/b8.d"
run_baregc "$TMP/b9" sweep "$FW" --set 16K
expect_rc "--set without a symbol" 64
run_baregc "$TMP/b4" sweep "$FW" --sram 16K --frobnicate
expect_rc "unknown option" 64
run_baregc "$TMP/b5" sweep "$FW" --sram 16K --budget "$TMP/none.json" -o "$TMP/b5.d"
expect_rc "missing budget" 66
finish
