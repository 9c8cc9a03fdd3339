#!/usr/bin/env bash
# fuzz/make-corpus.sh OUTDIR: the seed inputs of the fuzz harnesses, from the project's
# own files and the build's own artifacts (nothing is downloaded), one directory per
# harness under OUTDIR (and OUTDIR/NAME.dict for those that read JSON). Seeds are kept small so that runs are fast: firmware images
# stripped (with DWARF only for the smallest of each architecture, plus truncated
# copies), runs cut short with --max-cycles.
# Environment (the build sets them): SRCDIR (source tree), FWDIR (built firmware),
# BAREGC (the program), IMAGE_SEEDS (fuzz/make_image_seeds: small synthetic images),
# ARM_CC and RISCV_CC (their binutils strip the images). Missing firmware or programs:
# those seeds are left out.
set -euo pipefail
out=${1:?usage: make-corpus.sh OUTDIR}
: "${SRCDIR:?}" "${FWDIR:=firmware}" "${BAREGC:=./baregc}"
rm -rf "$out"
for h in image board gc_profile budget record_json events_bin gc_events; do mkdir -p "$out/fuzz_$h"; done

# ---- firmware images (fuzz_image) ----
strip_tool() { # CC: the binutils strip beside a cross gcc, if any
  local s=${1%gcc}strip
  [ -n "$1" ] && command -v "$s" >/dev/null 2>&1 && echo "$s"
}
arm_strip=$(strip_tool "${ARM_CC:-}" || true)
rv_strip=$(strip_tool "${RISCV_CC:-}" || true)
image_seeds() { # NAME STRIP FULL: the image stripped of DWARF, of all symbols, and in full
  local elf=$FWDIR/$1.elf dst=$out/fuzz_image/$1
  [ -f "$elf" ] && [ -n "$2" ] || return 0
  "$2" --strip-debug -o "$dst.nodebug.elf" "$elf"
  "$2" --strip-all -o "$dst.nosyms.elf" "$elf"
  head -c 1024 "$dst.nodebug.elf" >"$dst.head.elf"
  if [ "$3" = full ]; then cp "$elf" "$dst.elf"; fi
}
image_seeds t-fault-badinsn "$arm_strip" full
image_seeds t-fault-badinsn-rv "$rv_strip" full
image_seeds gc-demo-microbit "$arm_strip" -
image_seeds events-demo-mps2-an385 "$arm_strip" -
image_seeds gc-demo-virt-rv32 "$rv_strip" -
if [ -n "${IMAGE_SEEDS:-}" ] && [ -x "$IMAGE_SEEDS" ]; then "$IMAGE_SEEDS" "$out/fuzz_image"; fi

