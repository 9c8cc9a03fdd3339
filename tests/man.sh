#!/usr/bin/env bash
# man.sh: docs/baregc.1 stays true to the program: it has the usual sections, a
# subsection for every command, every option each command's --help lists (in the
# command's subsection, or in RUN OPTIONS for a command that takes them), every exit
# code of sim/exitcode.h and of README.md's table, and groff renders it without a warning.
. "$(dirname "$0")/lib.sh"

MAN="$SRCDIR/docs/baregc.1"
# The page as plain words: roff's \- as -, no font changes, \(en as -.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(en/-/g' "$MAN" >"$TMP/man.txt"
# section NAME: the lines from ".SH NAME" (or ".SS NAME") up to the next heading
section() {
  awk -v want="$1" '
    /^\.S[HS] / { name = $0; sub(/^\.S[HS] "?/, "", name); sub(/"$/, "", name); on = (name == want); next }
    on' "$TMP/man.txt"
}
# has_word FILE WORD: WORD stands alone in FILE (not as part of a longer option)
has_word() { grep -Eq -- "(^|[^-a-zA-Z0-9])$2([^-a-zA-Z0-9]|\$)" "$1"; }

for s in NAME SYNOPSIS DESCRIPTION COMMANDS "RUN OPTIONS" "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
  check "the page has a $s section" grep -q "^\.SH \"\?$s\"\?\$" "$TMP/man.txt"
done

section "RUN OPTIONS" >"$TMP/run-options.txt"
"$BAREGC" --list-options run | cut -d' ' -f1 >"$TMP/run.opts"
cmds=$("$BAREGC" --list-commands)
check "baregc --list-commands lists the commands" test "$(echo "$cmds" | wc -l)" -ge 9
for c in $cmds; do
  section "$c" >"$TMP/$c.txt"
  check "$c has a subsection" test -s "$TMP/$c.txt"
  check "$c is in the synopsis" bash -c "sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' '$TMP/man.txt' | grep -q '^\.B baregc $c'"
  "$BAREGC" --list-options "$c" | cut -d' ' -f1 >"$TMP/$c.opts"
  check "$c --help lists options" test -s "$TMP/$c.opts"
  takes_run=no
  grep -q "RUN OPTIONS" "$TMP/$c.txt" && takes_run=yes
  missing=
  while read -r o; do
    has_word "$TMP/$c.txt" "$o" && continue
    [ $takes_run = yes ] && grep -qx -- "$o" "$TMP/run.opts" && has_word "$TMP/run-options.txt" "$o" && continue
    missing="$missing $o"
  done <"$TMP/$c.opts"
  if [ -z "$missing" ]; then ok "every option of $c --help is in the page"; else not_ok "$c's options not in the page:$missing"; fi
done

section "EXIT STATUS" >"$TMP/exit.txt"
codes=$(grep -Eo '= [0-9]+' "$SRCDIR/sim/exitcode.h" | tr -d '= ')
check "sim/exitcode.h has its codes" test "$(echo "$codes" | wc -w)" -ge 10
# (0 is the start of the range 0-63)
for n in $codes; do
  check "exit code $n (sim/exitcode.h) is in EXIT STATUS" grep -Eqx "\.B $n(-63)?" "$TMP/exit.txt"
done
for n in $(sed -n '/^## Exit codes/,/^## /p' "$SRCDIR/README.md" | grep -Eo '^\| [0-9]+' | tr -d '| '); do
  check "exit code $n (README.md) is in EXIT STATUS" grep -Eqx "\.B $n(-63)?" "$TMP/exit.txt"
done
check "exit codes 0-63 (README.md) are in EXIT STATUS" grep -qx '\.B 0-63' "$TMP/exit.txt"

if command -v groff >/dev/null 2>&1; then
  LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$MAN" 2>"$TMP/groff.err"
  check "groff renders the page" test $? -eq 0
  if [ -s "$TMP/groff.err" ]; then not_ok "groff warns:"; sed 's/^/    /' "$TMP/groff.err"; else ok "groff gives no warning"; fi
else
  skip "groff not installed"
fi
finish
