# tests/lib.sh: helpers for the end-to-end tests (sourced). The build exports
# BAREGC (the program), FWDIR (built firmware), SRCDIR (source tree).
set -u
: "${BAREGC:?BAREGC not set (run through make check)}"
: "${FWDIR:?FWDIR not set}"
: "${SRCDIR:?SRCDIR not set}"
EXPECTED="$SRCDIR/tests/expected"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/baregc-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PASSED=0
FAILED=0
SKIPPED=0

# The scripts speak TAP (automake's tap-driver.sh reads them): a line a case, the plan last.
ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
# skip REASON: one case that could not run here
skip() { SKIPPED=$((SKIPPED + 1)); echo "ok - $* # SKIP"; }
# skip_all REASON: nothing of this script can run here
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }

# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
  local d=$1; shift
  if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# run_baregc OUTPREFIX ARGS...: runs baregc, stdout/stderr to OUTPREFIX.{out,err}, status in $RC
run_baregc() {
  local p=$1; shift
  RC=0
  timeout 120 "$BAREGC" "$@" >"$p.out" 2>"$p.err" </dev/null || RC=$?
}

# expect_rc DESCRIPTION WANT: compares $RC
expect_rc() {
  if [ "$RC" = "$2" ]; then ok "$1: exit $2"; else not_ok "$1: exit $RC, wanted $2"; fi
}

# expect_grep DESCRIPTION FILE REGEX
expect_grep() {
  if grep -Eq -- "$3" "$2"; then ok "$1"; else not_ok "$1 (no /$3/ in $(basename "$2"):)"; sed 's/^/    /' "$2" | head -20; fi
}

# expect_same DESCRIPTION FILE_A FILE_B
expect_same() {
  if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1"; diff "$2" "$3" | head -20 | sed 's/^/    /'; fi
}

# relay_tap FILE: the "ok - ..." / "not ok - ..." lines a checker script wrote, as cases
relay_tap() {
  local line
  while IFS= read -r line; do
    case $line in
      ok\ -\ *) ok "${line#ok - }" ;;
      *) not_ok "${line#not ok - }" ;;
    esac
  done <"$1"
}

finish() {
  echo "1..$((PASSED + FAILED + SKIPPED))"
  echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
  [ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
}
