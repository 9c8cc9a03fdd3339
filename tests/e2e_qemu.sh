#!/usr/bin/env bash
# e2e_qemu.sh: the same ELF under qemu-system-arm / qemu-system-riscv32 on the matching
# machine (semihosting on) and under baregc gives the same UART output and exit status.
. "$(dirname "$0")/lib.sh"
command -v "${QEMU_ARM:-qemu-system-arm}" >/dev/null || skip_all "no qemu-system-arm"
while IFS=$'\t' read -r name board status opts qemu uart input; do
  case "$name" in ''|'#'*) continue ;; esac
  [ "$qemu" = "yes" ] || continue
  [ "$opts" = "-" ] && opts=""
  in_file=""
  [ "$input" != "-" ] && in_file="$EXPECTED/$input"
  qrc=0
  QEMU_TIMEOUT=60 bash "$SRCDIR/tests/qemu_run.sh" "$board" "$FWDIR/$name.elf" "$TMP/$name.qemu" $in_file \
    >"$TMP/$name.qemu.semi" 2>"$TMP/$name.qemu.err" || qrc=$?
  in_args=()
  [ -n "$in_file" ] && in_args=(--uart-in "$in_file")
  # shellcheck disable=SC2086 # opts is a list of options
  run_baregc "$TMP/$name" run "$FWDIR/$name.elf" --board "$board" --quiet --uart-out "$TMP/$name.uart" \
    "${in_args[@]}" $opts
  check "$name: QEMU and baregc exit alike (qemu $qrc, baregc $RC)" test "$qrc" = "$RC"
  expect_same "$name: QEMU ($board) and baregc UART output identical" "$TMP/$name.qemu" "$TMP/$name.uart"
  check "$name: the output is not empty" test -s "$TMP/$name.uart"
done <"$EXPECTED/firmware.tsv"
finish
