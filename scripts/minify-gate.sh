#!/usr/bin/env bash
# Makes Sources/PorticoGate/Resources/gate.min.js, the gate script every gated page carries inline, from gate.js (the
# source, which the node tests also run) with esbuild: whitespace, comments and local names go, property names and
# behaviour stay. A gated page carries it inline, so each byte is written once per page (bench/RESULTS.md, #17).
#   scripts/minify-gate.sh          write gate.min.js again after changing gate.js
#   scripts/minify-gate.sh --check  fail when gate.min.js is not what gate.js makes (make test-js runs this)
# esbuild comes from Debian (apt-get install esbuild); the committed file was made with the version in EXPECTED.
set -euo pipefail
cd "$(dirname "$0")/.."
EXPECTED=0.17.0
source=Sources/PorticoGate/Resources/gate.js
target=Sources/PorticoGate/Resources/gate.min.js
if ! command -v esbuild >/dev/null; then
  echo "minify-gate.sh: esbuild is missing: apt-get install esbuild (Debian's $EXPECTED made $target)" >&2
  exit 1
fi
version=$(esbuild --version)
# es2020: what the gate's browsers (WebCrypto, IndexedDB, Unicode property escapes) all run.
made=$(esbuild "$source" --minify --target=es2020 --charset=utf8 --log-level=warning)
if [[ ${1:-} == --check ]]; then
  if [[ "$made" != "$(cat "$target")" ]]; then
    echo "minify-gate.sh: $target is not what $source makes now." >&2
    echo "  Run scripts/minify-gate.sh and commit both files." >&2
    [[ $version != "$EXPECTED" ]] && echo "  (esbuild here is $version; $target was made with $EXPECTED, whose output may differ)" >&2
    exit 1
  fi
  echo "minify-gate.sh: $target matches $source ($(wc -c <"$source") → $(wc -c <"$target") bytes)"
else
  [[ $version != "$EXPECTED" ]] && echo "minify-gate.sh: warning: esbuild $version, not $EXPECTED: CI's check may differ" >&2
  printf '%s\n' "$made" >"$target"
  echo "wrote $target ($(wc -c <"$source") → $(wc -c <"$target") bytes)"
fi
