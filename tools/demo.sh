#!/usr/bin/env bash
# The main job: installs missing packages, builds, makes a demo ledger and prints where to look.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/setup.sh"
LEDGER_BUILD_TYPE=Release "$root/tools/build.sh" -DLEDGER_BUILD_TESTS=OFF -DLEDGER_BUILD_BENCH=OFF
exec "${LEDGER_BUILD_DIR:-$root/build}/tools/ledgerctl/ledgerctl" demo "$@"
