#!/usr/bin/env bash
# qemu_run.sh: run a firmware image under QEMU for the cross-check.
# Usage: tests/qemu_run.sh BOARD FW.elf UART_OUT_FILE [UART_IN_FILE]
#   BOARD: mps2-an385 | mps2-an386 | lm3s6965evb | microbit | sifive_e | virt-rv32
# The console UART goes to UART_OUT_FILE (and reads UART_IN_FILE, if given, else
# nothing); the semihosting console (SYS_WRITEC, SYS_WRITE0, SYS_WRITE to ":tt") goes
# to stdout, QEMU's own messages to stderr; stdin is not read. Exits with QEMU's
# status, i.e. the firmware's semihosting exit status (124 on the timeout).
# Environment: QEMU_TIMEOUT (seconds, default 60), QEMU_ARM, QEMU_RISCV32.
set -u

if [ $# -lt 3 ] || [ $# -gt 4 ]; then
    echo "usage: $0 BOARD FW.elf UART_OUT_FILE [UART_IN_FILE]" >&2
    exit 64
fi
board=$1 elf=$2 out=$3 in=${4:-}
timeout_s=${QEMU_TIMEOUT:-60}
qemu_arm=${QEMU_ARM:-qemu-system-arm}
qemu_rv32=${QEMU_RISCV32:-qemu-system-riscv32}

case $board in
    mps2-an385|mps2-an386|microbit|lm3s6965evb)
        qemu=$qemu_arm machine=(-M "$board") ;;
    sifive_e)
        qemu=$qemu_rv32 machine=(-M sifive_e) ;;
    virt-rv32)
        qemu=$qemu_rv32 machine=(-M virt -bios none) ;;
    *)
        echo "$0: unknown board '$board'" >&2
        exit 64 ;;
esac

if [ ! -r "$elf" ]; then
    echo "$0: cannot read $elf" >&2
    exit 66
fi

# Without input: the UART is a file chardev and the semihosting console is QEMU's
# stdio. With input (QEMU 7.2's file chardev cannot read): the UART is QEMU's stdio,
# fed from the input file and written to the output file, and the semihosting console
# goes to our stdout through fd 4.
exec 4>&1
if [ -z "$in" ]; then
    : >"$out" || exit 74
    uart="file,id=uart0,path=${out//,/,,}"  # QEMU option syntax: a comma is doubled
    semihost="stdio,id=semihost,signal=off"
    exec 5</dev/null 6>&4
else
    if [ ! -r "$in" ]; then
        echo "$0: cannot read $in" >&2
        exit 66
    fi
    uart="stdio,id=uart0,signal=off"
    semihost="file,id=semihost,path=/dev/fd/4,append=on"
    exec 5<"$in" 6>"$out" || exit 74
fi

# The MPS2 machines always create a LAN9118 NIC (lm3s6965evb: a Stellaris Ethernet
# controller) and QEMU warns that it has no peer: drop that one line from stderr
# (semihosting's stderr stays intact).
# -icount shift=0: QEMU's virtual clock (its timers, CLINT mtime) follows the
# instruction count, 1 ns an instruction, not the host's clock: the reference run
# does not depend on the host's speed or load. Without it, sifive_e (mtime at 10 MHz
# in QEMU, 32.768 kHz on the board the firmware is built for) gets a 1 kHz tick every
# 3.3 us of host time, and a slow host livelocks in the tick handler.
{ timeout "$timeout_s" "$qemu" "${machine[@]}" -icount shift=0 -kernel "$elf" \
    -display none -monitor none -nodefaults -no-reboot \
    -chardev "$uart" -serial chardev:uart0 \
    -chardev "$semihost" \
    -semihosting-config enable=on,target=native,chardev=semihost \
    <&5 2>&1 >&6 5<&- 6>&- | \
    grep -v -e '^qemu-system-arm: warning: nic lan9118.0 has no peer$' \
        -e '^qemu-system-arm: warning: nic stellaris_enet.0 has no peer$' >&2; }
exit "${PIPESTATUS[0]}"