# ---- JSON files of the source tree ----
for f in "$SRCDIR"/boards/*.json; do cp "$f" "$out/fuzz_board/"; done
for f in "$SRCDIR"/firmware/profiles/*.json; do cp "$f" "$out/fuzz_gc_profile/"; done
# the example of docs/gc-profile.md (its first JSON block)
sed -n '/^```json$/,/^```$/{/^```/d;p}' "$SRCDIR/docs/gc-profile.md" | sed '/^}$/q' >"$out/fuzz_gc_profile/docs-example.json"
cat >"$out/fuzz_gc_profile/begin-end.json" <<'JSON'
{"name": "steps", "pause": [{"begin": "gc_start", "end": "gc_end", "incremental": true}, {"function": "gc_collect"}],
 "realloc": {"function": "gc_realloc", "ptr_arg": 1, "size_arg": 2},
 "heap": {"start": "_heap_start", "end": "_heap_end", "indirect": true},
 "counters": {"free_bytes": {"symbol": "gc_stats", "offset": 4, "size": 8}, "largest_free_bytes": {"symbol": "heap_used", "size": 2}}}
JSON
cp "$SRCDIR/examples/budget.json" "$out/fuzz_budget/"
echo '{"mmu": [{"window_us": 1000, "min": 0.5}], "min_pauses": 1}' >"$out/fuzz_budget/small.json"

# ---- recorded runs (fuzz_record_json: record.json NUL events.bin; fuzz_events_bin) ----
record_seed() { # NAME CYCLES
  local elf=$FWDIR/$1.elf tmp
  [ -f "$elf" ] && [ -x "$BAREGC" ] || return 0
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/baregc-corpus.XXXXXX")
  "$BAREGC" run "$elf" --max-cycles "$2" --quiet --out "$tmp" </dev/null >/dev/null 2>&1 || true
  if [ -f "$tmp/record.json" ]; then
    { cat "$tmp/record.json"; printf '\0'; cat "$tmp/events.bin"; } >"$out/fuzz_record_json/$1.bin"
    cp "$tmp/events.bin" "$out/fuzz_events_bin/$1.bin"
  fi
  rm -rf "$tmp"
}
record_seed gc-demo-mps2-an385 100000
record_seed gc-demo-microbit 300000
record_seed events-demo-mps2-an385 150000

# ---- event-channel streams (fuzz_gc_events: 5 bytes a write, fuzz/fuzz_gc_events.c) ----
# ev WORD / arg WORD: a 32-bit write on port 24 / 25; byte PORTSEL VALUE: a 1-byte
# write (PORTSEL 0: port 24, 1: port 25, else that port).
hex() { printf "\\x$(printf %02x $(($1 & 255)))"; }
le32() { hex "$1"; hex $(($1 >> 8)); hex $(($1 >> 16)); hex $(($1 >> 24)); }
ev() { hex 0; le32 "$1"; }
arg() { hex 4; le32 "$1"; }
byte() { hex $(($1 << 2 | 1)); le32 "$2"; }
name() { # a phase name's argument words
  local s=$1 i w
  for ((i = 0; i < ${#s}; i += 4)); do
    w=0
    for k in 0 1 2 3; do
      [ $((i + k)) -lt ${#s} ] && w=$((w | $(printf %d "'${s:i+k:1}") << (8 * k)))
    done
    arg $w
  done
}
phase() { ev $((0x12 << 24 | ((${#1} + 3) / 4) << 20 | ${#1})); name "$1"; }
{ # a collection as firmware/common/gcevents.h reports it
  ev $((0x01 << 24 | 1))
  ev $((0x20 << 24 | 1 << 20 | 24)); arg 0x20001000
  ev $((0x20 << 24 | 2 << 20 | 0xFFFFF)); arg 0x20001020; arg 2000000
  ev $((0x10 << 24 | 2))
  ev $((0x22 << 24 | 3 << 20)); arg 4096; arg 1024; arg 512
  phase mark; ev $((0x13 << 24))
  phase sweep-and-compact; ev $((0x21 << 24 | 1 << 20)); arg 0x20001000; ev $((0x13 << 24))
  ev $((0x11 << 24))
  ev $((0x22 << 24 | 3 << 20)); arg 2048; arg 3072; arg 3072
  ev $((0x10 << 24 | 0x100 | 1)); ev $((0x11 << 24))
} >"$out/fuzz_gc_events/collection.bin"
{ # an interrupt's events between the words of another
  ev $((0x01 << 24 | 1))
  ev $((0x22 << 24 | 3 << 20)); arg 100
  ev $((0x20 << 24 | 1 << 20 | 8)); arg 0x20000100
  arg 200; arg 300
  ev $((0x10 << 24)); phase m; ev $((0x11 << 24))
} >"$out/fuzz_gc_events/nested.bin"
{ # malformed: unknown opcode with arguments, short writes, orphans, bad names, a restart
  ev $((0x01 << 24 | 1))
  ev $((0x7f << 24 | 2 << 20)); arg 1; arg 2
  byte 0 0x10000000; byte 3 42
  arg 5
  ev $((0x10 << 24)); ev $((0x12 << 24 | 1 << 20 | 2)); arg 0x0101
  ev $((0x13 << 24)); ev $((0x10 << 24 | 9))
  ev $((0x21 << 24 | 1 << 20))
  ev $((0x01 << 24 | 2)); ev $((0x10 << 24)); ev $((0x01 << 24 | 1)); ev $((0x11 << 24))
} >"$out/fuzz_gc_events/malformed.bin"

# ---- dictionaries of the JSON harnesses (libFuzzer -dict): JSON's tokens and every
# short string of their seeds (keys, names, enumerated values) ----
for h in board gc_profile budget record_json; do
  { printf '"%s"\n' '{' '}' '[' ']' ':' ',' true false null -1 0.5 1e400 4294967296 9007199254740993
    grep -aohE '"[A-Za-z0-9_.:/+ -]{1,40}"' "$out/fuzz_$h"/* | grep -v '^"0x' | sort -u | sed 's/"/\\"/g; s/^/"/; s/$/"/'
  } >"$out/fuzz_$h.dict"
done

for d in "$out"/*/; do
  echo "$(basename "$d"): $(find "$d" -type f | wc -l) seeds, $(du -sk "$d" | cut -f1) KiB"
done
