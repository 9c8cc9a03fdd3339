#!/usr/bin/env bash
# e2e_profile.sh: the CPU profile (cpu.pb.gz, read with `go tool pprof -raw`) charges
# each sample to the function that held the PC at its instant, under the call stack
# of that instant:
# - t-profile (mps2-an385, virt-rv32): every function's flat and cum time, and the
#   time of each call edge, within 1 % of what the firmware measured of itself with
#   its cycle counter (leaf functions called from two places, a tail call, recursion,
#   a timer interrupt; firmware/tests/t_profile.c says how);
# - every gc-demo image: the collector's entry functions' cum time equals the
#   recorded pause time within 1 %;
# - every bundled image: no function is its own caller unless it calls itself.
. "$(dirname "$0")/lib.sh"

command -v go >/dev/null 2>&1 || skip_all "go (go tool pprof) not installed"
export HOME="$TMP" GOCACHE="$TMP/gocache" GOFLAGS=-mod=mod GOTOOLCHAIN=local

# Cycles between samples: small against every piece of the firmware's work (a few
# thousand cycles and up), prime so that no loop keeps landing on the same instruction.
PERIOD=97

# profile_check MODE NAME ARGS...: runs tests/profile_check.py, relays its cases
profile_check() {
  python3 "$SRCDIR/tests/profile_check.py" "$@" >"$TMP/check.tap" 2>&1 || true
  relay_tap "$TMP/check.tap"
}

for board in mps2-an385 virt-rv32; do
  name=t-profile-$board
  run_baregc "$TMP/$name" run "$FWDIR/$name.elf" --board "$board" --quiet --out "$TMP/$name.d" \
    --cpu-sample-cycles $PERIOD
  expect_rc "$name" 0
  profile_check expect "$name" "$TMP/$name.d/cpu.pb.gz" $PERIOD "$TMP/$name.err"
done

# The collector's entry functions: the "pause" hooks `baregc info` lists.
for elf in "$FWDIR"/gc-demo-*.elf; do
  name=$(basename "$elf" .elf)
  "$BAREGC" info "$elf" >"$TMP/$name.info" 2>&1
  mapfile -t pause_fns < <(sed -nE 's/^  pause( \(incremental\))? +([^ ]+) +0x[0-9a-f]+$/\2/p' "$TMP/$name.info")
  run_baregc "$TMP/$name" run "$elf" --quiet --out "$TMP/$name.d" --cpu-sample-cycles $PERIOD
  expect_rc "$name" 0
  profile_check pauses "$name" "$TMP/$name.d/cpu.pb.gz" "$TMP/$name.d/summary.json" "${pause_fns[@]}"
done

# Every bundled image, run as tests/expected/firmware.tsv says (the images it does not
# list, with no options) for at most 2 s of simulated time; default sampling.
declare -A opts
while IFS=$'\t' read -r name board status o qemu uart input; do
  case "$name" in ''|'#'*) continue ;; esac
  [ "$o" = "-" ] && o=""
  [ "$input" != "-" ] && o="$o --uart-in $EXPECTED/$input"
  opts[$name]="--board $board $o"
done <"$EXPECTED/firmware.tsv"
for elf in "$FWDIR"/*.elf; do
  name=$(basename "$elf" .elf)
  # shellcheck disable=SC2086 # the options are a list
  run_baregc "$TMP/$name.all" run "$elf" --quiet --out "$TMP/$name.all.d" --max-time 2s ${opts[$name]:-}
  if [ -f "$TMP/$name.all.d/cpu.pb.gz" ]; then
    profile_check callers "$name" "$TMP/$name.all.d/cpu.pb.gz" "$elf"
  else
    not_ok "$name: no cpu.pb.gz written (exit $RC)"
  fi
done
finish
