#!/usr/bin/env bash
# tools/check.sh: the whole test suite: install the dependencies, build with
# AddressSanitizer + UndefinedBehaviorSanitizer in ./build-check, run `make check`
# (unit tests, end-to-end tests on the bundled firmware, QEMU and go-pprof cross-checks),
# then the fuzz harnesses for a fixed number of inputs (`make fuzz-ci` in ./build-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
./autogen.sh >/dev/null 2>&1
rm -rf build-check
mkdir build-check
cd build-check
../configure --quiet --enable-sanitizers
make -j"$(nproc)" --quiet
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if ! make -j"$(nproc)" check; then
  for f in $(find . -name '*.log' -newer Makefile | grep -v config.log); do
    if grep -qE '^(FAIL|ERROR)' "${f%.log}.trs" 2>/dev/null; then echo "==== $f"; tail -n 60 "$f"; fi
  done
  exit 1
fi
# a one-line tally for CI readers
total=$(grep -h '^:test-result:' $(find . -name '*.trs') | wc -l)
failed=$(grep -h '^:test-result: \(FAIL\|ERROR\)' $(find . -name '*.trs') | wc -l || true)
echo "$((total - failed)) passed, $failed failed"
# The fuzz harnesses (fuzz/), each for a fixed number of inputs from seed 1 after
# replaying fuzz/regressions/, in a clang build of their own in ./build-fuzz
# (--enable-fuzzing: ASan + UBSan + libFuzzer's coverage on every object).
cd ..
rm -rf build-fuzz
mkdir build-fuzz
cd build-fuzz
../configure --quiet --enable-fuzzing
make -j"$(nproc)" --quiet fuzz-ci FUZZ_JOBS="$(nproc)"
