#!/usr/bin/env bash
# e2e_readme.sh: the README's example paragraphs ("What a run reports") are what baregc
# prints for the GC demo: the run paragraph (but for the host-speed figures and the image
# path) and the GC paragraph, word for word. The README wraps them; joined with spaces
# they must be the printed lines. A change in either fails here: update the README.
. "$(dirname "$0")/lib.sh"

README="$SRCDIR/README.md"
FW="$FWDIR/gc-demo-mps2-an385.elf"
[ -f "$README" ] || skip_all "no README.md in $SRCDIR"

# The code block that follows the README line matching $1, joined into one line.
readme_block() {
  awk -v after="$1" '
    index($0, after) { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { printf "%s%s", sep, $0; sep = " " }
    END { print "" }' "$README"
}

# Host speed and the image's path differ from machine to machine and build to build.
normalize() {
  sed -E -e 's/host [0-9.]+ s, [0-9.]+ MIPS, [0-9.]+x real time/host H s, M MIPS, Rx real time/' \
    -e 's/^baregc: [^ ]*gc-demo-mps2-an385\.elf on /baregc: IMAGE on /'
}

run_baregc "$TMP/demo" run "$FW"
expect_rc "the demo runs to its end" 0

readme_block "At the end, unless \`--quiet\`, one paragraph on stderr:" | normalize >"$TMP/readme.run"
grep '^baregc: .* on mps2-an385 (' "$TMP/demo.err" | normalize >"$TMP/printed.run"
check "the README has a run paragraph" test -s "$TMP/readme.run"
expect_same "the run paragraph is the README's (host figures and path aside)" "$TMP/readme.run" "$TMP/printed.run"

readme_block "When a collector is recognised, a second paragraph sums up the recording:" >"$TMP/readme.gc"
grep '^GC: ' "$TMP/demo.err" >"$TMP/printed.gc"
check "the README has a GC paragraph" test -s "$TMP/readme.gc"
expect_same "the GC paragraph is the README's, word for word" "$TMP/readme.gc" "$TMP/printed.gc"

finish
