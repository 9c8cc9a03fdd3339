#!/usr/bin/env bash
# tools/quickstart.sh: install the dependencies, build baregc and its example firmware
# in ./build, and run the GC demo firmware on the simulated MPS2-AN385 (Cortex-M3),
# recording its collector into build/demo-out.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure --quiet
make -j"$(nproc)" --quiet
echo "== baregc run firmware/gc-demo-mps2-an385.elf --out demo-out" >&2
./baregc run firmware/gc-demo-mps2-an385.elf --out demo-out
echo "== the recording is in build/demo-out: go tool pprof -top build/demo-out/gc-pauses.pb.gz," >&2
echo "   build/demo-out/trace.json in https://ui.perfetto.dev, build/baregc report build/demo-out" >&2
