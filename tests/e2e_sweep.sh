#!/usr/bin/env bash
# e2e_sweep.sh: `baregc sweep` of the example firmware over SRAM sizes and clocks: the
# CSV rows come in matrix order whatever finishes first and equal the summary.json of
# individual `baregc run --sram X --clock Y --out` runs; a too-small SRAM shows as out of
# memory (a fault); the budget column; the HTML page; bad command lines.
. "$(dirname "$0")/lib.sh"

FW="$FWDIR/gc-demo-mps2-an385.elf"
cat >"$TMP/budget.json" <<'JSON'
{"max_pause_us": 8000}
JSON

run_baregc "$TMP/sw" sweep "$FW" --sram 48K,96K --clock 25MHz,50MHz --budget "$TMP/budget.json" -j 4 -o "$TMP/sw.d"
expect_rc "sweep" 0
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
    want = {
        'exit_status': indiv[key], 'exit_reason': j['run']['exit_reason'], 'pauses': j['pauses']['count'],
        'max_pause_us': j['pauses']['max_us'], 'p99_us': j['pauses']['p99_us'],
        'gc_cpu_fraction': j['gc_cpu_fraction'], 'peak_heap_bytes': j['heap']['peak_bytes'],
        'min_headroom_bytes': j['sram']['min_headroom_bytes'], 'alloc_failures': j['alloc_failures'],
    }
    for k, v in want.items():
        got = r[k]
        if isinstance(v, str):
            same = got == v
        elif v is None:
            same = got == ''
        else:
            same = got != '' and float(got) == float(v)
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
expect_rc "sweep -j 1" 0
expect_same "same CSV with -j 1 and -j 4" "$CSV" "$TMP/sw1.d/sweep.csv"
expect_same "same HTML with -j 1 and -j 4" "$HTML" "$TMP/sw1.d/sweep.html"

# Bad command lines.
run_baregc "$TMP/b1" sweep "$FW"
expect_rc "nothing to sweep" 64
run_baregc "$TMP/b2" sweep "$FW" --sram 16K,lots
expect_rc "bad size" 64
expect_grep "bad size named" "$TMP/b2.err" "'lots' is not a size"
run_baregc "$TMP/b3" sweep "$FW" --sram 16K,16K
expect_rc "size listed twice" 64
run_baregc "$TMP/b4" sweep "$FW" --sram 16K --frobnicate
expect_rc "unknown option" 64
run_baregc "$TMP/b5" sweep "$FW" --sram 16K --budget "$TMP/none.json" -o "$TMP/b5.d"
expect_rc "missing budget" 66
finish
