#!/usr/bin/env bash
# tools/deps.sh: install every Debian package baregc needs to build, test and cross-check
# (as root, or through sudo). Quiet and idempotent: does nothing when all are present.
set -euo pipefail
PKGS=(
  build-essential autoconf automake libtool pkg-config
  libunicorn-dev libcapstone-dev libelf-dev libdw-dev libcjson-dev zlib1g-dev
  libncurses-dev libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core libcunit1-dev libmimalloc-dev
  gcc-arm-none-eabi gcc-riscv64-unknown-elf picolibc-arm-none-eabi picolibc-riscv64-unknown-elf
  qemu-system-arm qemu-system-misc golang-go gdb-multiarch
  tmux xvfb valgrind python3 bc chromium parallel
  clang-14 libfuzzer-14-dev llvm-14
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "tools/deps.sh: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
