#!/usr/bin/env bash
# e2e_sweep_shard.sh: a sweep scaled out. --plan lists the runs (number, parameters, the
# `baregc run` command line, which run by hand gives the sweep's own figures) and, with
# --shard K/N, the runs K, K+N, ...; shards run as separate processes by GNU parallel,
# each into its own directory or all into one, joined by --merge into a sweep.csv and a
# sweep.html byte-identical to the sweep run on one machine; a shard run again keeps its
# siblings; --merge refuses a missing, repeated, partial or foreign shard.
. "$(dirname "$0")/lib.sh"

FW="$FWDIR/gc-demo-mps2-an385.elf"
MATRIX=(--sram 128K,256K --set demo_heap_bytes=24K,32K,48K)

run_baregc "$TMP/plan" sweep "$FW" "${MATRIX[@]}" --plan -o "$TMP/p.d"
expect_rc "--plan" 0
check "--plan: a line per run" test "$(wc -l <"$TMP/plan.out")" = 6
expect_grep "--plan: number, parameters, command line (tab-separated)" "$TMP/plan.out" \
  "^5	--sram 256K --set demo_heap_bytes=32K	[^ ]*baregc run [^ ]*gc-demo-mps2-an385.elf --sram 256K --set demo_heap_bytes=32K --out $TMP/p.d/sram-256K_demo_heap_bytes-32K --quiet\$"
check "--plan runs nothing and writes nothing" test ! -e "$TMP/p.d"
run_baregc "$TMP/plan2" sweep "$FW" "${MATRIX[@]}" --plan --shard 2/4
check "--plan --shard 2/4: runs 2 and 6" test "$(cut -f1 "$TMP/plan2.out" | tr '\n' ' ')" = "2 6 "
run_baregc "$TMP/plan8" sweep "$FW" "${MATRIX[@]}" --plan --shard 7/8
check "--plan --shard 7/8 of 6 runs: none" test ! -s "$TMP/plan8.out"

# The whole sweep on one machine.
run_baregc "$TMP/one" sweep "$FW" "${MATRIX[@]}" -o "$TMP/one"
expect_rc "the sweep on one machine" 0

# A plan line is the run: executed by hand, the same figures as the sweep's run.
line=$(sed -n 3p "$TMP/plan.out" | cut -f3)
(eval "$line") >/dev/null 2>&1 </dev/null
expect_same "plan line 3, run by hand: the sweep's summary.json" "$TMP/one/sram-128K_demo_heap_bytes-48K/summary.json" \
  "$TMP/p.d/sram-128K_demo_heap_bytes-48K/summary.json"

if ! command -v parallel >/dev/null; then
  skip "GNU parallel is not installed (tools/deps.sh installs it)"
  finish
  exit $?
fi

# Shards as separate processes, each into its own directory.
parallel --will-cite -j 4 "$BAREGC" sweep "$FW" "${MATRIX[@]}" --shard {}/4 -j 1 -o "$TMP/shards/{}" \
  ::: 1 2 3 4 >"$TMP/par.out" 2>"$TMP/par.err"
RC=$?
expect_rc "4 shards by GNU parallel" 0
expect_grep "a shard says what it ran" "$TMP/par.err" "shard 3/4: 1 of 6 runs: .*/shards/3/sweep-3-of-4.json"
check "a shard writes no sweep.csv" test ! -e "$TMP/shards/1/sweep.csv"
check "shard 2 ran runs 2 and 6" test -d "$TMP/shards/2/sram-128K_demo_heap_bytes-32K" -a \
  -d "$TMP/shards/2/sram-256K_demo_heap_bytes-48K" -a "$(ls "$TMP/shards/2" | wc -l)" = 3
run_baregc "$TMP/merge" sweep --merge "$TMP"/shards/1 "$TMP"/shards/2 "$TMP"/shards/3 "$TMP"/shards/4 -o "$TMP/merged"
expect_rc "--merge" 0
expect_same "merged sweep.csv = the one-machine sweep's" "$TMP/one/sweep.csv" "$TMP/merged/sweep.csv"
expect_same "merged sweep.html = the one-machine sweep's" "$TMP/one/sweep.html" "$TMP/merged/sweep.html"
# Shards into one directory (a shared file system), joined there.
parallel --will-cite -j 4 "$BAREGC" sweep "$FW" "${MATRIX[@]}" --shard {}/3 -j 1 -o "$TMP/shared" \
  ::: 3 1 2 >/dev/null 2>&1
RC=$?
expect_rc "3 shards into one directory" 0
run_baregc "$TMP/merge2" sweep --merge "$TMP/shared" -o "$TMP/shared"
expect_rc "--merge of one directory" 0
expect_same "sweep.csv = the one-machine sweep's" "$TMP/one/sweep.csv" "$TMP/shared/sweep.csv"
expect_same "sweep.html = the one-machine sweep's" "$TMP/one/sweep.html" "$TMP/shared/sweep.html"
check "every run's directory is there" test "$(ls -d "$TMP"/shared/sram-* | wc -l)" = 6
# A shard run again (a failed CI job retried) keeps its siblings' runs.
run_baregc "$TMP/again" sweep "$FW" "${MATRIX[@]}" --shard 2/3 -o "$TMP/shared"
expect_rc "shard 2/3 again" 0
check "... the siblings' runs are still there" test "$(ls -d "$TMP"/shared/sram-* | wc -l)" = 6
check "... the stale merged sweep.csv is gone" test ! -e "$TMP/shared/sweep.csv"
run_baregc "$TMP/merge3" sweep --merge "$TMP/shared" -o "$TMP/shared"
expect_same "... and merged again, the same sweep.csv" "$TMP/one/sweep.csv" "$TMP/shared/sweep.csv"

# What --merge refuses (exit 66).
run_baregc "$TMP/m1" sweep --merge "$TMP"/shards/1 "$TMP"/shards/2 "$TMP"/shards/4 -o "$TMP/m1.d"
expect_rc "--merge without shard 3" 66
expect_grep "... names it" "$TMP/m1.err" "shard 3/4 is missing"
run_baregc "$TMP/m2" sweep --merge "$TMP"/shards/1 "$TMP"/shards/1 "$TMP"/shards/2 "$TMP"/shards/3 "$TMP"/shards/4
expect_rc "--merge with a shard twice" 66
run_baregc "$TMP/m3" sweep --merge "$TMP"/shards/1 "$TMP/one"
expect_rc "--merge of shards of different sweeps" 66
expect_grep "... says so" "$TMP/m3.err" "are shards of different sweeps"
run_baregc "$TMP/m4" sweep --merge "$TMP/plan.out"
expect_rc "--merge of what is no directory" 66
mkdir "$TMP/empty"
run_baregc "$TMP/m5" sweep --merge "$TMP/empty"
expect_rc "--merge of a directory without a shard" 66
sed 's/"partial":	false/"partial":	true/' "$TMP/shards/4/sweep-4-of-4.json" >"$TMP/p4.json"
mv "$TMP/p4.json" "$TMP/shards/4/sweep-4-of-4.json"
run_baregc "$TMP/m6" sweep --merge "$TMP"/shards/1 "$TMP"/shards/2 "$TMP"/shards/3 "$TMP"/shards/4
expect_rc "--merge of a partial shard" 66
expect_grep "... says so" "$TMP/m6.err" "shard 4/4 is partial"
run_baregc "$TMP/m7" sweep --merge "$TMP"/shards/1 --sram 16K
expect_rc "--merge with matrix options" 64
finish
