#!/usr/bin/env bash
# fuzz/run.sh HARNESS...: runs each libFuzzer harness (a path such as fuzz/fuzz_image,
# from the build tree) on its seeds (fuzz/seeds/NAME, with fuzz/seeds/NAME.dict when
# there is one: fuzz/make-corpus.sh) and its
# committed regression inputs ($SRCDIR/fuzz/regressions/NAME, all replayed first), and
# prints how many inputs each ran. Exit 1 when one found something (its report is
# printed; the input is kept as fuzz/crashes/NAME-*).
# Environment:
#   FUZZ_SECONDS=S  each runs for S seconds (default 60); new inputs it finds are kept
#                   in fuzz/corpus/NAME for the next run
#   FUZZ_RUNS=N     instead: each runs N inputs from seed 1 on the seeds alone, the
#                   same inputs every time (CI)
#   FUZZ_JOBS=J     harnesses run J at a time (default 1)
#   SRCDIR          the source tree (default: this script's parent directory)
set -uo pipefail
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
jobs=${FUZZ_JOBS:-1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p fuzz/logs fuzz/crashes

run_one() { # HARNESS: runs it; log and exit status in fuzz/logs/NAME.{log,rc}
  local h=$1 name corpus opts
  name=$(basename "$h")
  rm -f "fuzz/logs/$name.rc"
  if [ -n "${FUZZ_RUNS:-}" ]; then
    corpus=fuzz/ci-corpus/$name
    rm -rf "$corpus"
    opts=(-runs="$FUZZ_RUNS" -seed=1)
  else
    corpus=fuzz/corpus/$name
    opts=(-max_total_time="${FUZZ_SECONDS:-60}")
  fi
  mkdir -p "$corpus"
  local dirs=("$corpus" "fuzz/seeds/$name")
  [ -d "$SRCDIR/fuzz/regressions/$name" ] && dirs+=("$SRCDIR/fuzz/regressions/$name")
  [ -f "fuzz/seeds/$name.dict" ] && opts+=(-dict="fuzz/seeds/$name.dict")
  "$h" "${opts[@]}" -timeout=20 -print_final_stats=1 -artifact_prefix="fuzz/crashes/$name-" \
    "${dirs[@]}" >"fuzz/logs/$name.log" 2>&1
  echo $? >"fuzz/logs/$name.rc"
}

# Runs the harnesses, at most $jobs at a time.
for h in "$@"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  run_one "$h" &
done
wait
status=0
for h in "$@"; do
  name=$(basename "$h")
  log=fuzz/logs/$name.log
  rc=$(cat "fuzz/logs/$name.rc" 2>/dev/null || echo 1)
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1)
  if [ "$rc" -eq 0 ] && [ -n "$done_line" ]; then
    read -r _ runs _ _ secs _ <<<"$done_line"
    echo "$name: $runs runs in $secs s, nothing found"
  else
    status=1
    echo "$name: FAILED (exit $rc); from $log:"
    grep -v '^#[0-9]' "$log" | tail -n 60 | sed 's/^/    /'
  fi
done
exit $status
