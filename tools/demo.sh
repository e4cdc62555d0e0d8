#!/usr/bin/env bash
# The main job: installs missing packages, builds, makes a demo ledger in ./demo-ledger, prints a
# summary, API tokens for each role and where to look, and serves it on http://127.0.0.1:8080
# until Ctrl-C; the last line printed is the web console's address (http://127.0.0.1:8080/ui/).
#
# Arguments go to `ledgerctl demo` (e.g. --complaints 100000 --seed 7 --listen 127.0.0.1:9090).
# Run again, it serves the ledger it made before, says so, prints the summary again and issues
# fresh tokens (revoking the ones it issued last time). A size or seed other than the default
# demo's gets its own directory (./demo-ledger-<complaints>-seed<seed>), made on the first run and
# served on the next; delete a directory for a fresh one. LEDGER_DEMO_DIR chooses the directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/setup.sh"
export LEDGER_BUILD_DIR="${LEDGER_BUILD_DIR:-$root/build-demo}"  # apart from the tests' build
LEDGER_BUILD_TYPE=${LEDGER_BUILD_TYPE:-Release} "$root/tools/build.sh" -DLEDGER_WERROR=ON -DLEDGER_BUILD_TESTS=OFF \
  -DLEDGER_BUILD_BENCH=OFF
ctl="$LEDGER_BUILD_DIR/tools/ledgerctl/ledgerctl"

# The size and seed asked (ledgerctl demo's defaults otherwise).
complaints=3000 seed=1
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --complaints=*) complaints="${args[$i]#*=}" ;;
    --seed=*) seed="${args[$i]#*=}" ;;
    --complaints) complaints="${args[$((i + 1))]:-}" ;;
    --seed) seed="${args[$((i + 1))]:-}" ;;
  esac
done
if [[ -n "${LEDGER_DEMO_DIR:-}" ]]; then
  data="${LEDGER_DEMO_DIR%/}"
elif [[ "$complaints" == 3000 && "$seed" == 1 ]]; then
  data="$root/demo-ledger"
else
  data="$root/demo-ledger-$complaints-seed$seed"
  echo "demo: $complaints complaints with seed $seed asked: their ledger is $data" \
    "(./demo-ledger keeps the default demo)"
fi
# A demo ledger made before `ledgerctl demo` recorded what it made (DIR/demo.json): served as it
# is, with a new auditor token, as earlier versions of this script did (delete it for a fresh
# demo with tokens for every role).
if [[ -f "$data/CURRENT" && ! -f "$data/demo.json" ]]; then
  echo "demo: $data was made by an earlier version of the demo; serving it as it is (delete it" \
    "for a fresh demo with tokens for every role)"
  echo "demo: a new auditor token: $("$ctl" --data "$data" token add --actor u-auditor-01 --role auditor 2>/dev/null)"
  exec "$ctl" --data "$data" serve
fi
# Complainants' personal data is sealed (docs/privacy.md): the key-encryption key lives beside the
# ledger, never inside it ($data.kek, 0600, made once), unless --kek names another. A demo ledger
# made before the demo sealed is served as it is, in the clear.
kek_args=()
user_kek=false
for a in "$@"; do [[ "$a" == --kek || "$a" == --kek=* ]] && user_kek=true; done
if [[ "$user_kek" == false && (! -f "$data/CURRENT" || -f "$data/keystore.ref") ]]; then
  if [[ ! -f "$data.kek" ]]; then
    "$ctl" keystore new-kek --out "$data.kek" >/dev/null
  fi
  kek_args=(--kek "$data.kek")
fi
exec "$ctl" --data "$data" demo "${kek_args[@]}" "$@"
