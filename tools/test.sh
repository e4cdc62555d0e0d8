#!/usr/bin/env bash
# The whole test suite: installs missing packages, builds with warnings as errors, runs every test.
# Soak modes are opt-in: LEDGER_CRASH_CYCLES=5000 tools/test.sh runs the crash test longer.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/setup.sh"
"$root/tools/build.sh" -DLEDGER_WERROR=ON
cd "${LEDGER_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${LEDGER_JOBS:-$(nproc)}" "$@"
