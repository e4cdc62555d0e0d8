#!/usr/bin/env bash
# The main job: installs missing packages, builds, makes a demo ledger in ./demo-ledger, prints a
# summary, API tokens and where to look, and serves it on http://127.0.0.1:8080 until Ctrl-C; the
# last line printed is the web console's address (http://127.0.0.1:8080/ui/).
# Run again, it serves the ledger it made before (delete ./demo-ledger for a fresh one).
# Arguments go to `ledgerctl demo` (e.g. --complaints 100000 --seed 7 --listen 127.0.0.1:9090).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/setup.sh"
export LEDGER_BUILD_DIR="${LEDGER_BUILD_DIR:-$root/build-demo}"  # apart from the tests' build
LEDGER_BUILD_TYPE=${LEDGER_BUILD_TYPE:-Release} "$root/tools/build.sh" -DLEDGER_WERROR=ON -DLEDGER_BUILD_TESTS=OFF \
  -DLEDGER_BUILD_BENCH=OFF
ctl="$LEDGER_BUILD_DIR/tools/ledgerctl/ledgerctl"
data="${LEDGER_DEMO_DIR:-$root/demo-ledger}"
if "$ctl" --data "$data" head >/dev/null 2>&1; then
  echo "demo: $data already holds the demo ledger; serving it (delete it for a fresh one)"
  echo "demo: a new auditor token: $("$ctl" --data "$data" token add --actor u-auditor-01 --role auditor 2>/dev/null)"
  "$ctl" --data "$data" verify
  echo "demo: sign in to the web console (the 'console:' line below) with that token"
  exec "$ctl" --data "$data" serve
fi
exec "$ctl" --data "$data" demo "$@"
