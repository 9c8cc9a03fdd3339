#!/usr/bin/env bash
# e2e_firmware.sh: every bundled firmware runs to its expected end under baregc: the
# UART output equals tests/expected/NAME.uart and the exit status is the table's.
. "$(dirname "$0")/lib.sh"
# tests/expected/firmware.tsv: name, board, exit, options, qemu, uart, input (see its header)
while IFS=$'\t' read -r name board status opts qemu uart input; do
  case "$name" in ''|'#'*) continue ;; esac
  [ "$opts" = "-" ] && opts=""
  in_args=()
  [ "$input" != "-" ] && in_args=(--uart-in "$EXPECTED/$input")
  # shellcheck disable=SC2086 # opts is a list of options
  run_baregc "$TMP/$name" run "$FWDIR/$name.elf" --board "$board" --quiet --uart-out "$TMP/$name.uart" \
    "${in_args[@]}" $opts
  expect_rc "$name on $board ${opts:+($opts)}" "$status"
  expect_same "$name ${opts:+($opts)}: UART output as expected" "$EXPECTED/$uart" "$TMP/$name.uart"
done <"$EXPECTED/firmware.tsv"
finish
