#!/usr/bin/env bash
# The whole test suite: installs missing packages, builds with warnings as errors, runs every test.
# Soak modes are opt-in: LEDGER_CRASH_CYCLES=5000 tools/test.sh runs the crash test longer.
# LEDGER_SANITIZE=1 tools/test.sh builds with AddressSanitizer and UndefinedBehaviorSanitizer
# (leaks included) into build-asan/ and runs the same suite there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/setup.sh"
extra=()
if [ -n "${LEDGER_SANITIZE:-}" ]; then
  export LEDGER_BUILD_DIR="${LEDGER_BUILD_DIR:-$root/build-asan}"
  export LEDGER_BUILD_TYPE="${LEDGER_BUILD_TYPE:-Debug}"
  extra=(-DLEDGER_SANITIZE=ON -DLEDGER_BUILD_BENCH=OFF)
fi
"$root/tools/build.sh" -DLEDGER_WERROR=ON "${extra[@]}"
cd "${LEDGER_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${LEDGER_JOBS:-$(nproc)}" "$@"
