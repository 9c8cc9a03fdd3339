#!/usr/bin/env bash
# layers.sh: the folders are layers and include only downwards (README.md, Architecture):
#   base < devices < cpu < gc < traces < ui < sim
# Every `#include "DIR/..."` in a folder's sources must name that folder or one below
# it; <unicorn/unicorn.h> is included in cpu/ alone; each folder's local.mk builds
# only that folder's own files.
. "$(dirname "$0")/lib.sh"
cd "$SRCDIR" || exit 1
LAYERS=(base devices cpu gc traces ui sim)
rank() { local i; for i in "${!LAYERS[@]}"; do [ "${LAYERS[$i]}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }

for dir in "${LAYERS[@]}"; do
  r=$(rank "$dir")
  bad=()
  while IFS=: read -r file line inc; do
    to=${inc#*\"}; to=${to%%/*}
    t=$(rank "$to")
    [ "$t" -ge 0 ] || continue          # config.h and the like
    [ "$t" -le "$r" ] || bad+=("$file:$line includes $to/ (above $dir/)")
  done < <(grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]*/' "$dir"/*.[ch] 2>/dev/null)
  if [ ${#bad[@]} -eq 0 ]; then ok "$dir/ includes only $dir/ and the layers below it"
  else not_ok "$dir/ includes a layer above it:"; printf '    %s\n' "${bad[@]}"; fi
done

users=$(grep -l '#[[:space:]]*include[[:space:]]*<unicorn/' -- */*.[ch] 2>/dev/null | grep -v '^cpu/\|^bench/' || true)
if [ -z "$users" ]; then ok "only cpu/ includes unicorn.h"; else not_ok "unicorn.h included outside cpu/: $users"; fi

# Build fragments: every source path a folder's local.mk names lies in that folder
# (tests/ builds the tests; firmware/ its images; bench/ its programs).
for mk in */local.mk; do
  dir=${mk%/local.mk}
  foreign=$(grep -v '^[[:space:]]*#' "$mk" | grep -oE '\b(base|devices|cpu|gc|traces|ui|sim)/[A-Za-z0-9_]+\.[ch]\b' |
            grep -v "^$dir/" | sort -u | tr '\n' ' ')
  if [ -z "$foreign" ]; then ok "$mk builds only $dir/'s files"; else not_ok "$mk names other folders' sources: $foreign"; fi
done
finish
