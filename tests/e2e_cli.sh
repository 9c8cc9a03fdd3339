#!/usr/bin/env bash
# e2e_cli.sh: bad command lines and bad inputs get one clear line and a documented exit code.
. "$(dirname "$0")/lib.sh"
DEMO="$FWDIR/gc-demo-mps2-an385.elf"

run_baregc "$TMP/a"; expect_rc "no command" 64
run_baregc "$TMP/a" frobnicate; expect_rc "unknown command" 64
run_baregc "$TMP/a" run; expect_rc "run without image" 64
run_baregc "$TMP/a" run "$DEMO" --max-cycles abc; expect_rc "bad --max-cycles" 64
expect_grep "bad --max-cycles is named" "$TMP/a.err" "max-cycles"
run_baregc "$TMP/a" run "$DEMO" --bogus; expect_rc "unknown option" 64
run_baregc "$TMP/a" --version; expect_rc "--version" 0
expect_grep "--version prints the version" "$TMP/a.out" "^baregc [0-9]"
run_baregc "$TMP/a" run --help; expect_rc "run --help" 0
expect_grep "run --help documents exit codes" "$TMP/a.out" "Exit status"

run_baregc "$TMP/a" run "$TMP/does-not-exist.elf"; expect_rc "missing file" 66
expect_grep "missing file is named" "$TMP/a.err" "does-not-exist.elf"

printf 'hello, not an ELF\n' >"$TMP/text.elf"
run_baregc "$TMP/a" run "$TMP/text.elf"; expect_rc "not an ELF" 65
expect_grep "not an ELF says so" "$TMP/a.err" "[Nn]ot an ELF"

head -c 200 "$DEMO" >"$TMP/trunc.elf"
run_baregc "$TMP/a" run "$TMP/trunc.elf"; expect_rc "truncated ELF" 65
expect_grep "truncated ELF says so" "$TMP/a.err" "[Tt]runcated"

run_baregc "$TMP/a" run /bin/true; expect_rc "host (ELF64) binary" 65
expect_grep "ELF64 is named" "$TMP/a.err" "64"

run_baregc "$TMP/a" run "$DEMO" --board sifive_e; expect_rc "ARM image on a RISC-V board" 67
expect_grep "wrong-architecture message" "$TMP/a.err" "RISC-V|rv32|ARM"

run_baregc "$TMP/a" run "$DEMO" --board no-such-board; expect_rc "unknown board" 67
expect_grep "unknown board is named" "$TMP/a.err" "no-such-board"

printf '{"name": "broken", "core": ' >"$TMP/broken.json"
run_baregc "$TMP/a" run "$DEMO" --board "$TMP/broken.json"; expect_rc "malformed board JSON" 67
expect_grep "malformed board file is named" "$TMP/a.err" "broken.json"

run_baregc "$TMP/a" run "$DEMO" --sram 64M; expect_rc "--sram larger than the part" 67

# --uart-out: a run refused before it starts leaves the file as it was (or absent); one
# that starts replaces it whole.
for i in $(seq 2000); do echo "keep me $i"; done >"$TMP/uart-keep.txt"
cp "$TMP/uart-keep.txt" "$TMP/uart-keep.orig"
run_baregc "$TMP/a" run "$DEMO" --uart-out "$TMP/uart-keep.txt" --uart-in "$TMP/no-such-input"
expect_rc "missing --uart-in" 66
check "a refused run leaves --uart-out as it was" cmp -s "$TMP/uart-keep.txt" "$TMP/uart-keep.orig"
run_baregc "$TMP/a" run "$DEMO" --uart-out "$TMP/uart-keep.txt" --board "$TMP/broken.json"
expect_rc "malformed board with --uart-out" 67
check "... a bad board too" cmp -s "$TMP/uart-keep.txt" "$TMP/uart-keep.orig"
run_baregc "$TMP/a" run "$DEMO" --uart-out "$TMP/uart-new.txt" --uart-in "$TMP/no-such-input"
expect_rc "missing --uart-in, --uart-out new" 66
check "... and creates no --uart-out" test ! -e "$TMP/uart-new.txt"
run_baregc "$TMP/a" run "$DEMO" --uart-out "$TMP/uart-keep.txt" --quiet
expect_rc "a run with --uart-out over an old file" 0
check "... replaces the file whole" sh -c "test -s '$TMP/uart-keep.txt' && ! grep -q 'keep me' '$TMP/uart-keep.txt'"

run_baregc "$TMP/a" boards; expect_rc "boards" 0
for b in mps2-an385 mps2-an386 microbit sifive_e virt-rv32; do
  expect_grep "boards lists $b" "$TMP/a.out" "^$b"
done

run_baregc "$TMP/a" info "$DEMO"; expect_rc "info" 0
expect_grep "info names the core" "$TMP/a.out" "cortex-m3|ARM"
expect_grep "info names the entry point" "$TMP/a.out" "[Ee]ntry"
# Did you mean: a mistyped command or option names the one meant, when one is close.
run_baregc "$TMP/a" rnu "$DEMO"; expect_rc "mistyped command" 64
expect_grep "mistyped command: did you mean" "$TMP/a.err" "^baregc: unknown command 'rnu'; did you mean 'run'\?"
run_baregc "$TMP/a" frobnicate; expect_grep "no suggestion for a word far from every command" "$TMP/a.err" \
  "^baregc: unknown command 'frobnicate'$"
check "... which is followed by the usage" grep -q "^Usage: baregc COMMAND" "$TMP/a.err"
run_baregc "$TMP/a" --verison; expect_rc "mistyped --version" 64
expect_grep "mistyped --version: did you mean" "$TMP/a.err" "unknown option '--verison'; did you mean '--version'\?"
run_baregc "$TMP/a" run --ouT "$TMP/d" "$DEMO"; expect_rc "mistyped option" 64
expect_grep "mistyped option: did you mean" "$TMP/a.err" \
  "^baregc run: unknown option '--ouT'; did you mean '--out'\? \(see baregc run --help\)$"
check "nothing was run for a mistyped option" test ! -e "$TMP/d"
run_baregc "$TMP/a" run "$DEMO" --max-cycle=1000; expect_rc "mistyped option=value" 64
expect_grep "mistyped option=value: did you mean" "$TMP/a.err" "unknown option '--max-cycle=1000'; did you mean '--max-cycles'\?"
run_baregc "$TMP/a" run "$DEMO" --bogus; expect_grep "no suggestion for an option far from every one" "$TMP/a.err" \
  "^baregc run: unknown option '--bogus' \(see baregc run --help\)$"
run_baregc "$TMP/a" check "$DEMO" --budgte b.json; expect_rc "check: mistyped option (check's usage status)" 2
expect_grep "check: did you mean" "$TMP/a.err" "did you mean '--budget'\?"
run_baregc "$TMP/a" report "$TMP" --baselin "$TMP"; expect_rc "report: mistyped option" 64
expect_grep "report: did you mean" "$TMP/a.err" "did you mean '--baseline'\?"
for c in info tui view; do
  run_baregc "$TMP/a" $c "$DEMO" --borad mps2-an385; expect_rc "$c: mistyped option" 64
  expect_grep "$c: did you mean" "$TMP/a.err" "^baregc $c: unknown option '--borad'; did you mean '--board'\?"
done
run_baregc "$TMP/a" boards --hepl; expect_grep "boards: did you mean" "$TMP/a.err" "did you mean '--help'\?"
run_baregc "$TMP/a" diff "$TMP" "$TMP" --HELP; expect_grep "diff: a case slip" "$TMP/a.err" "did you mean '--help'\?"
finish
