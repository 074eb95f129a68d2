#!/usr/bin/env bash
# make demo: the published demo site, the feedback, workshop and reading endpoints and the console on one
# local port (http://127.0.0.1:8099), with a reader link and a staff sign-in link that work as printed.
# Expects `make run` to have built site/ (it does: `make demo` depends on it). Ctrl-C stops the server.
set -euo pipefail
PORTICO=${PORTICO:-.build/debug/portico}
DB=${DEMO_DB:-feedback.sqlite}
"$PORTICO" serve --content content --site site --db "$DB" --port 8099 > .portico/demo-serve.out 2> .portico/demo-serve.log &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do grep -q Listening .portico/demo-serve.out 2>/dev/null && break; kill -0 $server 2>/dev/null || break; sleep 0.1; done
if ! grep -q Listening .portico/demo-serve.out 2>/dev/null; then cat .portico/demo-serve.log >&2; exit 1; fi
python3 scripts/sample_reading_events.py --db "$DB" --site site --keys .portico/server-keys
echo
echo "Portico demo on http://127.0.0.1:8099 (Ctrl-C stops it)"
echo
echo "A reader (Northbridge Bank):"
"$PORTICO" token list bank --links --content content 2>/dev/null | grep -m1 'http'
echo
echo "The account manager's console sign-in (Mei Chen, both accounts):"
"$PORTICO" token issue --staff mei-chen --content content 2>/dev/null
echo
wait $server
