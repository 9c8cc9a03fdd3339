#!/usr/bin/env bash
# e2e_completion.sh: completions/baregc, sourced in bash and called as bash calls it
# (COMP_WORDS, COMP_CWORD): commands, each command's options as its --help lists them,
# the values an option takes (board names, choices, directories, files), firmware
# images for the command's argument.
. "$(dirname "$0")/lib.sh"

command -v bash >/dev/null 2>&1 || skip_all "bash not installed"
SCRIPT="$SRCDIR/completions/baregc"
mkdir -p "$TMP/work/out-dir" && : >"$TMP/work/fw.elf" && : >"$TMP/work/notes.txt" && : >"$TMP/work/my.json"

# comp WORD...: the completions of the last WORD (the one under the cursor) after the
# others, with the program as the first word, one a line, sorted, in $TMP/comp
comp() {
  (cd "$TMP/work" && bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
    _baregc
    printf "%s\n" "${COMPREPLY[@]}"' _ "$SCRIPT" "$BAREGC" "$@") | sort >"$TMP/comp"
}
# expect_comp DESCRIPTION WANT (the completions, space-separated, sorted) WORD...
expect_comp() {
  local d=$1 want=$2; shift 2
  comp "$@"
  local got; got=$(tr '\n' ' ' <"$TMP/comp" | sed 's/ $//')
  if [ "$got" = "$want" ]; then ok "$d"; else not_ok "$d: got '$got', wanted '$want'"; fi
}
# expect_has DESCRIPTION WORD-WANTED WORD...: the completions include WORD-WANTED
expect_has() {
  local d=$1 want=$2; shift 2
  comp "$@"
  if grep -qx -- "$want" "$TMP/comp"; then ok "$d"; else not_ok "$d: no '$want' in: $(tr '\n' ' ' <"$TMP/comp")"; fi
}

check "the script defines the completion for baregc" \
  bash -c "source '$SCRIPT' && complete -p baregc | grep -q _baregc"
expect_comp "baregc r<TAB>: run and report" "report run" r
expect_comp "baregc <TAB>: every command" "$("$BAREGC" --list-commands | sort | tr '\n' ' ' | sed 's/ $//')" ""
expect_comp "baregc --v<TAB>" "--version" --v
expect_comp "baregc run --bo<TAB>: --board" "--board" run --bo
expect_comp "baregc run --max-<TAB>" "--max-cycles --max-time" run --max-
expect_comp "baregc check --b<TAB>: --budget, --baseline, --board" "--baseline --board --budget" check --b
expect_comp "baregc report -<TAB>: report's own options" "--baseline --budget --help --output -o" report -
expect_has "baregc run --board <TAB> lists mps2-an385" mps2-an385 run --board ""
expect_comp "baregc run --board mps<TAB>: the MPS2 boards" "mps2-an385 mps2-an386" run --board mps
expect_has "--board <TAB> offers board files too" my.json run --board ""
expect_has "baregc run --board=<TAB> (split at =)" virt-rv32 run --board = ""
expect_comp "baregc run --board=si<TAB>" "sifive_e" run --board = si
expect_has "baregc sweep fw.elf --board <TAB> (sweep lists --board without a value)" microbit sweep fw.elf --board ""
expect_comp "baregc run --uart <TAB>: stdio, pty" "pty stdio" run --uart ""
expect_comp "baregc run --out <TAB>: directories" "out-dir" run --out ""
expect_comp "baregc run --max-cycles <TAB>: nothing to offer for a number" "" run --max-cycles ""
expect_comp "baregc run <TAB>: firmware images and directories" "fw.elf out-dir" run ""
expect_comp "baregc run f<TAB>" "fw.elf" run f
expect_comp "baregc run fw.elf --quiet <TAB>: the image again (an option without a value)" "fw.elf out-dir" run fw.elf --quiet ""
expect_has "baregc run --uart-out <TAB>: any file" notes.txt run --uart-out ""
expect_comp "baregc diff <TAB>: recorded runs (directories)" "out-dir" diff ""
expect_has "baregc boards <TAB>: board names" sifive_e boards ""
expect_comp "baregc nosuch --<TAB>: nothing for an unknown command" "" nosuch --
finish
