#!/usr/bin/env bash
# tools/quickstart.sh: install the dependencies, build baregc and its example firmware
# in ./build, and run the GC demo firmware on the simulated MPS2-AN385 (Cortex-M3).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure --quiet
make -j"$(nproc)" --quiet
echo "== baregc run firmware/gc-demo-mps2-an385.elf" >&2
./baregc run firmware/gc-demo-mps2-an385.elf
