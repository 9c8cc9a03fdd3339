#!/usr/bin/env bash
# e2e_uart_term.sh: the console UART as a terminal line. The t-repl firmware (a prompt
# with no newline, a line in, an answer out, until "quit") is driven by
# tests/repl_drive.py through a pipe that waits for each prompt, through --uart pty,
# through a terminal (raw mode, restored), and through a pipe whose writer goes away
# early; the transcripts are the firmware's expected output, and QEMU's where QEMU is
# driven the same way (-serial stdio on pipes). mps2-an385 polls the UART while it
# waits, virt-rv32 sleeps in WFI with nothing else that could wake it.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "no python3"
DRIVE=(python3 "$SRCDIR/tests/repl_drive.py")
IN="$EXPECTED/t-repl.in"

# drive NAME MODE [DRIVER OPTIONS] -- COMMAND...: transcript in $TMP/NAME.txt, status in $RC
drive() {
  local name=$1 mode=$2; shift 2
  RC=0
  timeout 120 "${DRIVE[@]}" "$mode" "$IN" "$TMP/$name.txt" "$@" 2>"$TMP/$name.err" || RC=$?
}

# QEMU with its console UART on stdio (pipes) and semihosting for the exit
qemu_cmd() {
  case $1 in
    mps2-an385) echo "${QEMU_ARM:-qemu-system-arm} -M mps2-an385" ;;
    virt-rv32) echo "${QEMU_RISCV32:-qemu-system-riscv32} -M virt -bios none" ;;
  esac
}

for board in mps2-an385 virt-rv32; do
  fw="$FWDIR/t-repl-$board.elf"
  want="$EXPECTED/t-repl-$board.uart"
  run=("$BAREGC" run "$fw" --board "$board" --quiet)

  drive "$board.pipe" pipe -- "${run[@]}"
  expect_rc "$board: a pipe that waits for each prompt" 0
  expect_same "$board: pipe: every prompt came without a newline, every line was answered" "$want" \
    "$TMP/$board.pipe.txt"

  drive "$board.pty" pty -- "${run[@]}" --uart pty
  expect_rc "$board: --uart pty" 0
  expect_same "$board: --uart pty: the dialogue over the pseudo-terminal" "$want" "$TMP/$board.pty.txt"
  expect_grep "$board: --uart pty: its path on the first line of stderr" "$TMP/$board.pty.err" \
    '^baregc: the console UART is on the pseudo-terminal /dev/pts/[0-9]+$'

  drive "$board.close" close -- "${run[@]}"
  expect_rc "$board: a writer that closes at once: the run goes on to the firmware's exit" 0
  expect_same "$board: early close: every line was answered" "$want" "$TMP/$board.close.txt"

  # a terminal: raw (no echo, \r\n out as the terminal makes it), restored on every exit
  drive "$board.tty" tty -- "${run[@]}"
  expect_rc "$board: stdin a terminal (settings restored)" 0
  awk '{ printf "%s\r\n", $0 }' "$want" >"$TMP/$board.tty.want"
  expect_same "$board: terminal: raw mode, nothing echoed" "$TMP/$board.tty.want" "$TMP/$board.tty.txt"
  drive "$board.int" tty --stop int -- "${run[@]}"
  expect_rc "$board: terminal: Ctrl-C at the prompt stops the run (settings restored)" 130
  drive "$board.term" tty --stop term -- "${run[@]}"
  expect_rc "$board: terminal: SIGTERM at the prompt (settings restored)" 143

  if command -v "$(qemu_cmd "$board" | cut -d' ' -f1)" >/dev/null; then
    # shellcheck disable=SC2046 # the QEMU command is a list of words
    qemu=($(qemu_cmd "$board") -icount shift=0 -kernel "$fw" -display none -monitor none -nodefaults
          -no-reboot -chardev stdio,id=uart0,signal=off -serial chardev:uart0
          -semihosting-config enable=on,target=native)
    drive "$board.qemu" pipe -- "${qemu[@]}"
    expect_rc "$board: QEMU through the same pipe" 0
    expect_same "$board: QEMU and baregc give the same transcript (pipe)" "$TMP/$board.qemu.txt" \
      "$TMP/$board.pipe.txt"
    drive "$board.qemu-close" close -- "${qemu[@]}"
    expect_same "$board: QEMU and baregc give the same transcript (early close)" \
      "$TMP/$board.qemu-close.txt" "$TMP/$board.close.txt"
  else
    skip "$board: no QEMU for the comparison"
  fi
done

# The end of input before "quit". virt-rv32 then sleeps with nothing that could wake
# it: the deadlock rule. mps2-an385 polls on until the time limit.
head -n 2 "$IN" >"$TMP/noquit.in"
IN="$TMP/noquit.in"
drive noquit-virt close -- "$BAREGC" run "$FWDIR/t-repl-virt-rv32.elf" --board virt-rv32 --quiet
expect_rc "virt-rv32: input ends before quit: deadlock once it sleeps" 85
expect_grep "virt-rv32: input ends before quit: both lines answered first" "$TMP/noquit-virt.txt" '^> 2: SECOND LINE$'
drive noquit-mps2 close -- "$BAREGC" run "$FWDIR/t-repl-mps2-an385.elf" --board mps2-an385 --quiet --max-time 2s
expect_rc "mps2-an385: input ends before quit: it polls until --max-time" 84

# Input that comes late to a core asleep in WFI: simulated time stands still while the
# run waits in host time (--max-time 1s is never reached).
IN="$EXPECTED/t-repl.in"
drive late pipe --delay 1.5 -- "$BAREGC" run "$FWDIR/t-repl-virt-rv32.elf" --board virt-rv32 --quiet --max-time 1s
expect_rc "virt-rv32: input 1.5 s late, the core asleep: no simulated time passes meanwhile" 0
finish
