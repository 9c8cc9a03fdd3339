#!/usr/bin/env bash
# symbols.sh: no global symbol of baregc's own code may also be exported by libunicorn:
# libunicorn.so exports QEMU's internals (cpu_reset, tb_flush, ...), and a same-named
# function of ours would silently replace Unicorn's own (as cpu_reset once did).
set -u
: "${LIBBAREGC:?}" "${UNICORN_LIBDIR:?}"
lib=$(ls "$UNICORN_LIBDIR"/libunicorn.so* 2>/dev/null | head -n 1)
if [ -z "$lib" ]; then echo "1..0 # SKIP libunicorn.so not found in $UNICORN_LIBDIR"; exit 0; fi
ours=$(nm -g --defined-only "$LIBBAREGC" | awk 'NF == 3 {print $3}' | sort -u)
theirs=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort -u)
clash=$(comm -12 <(echo "$ours") <(echo "$theirs"))
n_ours=$(echo "$ours" | wc -l)
if [ -n "$clash" ]; then
  echo "not ok - symbols defined by both baregc and $lib:"; echo "$clash" | sed 's/^/    /'
  echo "1..1"; echo "0 passed, 1 failed"; exit 1
fi
echo "ok - none of baregc's $n_ours global symbols clashes with $(basename "$lib")"
echo "1..1"; echo "1 passed, 0 failed"
